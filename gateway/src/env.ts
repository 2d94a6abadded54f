import { availableParallelism } from 'node:os';
import path from 'node:path';
import { isIP } from 'node:net';
import { assertProductionSecrets, metricsEnvShape, readEnv, secretString, signingEnvShape } from '@maillage/env';
import { z } from 'zod';
import { DEFAULT_BUDGETS } from './rate-limit';

const url = z.string().url().optional();
// A GraphQL Int, as `rateLimit { limit }` shows it.
const points = (fallback: number) => z.coerce.number().int().min(1).max(2_147_483_647).default(fallback);
const split = (s: string) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
// What express's `trust proxy` takes: an address, a CIDR range, or one of proxy-addr's names.
const proxy = z.union([
  z.enum(['loopback', 'linklocal', 'uniquelocal']),
  z.string().refine((s) => isIP(s.split('/')[0]) !== 0 && /^[^/]+(\/\d{1,3})?$/.test(s), 'an IP address or CIDR range'),
]);

/** The gateway's configuration, validated once at start. */
export function gatewayEnv(source: NodeJS.ProcessEnv = process.env) {
  const env = readEnv(
    'gateway',
    {
      PORT: z.coerce.number().int().min(0).max(65535).default(4000),
      HOST: z.string().min(1).default('127.0.0.1'),
      /** Processes serving the gateway on its one port (node:cluster); 1 runs it in this process. @default the number of cores */
      GATEWAY_WORKERS: z.coerce.number().int().min(1).max(64).default(availableParallelism()),
      /** @default schema/supergraph.graphql of the repository */
      SUPERGRAPH_PATH: z.string().min(1).default(path.resolve(__dirname, '../../schema/supergraph.graphql')),
      // Routing URLs default to those written in the supergraph (schema/supergraph.yaml); these
      // override one subgraph each (containers, tests on port 0).
      DIRECTORY_URL: url,
      CHAMBERS_URL: url,
      CLUSTERS_URL: url,
      COUNCILS_URL: url,
      CLUBS_URL: url,
      SYNERGIES_URL: url,
      /** Budget of one client request, shared by all its subgraph fetches and their retries. @default 5000 */
      GATEWAY_REQUEST_DEADLINE_MS: z.coerce.number().int().min(50).max(120_000).default(5000),
      /** Longest one subgraph fetch may wait, within the request's budget. @default 5000 */
      SUBGRAPH_TIMEOUT_MS: z.coerce.number().int().min(50).max(120_000).default(5000),
      /** Extra attempts for a query fetch refused, reset or answered 502/503, within the budget; never after a timeout, never for mutations. @default 1 */
      SUBGRAPH_QUERY_RETRIES: z.coerce.number().int().min(0).max(5).default(1),
      /** Consecutive failed fetches (timeouts, connection failures, 5xx) that open a subgraph's circuit. @default 3 */
      SUBGRAPH_BREAKER_FAILURES: z.coerce.number().int().min(1).max(100).default(3),
      /** Wait before an open circuit's first recovery probe (doubling to 2 s while refused). @default 500 */
      SUBGRAPH_BREAKER_PROBE_MS: z.coerce.number().int().min(50).max(60_000).default(500),
      /** Query fetches of different requests to one subgraph in one event-loop turn, same viewer and headers, sent as one HTTP request whose operations share one context there (fetch-batch.ts). @default true */
      SUBGRAPH_BATCHING: z.enum(['true', 'false']).default('true'),
      /** Reload the supergraph when its file changes. @default true */
      SUPERGRAPH_WATCH: z.enum(['true', 'false']).default('true'),
      /** OTLP/HTTP collector to send traces to. @default none */
      OTEL_EXPORTER_OTLP_ENDPOINT: url,
      /** pino level. @default info */
      LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
      ...signingEnvShape(),
      ...metricsEnvShape(9400),
      // Access tokens (JWT) are verified with one of: a JWKS URL, a public key (PEM), or a shared
      // secret (HS256). Outside production, none set means the development secret (scripts/dev-token.js).
      /** JWKS endpoint of the identity provider. @default none */
      AUTH_JWKS_URL: url,
      /** SPKI PEM public key tokens are signed with (RS256, ES256 or EdDSA: see AUTH_JWT_ALGORITHM). @default none */
      AUTH_JWT_PUBLIC_KEY: z.string().min(1).optional(),
      /** Algorithm of AUTH_JWT_PUBLIC_KEY. @default RS256 */
      AUTH_JWT_ALGORITHM: z.enum(['RS256', 'PS256', 'ES256', 'EdDSA']).default('RS256'),
      /** Shared HS256 secret, 32 bytes at least. @default the development secret, outside production only */
      AUTH_JWT_SECRET: secretString().optional(),
      /** Expected `iss` of tokens. @default maillage-dev outside production; required in production */
      AUTH_ISSUER: z.string().min(1).optional(),
      /** Expected `aud` of tokens. @default maillage */
      AUTH_AUDIENCE: z.string().min(1).default('maillage'),
      /** The persisted operations manifest. @default schema/operations/manifest.json of the repository */
      PERSISTED_OPERATIONS_PATH: z.string().min(1).default(path.resolve(__dirname, '../../schema/operations/manifest.json')),
      /** How long a verified (or refused) partner key is remembered: the delay of a revocation no gateway announced (one through a gateway is forgotten at once, on every replica with REDIS_URL). @default 30000 */
      PARTNER_KEY_CACHE_MS: z.coerce.number().int().min(0).max(600_000).default(30_000),
      /** Largest request body accepted. @default 100kb */
      BODY_LIMIT: z
        .string()
        .regex(/^\d+(b|kb|mb)$/, 'a size such as 100kb')
        .default('100kb'),
      /** Redis shared by every gateway process and replica (redis://host:6379/0): rate limits, the response cache of public persisted queries, partner-key revocations. @default none: each process alone */
      REDIS_URL: z
        .string()
        .regex(/^rediss?:\/\/\S+$/, 'a redis:// or rediss:// URL')
        .optional(),
      /** Keep the entities of subgraph entity fetches across requests (entity-cache.ts), in Redis when REDIS_URL is set. @default true */
      ENTITY_CACHE: z.enum(['true', 'false']).default('true'),
      /** Keep root-field (Query) fetches too, whole, tagged and invalidated as entities are (root-cache.ts); needs ENTITY_CACHE. @default true */
      ENTITY_CACHE_ROOT_FIELDS: z.enum(['true', 'false']).default('true'),
      /** Entities kept in each gateway process without Redis (least recently used dropped first). @default 50000 */
      ENTITY_CACHE_MAX_ENTRIES: z.coerce.number().int().min(100).max(10_000_000).default(50_000),
      /** What those entities may take in memory, roughly (values counted as copied, keys, tags), in bytes; the least recently used go first past it too. @default 268435456 (256 MiB) */
      ENTITY_CACHE_MAX_BYTES: z.coerce
        .number()
        .int()
        .min(1_048_576)
        .max(2 ** 40)
        .default(268_435_456),
      /** Longest an entity is kept whatever its cache hint: the net behind exact invalidation. @default 60000 */
      ENTITY_CACHE_MAX_TTL_MS: z.coerce.number().int().min(1000).max(3_600_000).default(60_000),
      /**
       * The entity cache's follower pauses this long before reading a subgraph's change log again after a failed read, or after an empty
       * answer that came back much sooner than the wait it asked for (a subgraph that does not wait); with ENTITY_CACHE_FEED_WAIT_MS=0, between
       * any two reads (plain polling). 0 turns the follower off (mutations through this gateway and the TTL only). @default 200
       */
      ENTITY_CACHE_FEED_POLL_MS: z.coerce.number().int().min(0).max(60_000).default(200),
      /**
       * How long each read of a caught-up change log asks the subgraph to hold its answer for the next change (a long poll, woken at the
       * change's commit); 0 reads every ENTITY_CACHE_FEED_POLL_MS instead. @default 20000
       */
      ENTITY_CACHE_FEED_WAIT_MS: z.coerce.number().int().min(0).max(30_000).default(20_000),
      /** Subgraphs whose change logs the entity cache follows, comma separated. @default every subgraph of the supergraph (one without a log is left to its TTL) */
      ENTITY_CACHE_FEEDS: z
        .string()
        .optional()
        .transform((s) => (s === undefined ? undefined : split(s))),
      /** Prefix of the entity cache's Redis keys. @default maillage:entity: */
      ENTITY_CACHE_KEY_PREFIX: z.string().min(1).max(100).default('maillage:entity:'),
      /** Prefix of the response cache's Redis keys and of the revocation channel. @default maillage */
      REDIS_KEY_PREFIX: z.string().min(1).max(100).default('maillage'),
      /** Prefix of the rate limits' Redis keys. @default maillage:cost */
      RATE_LIMIT_KEY_PREFIX: z.string().min(1).max(100).default('maillage:cost'),
      /** Cost points per minute of an anonymous client address. @default 50000 */
      RATE_LIMIT_ANONYMOUS: points(DEFAULT_BUDGETS.anonymous),
      /** Cost points per minute of a partner key. @default 100000 */
      RATE_LIMIT_PARTNER: points(DEFAULT_BUDGETS.partner),
      /** Cost points per minute of a network editor's token (by subject). @default 200000 */
      RATE_LIMIT_EDITOR: points(DEFAULT_BUDGETS.editor),
      /** Cost points per minute of an analyst's token (by subject). @default 1000000 */
      RATE_LIMIT_ANALYST: points(DEFAULT_BUDGETS.analyst),
      /** Cost points per minute of an admin's token (by subject). @default 5000000 */
      RATE_LIMIT_ADMIN: points(DEFAULT_BUDGETS.admin),
      /** Token subjects never rate-limited, comma separated. @default service:synergies (it reads the whole graph) */
      RATE_LIMIT_EXEMPT_SUBJECTS: z.string().default('service:synergies').transform(split),
      /** Proxies trusted to name the client in X-Forwarded-For, comma separated (addresses, CIDRs, loopback). @default none */
      TRUSTED_PROXIES: z.string().default('').transform(split).pipe(z.array(proxy)),
    },
    source,
  );
  // A token key is required in production too, but it may be a JWKS URL or a public key instead
  // (tokenConfigFromEnv); a shared secret, when given, must be one nobody else has read.
  assertProductionSecrets('gateway', env, { required: ['GATEWAY_SIGNING_SECRET'], optional: ['AUTH_JWT_SECRET', 'METRICS_TOKEN'] });
  return env;
}

