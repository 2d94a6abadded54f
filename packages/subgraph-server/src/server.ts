import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, HeaderMap, type ApolloServerPlugin, type BaseContext, type ContextFunction } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import express from 'express';
import type { DocumentNode, GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { constraintError } from '@maillage/errors';
import {
  createLogger,
  createMetrics,
  observabilityPlugin,
  requestIdFrom,
  serveMetrics,
  traceRequests,
  type Logger,
  type MetricsListenOptions,
} from '@maillage/observability';
import {
  ANONYMOUS,
  BATCH_HEADER,
  BATCH_IDS_HEADER,
  BINDING_HEADER,
  MAX_BATCH_OPERATIONS,
  buildSecuredSubgraphSchema,
  DEV_SIGNING_SECRET,
  hasScopes,
  OPERATION_HEADER,
  VIEWER_HEADER,
  ViewerVerifier,
  type Viewer,
} from '@maillage/viewer';
import { useCursorSecret } from './pagination';

export interface SubgraphDefinition<Ctx extends object> {
  name: string;
  typeDefs: DocumentNode;
  resolvers: GraphQLResolverMap<Ctx>;
  /**
   * Builds a fresh context (and its DataLoaders) for each request. The server adds `viewer` (the
   * caller the gateway vouched for) to whatever this returns; it is also passed in, for contexts
   * that need it while building.
   */
  context: (request: { viewer: Viewer }) => Ctx | Promise<Ctx>;
  /** Throws when the service cannot serve (database unreachable). */
  ready?: () => Promise<void>;
  log?: (msg: string) => void;
  /** Structured logger; the server makes one when absent. */
  logger?: Logger;
  /**
   * This subgraph's change log (its outbox, packages/db `readChanges`): the changes after a
   * position, in order. When given, the server answers `POST /changes` with it (see `serveChanges`).
   */
  changes?: (after: string, first: number) => Promise<unknown>;
  /**
   * Other signed, non-GraphQL routes (`POST <path>`, JSON in and out) the services of the
   * deployment ask one another, checked like `/changes` (see `serveSigned`): the network
   * subgraphs' `/standing`, which another network subgraph asks before an agreement.
   */
  endpoints?: Record<string, SignedEndpoint>;
  /** Stops the service's background work (a feed it follows), after the server stopped taking requests. */
  stop?: () => Promise<void>;
}

/** Largest page `POST /changes` hands out. */
export const MAX_CHANGES_FIRST = 1000;
const CHANGE_POSITION = /^(0|[1-9][0-9]{0,18})$/;

// Prisma's codes and driver adapters' error kinds for a database that cannot be reached or dropped
// the connection: the request was not carried out, and the caller may retry later. P2024 and P2028
// are a busy one: no pool connection came free in time (pool timeout, a transaction that could not
// start within its wait, or ran past its timeout and was rolled back).
const DATABASE_DOWN_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028']);
// PostgreSQL SQLSTATE class 08 (connection exception), 57P01-57P03 (shutdown, cannot connect now).
const DATABASE_DOWN =
  /DatabaseNotReachable|ConnectionClosed|SocketTimeout|TooManyConnections|ECONNREFUSED|ECONNRESET|Connection terminated|terminating connection|Can't reach database|server closed the connection|not currently accepting connections|PGlite is closed|Code: `(08\w{3}|57P0[123])`/i;

export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: string; name?: string; message?: string; cause?: unknown } | undefined;
  if (!e) return false;
  if (e.name === 'PrismaClientInitializationError' || (e.code && DATABASE_DOWN_CODES.has(e.code))) return true;
  return DATABASE_DOWN.test(`${e.message ?? ''} ${String((e.cause as { message?: string })?.message ?? '')}`);
}

/**
 * Internal failures (database errors, bugs) reach the client as a bare "Internal server error":
 * no SQL, no stack, no host names. A database that cannot be reached is said so, with its own code:
 * each write runs in one transaction, so such a failure never leaves half a change behind.
 * A write a database constraint refused gets the error code of the rule it broke (`constraints.ts`).
 * Errors raised on purpose carry their own code and pass through.
 */
