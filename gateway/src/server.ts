import { readFileSync, watch } from 'node:fs';
import path from 'node:path';
import cluster from 'node:cluster';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { ApolloGateway, type SupergraphSdlHook } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import { ANONYMOUS, DEV_SIGNING_SECRET, supergraphForGateway } from '@maillage/viewer';
import {
  createLogger,
  createMetrics,
  observabilityPlugin,
  observeRequest,
  serveMetrics,
  type MetricsListenOptions,
  requestIdFrom,
  traceContextOf,
  traceRequests,
  type Logger,
} from '@maillage/observability';
import { DateScalar, DateTimeScalar, keepIdleConnections, maskInternalErrors } from '@maillage/subgraph-server';
import { ErrorCode } from '@maillage/errors';
import { GraphQLScalarType, type GraphQLFormattedError, type GraphQLSchema, valueFromASTUntyped } from 'graphql';
import express from 'express';
import { DEV_TOKENS, PartnerKeys, tokenVerifier, type TokenConfig } from './auth';
import { costModelOf, type CostModel } from './cost';
import { costPlugin, type CostAdmission } from './demand-control';
import { door, sendDoorError, type Admitted } from './door';
import { CostRateLimiter, DEFAULT_BUDGETS, type Budgets } from './rate-limit';
import { GATEWAY_SUBGRAPH, rateLimitSubgraph } from './rate-limit-subgraph';
import { mountIde } from './ide';
import { mountQueryPlans, type ServedSupergraph } from './query-plan';
import { mountWidgets } from './widgets';
import { mountAtlas } from './atlas';
import { MAX_TOKENS } from './limits';
import { loadPersistedOperations } from './operations';
import { cacheHintsPlugin, memoryStore, RedisResponseCache, ResponseCache, serveFromCache, type ResponseStore } from './response-cache';
import { PartnerKeyRevocations, revocationPlugin } from './revocations';
import { requestErrorStatusPlugin } from './statuses';
import { EntityCache, MemoryEntityStore, RedisEntityStore } from './entity-cache';
import { ChangeFeedFollower } from './change-feed';
import { changesUrlOf, HttpChangeSource, postSignal, type ChangePost } from '@maillage/subgraph-server';
import { Agent, request as httpRequest } from 'undici';
import { DEFAULT_RESILIENCE, ResilientDataSource, subgraphMetrics, type GatewayContext, type ResilienceOptions } from './subgraphs';
import { deadlineIn } from './deadline';
import { readiness } from './readiness';
import { passThrough } from './pass-through';
import { leanFront } from './lean-front';

const DEFAULT_OPERATIONS = path.resolve(__dirname, '../../schema/operations/manifest.json');

/** Who may come in, and how the gateway vouches for them to the subgraphs. */
export interface GatewayAuthOptions {
  /** Signs the viewer forwarded to subgraphs. @default the development secret */
  signingSecret?: string;
  /** How bearer tokens are verified. @default development tokens (scripts/dev-token.js) */
  tokens?: TokenConfig;
  /** How long partner key checks are remembered. @default 30000 ms */
  partnerKeyCacheMs?: number;
  /** The persisted operations manifest. @default schema/operations/manifest.json */
  operationsPath?: string;
  /** Largest request body. @default 100kb */
  bodyLimit?: string;
}

export interface GatewayOptions {
  port: number;
  host: string;
  /** The composed supergraph SDL (schema/supergraph.graphql). */
  supergraphSdl: string;
  /** When set, the gateway reloads the supergraph from this file when it changes. */
  watchSupergraphPath?: string;
  /** Subgraph name -> URL, overriding the routing URLs in the supergraph. */
  subgraphUrls?: Record<string, string>;
  production?: boolean;
  /** The request deadline, per-subgraph timeouts, retries and circuit breakers. */
  resilience?: Partial<ResilienceOptions>;
  log?: (msg: string) => void;
  /** Structured logger. @default a pino logger at info level */
  logger?: Logger;
  /** Authentication, partner keys, persisted operations. @default development settings */
  auth?: GatewayAuthOptions;
  /** The metrics listener, apart from the public port. @default port 0 on 127.0.0.1 */
  metrics?: MetricsListenOptions;
  /** Cost points per caller and minute. @default DEFAULT_BUDGETS, counted in this process */
  rateLimits?: RateLimitSettings;
  /** The entity cache of `_entities` fetches (entity-cache.ts). @default off */
  entityCache?: EntityCacheSettings;
  /** Where the response cache and partner-key revocations are shared. @default none: each process alone */
  shared?: SharedStateSettings;
  /**
   * Queries planned as one fetch whose answer needs no shaping are answered from that fetch
   * without Apollo's per-request pipeline (pass-through.ts). @default true
   */
  passThrough?: boolean;
}

