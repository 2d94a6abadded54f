/**
 * Applies a service's committed Prisma migrations (`<migrationsDir>/<name>/migration.sql`) at
 * start-up, on PostgreSQL or on embedded PGlite, without Prisma's schema engine.
 *
 * It keeps Prisma's own bookkeeping, so this runner and `prisma migrate deploy` (on a machine that
 * has Prisma's native engine) see each other's work:
 * - the `_prisma_migrations` table, created exactly as Prisma creates it, one row per applied
 *   migration with the sha256 (hex) of the migration.sql bytes as checksum;
 * - Prisma's advisory lock key (72707369), so two processes, or this runner and `prisma migrate
 *   deploy`, never apply migrations to one PostgreSQL database at the same time.
 *
 * Unlike Prisma, each migration runs in a transaction together with its `_prisma_migrations` row:
 * a failing migration leaves nothing behind (no half-applied schema, no failed row), and can be
 * fixed and retried. Standalone `BEGIN;` / `COMMIT;` statements in a migration (Prisma writes them
 * around enum rewrites) are skipped: the whole migration is already one transaction. Statements
 * that PostgreSQL refuses inside a transaction (CREATE INDEX CONCURRENTLY, using an enum value
 * added in the same migration) fail here as they fail under `prisma migrate deploy`, which runs a
 * migration as one implicit transaction too: put them in a migration of their own.
 */
