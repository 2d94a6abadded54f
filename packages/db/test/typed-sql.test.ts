// Typed statements over the driver adapter, on in-memory PGlite and, when TEST_DATABASE_URL is set,
// on PostgreSQL (a schema of its own): the same rows from both, values bound as parameters.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { openDatabase } from '../src/connect';
import { c, p, query, raw, selectList, shareAdapter, sql, type Shape } from '../src/typed-sql';

const migrations = mkdtempSync(path.join(tmpdir(), 'typed-sql-'));
mkdirSync(path.join(migrations, '20260101000000_init'));
writeFileSync(
  path.join(migrations, '20260101000000_init/migration.sql'),
  `CREATE TYPE "Kind" AS ENUM ('COMPANY', 'ASSOCIATION');
CREATE TABLE thing (
  id TEXT PRIMARY KEY, kind "Kind" NOT NULL, note TEXT, rank INTEGER, open BOOLEAN NOT NULL, tags TEXT[] NOT NULL,
  day DATE, at TIMESTAMP(3) NOT NULL, details JSONB NOT NULL
);
INSERT INTO thing VALUES
  ('a', 'COMPANY', 'l''été', 3, true, '{x,"y z"}', '2024-02-29', '2026-12-01 10:11:12.345', '{"n": 1, "s": ["é"]}'),
  ('b', 'ASSOCIATION', NULL, NULL, false, '{}', NULL, '1999-01-01 00:00:00', '{}');
`,
);
writeFileSync(path.join(migrations, 'migration_lock.toml'), 'provider = "postgresql"\n');

interface Thing {
  id: string;
  kind: 'COMPANY' | 'ASSOCIATION';
  note: string | null;
  rank: number | null;
  open: boolean;
  tags: string[];
  day: Date | null;
  at: Date;
  details: unknown;
}
const THING: Shape<Thing> = {
  id: c.text('id'),
  kind: c.enum<Thing['kind']>('kind'),
  note: c.textOrNull('note'),
  rank: c.intOrNull('rank'),
  open: c.bool('open'),
  tags: c.texts('tags'),
  day: c.date('day'),
  at: c.timestamp('at'),
  details: c.json('details'),
};
const EXPECTED: Thing[] = [
  {
    id: 'a',
    kind: 'COMPANY',
    note: "l'été",
    rank: 3,
    open: true,
    tags: ['x', 'y z'],
    day: new Date('2024-02-29T00:00:00Z'),
    at: new Date('2026-12-01T10:11:12.345Z'),
    details: { n: 1, s: ['é'] },
  },
  {
    id: 'b',
    kind: 'ASSOCIATION',
    note: null,
    rank: null,
    open: false,
    tags: [],
    day: null,
    at: new Date('1999-01-01T00:00:00Z'),
    details: {},
  },
];

test('a statement binds every value as a parameter; fragments from code are spliced', () => {
  const q = sql`SELECT ${raw('id')} FROM thing WHERE id = ${p.text("a' OR '1'='1")} OR id = ANY(${p.texts(['b'])}::text[]) LIMIT ${p.int(2)}`;
  expect(q.sql).toBe('SELECT id FROM thing WHERE id = $1 OR id = ANY($2::text[]) LIMIT $3');
  expect(q.args).toEqual(["a' OR '1'='1", ['b'], 2]);
  expect(q.argTypes.map((t) => [t.scalarType, t.arity])).toEqual([
    ['string', 'scalar'],
    ['string', 'list'],
    ['int', 'scalar'],
  ]);
});

const server = process.env.TEST_DATABASE_URL;
const backends: [string, () => Promise<{ factory: SqlDriverAdapterFactory; close: () => Promise<void> }>][] = [
  [
    'PGlite',
    async () => {
      const db = await openDatabase({ service: 'typed-sql', migrationsDir: migrations });
      return { factory: db.adapter, close: db.close };
    },
  ],
];
if (server) {
  backends.push([
    'PostgreSQL',
    async () => {
      const schema = `typed_sql_${process.pid}_${Date.now()}`;
      const url = new URL(server);
      url.searchParams.set('schema', schema);
      const db = await openDatabase({ service: 'typed-sql', url: url.toString(), migrationsDir: migrations });
      return {
        factory: db.adapter,
        close: async () => {
          const admin = new Client({ connectionString: server });
          await admin.connect();
          await admin.query(`DROP SCHEMA ${schema} CASCADE`);
          await admin.end();
        },
      };
    },
  ]);
}

describe.each(backends)('on %s', (_, open) => {
  let db: Awaited<ReturnType<typeof open>>;
  let shared: ReturnType<typeof shareAdapter>;
  let connects = 0;
  beforeAll(async () => {
    db = await open();
    // Counts the connections the shared factory opens (the real factory underneath).
    const counted = new Proxy(db.factory, {
      get: (t, prop) => (prop === 'connect' ? () => (connects++, t.connect()) : Reflect.get(t, prop)),
    });
    shared = shareAdapter(counted);
  }, 60_000);
  afterAll(async () => {
    // The pool the shared connection opened, then the database.
    await (await shared.factory.connect()).dispose().catch(() => undefined);
    await db?.close();
  });

  test('rows decode into the declared types: text, enum, null, int, boolean, text[], date, timestamp, json', async () => {
    const rows = await query(shared.run, sql`SELECT ${selectList(THING)} FROM thing ORDER BY id`, THING);
    expect(rows).toEqual(EXPECTED);
  });

  test('a value that looks like SQL is only a value', async () => {
    const rows = await query(shared.run, sql`SELECT ${selectList(THING)} FROM thing WHERE id = ${p.text("a' OR '1'='1")}`, THING);
    expect(rows).toEqual([]);
  });

  test('a column the row type does not declare is refused', async () => {
    await expect(query(shared.run, sql`SELECT id, 1 AS extra FROM thing`, { id: c.text('id') } as Shape<{ id: string }>)).rejects.toThrow(
      /column "extra" its row type does not declare/,
    );
  });

  test('the client and the statements share one connection of the factory', async () => {
    await Promise.all([shared.run(sql`SELECT 1`), shared.factory.connect(), shared.run(sql`SELECT 2`)]);
    expect(connects).toBe(1);
  });
});