/** Where and how long entities are kept. */
export interface EntityCacheSettings {
  /** Entities kept in this process when there is no Redis. @default 50000 */
  maxEntries?: number;
  /** What they may take in memory, roughly (`MemoryEntityStoreOptions.maxBytes`). @default 268435456 (256 MiB) */
  maxBytes?: number;
  /** Longest an entity is kept, whatever its cache hint. @default 60000 ms */
  maxTtlMs?: number;
  /** Root-field (Query) fetches kept too, whole, in the same store and invalidated alike (root-cache.ts). @default true */
  rootFields?: boolean;
  /** Redis shared by every gateway process and replica. @default none: each process keeps its own */
  redisUrl?: string;
  /** @default maillage:entity: */
  keyPrefix?: string;
  /**
   * Following the subgraphs' change logs (change-feed.ts): every change, whatever wrote it, drops
   * what it touched. `false`: off (mutations through this gateway and the TTL only).
   * @default every subgraph of the supergraph, read every 200 ms
   */
  feed?: false | { subgraphs?: string[]; pollMs?: number; waitMs?: number };
}

/** Redis shared by every gateway process and replica, for the response cache and partner-key revocations. */
export interface SharedStateSettings {
  redisUrl: string;
  /** Prefix of the keys and channel names. @default maillage */
  keyPrefix?: string;
}

/** How callers' cost budgets are counted. */
export interface RateLimitSettings {
  /** Points per minute, by role. @default DEFAULT_BUDGETS */
  budgets?: Partial<Budgets>;
  /** Redis shared by every gateway process and replica. @default none: each process counts alone */
  redisUrl?: string;
  /** @default maillage:cost */
  keyPrefix?: string;
  /** Token subjects never limited. @default ["service:synergies"] */
  exemptSubjects?: string[];
  /** Proxies whose X-Forwarded-For names the client (express's `trust proxy`: addresses, CIDRs, `loopback`...). @default none */
  trustedProxies?: string[];
}

export interface RunningGateway {
  url: string;
  port: number;
  /** Where `/metrics` is served; the public port answers 404 there. */
  metricsUrl: string;
  /**
   * The entity cache, when on: `entityCache.invalidate(typename, id)` is the hook for the subgraphs'
   * change feeds (what changed without a mutation through this gateway).
   */
  entityCache?: EntityCache;
  /** The follower of the subgraphs' change logs that invalidates the entity cache, when on. */
  changeFeed?: ChangeFeedFollower;
  stop(): Promise<void>;
}

/**
 * Nothing internal in an error a client reads: Apollo Gateway copies a failed subgraph fetch's
 * URL, status and raw body into `extensions.response` (the data source replaces those errors; this
 * is the net behind it), and a stack into `extensions.exception`.
 */
export function withoutInternals(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const ext = formatted.extensions;
  if (!ext || !('response' in ext || 'exception' in ext || 'stacktrace' in ext)) return formatted;
  const { response: _r, exception: _e, stacktrace: _s, ...extensions } = ext;
  return { ...formatted, extensions };
}

/**
 * The gateway serves the committed supergraph: it never introspects subgraphs at run time, so what
 * runs is what composition checked.
 */