import { createHash, randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { ClientBase } from 'pg';
import type { PGlite } from '@electric-sql/pglite';

/** The two things the runner needs from a database connection (one session: the lock is per session). */
export interface SqlRunner {
  /** Runs one or more statements (simple query protocol), no parameters. */
  exec(sql: string): Promise<void>;
  /** Runs one statement with $1, $2... parameters and returns its rows. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

/** A runner on one `pg` connection (a `Client`, or a `PoolClient` checked out for the whole run; not a `Pool`). */
export function pgRunner(client: ClientBase): SqlRunner {
  return {
    async exec(sql) {
      await client.query(sql);
    },
    async query<T>(sql: string, params?: unknown[]) {
      const result = await client.query(sql, params as unknown[] | undefined);
      return result.rows as T[];
    },
  };
}

/** A runner on an embedded PGlite database (single connection). */
export function pgliteRunner(db: PGlite): SqlRunner {
  return {
    async exec(sql) {
      await db.exec(sql);
    },
    async query<T>(sql: string, params?: unknown[]) {
      const result = await db.query<T>(sql, params);
      return result.rows;
    },
  };
}

export interface ApplyMigrationsOptions {
  log?: (msg: string) => void;
}

export interface ApplyMigrationsResult {
  /** Migrations applied by this run, in order. */
  applied: string[];
  /** Migrations of the folder that were already applied (by this runner or by Prisma). */
  alreadyApplied: string[];
}

/** A migration could not be applied, or the database's migration history forbids going on. */
export class MigrationError extends Error {
  constructor(
    message: string,
    readonly migration: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'MigrationError';
  }
}

/** Prisma Migrate's advisory lock key ("a unique number we chose to identify Migrate"). */
export const PRISMA_MIGRATE_LOCK_KEY = 72707369;

/** The table as Prisma's schema engine creates it on PostgreSQL. */
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

interface MigrationFile {
  name: string;
  bytes: Buffer;
  checksum: string;
}

interface MigrationRow {
  id: string;
  checksum: string;
  migration_name: string;
  finished_at: unknown;
  rolled_back_at: unknown;
  logs: string | null;
}

/**
 * Applies the migrations of `migrationsDir` that the database has not applied yet, in name order,
 * each in its own transaction. Throws a MigrationError (naming the migration) when an applied
 * migration's file has changed since, when the database holds a failed migration (left by
 * `prisma migrate deploy`), or when a migration fails (it is then rolled back).
 */
export async function applyMigrations(
  runner: SqlRunner,
  migrationsDir: string,
  opts: ApplyMigrationsOptions = {},
): Promise<ApplyMigrationsResult> {
  const log = opts.log ?? (() => undefined);
  const files = await readMigrations(migrationsDir, log);

  const [{ locked }] = await runner.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [PRISMA_MIGRATE_LOCK_KEY]);
  if (!locked) {
    log('migrations: another process is applying migrations to this database, waiting for it');
    await runner.query('SELECT pg_advisory_lock($1)', [PRISMA_MIGRATE_LOCK_KEY]);
  }
  try {
    await runner.exec(CREATE_MIGRATIONS_TABLE);
    const rows = await runner.query<MigrationRow>(
      'SELECT "id", "checksum", "migration_name", "finished_at", "rolled_back_at", "logs" FROM "_prisma_migrations" ORDER BY "started_at", "migration_name"',
    );

    const failed = rows.find((r) => r.finished_at === null && r.rolled_back_at === null);
    if (failed) {
      throw new MigrationError(
        `Migration ${failed.migration_name} failed on this database earlier and was left unfinished ` +
          `(a row of _prisma_migrations without finished_at). Repair the database by hand, then mark it with ` +
          `\`prisma migrate resolve --rolled-back ${failed.migration_name}\` (or --applied), or delete that row.` +
          (failed.logs ? `\nIts log: ${failed.logs}` : ''),
        failed.migration_name,
      );
    }

    const appliedRows = new Map<string, MigrationRow>();
    for (const r of rows) if (r.finished_at !== null && r.rolled_back_at === null) appliedRows.set(r.migration_name, r);

    const alreadyApplied: string[] = [];
    const pending: MigrationFile[] = [];
    for (const file of files) {
      const row = appliedRows.get(file.name);
      if (!row) {
        pending.push(file);
        continue;
      }
      if (!checksumMatches(file.bytes, row.checksum)) {
        throw new MigrationError(
          `Migration ${file.name} was modified after it was applied to this database ` +
            `(checksum ${row.checksum} recorded, ${file.checksum} on disk). Applied migrations must not change: ` +
            `restore ${path.join(migrationsDir, file.name, 'migration.sql')} and put the change in a new migration.`,
          file.name,
        );
      }
      alreadyApplied.push(file.name);
    }
    const known = new Set(files.map((f) => f.name));
    const unknown = [...appliedRows.keys()].filter((n) => !known.has(n));
    if (unknown.length) {
      log(`migrations: the database has applied migrations that are not in ${migrationsDir}: ${unknown.join(', ')}`);
    }

    const applied: string[] = [];
    for (const file of pending) {
      const started = Date.now();
      await runner.exec('BEGIN');
      try {
        await runner.exec(withoutTransactionControl(stripBom(file.bytes.toString('utf8'))));
        await runner.query(
          `INSERT INTO "_prisma_migrations" ("id", "checksum", "migration_name", "started_at", "finished_at", "applied_steps_count")
           VALUES ($1, $2, $3, $4, clock_timestamp(), 1)`,
          [randomUUID(), file.checksum, file.name, new Date(started)],
        );
        await runner.exec('COMMIT');
      } catch (e) {
        await runner.exec('ROLLBACK').catch(() => undefined);
        const reason = e instanceof Error ? e.message : String(e);
        throw new MigrationError(`Migration ${file.name} failed and was rolled back (nothing of it was applied): ${reason}`, file.name, {
          cause: e,
        });
      }
      applied.push(file.name);
      log(`migrations: applied ${file.name} (${Date.now() - started} ms)`);
    }
    if (!applied.length) log(`migrations: up to date (${alreadyApplied.length} applied)`);
    return { applied, alreadyApplied };
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [PRISMA_MIGRATE_LOCK_KEY]).catch(() => undefined);
  }
}

