import { readFileSync, watch } from 'node:fs';
import path from 'node:path';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { ApolloGateway, type SupergraphSdlHook } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import {
  ANONYMOUS,
  createLogger,
  createMetrics,
  DateScalar,
  DEV_SIGNING_SECRET,
  supergraphForGateway,
  DateTimeScalar,
  maskInternalErrors,
  observabilityPlugin,
  requestIdFrom,
  traceContextOf,
  traceRequests,
  type Logger,
} from '@maillage/kit';
import { GraphQLScalarType, type GraphQLSchema, valueFromASTUntyped } from 'graphql';
import express from 'express';
import { DEV_TOKENS, PartnerKeys, tokenVerifier, type TokenConfig } from './auth';
import { door, type Admitted } from './door';
import { mountIde } from './ide';
import { mountQueryPlans, type ServedSupergraph } from './query-plan';
import { mountWidgets } from './widgets';
import { MAX_TOKENS } from './limits';
import { loadPersistedOperations } from './operations';
import { cacheHintsPlugin, ResponseCache, serveFromCache } from './response-cache';
import { requestErrorStatusPlugin } from './statuses';
import { DEFAULT_RESILIENCE, ResilientDataSource, subgraphMetrics, type GatewayContext, type ResilienceOptions } from './subgraphs';

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
  /** Per-subgraph timeouts, retries and circuit breaker. */
  resilience?: Partial<ResilienceOptions>;
  log?: (msg: string) => void;
  /** Structured logger. @default a pino logger at info level */
  logger?: Logger;
  /** Authentication, partner keys, persisted operations. @default development settings */
  auth?: GatewayAuthOptions;
}

export interface RunningGateway {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * The gateway serves the committed supergraph: it never introspects subgraphs at run time, so what
 * runs is what composition checked.
 */
export async function startGateway(opts: GatewayOptions): Promise<RunningGateway> {
  const logger = opts.logger ?? createLogger('gateway');
  const log = opts.log ?? ((m: string) => logger.error(m));
  const metrics = createMetrics('gateway', 'gateway');
  const fetchMetrics = subgraphMetrics(metrics.registry);
  const signingSecret = opts.auth?.signingSecret ?? DEV_SIGNING_SECRET;
  const gateway = new ApolloGateway({
    supergraphSdl: opts.watchSupergraphPath
      ? watchSupergraph(supergraphForGateway(opts.supergraphSdl), opts.watchSupergraphPath, logger)
      : supergraphForGateway(opts.supergraphSdl),
    buildService: ({ name, url }) =>
      new ResilientDataSource(name, opts.subgraphUrls?.[name] ?? url!, { ...DEFAULT_RESILIENCE, ...opts.resilience }, fetchMetrics, signingSecret),
  });
  let apiSchema: GraphQLSchema | undefined;
  let served: ServedSupergraph | undefined;
  gateway.onSchemaLoadOrUpdate((s) => {
    validateScalarsAtTheDoor(s.apiSchema);
    apiSchema = s.apiSchema;
    served = { sdl: s.coreSupergraphSdl, apiSchema: s.apiSchema };
  });
  const directoryUrl = subgraphUrls(opts).find(([name]) => name === 'directory')?.[1];
  if (!directoryUrl) throw new Error('the supergraph has no directory subgraph, which holds partner keys');
  const admission = door({
    verifyToken: tokenVerifier(opts.auth?.tokens ?? DEV_TOKENS),
    partnerKeys: new PartnerKeys(directoryUrl, signingSecret, opts.auth?.partnerKeyCacheMs ?? 30_000),
    operations: loadPersistedOperations(opts.auth?.operationsPath ?? DEFAULT_OPERATIONS),
    schema: () => apiSchema,
    bodyLimit: opts.auth?.bodyLimit ?? '100kb',
  });
  const app = express();
  const httpServer = http.createServer(app);
  const responseCache = new ResponseCache();
  const apollo = new ApolloServer<GatewayContext>({
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
    formatError: maskInternalErrors(log),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      observabilityPlugin(logger, metrics),
      cacheHintsPlugin(responseCache),
      requestErrorStatusPlugin(),
    ],
  });
  await apollo.start();
  app.get('/health', (_req, res) => void res.json({ status: 'ok', service: 'gateway' }));
  app.get('/ready', async (_req, res) => {
    // Ready when every subgraph answers its own readiness check.
    const urls = subgraphReadyUrls(opts);
    const results = await Promise.all(
      urls.map(
        async ([name, u]) =>
          [
            name,
            await fetch(u).then(
              (r) => r.ok,
              () => false,
            ),
          ] as const,
      ),
    );
    const down = results.filter(([, ok]) => !ok).map(([name]) => name);
    res.status(down.length ? 503 : 200).json({ status: down.length ? 'unavailable' : 'ready', down });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  mountIde(app, opts.auth?.operationsPath ?? DEFAULT_OPERATIONS, opts.production ? undefined : () => apiSchema, !opts.production);
  // The playground's query plan panel: development only (query-plan.ts).
  if (!opts.production) mountQueryPlans(app, () => served);
  mountWidgets(app, { operationsPath: opts.auth?.operationsPath ?? DEFAULT_OPERATIONS, production: !!opts.production });
  app.use(
    '/graphql',
    traceRequests('gateway'),
    ...admission,
    serveFromCache(responseCache),
    expressMiddleware(apollo, {
      // The request id ties the gateway's and the subgraphs' log lines of one request together.
      context: async ({ req, res }) => {
        const admitted = res.locals.admitted as Admitted | undefined;
        return {
          requestId: requestIdFrom(req.headers['x-request-id']) ?? randomUUID(),
          viewer: admitted?.viewer ?? ANONYMOUS,
          publicCacheable: admitted?.publicCacheable ?? false,
          responseCache: res.locals.responseCache as GatewayContext['responseCache'],
          traceContext: traceContextOf(res),
        };
      },
    }),
  );
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(opts.port, opts.host, resolve);
  });
  const { port } = httpServer.address() as AddressInfo;
  return { url: `http://${opts.host}:${port}/graphql`, port, stop: () => apollo.stop() };
}

function subgraphUrls(opts: GatewayOptions): [string, string][] {
  const fromSdl = [...opts.supergraphSdl.matchAll(/join__graph\(name: "([^"]+)", url: "([^"]+)"\)/g)].map((m) => [m[1], m[2]] as const);
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

export const readSupergraph = (path: string) => readFileSync(path, 'utf8');