export async function startGateway(opts: GatewayOptions): Promise<RunningGateway> {
  const logger = opts.logger ?? createLogger('gateway');
  const log = opts.log ?? ((m: string) => logger.error(m));
  const mask = maskInternalErrors(log);
  const metrics = createMetrics('gateway', 'gateway');
  const fetchMetrics = subgraphMetrics(metrics.registry);
  const signingSecret = opts.auth?.signingSecret ?? DEV_SIGNING_SECRET;
  const resilience = { ...DEFAULT_RESILIENCE, ...opts.resilience };
  const dataSources = new Map<string, ResilientDataSource>();
  const ec = opts.entityCache;
  const entityCache = ec
    ? new EntityCache({
        store: ec.redisUrl
          ? new RedisEntityStore(ec.redisUrl, ec.keyPrefix, ec.maxTtlMs)
          : new MemoryEntityStore(ec.maxEntries, { maxBytes: ec.maxBytes }),
        maxTtlMs: ec.maxTtlMs,
        rootFields: ec.rootFields,
        registry: metrics.registry,
        // Workers of one gateway (GATEWAY_WORKERS) keep their own memory: each tells the others.
        peers: !ec.redisUrl && cluster.isWorker,
      })
    : undefined;
  const feedSettings = ec?.feed === false ? undefined : ec?.feed;
  const followed = feedSettings?.subgraphs ?? subgraphUrls(opts).map(([name]) => name);
  const urls = Object.fromEntries(subgraphUrls(opts));
  const unknown = followed.filter((name) => !urls[name]);
  if (unknown.length) throw new Error(`the entity cache's feeds name ${unknown.join(', ')}, which the supergraph has no subgraph of`);
  // The change logs' reads (a long poll per subgraph, or a poll every 200 ms) through undici's own
  // client on keep-alive connections of their own, read whole, rather than WHATWG fetch's Request,
  // Response and streams. The post's signal bounds a long poll (its wait plus a margin), and aborts
  // it when the follower stops.
  const feedAgent = new Agent({ connections: 2, keepAliveTimeout: 4_000 });
  const changePost: ChangePost = async (url, { headers, body, timeoutMs, signal }) => {
    const res = await httpRequest(url, { method: 'POST', headers, body, dispatcher: feedAgent, signal: postSignal(timeoutMs, signal) });
    const text = await res.body.text();
    return { status: res.statusCode, json: async () => JSON.parse(text) as unknown };
  };
  const changeFeed =
    entityCache && ec?.feed !== false
      ? new ChangeFeedFollower({
          cache: entityCache,
          sources: followed.map(
            (name) =>
              new HttpChangeSource(
                name,
                () => changesUrlOf(urls[name]),
                () => signingSecret,
                { reader: 'service:gateway', post: changePost },
              ),
          ),
          pollMs: feedSettings?.pollMs,
          waitMs: feedSettings?.waitMs,
          sharedStore: !!ec?.redisUrl,
          registry: metrics.registry,
          logger,
        })
      : undefined;
  const breakerLog = (level: 'info' | 'warn', fields: Record<string, unknown>, msg: string) => logger[level](fields, msg);
  const gateway = new ApolloGateway({
    supergraphSdl: opts.watchSupergraphPath
      ? watchSupergraph(supergraphForGateway(opts.supergraphSdl), opts.watchSupergraphPath, logger)
      : supergraphForGateway(opts.supergraphSdl),
    buildService: ({ name, url }) => {
      if (name === GATEWAY_SUBGRAPH) return rateLimitSubgraph();
      const source = new ResilientDataSource(
        name,
        opts.subgraphUrls?.[name] ?? url!,
        resilience,
        fetchMetrics,
        signingSecret,
        breakerLog,
        entityCache,
      );
      dataSources.get(name)?.close();
      dataSources.set(name, source);
      return source;
    },
  });
  let apiSchema: GraphQLSchema | undefined;
  let costModel: CostModel | undefined;
  let served: ServedSupergraph | undefined;
  gateway.onSchemaLoadOrUpdate((s) => {
    validateScalarsAtTheDoor(s.apiSchema);
    costModel = costModelOf(s.coreSupergraphSdl);
    apiSchema = s.apiSchema;
    entityCache?.setSupergraph(s.coreSupergraphSdl);
    served = { sdl: s.coreSupergraphSdl, apiSchema: s.apiSchema };
  });
  const limiter = new CostRateLimiter({
    budgets: { ...DEFAULT_BUDGETS, ...opts.rateLimits?.budgets },
    redisUrl: opts.rateLimits?.redisUrl,
    keyPrefix: opts.rateLimits?.keyPrefix,
    exemptSubjects: opts.rateLimits?.exemptSubjects,
    registry: metrics.registry,
    logger,
  });
  const revocations = new PartnerKeyRevocations({
    redisUrl: opts.shared?.redisUrl,
    keyPrefix: opts.shared?.keyPrefix,
    registry: metrics.registry,
    logger,
  });
  const responseCache: ResponseStore & { close?(): void } = opts.shared
    ? new RedisResponseCache({ redisUrl: opts.shared.redisUrl, keyPrefix: opts.shared.keyPrefix, registry: metrics.registry, logger })
    : memoryStore(new ResponseCache());
  const directoryUrl = subgraphUrls(opts).find(([name]) => name === 'directory')?.[1];
  if (!directoryUrl) throw new Error('the supergraph has no directory subgraph, which holds partner keys');
  const doorOptions = {
    verifyToken: tokenVerifier(opts.auth?.tokens ?? DEV_TOKENS),
    partnerKeys: new PartnerKeys(directoryUrl, signingSecret, opts.auth?.partnerKeyCacheMs ?? 30_000, revocations),
    operations: loadPersistedOperations(opts.auth?.operationsPath ?? DEFAULT_OPERATIONS),
    schema: () => apiSchema,
    bodyLimit: opts.auth?.bodyLimit ?? '100kb',
    costModel: () => costModel,
    limiter,
  };
  const admission = door(doorOptions);
  const app = express();
  // req.ip: the socket's address, or the client named in X-Forwarded-For by a trusted proxy only.
  app.set('trust proxy', opts.rateLimits?.trustedProxies?.length ? opts.rateLimits.trustedProxies : false);
  // Express, or the lean front before it once the pass-through exists (below).
  let handle: http.RequestListener = app;
  // Idle connections are the client's to close (keepIdleConnections says why).
  const httpServer = keepIdleConnections(http.createServer((req, res) => handle(req, res)));
  const apollo = new ApolloServer<GatewayContext & { cost?: CostAdmission }>({
    gateway,
    introspection: !opts.production,
    // No "Did you mean …?" in production: suggestions map the schema for whoever probes it.
    hideSchemaDetailsFromClientErrors: !!opts.production,
    includeStacktraceInErrorResponses: false,
    // GET and simple POSTs must show they are not a cross-site form (a non-simple content type or
    // header); the door marks reviewed persisted queries, and GETs without a cookie, as safe (csrf.ts).
    csrfPrevention: true,
    // Persisted operations come from the repository's manifest (the door), never registered by clients.
    persistedQueries: false,
    allowBatchedHttpRequests: false,
    // A second bound behind the door's per-role one, for whatever reaches Apollo's parser.
    parseOptions: { maxTokens: MAX_TOKENS },
    stopOnTerminationSignals: false,
    formatError: (formatted, error) => withoutInternals(mask(formatted, error)),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      observabilityPlugin(logger, metrics),
      cacheHintsPlugin(responseCache),
      // After the cache hints: a stored answer is kept without the cost of the request that stored it.
      costPlugin(() => costModel),
      requestErrorStatusPlugin(),
      revocationPlugin(revocations),
    ],
  });
  await apollo.start();
  // Each log's head is asked for before the first request, for 2 s at most: a subgraph whose log
  // is not read yet has its entities fetched, not cached, until it is.
  const heads = changeFeed?.start();
  if (heads) await Promise.race([heads, new Promise((r) => setTimeout(r, 2000).unref())]);
  app.get('/health', (_req, res) => void res.json({ status: 'ok', service: 'gateway' }));
  app.get(
    '/ready',
    readiness(subgraphReadyUrls(opts), (name) => dataSources.get(name)?.breaker.state ?? 'closed'),
  );
  mountIde(app, opts.auth?.operationsPath ?? DEFAULT_OPERATIONS, opts.production ? undefined : () => apiSchema, !opts.production);
  // The playground's query plan panel: development only (query-plan.ts).
  if (!opts.production) mountQueryPlans(app, () => served);
  mountAtlas(app);
  mountWidgets(app, { operationsPath: opts.auth?.operationsPath ?? DEFAULT_OPERATIONS, production: !!opts.production });
  // The request id ties the gateway's and the subgraphs' log lines of one request together.
  const contextOf = (req: express.Request, res: express.Response): GatewayContext & { cost?: CostAdmission } => {
    const admitted = res.locals.admitted as Admitted | undefined;
    return {
      // One budget for all the request's subgraph fetches, counted from here.
      deadline: deadlineIn(resilience.deadlineMs),
      requestId: requestIdFrom(req.headers['x-request-id']) ?? randomUUID(),
      viewer: admitted?.viewer ?? ANONYMOUS,
      publicCacheable: admitted?.publicCacheable ?? false,
      cost: admitted?.cost,
      responseCache: res.locals.responseCache as GatewayContext['responseCache'],
      traceContext: traceContextOf(res),
      operationLabel: admitted?.operationLabel ?? 'other',
    };
  };
  const pass =
    opts.passThrough === false
      ? undefined
      : passThrough({
          served: () => served,
          sources: dataSources,
          costModel: () => costModel,
          context: contextOf,
          observe: (context, operationName, started) => observeRequest(logger, metrics, context, operationName, started, []),
          registry: metrics.registry,
        });
  const shortcut = pass ? [pass] : [];
  const bodyLimit = byteCount(doorOptions.bodyLimit);
  if (pass && bodyLimit !== undefined) handle = leanFront({ app, door: doorOptions, bodyLimit, passThrough: pass });
  app.use(
    '/graphql',
    traceRequests('gateway'),
    ...admission,
    serveFromCache(responseCache),
    ...shortcut,
    expressMiddleware(apollo, {
      // A request the pass-through handed on keeps the context it began (its id, deadline and prefetched answer).
      context: async ({ req, res }) => (res.locals.gatewayContext as ReturnType<typeof contextOf> | undefined) ?? contextOf(req, res),
    }),
  );
  // Anything else (among it /metrics, which has a listener of its own) is not here.
  app.use((req, res) =>
    sendDoorError(req, res, { status: 404, code: ErrorCode.NOT_FOUND, message: `Nothing at ${req.method} ${req.path.slice(0, 100)}` }),
  );
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(opts.port, opts.host, resolve);
  });
  const metricsServer = await serveMetrics(metrics.registry, opts.metrics ?? { port: 0 }).catch(async (err) => {
    await apollo.stop();
    throw err;
  });
  const { port } = httpServer.address() as AddressInfo;
  return {
    url: `http://${opts.host}:${port}/graphql`,
    port,
    metricsUrl: metricsServer.url,
    entityCache,
    changeFeed,
    stop: async () => {
      await changeFeed?.stop();
      await feedAgent.close();
      for (const source of dataSources.values()) source.close();
      await metricsServer.close();
      await apollo.stop();
      await limiter.close();
      responseCache.close?.();
      revocations.close();
      await entityCache?.close();
    },
  };
}