/** The migrations in name order; none when the folder does not exist (a service without migrations yet). */
async function readMigrations(migrationsDir: string, log: (msg: string) => void): Promise<MigrationFile[]> {
  let entries;
  try {
    entries = await fs.readdir(migrationsDir, { withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      log(`migrations: no migrations folder at ${migrationsDir}`);
      return [];
    }
    throw new Error(`migrations: cannot read the migrations folder ${migrationsDir}: ${(e as Error).message}`);
  }
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const files: MigrationFile[] = [];
  for (const name of names) {
    let bytes: Buffer;
    try {
      bytes = await fs.readFile(path.join(migrationsDir, name, 'migration.sql'));
    } catch (e) {
      throw new MigrationError(`Migration ${name} has no readable migration.sql: ${(e as Error).message}`, name);
    }
    files.push({ name, bytes, checksum: sha256(bytes) });
  }
  return files;
}

function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Prisma's comparison: the file's checksum, or that of the file with CRLF/LF line endings swapped
 * (git may convert them), rendered without zero-padding when the recorded checksum is not 64
 * characters long (early Prisma versions wrote it so).
 */
function checksumMatches(bytes: Buffer, recorded: string): boolean {
  const text = bytes.toString('utf8');
  const candidates = [bytes, Buffer.from(text.replace(/\r\n/g, '\n')), Buffer.from(text.replace(/\n/g, '\r\n'))];
  return candidates.some((b) => {
    const digest = createHash('sha256').update(b).digest();
    const rendered =
      recorded.length !== 64 && recorded.length > 0 ? Array.from(digest, (x) => x.toString(16)).join('') : digest.toString('hex');
    return rendered === recorded;
  });
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Removes top-level transaction control statements (BEGIN, START TRANSACTION, COMMIT, END) from a
 * script, leaving quoted text, comments and dollar-quoted bodies (plpgsql BEGIN ... END) alone.
 */
export function withoutTransactionControl(sql: string): string {
  const cuts: Array<[number, number]> = [];
  let stmtStart = 0;
  let i = 0;
  const n = sql.length;
  const endStatement = (end: number) => {
    const stmt = stripComments(sql.slice(stmtStart, end)).trim();
    if (/^(BEGIN|START\s+TRANSACTION|COMMIT|END)(\s+(WORK|TRANSACTION))?$/i.test(stmt)) cuts.push([stmtStart, end + 1]);
    stmtStart = end + 1;
  };
  while (i < n) {
    const c = sql[i];
    if (c === '-' && sql[i + 1] === '-') {
      const eol = sql.indexOf('\n', i);
      i = eol < 0 ? n : eol + 1;
    } else if (c === '/' && sql[i + 1] === '*') {
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (sql[i] === '/' && sql[i + 1] === '*') {
          depth++;
          i += 2;
        } else if (sql[i] === '*' && sql[i + 1] === '/') {
          depth--;
          i += 2;
        } else i++;
      }
    } else if (c === "'") {
      // E'...' strings allow backslash escapes; '' is a quote in both kinds.
      const escapes = i > 0 && /[eE]/.test(sql[i - 1]) && (i < 2 || !/[\w$]/.test(sql[i - 2]));
      i++;
      while (i < n) {
        if (escapes && sql[i] === '\\') i += 2;
        else if (sql[i] === "'" && sql[i + 1] === "'") i += 2;
        else if (sql[i] === "'") {
          i++;
          break;
        } else i++;
      }
    } else if (c === '"') {
      i++;
      while (i < n) {
        if (sql[i] === '"' && sql[i + 1] === '"') i += 2;
        else if (sql[i] === '"') {
          i++;
          break;
        } else i++;
      }
    } else if (c === '$' && (i === 0 || !/[\w$]/.test(sql[i - 1]))) {
      const m = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 64));
      if (m) {
        const close = sql.indexOf(m[0], i + m[0].length);
        i = close < 0 ? n : close + m[0].length;
      } else i++;
    } else if (c === ';') {
      endStatement(i);
      i++;
    } else i++;
  }
  if (!cuts.length) return sql;
  let out = '';
  let last = 0;
  for (const [a, b] of cuts) {
    out += sql.slice(last, a) + '\n';
    last = b;
  }
  return out + sql.slice(last);
}

function stripComments(stmt: string): string {
  return stmt.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/--[^\n]*/g, ' ');
}
