// The start-up migration runner, on in-memory PGlite and, when TEST_DATABASE_URL is set, on a
// throwaway PostgreSQL database. Run with NODE_OPTIONS=--experimental-vm-modules (PGlite loads its
// WASM with a dynamic import, which jest's VM only allows with that flag).
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { Client } from 'pg';
import { applyMigrations, MigrationError, pgliteRunner, pgRunner, withoutTransactionControl, type SqlRunner } from '../src/migrate';

const INIT = `-- CreateEnum
CREATE TYPE "Role" AS ENUM ('ADMIN', 'MEMBER');

-- CreateTable
CREATE TABLE "Author" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "role" "Role" NOT NULL DEFAULT 'MEMBER',
    "tags" TEXT[],

    CONSTRAINT "Author_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Author_email_key" ON "Author"("email");
`;

// Needs "Author": proves the order.
const POSTS = `-- CreateTable
CREATE TABLE "Post" (
    "id" SERIAL NOT NULL,
    "title" TEXT NOT NULL,
    "authorId" TEXT NOT NULL,

    CONSTRAINT "Post_pkey" PRIMARY KEY ("id")
);

-- AddForeignKey
ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "Author"("id") ON DELETE CASCADE ON UPDATE CASCADE;
`;

// What Prisma writes when an enum value is removed: its own BEGIN/COMMIT, plus a plpgsql block.
const ENUM_REWRITE = `-- AlterEnum
BEGIN;
CREATE TYPE "Role_new" AS ENUM ('ADMIN', 'EDITOR');
ALTER TABLE "Author" ALTER COLUMN "role" DROP DEFAULT;
ALTER TABLE "Author" ALTER COLUMN "role" TYPE "Role_new" USING ("role"::text::"Role_new");
ALTER TYPE "Role" RENAME TO "Role_old";
ALTER TYPE "Role_new" RENAME TO "Role";
DROP TYPE "Role_old";
ALTER TABLE "Author" ALTER COLUMN "role" SET DEFAULT 'EDITOR';
COMMIT;

DO $$
BEGIN
  PERFORM 1;
END
$$;
`;

const sha256 = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

function migrationsDir(migrations: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'kit-migrate-'));
  writeFileSync(path.join(dir, 'migration_lock.toml'), 'provider = "postgresql"\n');
  // Written in reverse: the order must come from the names, not from the file system.
  for (const name of Object.keys(migrations).reverse()) addMigration(dir, name, migrations[name]);
  return dir;
}

function addMigration(dir: string, name: string, sql: string) {
  mkdirSync(path.join(dir, name), { recursive: true });
  writeFileSync(path.join(dir, name, 'migration.sql'), sql);
}

interface Row {
  id: string;
  checksum: string;
  migration_name: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  started_at: Date;
  applied_steps_count: number;
  logs: string | null;
}