/** A size as body-parser reads its `limit` (the `bytes` package: `100kb` is 102400), or undefined when it is another form. */
export function byteCount(size: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(size);
  if (!m) return undefined;
  const unit = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[(m[2] ?? 'b').toLowerCase() as 'b'];
  return Math.floor(Number(m[1]) * unit);
}

function subgraphUrls(opts: GatewayOptions): [string, string][] {
  const fromSdl = [...opts.supergraphSdl.matchAll(/join__graph\(name: "([^"]+)", url: "([^"]+)"\)/g)]
    .map((m) => [m[1], m[2]] as const)
    // The gateway's own subgraph runs in this process: nothing to reach, nothing to check.
    .filter(([name]) => name !== GATEWAY_SUBGRAPH);
  return fromSdl.map(([name, url]) => [name, opts.subgraphUrls?.[name] ?? url]);
}

function subgraphReadyUrls(opts: GatewayOptions): [string, string][] {
  return subgraphUrls(opts).map(([name, url]) => [name, url.replace(/\/graphql$/, '/ready')]);
}

/**
 * Reloads the supergraph when its file changes. The gateway validates the new SDL (a supergraph
 * it cannot load is refused) and swaps it in between requests: in-flight requests finish on the
 * plan they started with, and a refused file leaves the previous supergraph serving.
 */