export type GatewayEnv = ReturnType<typeof gatewayEnv>;

export function rateLimitsOf(env: GatewayEnv) {
  return {
    redisUrl: env.REDIS_URL,
    keyPrefix: env.RATE_LIMIT_KEY_PREFIX,
    budgets: {
      anonymous: env.RATE_LIMIT_ANONYMOUS,
      partner: env.RATE_LIMIT_PARTNER,
      editor: env.RATE_LIMIT_EDITOR,
      analyst: env.RATE_LIMIT_ANALYST,
      admin: env.RATE_LIMIT_ADMIN,
    },
    exemptSubjects: env.RATE_LIMIT_EXEMPT_SUBJECTS,
    trustedProxies: env.TRUSTED_PROXIES,
  };
}

export function sharedStateOf(env: GatewayEnv) {
  return env.REDIS_URL ? { redisUrl: env.REDIS_URL, keyPrefix: env.REDIS_KEY_PREFIX } : undefined;
}

export function subgraphUrlOverrides(env: GatewayEnv): Record<string, string> {
  const entries = Object.entries({
    directory: env.DIRECTORY_URL,
    chambers: env.CHAMBERS_URL,
    clusters: env.CLUSTERS_URL,
    councils: env.COUNCILS_URL,
    clubs: env.CLUBS_URL,
    synergies: env.SYNERGIES_URL,
  }).filter((e): e is [string, string] => !!e[1]);
  return Object.fromEntries(entries);
}

/** The entity cache's settings, or undefined when it is off. */
export function entityCacheOf(env: GatewayEnv) {
  if (env.ENTITY_CACHE === 'false') return undefined;
  return {
    maxEntries: env.ENTITY_CACHE_MAX_ENTRIES,
    maxBytes: env.ENTITY_CACHE_MAX_BYTES,
    maxTtlMs: env.ENTITY_CACHE_MAX_TTL_MS,
    rootFields: env.ENTITY_CACHE_ROOT_FIELDS !== 'false',
    redisUrl: env.REDIS_URL,
    keyPrefix: env.ENTITY_CACHE_KEY_PREFIX,
    feed:
      env.ENTITY_CACHE_FEED_POLL_MS === 0
        ? (false as const)
        : { pollMs: env.ENTITY_CACHE_FEED_POLL_MS, waitMs: env.ENTITY_CACHE_FEED_WAIT_MS, subgraphs: env.ENTITY_CACHE_FEEDS },
  };
}