export function maskInternalErrors(log: (msg: string) => void, service = 'service') {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    if (formatted.extensions?.code !== 'INTERNAL_SERVER_ERROR') return formatted;
    const original = unwrapResolverError(error);
    // A constraint of the database refused the write: the caller's input, not a fault.
    const refused = constraintError(original);
    if (refused) return { message: refused.message, path: formatted.path, extensions: refused.extensions };
    log(`internal error: ${original instanceof Error ? (original.stack ?? original.message) : String(original)}`);
    if (isDatabaseUnavailable(original)) {
      return {
        message: `The ${service} database is unavailable; the request was not carried out. Retry later.`,
        path: formatted.path,
        extensions: { code: 'DATABASE_UNAVAILABLE', subgraph: service },
      };
    }
    return { message: 'Internal server error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}

// What Apollo's cache-control plugin answered for a schema without hints: nothing here may be cached.
const noStore: ApolloServerPlugin<object> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        if (!response.http.headers.has('cache-control')) response.http.headers.set('cache-control', 'no-store');
      },
    };
  },
};

export function createSubgraphApollo<Ctx extends object>(def: SubgraphDefinition<Ctx>, plugins: ApolloServerPlugin<Ctx>[] = []) {
  return new ApolloServer<Ctx>({
    // `@authenticated` and `@requiresScopes` in the SDL are enforced here, in the subgraph that owns the field.
    schema: buildSecuredSubgraphSchema({ typeDefs: def.typeDefs, resolvers: def.resolvers }),
    includeStacktraceInErrorResponses: false,
    // The process entry point owns SIGTERM (runService): one handler, one orderly stop.
    stopOnTerminationSignals: false,
    formatError: maskInternalErrors(
      def.logger ? (m) => def.logger!.error(m) : (def.log ?? ((m) => console.error(`[${def.name}] ${m}`))),
      def.name,
    ),
    // Inline traces are for Apollo's hosted studio, which Maillage does not report to.
    // Cache control: the subgraph schemas carry no @cacheControl hint (the gateway holds the
    // graph's hints, gateway/src/cache-hints.ts), so Apollo's plugin could only ever answer
    // `no-store`, yet it wrapped every field resolver to find that out (a fifth of a network
    // subgraph's GraphQL execution time on the fan-out of the benchmark). Off, with the same header.
    plugins: [ApolloServerPluginInlineTraceDisabled(), ApolloServerPluginCacheControlDisabled(), noStore, ...plugins],
  });
}

type RawBodyRequest = http.IncomingMessage & { rawBody?: Buffer; body?: unknown };

/** Largest `/graphql` body (`express.json`'s limit, and the fast path's). */
const GRAPHQL_BODY_LIMIT = 1024 * 1024;
const JSON_TYPES = new Set(['application/json', 'application/json; charset=utf-8', 'application/json;charset=utf-8']);
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;

/**
 * The body of a request as the gateway sends it (POST, `application/json`, a content length, no
 * content encoding, a JSON object), read and parsed without body-parser's machinery (type-is,
 * content-type, iconv, raw-body, on-finished): a sixth of the HTTP layer's CPU on a lookup.
 * Anything else (another type or charset, chunked, compressed, empty, too large) is left to
 * `express.json`, which runs next and skips a body already read, so every other request is
 * answered as before. A body that is not JSON gets body-parser's 400; one whose length is not
 * its content length, raw-body's.
 */