function watchSupergraph(initial: string, file: string, logger: Logger): SupergraphSdlHook {
  return async ({ update }) => {
    let current = initial;
    let timer: NodeJS.Timeout | undefined;
    const reload = () => {
      let next: string;
      try {
        next = supergraphForGateway(readFileSync(file, 'utf8'));
      } catch (err) {
        return logger.error({ file, err: (err as Error).message }, 'supergraph reload refused: file unreadable');
      }
      if (next === current) return;
      try {
        update(next);
        current = next;
        logger.info({ file }, 'supergraph reloaded');
      } catch (err) {
        logger.error({ file, err: (err as Error).message }, 'supergraph reload refused: keeping the previous supergraph');
      }
    };
    // Editors and `npm run compose` write in several steps: wait for the file to settle.
    const watcher = watch(path.dirname(file), (_event, name) => {
      if (name !== path.basename(file)) return;
      clearTimeout(timer);
      timer = setTimeout(reload, 150);
    });
    return {
      supergraphSdl: initial,
      cleanup: async () => {
        clearTimeout(timer);
        watcher.close();
      },
    };
  };
}

/**
 * The supergraph knows custom scalars by name only, so the gateway would pass "2020-02-30" on and
 * the subgraph's refusal would come back as an opaque failure. Giving the gateway's copies of the
 * scalars the subgraphs' checks makes a bad date a 400 validation error at the door. Values are
 * checked, not converted: subgraphs receive exactly what the client sent.
 */
function validateScalarsAtTheDoor(schema: GraphQLSchema) {
  for (const real of [DateScalar, DateTimeScalar]) {
    const type = schema.getType(real.name);
    if (!(type instanceof GraphQLScalarType)) continue;
    type.parseValue = (value) => {
      real.parseValue(value);
      return value;
    };
    type.parseLiteral = (ast, variables) => {
      real.parseLiteral(ast, variables);
      return valueFromASTUntyped(ast, variables);
    };
  }
}

export { RedisLink, type RedisLinkOptions } from './redis';

export const readSupergraph = (path: string) => readFileSync(path, 'utf8');
