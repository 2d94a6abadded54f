// The embedded server of `npm start`: one PGlite over the wire protocol, one schema and role per
// subgraph. Two subgraphs' real migrations (btree_gist included) applied through it, each answering
// through its Prisma adapter, and neither able to read the other's tables. Run with
// NODE_OPTIONS=--experimental-vm-modules (PGlite loads its WASM with a dynamic import).
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { Client, Pool } from 'pg';
import type { SqlDriverAdapter, SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { openDatabase, type Database } from '../src/connect';
import { startEmbeddedServer, type EmbeddedServer } from '../src/embedded';

const repo = path.resolve(__dirname, '../../..');
const migrations = (service: string) => path.join(repo, 'services', service, 'prisma/migrations');

let server: EmbeddedServer;
const opened: Database[] = [];
const adapters: SqlDriverAdapter[] = [];
const clients: Client[] = [];

beforeAll(async () => {
  server = await startEmbeddedServer({ dataDir: 'memory://', port: 0, schemas: ['directory', 'clubs'] });
}, 60_000);

afterAll(async () => {
  for (const c of clients) await c.end().catch(() => undefined);
  for (const a of adapters) await a.dispose();
  for (const d of opened) await d.close();
  await server?.stop();
});

async function connect(user: string): Promise<Client> {
  const client = new Client({ connectionString: `postgres://${user}@127.0.0.1:${server.port}/postgres` });
  await client.connect();
  clients.push(client);
  return client;
}

async function adapterOf(factory: SqlDriverAdapterFactory): Promise<SqlDriverAdapter> {
  const adapter = await factory.connect();
  adapters.push(adapter);
  return adapter;
}

const rowsOf = async (adapter: SqlDriverAdapter, sql: string, args: unknown[] = []) =>
  (await adapter.queryRaw({ sql, args, argTypes: args.map(() => ({ scalarType: 'string', arity: 'scalar' }) as const) })).rows;

test('two subgraphs migrate into their own schemas on one embedded server and answer through Prisma adapters', async () => {
  for (const service of ['directory', 'clubs']) {
    const log: string[] = [];
    const db = await openDatabase({ service, url: server.urlFor(service), migrationsDir: migrations(service), log: (m) => log.push(m) });
    opened.push(db);
    expect(log.filter((l) => l.startsWith('migrations: applied')).length).toBeGreaterThanOrEqual(5);
  }
  const admin = await connect('postgres');
  const { rows } = await admin.query<{ schema: string; n: number }>(
    `SELECT table_schema AS schema, count(*)::int AS n FROM information_schema.tables
     WHERE table_name = '_prisma_migrations' GROUP BY table_schema ORDER BY 1`,
  );
  expect(rows).toEqual([
    { schema: 'clubs', n: 1 },
    { schema: 'directory', n: 1 },
  ]);
  // The extension exists once, in public, and the clubs' exclusion constraint (btree_gist) was created.
  const ext = await admin.query<{ schema: string }>(
    `SELECT n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'btree_gist'`,
  );
  expect(ext.rows).toEqual([{ schema: 'public' }]);
  const gist = await admin.query(
    `SELECT 1 FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'clubs' AND c.contype = 'x'`,
  );
  expect(gist.rows.length).toBeGreaterThan(0);

  const directory = await adapterOf(opened[0].adapter);
  const clubs = await adapterOf(opened[1].adapter);
  expect(await rowsOf(directory, 'SELECT current_user::text, current_schema()::text')).toEqual([['directory', 'directory']]);
  expect(await rowsOf(clubs, 'SELECT current_user::text, current_schema()::text')).toEqual([['clubs', 'clubs']]);

  // Reopening runs no migration again.
  const again: string[] = [];
  opened.push(
    await openDatabase({ service: 'clubs', url: server.urlFor('clubs'), migrationsDir: migrations('clubs'), log: (m) => again.push(m) }),
  );
  const applied = readdirSync(migrations('clubs'), { withFileTypes: true }).filter((d) => d.isDirectory()).length;
  expect(again).toContain(`migrations: up to date (${applied} applied)`);
}, 120_000);

test("a subgraph's connection cannot read another subgraph's tables, qualified or not", async () => {
  const clubs = await connect('clubs');
  const directory = await connect('directory');
  await expect(clubs.query('SELECT count(*) FROM directory.seed_run')).rejects.toThrow(/permission denied for schema directory/);
  await expect(directory.query('SELECT count(*) FROM clubs._prisma_migrations')).rejects.toThrow(/permission denied for schema clubs/);
  // Unqualified names resolve in the connection's own schema only.
  await clubs.query(`INSERT INTO seed_run (id, checksum) VALUES ('only-clubs', 'x')`);
  expect((await clubs.query(`SELECT id FROM seed_run`)).rows).toEqual([{ id: 'only-clubs' }]);
  expect((await directory.query(`SELECT id FROM seed_run`)).rows).toEqual([]);
  // Nor can it create anything in public, which every schema shares.
  await expect(clubs.query('CREATE TABLE public.leak (id int)')).rejects.toThrow(/permission denied for schema public/);
  // The superuser (an operator's psql) sees everything.
  const admin = await connect('postgres');
  expect((await admin.query(`SELECT id FROM clubs.seed_run`)).rows).toEqual([{ id: 'only-clubs' }]);
  // An unknown user is refused at connection.
  await expect(connect('chambers')).rejects.toThrow(/not a schema of this embedded database/);
}, 60_000);

test('concurrent parameterised queries and transactions of two subgraphs never cross', async () => {
  const clubs = await connect('clubs');
  const directory = await connect('directory');
  const clubsWriter = await connect('clubs');
  await directory.query(`INSERT INTO seed_run (id, checksum) VALUES ('only-directory', 'y')`);
  // Four connections a side: their prepared statements interleave unless each exchange keeps the session to its Sync.
  const pools = {
    clubs: new Pool({ connectionString: `postgres://clubs@127.0.0.1:${server.port}/postgres`, max: 4 }),
    directory: new Pool({ connectionString: `postgres://directory@127.0.0.1:${server.port}/postgres`, max: 4 }),
  };
  try {
    const reads = Array.from({ length: 80 }, async (_, i) => {
      const [pool, expected] = i % 2 ? [pools.clubs, 'only-clubs'] : [pools.directory, 'only-directory'];
      const r = await pool.query<{ id: string }>('SELECT id, $1::text AS n FROM seed_run WHERE checksum <> $1', [`n${i}`]);
      return [r.rows.map((x) => x.id), [expected]];
    });
    const inTransaction = (async () => {
      await clubsWriter.query('BEGIN');
      await clubsWriter.query(`UPDATE seed_run SET checksum = 'z' WHERE id = 'only-clubs'`);
      await new Promise((r) => setTimeout(r, 50));
      await clubsWriter.query('ROLLBACK');
    })();
    for (const [got, want] of await Promise.all(reads)) expect(got).toEqual(want);
    await inTransaction;
  } finally {
    await pools.clubs.end();
    await pools.directory.end();
  }
  expect((await clubs.query(`SELECT checksum FROM seed_run`)).rows).toEqual([{ checksum: 'x' }]);
}, 60_000);

const pgServer = process.env.TEST_DATABASE_URL;
(pgServer ? test : test.skip)(
  'on PostgreSQL, a ?schema= URL migrates into that schema, created when missing',
  async () => {
    const admin = new Client({ connectionString: pgServer });
    await admin.connect();
    const name = `maillage_schema_${process.pid}_${Date.now()}`;
    await admin.query(`CREATE DATABASE "${name}"`);
    try {
      const url = new URL(pgServer!);
      url.pathname = `/${name}`;
      url.searchParams.set('schema', 'clubs');
      const db = await openDatabase({ service: 'clubs', url: url.toString(), migrationsDir: migrations('clubs') });
      const adapter = await db.adapter.connect();
      try {
        expect(await rowsOf(adapter, 'SELECT current_schema()::text')).toEqual([['clubs']]);
        const check = new Client({ connectionString: url.toString().replace(/\?.*$/, '') });
        await check.connect();
        const { rows } = await check.query<{ schema: string }>(
          `SELECT table_schema AS schema FROM information_schema.tables WHERE table_name = '_prisma_migrations'`,
        );
        await check.end();
        expect(rows).toEqual([{ schema: 'clubs' }]);
      } finally {
        await adapter.dispose();
      }
    } finally {
      await admin.query(`DROP DATABASE "${name}" WITH (FORCE)`);
      await admin.end();
    }
  },
  60_000,
);

test('a subgraph started before its embedded server waits for it with connectWaitMs, and fails at once without', async () => {
  // A free port, then the server on it only after the subgraph has begun connecting (as npm start launches them).
  const probe = await startEmbeddedServer({ dataDir: 'memory://', port: 0, schemas: ['clubs'] });
  const port = probe.port;
  await probe.stop();
  const url = `postgres://clubs@127.0.0.1:${port}/postgres?schema=clubs`;
  await expect(openDatabase({ service: 'clubs', url, migrationsDir: migrations('clubs') })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  const opening = openDatabase({ service: 'clubs', url, connectWaitMs: 60_000, migrationsDir: migrations('clubs') });
  await new Promise((r) => setTimeout(r, 500));
  const late = await startEmbeddedServer({ dataDir: 'memory://', port, schemas: ['clubs'] });
  try {
    const db = await opening;
    const adapter = await db.adapter.connect();
    try {
      const applied = readdirSync(migrations('clubs'), { withFileTypes: true }).filter((d) => d.isDirectory()).length;
      expect(await rowsOf(adapter, 'SELECT count(*)::int AS n FROM "_prisma_migrations"')).toEqual([[applied]]);
    } finally {
      await adapter.dispose();
      await db.close();
    }
  } finally {
    await late.stop();
  }
}, 120_000);
