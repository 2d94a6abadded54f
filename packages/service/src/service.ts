import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { openDatabase, TRANSACTION_OPTIONS, type ClientOptions, type Database } from '@maillage/db';
import { PUBLISHED_SECRETS, serviceEnv, signingSecret, warnDevelopmentSetup, warnOpenMetrics } from '@maillage/env';
import { createLogger, initTracing, type Logger, type MetricsListenOptions } from '@maillage/observability';
import { startSubgraph, type RunningServer, type SubgraphDefinition } from '@maillage/subgraph-server';
import { DEV_SIGNING_SECRET } from '@maillage/viewer';

/** The `SeedRun` model every subgraph schema declares: the checksum of the seed files last loaded. */
export interface SeedLedger {
  seedRun: {
    findUnique(args: { where: { id: string } }): Promise<{ checksum: string } | null>;
    upsert(args: {
      where: { id: string };
      create: { id: string; checksum: string };
      update: { checksum: string; seededAt: Date };
    }): Promise<unknown>;
  };
}

type ServiceClient = { $disconnect(): Promise<void> } & SeedLedger;

/** sha256 over the names and bytes of the files in a seed folder. */
export function seedChecksum(seedDir: string): string {
  const hash = createHash('sha256');
  for (const file of readdirSync(seedDir).sort()) hash.update(file).update(readFileSync(path.join(seedDir, file)));
  return hash.digest('hex');
}

/** Seeds unless the seed files are the ones last loaded into this database. */
async function seedIfChanged<Client extends ServiceClient>(
  service: SubgraphService<Client, object>,
  client: Client,
  log: (msg: string) => void,
) {
  const checksum = seedChecksum(service.seedDir);
  const last = await client.seedRun.findUnique({ where: { id: 'seed' } });
  if (last?.checksum === checksum) return log('seed files unchanged since last load');
  await service.seed(client, log);
  await client.seedRun.upsert({ where: { id: 'seed' }, create: { id: 'seed', checksum }, update: { checksum, seededAt: new Date() } });
}

/** What a subgraph package exports so that its `index.ts`, the test harness and the start script run it alike. */
export interface SubgraphService<Client extends ServiceClient, Ctx extends object> {
  name: string;
  /** @default port when `PORT` is not set. */
  defaultPort: number;
  /** The package's `prisma/migrations` folder. */
  migrationsDir: string;
  createClient(adapter: SqlDriverAdapterFactory, options?: ClientOptions): Client;
  /**
   * `logger` is the service's own, for what it logs outside requests (background work); `options`
   * what the service needs to ask other services of the deployment itself.
   */
  definition(client: Client, logger: Logger, options?: DefinitionOptions): SubgraphDefinition<Ctx>;
  /** The package's `seed/` folder. */
  seedDir: string;
  /** Loads the package's seed files; must be idempotent. */
  seed(client: Client, log: (msg: string) => void): Promise<void>;
}

/** What a subgraph's definition is given besides its database: what it asks other services with. */
export interface DefinitionOptions {
  /** The secret the gateway signs with, which this service signs its own requests to the others with. */
  signingSecret: string;
}

export interface ServiceOptions {
  port: number;
  host: string;
  databaseUrl?: string;
  /** Connections of the PostgreSQL pool. @default 10 */
  databasePoolSize?: number;
  /** How long a refused first connection is retried. @default 0 */
  databaseConnectWaitMs?: number;
  pgliteDir?: string;
  /** How long a transaction waits for the database. @default Prisma's 2 s */
  transactionWaitMs?: number;
  seed?: boolean;
  /** Structured logger for the server's request lines. @default a pino logger at info level */
  logger?: Logger;
  log?: (msg: string) => void;
  /** Checks the gateway's signature on each request. @default the development secret */
  signingSecret?: string;
  /** See `startSubgraph`: benchmarks only. @default false */
  unsignedAsAnonymous?: boolean;
  /** The metrics listener. @default port 0 on 127.0.0.1 */
  metrics?: MetricsListenOptions;
}

export interface StartedService<Client> extends RunningServer {
  client: Client;
}

