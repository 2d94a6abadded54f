import { z } from 'zod';
import { DEV_SIGNING_SECRET } from '@maillage/viewer';

/** Connections per service's pool unless DATABASE_POOL_SIZE says otherwise (the db workspace uses it too). */
export const DEFAULT_POOL_SIZE = 10;
import { assertProductionSecrets, MIN_SECRET_BYTES } from './secrets';

/**
 * Validates a service's environment once, at start, and fails with a message that names every
 * variable that is wrong. Nothing else in a service reads `process.env`.
 */
export function readEnv<S extends z.ZodRawShape>(
  service: string,
  shape: S,
  source: NodeJS.ProcessEnv = process.env,
): z.infer<z.ZodObject<S>> {
  const parsed = z.object(shape).safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`${service}: invalid configuration\n${lines.join('\n')}`);
  }
  return parsed.data;
}

const port = z.coerce.number().int().min(0).max(65535);
const postgresUrl = z
  .string()
  .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
  .optional();

/** A shared secret: 32 bytes at least, in every environment (production also refuses published ones, see secrets.ts). */
export const secretString = () =>
  z.string().refine((v) => Buffer.byteLength(v, 'utf8') >= MIN_SECRET_BYTES, `must be at least ${MIN_SECRET_BYTES} bytes`);

/**
 * The variables every subgraph shares. `DATABASE_URL` selects PostgreSQL; without it the service
 * runs on embedded PostgreSQL (PGlite) stored under `PGLITE_DIR`.
 */
export function subgraphEnvShape(defaultPort: number) {
  return {
    PORT: port.default(defaultPort),
    /** @default 127.0.0.1: subgraphs are reached through the gateway, not from outside. */
    HOST: z.string().min(1).default('127.0.0.1'),
    DATABASE_URL: postgresUrl,
    /** Connections this service's PostgreSQL pool may open (ignored on PGlite). @default 10 */
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(DEFAULT_POOL_SIZE),
    /**
     * How long a transaction may wait for the database before Prisma gives up. Raised by `npm start`
     * on its embedded server, where a transaction holds the one session of every subgraph.
     * @default 2000 (Prisma's)
     */
    DATABASE_TRANSACTION_WAIT_MS: z.coerce.number().int().min(1).max(600_000).optional(),
    /**
     * How long the first connection to DATABASE_URL is retried while it is refused: scripts/start.js
     * starts a subgraph alongside the embedded PostgreSQL, which listens a second or two later.
     * @default 0 (a refused connection fails the start at once)
     */
    DATABASE_CONNECT_WAIT_MS: z.coerce.number().int().min(0).max(600_000).default(0),
    /** Data directory of the embedded database; `memory://` keeps it in memory. */
    PGLITE_DIR: z.string().min(1).optional(),
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  };
}

/**
 * Where `/metrics` is served: a listener of its own, on loopback unless told otherwise, never on
 * the service's public port (operation labels and process figures are for operators only).
 */
export function metricsEnvShape(defaultPort: number) {
  return {
    /** Port of the metrics listener. @default 9400 for the gateway, 9401-9406 for the subgraphs */
    METRICS_PORT: port.default(defaultPort),
    /** @default 127.0.0.1: only this machine can scrape. */
    METRICS_HOST: z.string().min(1).default('127.0.0.1'),
    /** When set, a scrape must send `Authorization: Bearer <METRICS_TOKEN>`. @default none */
    METRICS_TOKEN: secretString().optional(),
  };
}

/** The metrics port of a subgraph whose GraphQL port defaults to `defaultPort` (4001 → 9401). */
export const defaultMetricsPort = (defaultPort: number) => defaultPort + 5400;

/**
 * The secret the gateway signs forwarded requests with and every subgraph checks them with
 * (HS256). Required in production; elsewhere a development default applies, said loudly at start.
 */
export function signingEnvShape() {
  return {
    /** Shared by the gateway and the subgraphs; 32 bytes at least. @default a development secret, outside production only */
    GATEWAY_SIGNING_SECRET: secretString().optional(),
  };
}

/** The signing secret to use: the configured one, or outside production the development one. */
export function signingSecret(env: { GATEWAY_SIGNING_SECRET?: string; NODE_ENV?: string }, service: string): string {
  assertProductionSecrets(service, env, { required: ['GATEWAY_SIGNING_SECRET'] });
  return env.GATEWAY_SIGNING_SECRET ?? DEV_SIGNING_SECRET;
}

/** A subgraph process's whole configuration (runService); refuses unsafe secrets in production. */
export function serviceEnv(service: string, defaultPort: number, source: NodeJS.ProcessEnv = process.env) {
  const env = readEnv(
    service,
    {
      ...subgraphEnvShape(defaultPort),
      ...signingEnvShape(),
      ...metricsEnvShape(defaultMetricsPort(defaultPort)),
      /** Seed the database from the package's seed files at start. @default false */
      MAILLAGE_SEED: z.enum(['0', '1', 'true', 'false']).default('0'),
      /** pino level: fatal, error, warn, info, debug, trace or silent. @default info */
      LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      /** OTLP/HTTP collector (e.g. http://127.0.0.1:4318) to send traces to. @default none */
      OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
    },
    source,
  );
  assertProductionSecrets(service, env, { required: ['GATEWAY_SIGNING_SECRET'], optional: ['METRICS_TOKEN'] });
  return env;
}

const PEER_PAIRS = /^$|^\s*[a-z]+=https?:\/\/\S+(\s*,\s*[a-z]+=https?:\/\/\S+)*\s*$/;
/** The network subgraphs on their default ports (4002-4005). */
const DEFAULT_NETWORK_PEERS =
  'chambers=http://127.0.0.1:4002/graphql,clusters=http://127.0.0.1:4003/graphql,councils=http://127.0.0.1:4004/graphql,clubs=http://127.0.0.1:4005/graphql';

let peersParsed: { raw: string | undefined; urls: Record<string, string> } | undefined;

/**
 * `NETWORK_PEERS`: where a network subgraph reaches the other network subgraphs, `name=url` pairs
 * separated by commas, the URL being the subgraph's GraphQL endpoint (its signed routes sit beside
 * it). A network subgraph asks the subgraph of another kind whether the viewer speaks for an actor
 * through one of that kind's networks (packages/networks `standing.ts`). Read at each use, through
 * here only: the test harness learns the subgraphs' ports after they start. A bad value throws with
 * the variable's name (a network subgraph reads it once at start, so it fails there).
 * @default the four network subgraphs on 127.0.0.1:4002-4005
 */
export function networkPeers(source: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const raw = source.NETWORK_PEERS;
  if (source === process.env && peersParsed && peersParsed.raw === raw) return peersParsed.urls;
  const env = readEnv(
    'network peers',
    { NETWORK_PEERS: z.string().regex(PEER_PAIRS, 'must be name=url pairs separated by commas').default(DEFAULT_NETWORK_PEERS) },
    source,
  );
  const urls = Object.fromEntries(
    env.NETWORK_PEERS.split(',')
      .filter((pair) => pair.trim())
      .map((pair) => pair.trim().split(/=(.*)/s) as [string, string]),
  );
  if (source === process.env) peersParsed = { raw, urls };
  return urls;
}
