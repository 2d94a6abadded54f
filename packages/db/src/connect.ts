import { mkdirSync } from 'node:fs';
import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { applyMigrations, pgliteRunner, pgRunner } from './migrate';
import { pgChangeSignal, pgliteChangeSignal, type ChangeSignal } from './change-signal';
import { pgliteExtensions } from './extensions';
import { countStatements } from '@maillage/observability';
import { DEFAULT_POOL_SIZE } from '@maillage/env';

export { pgliteExtensions };

/**
 * Pass to `new PrismaClient({ adapter, transactionOptions })`. Prisma waits 2 s by default for a
 * pooled connection to start a transaction, which a burst of writes on a busy machine outlasts
 * (50 concurrent adds on a pool of 10); waiting up to the gateway's request deadline (5 s) turns
 * that burst into queued writes instead of DATABASE_UNAVAILABLE answers. Longer would be pointless:
 * the gateway has given up on the request by then.
 */
export const TRANSACTION_OPTIONS = { maxWait: 5_000, timeout: 10_000 } as const;

export interface DatabaseOptions {
  /** Service name, used in log lines and statement counters. */
  service: string;
  /**
   * PostgreSQL URL; when absent the embedded database is used. A `?schema=<name>` parameter (as
   * Prisma writes it) puts the service's tables in that schema instead of `public`: created when
   * missing, first on the search_path, and named in every statement Prisma generates.
   */
  url?: string;
  /** Connections the PostgreSQL pool may open (PGlite has one). @default 10 */
  poolSize?: number;
  /** Embedded database directory; `memory://` (the default) keeps it in memory. */
  pgliteDir?: string;
  /** How long a refused first connection is retried (the server still starting). @default 0 */
  connectWaitMs?: number;
  /** Folder of Prisma migrations (`<timestamp>_<name>/migration.sql`) applied before serving. */
  migrationsDir: string;
  log?: (msg: string) => void;
}

/** What a service's `new PrismaClient({ adapter, ...options })` takes from its configuration. */
export interface ClientOptions {
  transactionOptions?: { maxWait?: number };
}

export interface Database {
  kind: 'postgres' | 'pglite';
  /** Pass to `new PrismaClient({ adapter })`. Every statement it runs is counted. */
  adapter: SqlDriverAdapterFactory;
  /**
   * The listener of this database's change log notifications (`CHANGE_CHANNEL`), made at the first
   * call and shared by later ones; closed with the database. `POST /changes` waits on it.
   */
  changeSignal(): Promise<ChangeSignal>;
  /** Releases the embedded database and the change listener (PrismaClient.$disconnect closes the pg pool itself). */
  close(): Promise<void>;
}

/**
 * Opens the service's own database and brings its schema up to date. PostgreSQL when a URL is
 * given; otherwise PGlite, the same PostgreSQL compiled to WASM, so one set of migrations serves both.
 */
export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  const log = opts.log ?? (() => undefined);
  if (opts.url) {
    const pg = await import('pg');
    const { PrismaPg } = await import('@prisma/adapter-pg');
    const { connectionString, schema } = splitSchema(opts.url);
    // Raw SQL (and the migrations) name tables unqualified: the search_path finds them.
    const options = schema ? `-c search_path=${quoteIdent(schema)},public` : undefined;
    const client = await connectRetrying(() => new pg.Client({ connectionString, options }), opts.connectWaitMs ?? 0);
    try {
      if (schema) await ensureSchema(client, schema);
      await applyMigrations(pgRunner(client), opts.migrationsDir, { log });
    } finally {
      await client.end();
    }
    const adapter = new PrismaPg({ connectionString, options, max: opts.poolSize ?? DEFAULT_POOL_SIZE }, schema ? { schema } : undefined);
    let signal: ChangeSignal | undefined;
    return {
      kind: 'postgres',
      adapter: countStatements(opts.service, adapter),
      changeSignal: async () => (signal ??= pgChangeSignal(() => new pg.Client({ connectionString, options }), log)),
      close: async () => {
        await signal?.close();
      },
    };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const { PrismaPGlite } = await import('pglite-prisma-adapter');
  const dir = opts.pgliteDir ?? 'memory://';
  if (!dir.includes('://')) mkdirSync(dir, { recursive: true });
  const db = await PGlite.create(dir, { extensions: await pgliteExtensions() });
  await applyMigrations(pgliteRunner(db), opts.migrationsDir, { log });
  // The adapter's PGlite typings come from its own copy of the package; the instance is the same.
  const adapter = new PrismaPGlite(db as never) as unknown as SqlDriverAdapterFactory;
  let signal: Promise<ChangeSignal> | undefined;
  return {
    kind: 'pglite',
    adapter: countStatements(opts.service, adapter),
    changeSignal: () => (signal ??= pgliteChangeSignal(db, log)),
    close: async () => {
      await (await signal)?.close();
      await db.close();
    },
  };
}

/** A connected client; a refused connection is tried again every 100 ms until `waitMs` has passed. */
async function connectRetrying(create: () => import('pg').Client, waitMs: number): Promise<import('pg').Client> {
  const until = Date.now() + waitMs;
  for (;;) {
    const client = create();
    try {
      await client.connect();
      return client;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ECONNREFUSED' || Date.now() >= until) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** The URL without its `schema` parameter (which is Prisma's, not libpq's), and that schema. */
export function splitSchema(url: string): { connectionString: string; schema?: string } {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema') ?? undefined;
  if (schema === undefined) return { connectionString: url };
  parsed.searchParams.delete('schema');
  return { connectionString: parsed.toString(), schema };
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Creates the schema unless it exists. The existence is checked first: on the embedded server the
 * service's role owns its schema but may not create one, and `CREATE SCHEMA IF NOT EXISTS` checks
 * that right before it looks.
 */
async function ensureSchema(client: import('pg').ClientBase, schema: string): Promise<void> {
  const { rows } = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
  if (!rows.length) await client.query(`CREATE SCHEMA ${quoteIdent(schema)}`);
  // The embedded server ignores startup options; saying it again costs one statement.
  await client.query(`SET search_path TO ${quoteIdent(schema)}, public`);
}