function gatewayJsonBody(limit: number) {
  return (req: express.Request, _res: express.Response, next: express.NextFunction) => {
    const length = Number(req.headers['content-length']);
    if (
      req.method !== 'POST' ||
      !JSON_TYPES.has(req.headers['content-type'] ?? '') ||
      req.headers['content-encoding'] !== undefined ||
      req.headers['transfer-encoding'] !== undefined ||
      !(length > 0 && length <= limit)
    )
      return next();
    const chunks: Buffer[] = [];
    let size = 0;
    const refuse = (status: number, message: string, type: string) =>
      next(Object.assign(new Error(message), { status, statusCode: status, expose: true, type }));
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= length) chunks.push(chunk);
    });
    req.once('error', next);
    req.once('end', () => {
      if (size !== length) return refuse(400, 'request size did not match content length', 'request.size.invalid');
      const raw = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
      (req as RawBodyRequest).rawBody = raw;
      // body-parser's strict mode: an object or an array (Apollo refuses a batch itself).
      let body: unknown;
      try {
        if (raw[0] !== OPEN_BRACE && raw[0] !== OPEN_BRACKET) throw new SyntaxError('Unexpected token: the body is not a JSON object');
        body = JSON.parse(raw.toString('utf8'));
      } catch (err) {
        return refuse(400, (err as Error).message, 'entity.parse.failed');
      }
      (req as RawBodyRequest).body = body;
      next();
    });
  };
}

/**
 * `expressMiddleware` of @as-integrations/express5, less Express's `res.send` (charset
 * rewriting, content-type parsing, ETag, freshness: the answer is already a JSON string with its
 * content type) and the legacy `url.parse` of every URL.
 */
function answerGraphQL<Ctx extends BaseContext>(
  server: ApolloServer<Ctx>,
  options: {
    context: ContextFunction<[{ req: express.Request; res: express.Response }], Ctx>;
    /** The context of a batch's operation `index`, from the one context of the batch. */
    member(shared: Ctx, index: number, req: express.Request): Ctx;
    /** Whether this request may carry a batch (the gateway signed it). */
    mayBatch(req: express.Request, res: express.Response): boolean;
  },
) {
  server.assertStarted('answerGraphQL()');
  return async (req: express.Request, res: express.Response) => {
    const headers = new HeaderMap();
    for (const key in req.headers) {
      const value = req.headers[key];
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const search = req.url.indexOf('?');
    const body = (req as RawBodyRequest).body;
    if (req.method === 'POST' && Array.isArray(body)) return answerBatch(server, options, req, res, headers, body);
    const answer = await server.executeHTTPGraphQLRequest({
      httpGraphQLRequest: {
        method: req.method.toUpperCase(),
        headers,
        search: search < 0 ? '' : req.url.slice(search).split('#')[0],
        body: (req as RawBodyRequest).body,
      },
      context: () => options.context({ req, res }),
    });
    for (const [key, value] of answer.headers) res.setHeader(key, value);
    // As `res.send` says of a string (the landing page's `text/html`; Apollo's JSON types carry it already).
    const type = answer.headers.get('content-type');
    if (type && !type.includes('charset=')) res.setHeader('content-type', `${type}; charset=utf-8`);
    res.statusCode = answer.status || 200;
    if (answer.body.kind === 'complete') {
      res.setHeader('content-length', Buffer.byteLength(answer.body.string));
      res.end(answer.body.string);
      return;
    }
    for await (const chunk of answer.body.asyncIterator) res.write(chunk);
    res.end();
  };
}

/**
 * A batch from the gateway (gateway/src/fetch-batch.ts): a JSON array of operations, signed over
 * the array, each run by Apollo as if it had come alone (its own plugins' hooks, log line, metrics,
 * status, limits), but with ONE context built for the batch: the DataLoaders are the batch's, so
 * the operations' loads merge into the statements one request would send. Each operation's
 * context is a copy naming its own request id (`member`). The answer is the operations' bodies in
 * one array, and `x-maillage-batch` their statuses and lengths; an operation whose headers differ
 * from the first's (none do: each says `no-store`) is withheld (status 0), and the gateway asks
 * for it alone. Unlike Apollo's `allowBatchedHttpRequests`, which runs a batch with one context
 * too but one shared status and headers and one request id: a member's own status would be lost.
 */
async function answerBatch<Ctx extends BaseContext>(
  server: ApolloServer<Ctx>,
  options: Parameters<typeof answerGraphQL<Ctx>>[1],
  req: express.Request,
  res: express.Response,
  headers: HeaderMap,
  body: unknown[],
) {
  const refuse = (message: string) => void res.status(400).json({ errors: [{ message, extensions: { code: 'BAD_REQUEST' } }] });
  if (!options.mayBatch(req, res)) return refuse('A batch of operations is taken from the gateway only');
  if (body.length === 0 || body.length > MAX_BATCH_OPERATIONS) return refuse(`A batch holds 1 to ${MAX_BATCH_OPERATIONS} operations`);
  let shared: Promise<Ctx> | undefined;
  const search = req.url.indexOf('?');
  const answers = await Promise.all(
    body.map((operation, i) =>
      server.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: 'POST', headers, search: search < 0 ? '' : req.url.slice(search).split('#')[0], body: operation },
        // Built once, when the first operation asks: a failure fails each operation as it would have alone.
        context: async () => options.member(await (shared ??= Promise.resolve(options.context({ req, res }))), i, req),
      }),
    ),
  );
  const first = answers[0].headers;
  const same = (h: HeaderMap) => h.size === first.size && [...h].every(([k, v]) => first.get(k) === v);
  const parts: string[] = [];
  const described: string[] = [];
  for (const answer of answers) {
    const text = answer.body.kind === 'complete' && same(answer.headers) ? answer.body.string : undefined;
    parts.push(text ?? '');
    described.push(`${text === undefined ? 0 : answer.status || 200}:${text?.length ?? 0}`);
  }
  for (const [key, value] of first) res.setHeader(key, value);
  const type = first.get('content-type');
  if (type && !type.includes('charset=')) res.setHeader('content-type', `${type}; charset=utf-8`);
  res.setHeader(BATCH_HEADER, described.join(','));
  const text = `[${parts.join(',')}]`;
  res.statusCode = 200;
  res.setHeader('content-length', Buffer.byteLength(text));
  res.end(text);
}