/** The database opened and migrated, the client on it, seeded when asked. */
async function openSeeded<Client extends ServiceClient, Ctx extends object>(
  service: SubgraphService<Client, Ctx>,
  opts: PrepareOptions,
  log: (msg: string) => void,
): Promise<{ client: Client; db: Database; close: () => Promise<void> }> {
  const t0 = performance.now();
  const db = await openDatabase({
    service: service.name,
    url: opts.databaseUrl,
    connectWaitMs: opts.databaseConnectWaitMs,
    poolSize: opts.databasePoolSize,
    pgliteDir: opts.pgliteDir,
    migrationsDir: service.migrationsDir,
    log,
  });
  const client = service.createClient(
    db.adapter,
    opts.transactionWaitMs ? { transactionOptions: { ...TRANSACTION_OPTIONS, maxWait: opts.transactionWaitMs } } : undefined,
  );
  const close = async () => {
    await client.$disconnect();
    await db.close();
  };
  const t1 = performance.now();
  try {
    if (opts.seed) await seedIfChanged(service as unknown as SubgraphService<Client, object>, client, log);
  } catch (err) {
    await close();
    throw err;
  }
  log(`database ${Math.round(t1 - t0)} ms, seed ${Math.round(performance.now() - t1)} ms`);
  return { client, db, close };
}

/** What a start does before it serves: the options of `startService` that reach the database. */
export type PrepareOptions = Pick<
  ServiceOptions,
  'databaseUrl' | 'databaseConnectWaitMs' | 'databasePoolSize' | 'pgliteDir' | 'transactionWaitMs' | 'seed' | 'log'
>;

/**
 * Migrates and (when asked) seeds the service's database, then lets go of it, serving nothing.
 * scripts/start.js runs it in a short-lived process before the long-running one on a first start:
 * what loading the seed leaves resident (Prisma's query compiler memory, a grown heap, which WASM
 * and V8 never give back) goes with that process, and the server then starts as on a later start.
 */
export async function prepareService<Client extends ServiceClient, Ctx extends object>(
  service: SubgraphService<Client, Ctx>,
  opts: PrepareOptions,
): Promise<void> {
  const log = opts.log ?? (() => undefined);
  const { close } = await openSeeded(service, opts, log);
  await close();
}