async function tableNames(runner: SqlRunner): Promise<string[]> {
  const rows = await runner.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name`,
  );
  return rows.map((r) => r.table_name);
}

const tempDirs: string[] = [];
afterAll(() => {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});

/**
 * The same cases on both databases. Every test works in a schema of its own (search_path), so one
 * database serves the whole file.
 */
function runnerSuite(
  label: string,
  setup: () => Promise<{ runner: (schema: string) => Promise<SqlRunner>; teardown: () => Promise<void> }>,
) {
  describe(label, () => {
    let env: Awaited<ReturnType<typeof setup>>;
    let n = 0;
    const fresh = async () => env.runner(`t${++n}_${randomBytes(3).toString('hex')}`);
    const dir = (m: Record<string, string>) => {
      const d = migrationsDir(m);
      tempDirs.push(d);
      return d;
    };

    // Starting PGlite is CPU-bound (WebAssembly): on a loaded 2-core machine it may take minutes.
    beforeAll(async () => {
      env = await setup();
    }, 300_000);
    afterAll(async () => {
      await env?.teardown();
    });

    test('applies the migrations in name order, recorded as Prisma records them', async () => {
      const runner = await fresh();
      const d = dir({ '20240101000000_init': INIT, '20240102000000_posts': POSTS, '20240103000000_enum_rewrite': ENUM_REWRITE });
      const logs: string[] = [];
      const result = await applyMigrations(runner, d, { log: (m) => logs.push(m) });

      expect(result).toEqual({
        applied: ['20240101000000_init', '20240102000000_posts', '20240103000000_enum_rewrite'],
        alreadyApplied: [],
      });
      expect(await tableNames(runner)).toEqual(['Author', 'Post', '_prisma_migrations']);
      const rows = await runner.query<Row>(`SELECT * FROM "_prisma_migrations" ORDER BY started_at`);
      expect(rows.map((r) => r.migration_name)).toEqual(result.applied);
      for (const [i, sql] of [INIT, POSTS, ENUM_REWRITE].entries()) {
        expect(rows[i].checksum).toBe(sha256(sql));
        expect(rows[i].id).toMatch(/^[0-9a-f-]{36}$/);
        expect(rows[i].finished_at).toBeInstanceOf(Date);
        expect(rows[i].finished_at!.getTime()).toBeGreaterThanOrEqual(rows[i].started_at.getTime());
        expect(rows[i].rolled_back_at).toBeNull();
        expect(rows[i].logs).toBeNull();
        expect(rows[i].applied_steps_count).toBe(1);
      }
      // The enum rewrite ran (inside the runner's transaction, its own BEGIN/COMMIT skipped).
      const [{ labels }] = await runner.query<{ labels: string }>(
        `SELECT string_agg(enumlabel, ',' ORDER BY enumsortorder) AS labels FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid WHERE t.typname = 'Role' AND t.typnamespace = current_schema()::regnamespace`,
      );
      expect(labels).toBe('ADMIN,EDITOR');
      // Same column types as Prisma's table.
      const columns = await runner.query<{ column_name: string; type: string; nullable: string; col_default: string | null }>(
        `SELECT column_name, format_type(a.atttypid, a.atttypmod) AS type, is_nullable AS nullable, column_default AS col_default
           FROM information_schema.columns c
           JOIN pg_attribute a ON a.attrelid = (quote_ident(c.table_schema) || '._prisma_migrations')::regclass AND a.attname = c.column_name
          WHERE c.table_schema = current_schema() AND c.table_name = '_prisma_migrations' ORDER BY c.ordinal_position`,
      );
      expect(columns.map((c) => [c.column_name, c.type, c.nullable, c.col_default])).toEqual([
        ['id', 'character varying(36)', 'NO', null],
        ['checksum', 'character varying(64)', 'NO', null],
        ['finished_at', 'timestamp with time zone', 'YES', null],
        ['migration_name', 'character varying(255)', 'NO', null],
        ['logs', 'text', 'YES', null],
        ['rolled_back_at', 'timestamp with time zone', 'YES', null],
        ['started_at', 'timestamp with time zone', 'NO', 'now()'],
        ['applied_steps_count', 'integer', 'NO', '0'],
      ]);
      expect(logs.some((l) => l.includes('applied 20240102000000_posts'))).toBe(true);
    });

    test('a second run applies nothing; a new migration is applied alone', async () => {
      const runner = await fresh();
      const d = dir({ '20240101000000_init': INIT, '20240102000000_posts': POSTS });
      await applyMigrations(runner, d);
      expect(await applyMigrations(runner, d)).toEqual({
        applied: [],
        alreadyApplied: ['20240101000000_init', '20240102000000_posts'],
      });
      addMigration(d, '20240104000000_title_index', 'CREATE INDEX "Post_title_idx" ON "Post"("title");\n');
      expect(await applyMigrations(runner, d)).toEqual({
        applied: ['20240104000000_title_index'],
        alreadyApplied: ['20240101000000_init', '20240102000000_posts'],
      });
      const [{ count }] = await runner.query<{ count: number }>(`SELECT count(*)::int AS count FROM "_prisma_migrations"`);
      expect(count).toBe(3);
    });

    test('refuses to start when an applied migration file changed, and applies nothing', async () => {
      const runner = await fresh();
      const d = dir({ '20240101000000_init': INIT });
      await applyMigrations(runner, d);
      addMigration(d, '20240101000000_init', INIT.replace('"tags" TEXT[],', '"tags" TEXT[],\n    "bio" TEXT,'));
      addMigration(d, '20240102000000_posts', POSTS);

      const error = await applyMigrations(runner, d).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MigrationError);
      expect((error as MigrationError).migration).toBe('20240101000000_init');
      expect((error as Error).message).toMatch(/Migration 20240101000000_init was modified after it was applied/);
      expect(await tableNames(runner)).toEqual(['Author', '_prisma_migrations']); // "posts" not applied
    });

    test('accepts an applied migration whose line endings git converted (as Prisma does)', async () => {
      const runner = await fresh();
      const d = dir({ '20240101000000_init': INIT });
      await applyMigrations(runner, d);
      addMigration(d, '20240101000000_init', INIT.replace(/\n/g, '\r\n'));
      expect((await applyMigrations(runner, d)).alreadyApplied).toEqual(['20240101000000_init']);
    });

    test('a failing migration is rolled back entirely, stops the run, and can be fixed and retried', async () => {
      const runner = await fresh();
      const broken = `CREATE TABLE "Tag" ("id" SERIAL PRIMARY KEY);\nINSERT INTO "Tag" ("id") VALUES (1);\nALTER TABLE "Missing" ADD COLUMN "x" INTEGER;\n`;
      const d = dir({ '20240101000000_init': INIT, '20240102000000_tags': broken, '20240103000000_posts': POSTS });

      const error = await applyMigrations(runner, d).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MigrationError);
      expect((error as MigrationError).migration).toBe('20240102000000_tags');
      expect((error as Error).message).toMatch(/Migration 20240102000000_tags failed and was rolled back.*"Missing"/s);
      // init applied and recorded; nothing of "tags" (no table, no row); "posts" not attempted.
      expect(await tableNames(runner)).toEqual(['Author', '_prisma_migrations']);
      const rows = await runner.query<Row>(`SELECT * FROM "_prisma_migrations"`);
      expect(rows.map((r) => r.migration_name)).toEqual(['20240101000000_init']);
      // The connection is usable (not left inside an aborted transaction).
      expect(await runner.query(`SELECT 1 AS one`)).toEqual([{ one: 1 }]);

      addMigration(d, '20240102000000_tags', `CREATE TABLE "Tag" ("id" SERIAL PRIMARY KEY);\n`);
      expect(await applyMigrations(runner, d)).toEqual({
        applied: ['20240102000000_tags', '20240103000000_posts'],
        alreadyApplied: ['20240101000000_init'],
      });
    });

    test('refuses to start while a migration that failed under prisma migrate deploy is unresolved', async () => {
      const runner = await fresh();
      const d = dir({ '20240101000000_init': INIT });
      await applyMigrations(runner, d);
      addMigration(d, '20240102000000_posts', POSTS);
      // What Prisma leaves behind when a migration fails: a row without finished_at.
      await runner.query(`INSERT INTO "_prisma_migrations" (id, checksum, migration_name, logs) VALUES ($1, $2, $3, $4)`, [
        '00000000-0000-4000-8000-000000000001',
        sha256(POSTS),
        '20240102000000_posts',
        'boom',
      ]);
      await expect(applyMigrations(runner, d)).rejects.toThrow(/Migration 20240102000000_posts failed on this database earlier/);
      // Once resolved as rolled back (prisma migrate resolve --rolled-back), it is applied again.
      await runner.query(`UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE migration_name = $1`, ['20240102000000_posts']);
      expect((await applyMigrations(runner, d)).applied).toEqual(['20240102000000_posts']);
    });

    test('an empty or missing folder applies nothing', async () => {
      const runner = await fresh();
      expect(await applyMigrations(runner, dir({}))).toEqual({ applied: [], alreadyApplied: [] });
      expect(await applyMigrations(runner, path.join(tmpdir(), `kit-migrate-none-${randomBytes(4).toString('hex')}`))).toEqual({
        applied: [],
        alreadyApplied: [],
      });
    });
  });
}

runnerSuite('applyMigrations on PGlite (in memory)', async () => {
  const { PGlite } = await import('@electric-sql/pglite');
  const db: PGlite = await PGlite.create();
  const runner = pgliteRunner(db);
  return {
    runner: async (schema) => {
      await db.exec(`CREATE SCHEMA "${schema}"; SET search_path TO "${schema}"`);
      return runner;
    },
    teardown: () => db.close(),
  };
});

const url = process.env.TEST_DATABASE_URL;
const describeIfPg = url ? describe : describe.skip;

if (url) {
  runnerSuite('applyMigrations on PostgreSQL', async () => {
    const database = await createDatabase(url);
    const clients: Client[] = [];
    return {
      runner: async (schema) => {
        const client = new Client({ connectionString: database.url });
        await client.connect();
        clients.push(client);
        await client.query(`CREATE SCHEMA "${schema}"; SET search_path TO "${schema}"`);
        return pgRunner(client);
      },
      teardown: async () => {
        await Promise.all(clients.map((c) => c.end()));
        await database.drop();
      },
    };
  });
}

describeIfPg('applyMigrations on PostgreSQL, two processes starting together', () => {
  test('only one applies; the other waits on the advisory lock, then finds everything applied', async () => {
    const database = await createDatabase(url!);
    const a = new Client({ connectionString: database.url });
    const b = new Client({ connectionString: database.url });
    try {
      await Promise.all([a.connect(), b.connect()]);
      // A slow first migration keeps the lock long enough for the second process to wait on it.
      const d = migrationsDir({ '20240101000000_init': `SELECT pg_sleep(0.5);\n${INIT}`, '20240102000000_posts': POSTS });
      tempDirs.push(d);
      const logs: string[] = [];
      const [ra, rb] = await Promise.all([
        applyMigrations(pgRunner(a), d, { log: (m) => logs.push(`a: ${m}`) }),
        applyMigrations(pgRunner(b), d, { log: (m) => logs.push(`b: ${m}`) }),
      ]);
      const all = ['20240101000000_init', '20240102000000_posts'];
      expect([ra.applied, rb.applied].sort((x, y) => y.length - x.length)).toEqual([all, []]);
      expect([ra.alreadyApplied, rb.alreadyApplied].sort((x, y) => x.length - y.length)).toEqual([[], all]);
      expect(logs.some((l) => l.includes('another process is applying migrations'))).toBe(true);
      const { rows } = await a.query(`SELECT count(*)::int AS count FROM "_prisma_migrations"`);
      expect(rows[0].count).toBe(2);
    } finally {
      await Promise.all([a.end(), b.end()]);
      await database.drop();
    }
  });
});

describe('withoutTransactionControl', () => {
  test('drops top-level BEGIN/COMMIT and keeps everything else', () => {
    const sql = `-- AlterEnum\nBEGIN;\nCREATE TYPE "A" AS ENUM ('x');\nCOMMIT;\nSELECT 'BEGIN;';\n/* COMMIT; */\nDO $body$\nBEGIN\n  COMMIT;\nEND\n$body$;\nSELECT "begin";\nstart transaction;\nEND WORK;\n`;
    const out = withoutTransactionControl(sql);
    expect(out).not.toMatch(/^BEGIN;$/m);
    expect(out).not.toMatch(/^COMMIT;$/m);
    expect(out).not.toMatch(/start transaction;/);
    expect(out).not.toMatch(/END WORK;/);
    expect(out).toContain(`CREATE TYPE "A" AS ENUM ('x');`);
    expect(out).toContain(`SELECT 'BEGIN;';`);
    expect(out).toContain(`/* COMMIT; */`);
    expect(out).toContain(`DO $body$\nBEGIN\n  COMMIT;\nEND\n$body$;`);
    expect(out).toContain(`SELECT "begin";`);
  });

  test('leaves a script without transaction control untouched', () => {
    expect(withoutTransactionControl(INIT)).toBe(INIT);
    expect(withoutTransactionControl(POSTS)).toBe(POSTS);
  });
});

/** A throwaway database on the server of `adminUrl`, dropped by `drop()`. */
async function createDatabase(adminUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `kit_migrate_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const c = new Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