export interface RunningServer {
  url: string;
  port: number;
  /** Where `/metrics` is served (its own listener; the public port answers 404 there). */
  metricsUrl?: string;
  stop(): Promise<void>;
}

/**
 * Serves a subgraph over HTTP: `/graphql`, `/health` (process up) and `/ready` (database reachable).
 * `/graphql` answers only requests the gateway signed (see `signViewer`): anything else gets a 401,
 * so going around the gateway gains nothing.
 */
export async function startSubgraph<Ctx extends object>(
  def: SubgraphDefinition<Ctx>,
  listen: {
    port: number;
    host: string;
    /** @default the development secret */ signingSecret?: string;
    /**
     * Serves a request without the gateway's signature as anonymous (a bad signature is still
     * refused). Only for benchmarks against gateways that do not sign (stock Apollo, Hive Gateway),
     * on public data; never set by the service's entry point. @default false
     */
    unsignedAsAnonymous?: boolean;
    /** The metrics listener. @default port 0 on 127.0.0.1 */
    metrics?: MetricsListenOptions;
    /**
     * What wakes a `POST /changes` waiting for the log to grow (packages/db `Database.changeSignal`).
     * Without it a wait re-reads the log every second.
     */
    changeWakeups?: ChangeWakeups;
  },
): Promise<RunningServer> {
  const verifier = new ViewerVerifier(listen.signingSecret ?? DEV_SIGNING_SECRET, def.name);
  // Cursors are signed with the same secret, so every replica of the subgraph accepts the others' cursors.
  useCursorSecret(listen.signingSecret ?? DEV_SIGNING_SECRET);
  const app = express();
  // No ETag: every answer is `no-store`, and hashing each body (SHA-1) was a per-request cost for nothing.
  app.set('etag', false);
  const httpServer = keepIdleConnections(http.createServer(app));
  const logger = def.logger ?? createLogger(def.name);
  const metrics = createMetrics(def.name, 'subgraph');
  const apollo = createSubgraphApollo<Ctx & { requestId?: string; operationLabel?: string }>(
    def as SubgraphDefinition<Ctx & { requestId?: string }>,
    [ApolloServerPluginDrainHttpServer({ httpServer }), observabilityPlugin(logger, metrics)],
  );
  await apollo.start();
  app.get('/health', (_req, res) => void res.json({ status: 'ok', service: def.name }));
  app.get('/ready', async (_req, res) => {
    try {
      await def.ready?.();
      res.json({ status: 'ready', service: def.name });
    } catch {
      res.status(503).json({ status: 'unavailable', service: def.name });
    }
  });
  app.use(
    '/graphql',
    traceRequests(def.name),
    // The signature binds the body as the gateway sent it, byte for byte.
    gatewayJsonBody(GRAPHQL_BODY_LIMIT),
    express.json({ limit: '1mb', verify: (req, _res, buf) => void ((req as RawBodyRequest).rawBody = buf) }),
    async (req: express.Request, res: express.Response, next: express.NextFunction) => {
      try {
        const header = req.get(VIEWER_HEADER);
        if (header === undefined && listen.unsignedAsAnonymous) {
          res.locals.viewer = ANONYMOUS;
        } else {
          const search = req.originalUrl.indexOf('?');
          const body =
            req.method === 'GET' ? (search < 0 ? '' : req.originalUrl.slice(search + 1)) : ((req as RawBodyRequest).rawBody ?? '');
          const verified = await verifier.verify({
            viewer: header,
            binding: req.get(BINDING_HEADER),
            operation: req.get(OPERATION_HEADER),
            body,
          });
          res.locals.viewer = verified.viewer;
          res.locals.operationLabel = verified.operation;
          res.locals.signed = true;
        }
        next();
      } catch (err) {
        res.status(401).json({ errors: [{ message: (err as Error).message, extensions: { code: 'UNAUTHENTICATED' } }] });
      }
    },
    answerGraphQL(apollo, {
      context: async ({ req, res }) => {
        const viewer = res.locals.viewer as Viewer;
        return {
          ...(await def.context({ viewer })),
          viewer,
          requestId: requestIdFrom(req.headers['x-request-id']),
          operationLabel: res.locals.operationLabel as string | undefined,
        };
      },
      member: (shared, i, req) => ({ ...shared, requestId: requestIdFrom(req.get(BATCH_IDS_HEADER)?.split(',')[i]) }),
      mayBatch: (_req, res) => res.locals.signed === true,
    }),
  );
  const waits = new ChangeWaits(listen.changeWakeups, logger);
  if (def.changes) serveChanges(app, def.changes, verifier, logger, waits);
  for (const [route, endpoint] of Object.entries(def.endpoints ?? {})) serveSigned(app, route, endpoint, verifier, logger);
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(listen.port, listen.host, resolve);
  });
  const metricsServer = await serveMetrics(metrics.registry, listen.metrics ?? { port: 0 }).catch(async (err) => {
    await apollo.stop();
    throw err;
  });
  const { port } = httpServer.address() as AddressInfo;
  const host = listen.host.includes(':') ? `[${listen.host}]` : listen.host;
  return {
    url: `http://${host}:${port}/graphql`,
    port,
    metricsUrl: metricsServer.url,
    stop: async () => {
      // Before the drain, which would otherwise wait for every long poll of /changes to time out.
      waits.stop();
      await metricsServer.close();
      await apollo.stop();
      await def.stop?.();
    },
  };
}