/** Opens the database (migrating it), seeds it when asked, and serves the subgraph. */
export async function startService<Client extends ServiceClient, Ctx extends object>(
  service: SubgraphService<Client, Ctx>,
  opts: ServiceOptions,
): Promise<StartedService<Client>> {
  const logger = opts.logger ?? createLogger(service.name);
  const log = opts.log ?? ((msg: string) => logger.info(msg));
  const { client, db, close } = await openSeeded(service, opts, log);
  try {
    const definition = service.definition(client, logger, { signingSecret: opts.signingSecret ?? DEV_SIGNING_SECRET });
    const server = await startSubgraph(
      { ...definition, log, logger },
      {
        port: opts.port,
        host: opts.host,
        signingSecret: opts.signingSecret,
        unsignedAsAnonymous: opts.unsignedAsAnonymous,
        metrics: opts.metrics,
        // A subgraph that keeps a log listens for its changes, so its followers' long polls wake at commit.
        changeWakeups: definition.changes ? await db.changeSignal() : undefined,
      },
    );
    return {
      ...server,
      client,
      stop: async () => {
        await server.stop();
        await close();
      },
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/** A subgraph started from its environment (`launchService`), and how to stop it. */
export interface LaunchedService {
  name: string;
  logger: Logger;
  stop(): Promise<void>;
}

/**
 * Starts a subgraph from its configuration (`source`, validated by `serviceEnv`): what
 * `runService` does in a process of its own, and `runServices` for each subgraph it hosts. With
 * `--prepare` on the command line it migrates and seeds instead, and resolves with nothing to stop.
 */
export async function launchService<Client extends ServiceClient, Ctx extends object>(
  service: SubgraphService<Client, Ctx>,
  source: NodeJS.ProcessEnv = process.env,
  /** false when the process's tracing is set up once for all it hosts (`runServices`). @default true */
  tracing = true,
): Promise<LaunchedService | undefined> {
  const env = serviceEnv(service.name, service.defaultPort, source);
  const logger = createLogger(service.name, env.LOG_LEVEL);
  const database = {
    databaseUrl: env.DATABASE_URL,
    databaseConnectWaitMs: env.DATABASE_CONNECT_WAIT_MS,
    databasePoolSize: env.DATABASE_POOL_SIZE,
    transactionWaitMs: env.DATABASE_TRANSACTION_WAIT_MS,
    pgliteDir: env.DATABASE_URL ? undefined : (env.PGLITE_DIR ?? path.resolve('.data', service.name)),
    seed: env.MAILLAGE_SEED === '1' || env.MAILLAGE_SEED === 'true',
  };
  // `node dist/index.js --prepare`: migrate and seed, then exit (scripts/start.js, first start).
  if (process.argv.includes('--prepare')) {
    await prepareService(service, { ...database, log: (msg) => logger.info(msg) });
    return undefined;
  }
  if (tracing) await initTracing(service.name, env.OTEL_EXPORTER_OTLP_ENDPOINT);
  warnDevelopmentSetup(
    service.name,
    {
      nodeEnv: env.NODE_ENV,
      host: env.HOST,
      fallbacks: env.GATEWAY_SIGNING_SECRET ? [] : ['GATEWAY_SIGNING_SECRET'],
      published: env.GATEWAY_SIGNING_SECRET && PUBLISHED_SECRETS.includes(env.GATEWAY_SIGNING_SECRET) ? ['GATEWAY_SIGNING_SECRET'] : [],
    },
    (m) => logger.warn({ developmentSetup: true }, m),
  );
  warnOpenMetrics(service.name, { host: env.METRICS_HOST, token: env.METRICS_TOKEN }, (m) => logger.warn(m));
  const started = await startService(service, {
    logger,
    port: env.PORT,
    host: env.HOST,
    ...database,
    signingSecret: signingSecret(env, service.name),
    metrics: { port: env.METRICS_PORT, host: env.METRICS_HOST, token: env.METRICS_TOKEN },
  });
  logger.info({ url: started.url, metrics: started.metricsUrl }, `ready at ${started.url}`);
  return { name: service.name, logger, stop: () => started.stop() };
}

/** Stops what was launched on SIGTERM or SIGINT, then exits (1 when a stop failed or hung). */
function exitOnSignal(launched: LaunchedService[]): void {
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    // In-flight requests get 10 s to finish; a stop that hangs must not leave the port taken.
    setTimeout(() => process.exit(1), 10_000).unref();
    const results = await Promise.allSettled(launched.map((l) => l.stop()));
    let failed = false;
    results.forEach((r, i) => {
      if (r.status === 'fulfilled') return;
      failed = true;
      launched[i].logger.error({ err: r.reason }, 'stop failed');
    });
    process.exit(failed ? 1 : 0);
  };
  // Not awaited: the process ends inside stop, which logs a failed stop and exits 1 itself.
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

/** Entry point of a subgraph process: configuration from the environment, clean stop on SIGTERM. */
export async function runService<Client extends ServiceClient, Ctx extends object>(service: SubgraphService<Client, Ctx>): Promise<void> {
  const launched = await launchService(service);
  // Prepared: nothing is left to wait for, but a library's timer may keep the loop alive.
  if (!launched) process.exit(0);
  exitOnSignal([launched]);
}

/** One subgraph a process hosts among others (`runServices`): its service and its own environment. */
export interface HostedService {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each subgraph has its own client and context types
  service: SubgraphService<any, any>;
  /** Overrides the process's environment for this subgraph alone (PORT, METRICS_PORT, DATABASE_URL...). */
  env: NodeJS.ProcessEnv;
}

/**
 * Several subgraphs in one process (the embedded default of `npm start`): each on its own port
 * with its own metrics listener, Prisma client and database schema, as it would be alone; they
 * share the process's Node runtime and the modules they have in common, loaded once. They start
 * together; one that fails to start fails the process (its supervisor then stops or restarts them
 * all), and SIGTERM stops them all, each finishing its in-flight requests.
 */
export async function runServices(
  hosted: HostedService[],
  /**
   * Tracing is the process's (one global provider): its spans carry this service name, and each
   * server span its subgraph in `maillage.service`.
   */
  tracing: { serviceName: string; otlpEndpoint?: string },
): Promise<void> {
  if (!process.argv.includes('--prepare')) await initTracing(tracing.serviceName, tracing.otlpEndpoint);
  const results = await Promise.allSettled(hosted.map((h) => launchService(h.service, { ...process.env, ...h.env }, false)));
  const launched = results.flatMap((r) => (r.status === 'fulfilled' && r.value ? [r.value] : []));
  const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [[hosted[i].service.name, r.reason] as const] : []));
  if (failed.length) {
    for (const [name, err] of failed) console.error(`${name}: ${err instanceof Error ? err.message : err}`);
    await Promise.allSettled(launched.map((l) => l.stop()));
    process.exit(1);
  }
  if (!launched.length) process.exit(0);
  exitOnSignal(launched);
}
export type { ClientOptions } from '@maillage/db';