/**
 * A signed endpoint's answer to a request it refuses: the HTTP status, a stable code, a message
 * for the caller. Anything else it throws is a 503 (database unreachable) or a bare 500.
 */
export class EndpointRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A signed route's handler: the viewer the statement names, the parsed JSON body; returns the JSON answer. */
export interface SignedEndpoint {
  (viewer: Viewer, body: unknown): Promise<unknown>;
  /** Largest body accepted. @default 16kb */
  limit?: string;
}

/**
 * `POST <route>`, JSON in and out, for the services of the deployment only: signed like every
 * request the gateway makes (a viewer statement for this subgraph bound to this very body,
 * `gatewayHeaders`), so 401 unsigned or badly signed; the handler's `EndpointRefusal` as it says;
 * 400 for a body that is not JSON; 503 when the database is unreachable. Not GraphQL: no part of
 * the graph, out of composition and of the public API by construction (the gateway routes only
 * `/graphql`).
 */
function serveSigned(app: express.Express, route: string, endpoint: SignedEndpoint, verifier: ViewerVerifier, logger: Logger) {
  const refuse = (res: express.Response, status: number, code: string, message: string) =>
    void res.status(status).json({ errors: [{ message, extensions: { code } }] });
  app.post(
    route,
    express.json({ limit: endpoint.limit ?? '16kb', verify: (req, _res, buf) => void ((req as RawBodyRequest).rawBody = buf) }),
    async (req: express.Request, res: express.Response) => {
      let viewer: Viewer;
      try {
        ({ viewer } = await verifier.verify({
          viewer: req.get(VIEWER_HEADER),
          binding: req.get(BINDING_HEADER),
          operation: req.get(OPERATION_HEADER),
          body: (req as RawBodyRequest).rawBody ?? '',
        }));
      } catch (err) {
        return refuse(res, 401, 'UNAUTHENTICATED', (err as Error).message);
      }
      try {
        res.json(await endpoint(viewer, req.body ?? {}));
      } catch (err) {
        if (err instanceof EndpointRefusal) return refuse(res, err.status, err.code, err.message);
        if (isDatabaseUnavailable(err)) return refuse(res, 503, 'DATABASE_UNAVAILABLE', 'The database is unavailable; retry later');
        logger.error({ err }, `${route} failed`);
        return refuse(res, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
      }
    },
    // A body that is not JSON (or too large) is the caller's fault, said as JSON like the rest.
    (err: Error & { status?: number }, _req: express.Request, res: express.Response, _next: express.NextFunction) =>
      refuse(res, err.status && err.status < 500 ? err.status : 400, 'BAD_REQUEST', `The body of ${route} must be a JSON object`),
  );
}

/**
 * What wakes a `POST /changes` waiting for the log to grow (packages/db `ChangeSignal`: a LISTEN on
 * the channel `recordChanges` notifies at commit).
 */
export interface ChangeWakeups {
  /** Whether notifications are being received now; while not, a wait re-reads every `FALLBACK_READ_MS`. */
  readonly listening: boolean;
  /** Calls `wake` at each notification until the returned function is called. */
  subscribe(wake: () => void): () => void;
}

/** Longest wait `POST /changes` accepts (`waitMs`). */
export const MAX_CHANGES_WAIT_MS = 30_000;
/** How often a wait re-reads the log while no notification can come (listener down, or none given). */
const FALLBACK_READ_MS = 1_000;

/** The pending waits of `POST /changes`, ended at once (answered empty) when the server stops. */
class ChangeWaits {
  private readonly pending = new Set<() => void>();
  stopped = false;
  /** Said once per spell of waits without notifications, not at every wait. */
  private fallingBack = false;

  constructor(
    private readonly wakeups: ChangeWakeups | undefined,
    private readonly logger: Logger,
  ) {}

  /**
   * The page after `after`; when the log holds nothing after it, waits up to `waitMs` for a change
   * and reads again. Subscribed before each read, so a change committed between the read and the
   * wait still wakes it (no lost wakeup). A page with changes, or whose head is not `after` (the log
   * went backwards: the follower must hear of it now), is answered at once.
   */
  async read(read: () => Promise<unknown>, after: string, waitMs: number): Promise<unknown> {
    const until = Date.now() + waitMs;
    for (;;) {
      let woken!: () => void;
      const wake = new Promise<void>((resolve) => (woken = resolve));
      const unsubscribe = waitMs > 0 && !this.stopped ? this.wakeups?.subscribe(woken) : undefined;
      this.pending.add(woken);
      let timer: NodeJS.Timeout | undefined;
      try {
        const page = await read();
        const left = until - Date.now();
        const { changes, head } = page as { changes?: unknown[]; head?: string };
        if (this.stopped || left <= 0 || changes?.length || head !== after) return page;
        const listening = this.wakeups?.listening ?? false;
        if (listening === this.fallingBack) {
          this.fallingBack = !listening;
          if (listening) this.logger.info('/changes: change notifications back; waits are woken by them again');
          else this.logger.warn(`/changes: no change notifications; waits re-read the log every ${FALLBACK_READ_MS} ms meanwhile`);
        }
        await new Promise<void>((resolve) => {
          timer = setTimeout(resolve, listening ? left : Math.min(left, FALLBACK_READ_MS));
          void wake.then(resolve);
        });
      } finally {
        clearTimeout(timer);
        unsubscribe?.();
        this.pending.delete(woken);
      }
    }
  }

  /** Ends every wait: each reads once more and answers what it has. */
  stop() {
    this.stopped = true;
    for (const wake of [...this.pending]) wake();
  }
}

/**
 * `POST /changes` with a JSON body `{ "after": "<seq>", "first": n, "waitMs": ms }`: this subgraph's
 * change log from a position, for the services that follow it (the region's index, the gateway's
 * caches). With `waitMs` (0 to 30000, default 0), a reader that is caught up is answered when the
 * next change commits, or with the empty page after `waitMs` (a long poll: an idle graph costs a
 * follower one request per wait, not one per poll interval). Signed like every request the gateway
 * makes (`serveSigned`), and for a viewer with the admin scope only: 401 unsigned or badly signed,
 * 403 without the scope, 400 for a bad position, page size or wait, 503 when the database is
 * unreachable.
 */
function serveChanges(
  app: express.Express,
  changes: NonNullable<SubgraphDefinition<object>['changes']>,
  verifier: ViewerVerifier,
  logger: Logger,
  waits: ChangeWaits,
) {
  const endpoint: SignedEndpoint = async (viewer, body) => {
    if (!hasScopes(viewer, [['admin']]))
      throw new EndpointRefusal(403, 'FORBIDDEN', 'The change log is for the services that index the graph (admin scope)');
    const { after = '0', first = 500, waitMs = 0 } = body as { after?: unknown; first?: unknown; waitMs?: unknown };
    if (typeof after !== 'string' || !CHANGE_POSITION.test(after))
      throw new EndpointRefusal(400, 'BAD_USER_INPUT', 'after must be a position of the change log (a non-negative integer, as a string)');
    if (typeof first !== 'number' || !Number.isInteger(first) || first < 1 || first > MAX_CHANGES_FIRST)
      throw new EndpointRefusal(400, 'BAD_USER_INPUT', `first must be an integer from 1 to ${MAX_CHANGES_FIRST}`);
    if (typeof waitMs !== 'number' || !Number.isInteger(waitMs) || waitMs < 0 || waitMs > MAX_CHANGES_WAIT_MS)
      throw new EndpointRefusal(400, 'BAD_USER_INPUT', `waitMs must be an integer from 0 to ${MAX_CHANGES_WAIT_MS} (milliseconds)`);
    // Counted apart from requests' statements (their SQL says FEED_READ): the followers' polls are not a request's work.
    return waitMs ? waits.read(() => changes(after, first), after, waitMs) : changes(after, first);
  };
  endpoint.limit = '4kb';
  serveSigned(app, '/changes', endpoint, verifier, logger);
}

/**
 * How long an idle keep-alive connection stays open: 65 s, longer than its clients keep one (the
 * gateway's agents 4 s, undici's fetch 4 s, load balancers usually 60 s). The side that closes an
 * idle connection must be the client: a server closing one just as the client sends on it makes
 * that request fail ("other side closed", a 502 behind a load balancer), and a client whose event
 * loop lags (a busy process) may notice Node's 5 s default too late. Headers must still arrive in
 * time (above the keep-alive, as Node requires).
 */
export function keepIdleConnections<S extends http.Server>(server: S): S {
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return server;
}
