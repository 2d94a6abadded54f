import { STATUS_CODES } from 'node:http';
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { FetcherHeaders, FetcherRequestInit, FetcherResponse } from '@apollo/utils.fetcher';
import { ANONYMOUS, BINDING_HEADER, bindRequest, DEV_SIGNING_SECRET, OPERATION_HEADER, VIEWER_HEADER, type Viewer } from '@maillage/viewer';
import { injectTraceContext } from '@maillage/observability';
import type { Context as TraceContext } from '@opentelemetry/api';
import { GraphQLError } from 'graphql';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { Agent, request as httpRequest } from 'undici';
import { Breaker, type BreakerState, type Transition } from './breaker';
import { DEADLINE_HEADER, FetchFailure, MIN_ATTEMPT_MS, remaining, RETRY_BACKOFF_MS, takeDeadline, withinDeadline } from './deadline';
import { EntityBatcher } from './entity-batch';
import { FetchBatcher, type Answer } from './fetch-batch';
import { visibilityOf, type EntityCache } from './entity-cache';
import { ViewerSignatures } from './signatures';

export interface ResilienceOptions {
  /** Budget of one client request, shared by all its subgraph fetches (see deadline.ts). @default 5000 ms */
  deadlineMs: number;
  /** Longest one fetch to this subgraph may wait, within the request's budget. @default 5000 ms */
  timeoutMs: number;
  /**
   * Extra attempts for a query fetch whose connection was refused or reset, or that got a 502/503,
   * when the request's budget allows; never after a timeout; mutations are never retried. @default 1
   */
  queryRetries: number;
  /** Consecutive failed fetches (timeouts, connection failures, 5xx) that open the circuit. @default 3 */
  breakerFailures: number;
  /** Wait before the first recovery probe of an open circuit; doubles, up to 2 s, while probes are refused. @default 500 ms */
  breakerProbeMs: number;
  /**
   * Query fetches of different requests in one event-loop turn, with the same signed viewer and
   * headers, go to the subgraph as one HTTP request (fetch-batch.ts). @default false
   */
  batching?: boolean;
}

export const DEFAULT_RESILIENCE: ResilienceOptions = {
  deadlineMs: 5000,
  timeoutMs: 5000,
  queryRetries: 1,
  breakerFailures: 3,
  breakerProbeMs: 500,
};

/** Where the breakers' transitions are logged. */
export type BreakerLog = (level: 'info' | 'warn', fields: Record<string, unknown>, msg: string) => void;

/** What a gateway request carries to its subgraph fetches. */
export interface GatewayContext {
  requestId?: string;
  /** Who the door admitted; signed onto every subgraph fetch. */
  viewer?: Viewer;
  /** The door found the request publicly cacheable (see cacheHintsPlugin). */
  publicCacheable?: boolean;
  /** Where a cacheable answer is stored, and with which content type (see serveFromCache). */
  responseCache?: { key: string; contentType: string };
  /** The request's trace context, passed on to the subgraphs (see injectTraceContext in @maillage/observability). */
  traceContext?: TraceContext;
  /** The metrics label: the persisted operation's name, else `other` (never a client-chosen name). */
  operationLabel?: string;
  /** When the request's budget ends, on the `performance.now()` clock (see deadline.ts). */
  deadline?: number;
  /** A fetch the pass-through made before handing the request on to Apollo (pass-through.ts): used once, by the same fetch. */
  prefetched?: { subgraph: string; body: string; response: Promise<GatewayGraphQLResponse> };
}

/** An Answer as the Fetch-style response Apollo's data source reads (status, headers, json). */
class AnswerResponse implements FetcherResponse {
  readonly bodyUsed = false;
  readonly redirected = false;
  readonly headers: FetcherHeaders;
  constructor(
    private readonly answer: Answer,
    readonly url: string,
  ) {
    this.headers = new AnswerHeaders(answer.headers);
  }
  get status() {
    return this.answer.status;
  }
  get ok() {
    return this.answer.status >= 200 && this.answer.status < 300;
  }
  get statusText() {
    return STATUS_CODES[this.answer.status] ?? '';
  }
  async text() {
    return this.answer.body;
  }
  async json() {
    return JSON.parse(this.answer.body);
  }
  async arrayBuffer() {
    return new TextEncoder().encode(this.answer.body).buffer as ArrayBuffer;
  }
  clone() {
    return new AnswerResponse(this.answer, this.url);
  }
}

/** Read-only view of an answer's headers (Apollo reads content-type and cache-control). */
class AnswerHeaders implements FetcherHeaders {
  constructor(private readonly h: Record<string, string>) {}
  get(name: string) {
    return this.h[name.toLowerCase()] ?? null;
  }
  has(name: string) {
    return name.toLowerCase() in this.h;
  }
  append(): void {
    throw new TypeError('subgraph response headers are read-only');
  }
  set(): void {
    throw new TypeError('subgraph response headers are read-only');
  }
  delete(): void {
    throw new TypeError('subgraph response headers are read-only');
  }
  entries() {
    return Object.entries(this.h)[Symbol.iterator]();
  }
  keys() {
    return Object.keys(this.h)[Symbol.iterator]();
  }
  values() {
    return Object.values(this.h)[Symbol.iterator]();
  }
  [Symbol.iterator]() {
    return this.entries();
  }
}

/**
 * The headers of one subgraph fetch while willSendRequest writes them: names lower-cased, as
 * node-fetch's Headers keeps them, in a plain object the fetcher reads directly.
 */
class RequestHeaders implements FetcherHeaders {
  private readonly h: Record<string, string> = Object.create(null) as Record<string, string>;
  record(): Record<string, string> {
    return { ...this.h };
  }
  get(name: string) {
    return this.h[name.toLowerCase()] ?? null;
  }
  has(name: string) {
    return name.toLowerCase() in this.h;
  }
  append(name: string, value: string) {
    const key = name.toLowerCase();
    this.h[key] = key in this.h ? `${this.h[key]}, ${value}` : value;
  }
  set(name: string, value: string) {
    this.h[name.toLowerCase()] = value;
  }
  delete(name: string) {
    delete this.h[name.toLowerCase()];
  }
  entries() {
    return Object.entries(this.h)[Symbol.iterator]();
  }
  keys() {
    return Object.keys(this.h)[Symbol.iterator]();
  }
  values() {
    return Object.values(this.h)[Symbol.iterator]();
  }
  [Symbol.iterator]() {
    return this.entries();
  }
}

type GatewayGraphQLResponse = Awaited<ReturnType<RemoteGraphQLDataSource['process']>>;
interface CacheHint {
  maxAge: number;
  scope?: 'PUBLIC' | 'PRIVATE';
}

/** A subgraph's Cache-Control as a cache hint, parsed as Apollo's RemoteGraphQLDataSource parses it (parseCacheControlHeader). */
function subgraphCacheHint(header: string | null): CacheHint {
  const directives: Record<string, string | true> = {};
  if (header)
    for (const part of header.trim().split(/\s*,\s*/)) {
      const [k, v] = part.split(/\s*=\s*/, 2);
      directives[k] = v === undefined ? true : v.replace(/^"|"$/g, '');
    }
  const hint: CacheHint = { maxAge: 0 };
  const maxAge = directives['max-age'];
  if (typeof maxAge === 'string' && /^[0-9]+$/.test(maxAge)) hint.maxAge = +maxAge;
  if (directives.private === true) hint.scope = 'PRIVATE';
  if (directives.public === true) hint.scope = 'PUBLIC';
  return hint;
}

/** Per-subgraph fetch latency and circuit state, in the gateway's registry. */
export function subgraphMetrics(registry: Registry) {
  return {
    fetchDuration: new Histogram({
      name: 'maillage_gateway_subgraph_fetch_duration_seconds',
      help: 'Gateway fetches to subgraphs, by subgraph and outcome (ok, failed, rejected while the circuit is open).',
      labelNames: ['subgraph', 'outcome'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    circuitOpen: new Gauge({
      name: 'maillage_gateway_subgraph_circuit_open',
      help: '1 while the circuit to a subgraph is open or half-open (its fetches are refused at once).',
      labelNames: ['subgraph'] as const,
      registers: [registry],
    }),
    breakerState: new Gauge({
      name: 'maillage_gateway_subgraph_breaker_state',
      help: 'State of the circuit breaker to a subgraph: 0 closed, 1 half-open (one probe out), 2 open.',
      labelNames: ['subgraph'] as const,
      registers: [registry],
    }),
    breakerTransitions: new Counter({
      name: 'maillage_gateway_subgraph_breaker_transitions_total',
      help: 'Circuit breaker state changes, by subgraph, from and to.',
      labelNames: ['subgraph', 'from', 'to'] as const,
      registers: [registry],
    }),
  };
}

const STATE_VALUE: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 };
export type SubgraphMetrics = ReturnType<typeof subgraphMetrics>;

// A subgraph fetch body starts with the operation keyword the query planner wrote.
const isMutation = (body: unknown) => typeof body === 'string' && /^\s*\{?\s*"query"\s*:\s*"\s*mutation\b/.test(body);

// Carries the viewer's visibility from willSendRequest to the fetcher; never sent to the subgraph.
const VISIBILITY_HEADER = 'x-maillage-entity-visibility';

/**
 * A subgraph fetch that cannot hang the gateway: it waits no longer than what is left of the
 * client request's budget (capped by the subgraph's timeout), a query fetch is retried only after
 * a failure a retry can fix and only within that budget, and a circuit breaker per subgraph
 * (breaker.ts) answers at once after consecutive failures, so a dead or hung subgraph costs the
 * first requests their deadline and the following ones nothing. Failures surface as a
 * `SUBGRAPH_UNAVAILABLE` error on the fields that subgraph owns; the rest of the answer stands.
 */
export class ResilientDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  readonly breaker: Breaker;
  private readonly signatures: ViewerSignatures;
  /**
   * Keep-alive connections to this subgraph, through undici's own client rather than the global
   * `fetch` (which wraps it in WHATWG streams and Response objects): the answer is read whole as a
   * string, which is all the gateway does with it. It follows the subgraph's Keep-Alive hint, so a
   * socket the subgraph is about to close is not reused.
   */
  private readonly agent = new Agent({ connections: 64, keepAliveTimeout: 4_000 });

  constructor(
    readonly name: string,
    url: string,
    readonly options: ResilienceOptions = DEFAULT_RESILIENCE,
    metrics?: SubgraphMetrics,
    signingSecret: string = DEV_SIGNING_SECRET,
    breakerLog: BreakerLog = () => undefined,
    /** Entities of `_entities` fetches kept across requests (entity-cache.ts). @default none */
    readonly entityCache?: EntityCache,
  ) {
    super({ url });
    if (options.batching)
      this.batches = new FetchBatcher((body, headers, deadline) =>
        this.exchange(
          url,
          {
            method: 'POST',
            headers: {
              ...headers,
              [BINDING_HEADER]: bindRequest(signingSecret, headers[VIEWER_HEADER] ?? '', name, headers[OPERATION_HEADER] ?? 'other', body),
            },
            body,
          },
          deadline,
          true,
        ),
      );
    this.signatures = new ViewerSignatures(signingSecret, name);
    const readyUrl = url.replace(/\/graphql$/, '/ready');
    const onTransition = (t: Transition) => {
      metrics?.breakerState.set({ subgraph: name }, STATE_VALUE[t.to]);
      metrics?.circuitOpen.set({ subgraph: name }, t.to === 'closed' ? 0 : 1);
      metrics?.breakerTransitions.inc({ subgraph: name, from: t.from, to: t.to });
      const fields = {
        subgraph: name,
        breaker: t.to,
        from: t.from,
        ...(t.failures ? { failures: t.failures } : {}),
        ...(t.reason ? { reason: t.reason } : {}),
      };
      if (t.to === 'open' && t.from === 'closed')
        breakerLog('warn', fields, `circuit to ${name} opened after ${t.failures} consecutive failures`);
      else if (t.to === 'closed') breakerLog('info', fields, `circuit to ${name} closed: its probe was answered`);
      else if (t.to === 'half-open') breakerLog('info', fields, `circuit to ${name} half-open: one probe sent`);
      else breakerLog('info', fields, `circuit to ${name} open again: its probe failed (${t.reason})`);
    };
    this.breaker = new Breaker(
      { failureThreshold: options.breakerFailures, probeIntervalMs: options.breakerProbeMs, probeMaxIntervalMs: 2_000 },
      () => this.probe(readyUrl),
      onTransition,
    );
    metrics?.circuitOpen.set({ subgraph: name }, 0);
    metrics?.breakerState.set({ subgraph: name }, 0);
    this.fetcher = async (input: string, init: FetcherRequestInit = {}) => {
      const headers = { ...(init.headers as Record<string, string>) };
      const deadline = takeDeadline(headers, options.deadlineMs);
      const visibility = headers[VISIBILITY_HEADER];
      delete headers[VISIBILITY_HEADER];
      // The body exists only now (Apollo serialises it after willSendRequest): bind the statement to it.
      const send = (body: string) => {
        const bound = {
          ...headers,
          [BINDING_HEADER]: bindRequest(signingSecret, headers[VIEWER_HEADER] ?? '', name, headers[OPERATION_HEADER] ?? 'other', body),
        };
        return this.fetchWithin(input, { ...init, body, headers: bound }, deadline, metrics);
      };
      const body = String(init.body ?? '');
      const requestId = headers['x-request-id'];
      // Entity fetches of one request with one selection (aliases of a list) go as one.
      const joined =
        requestId && body.includes('_entities(') && !isMutation(body)
          ? (b: string) => this.batcher.fetch(`${requestId}\n${headers[VIEWER_HEADER] ?? ''}`, b, send)
          : send;
      const cache = this.entityCache;
      if (!cache || visibility === undefined) return new AnswerResponse(await joined(body), input);
      // What a mutation answered with is what changed: dropped before the client reads the answer.
      if (isMutation(body)) return new AnswerResponse(await cache.mutate(body, send), input);
      // A root-field fetch (no `_entities`): kept whole by the root-field cache over the same store (root-cache.ts).
      if (cache.roots && !body.includes('_entities('))
        return new AnswerResponse(await cache.roots.fetch(name, visibility, body, send), input);
      return new AnswerResponse(await cache.fetch(name, visibility, body, joined), input);
    };
  }

  /**
   * RemoteGraphQLDataSource's `process` without what this gateway never uses: automatic persisted
   * queries (off), and node-fetch's Headers and Request objects built around every fetch (the
   * Request only for an error hook nobody overrides). Same steps, same order: the request's headers
   * and content type, willSendRequest, the body as Apollo writes it (`query`, then the planner's
   * other keys), a non-2xx turned into errorFromResponse, the JSON body, the subgraph's
   * Cache-Control restricting the request's cache policy.
   */
  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    const { request, context } = options;
    if (!request.query) throw new Error('Missing query');
    const { query, http: _, ...rest } = request;
    const prefetched = context?.prefetched;
    const cache = this.entityCache;
    let response: GatewayGraphQLResponse;
    if (cache && Array.isArray(rest.variables?.representations) && prefetched?.subgraph !== this.name) {
      // An entity fetch: the cache answers what it holds before any body is written, and only the
      // misses are sent (see EntityCache.fetchEntities).
      const { answer, from } = await cache.fetchEntities(this.name, visibilityOf(context?.viewer ?? ANONYMOUS), { query, ...rest }, (r) =>
        // A 2xx other than 200 is not split (the cache's rule for any answer).
        this.send(options, JSON.stringify(r), true).then((res) =>
          res.http && res.http.status !== 200 ? { ...res, status: res.http.status } : (res as GatewayGraphQLResponse & { status?: number }),
        ),
      );
      // A full hit has no subgraph answer, hence no Cache-Control: it restricts the request's policy to max-age 0, as before.
      response = from && answer === from ? from : ({ ...answer, ...(from?.http ? { http: from.http } : {}) } as GatewayGraphQLResponse);
    } else {
      const body = JSON.stringify({ query, ...rest });
      // The pass-through (pass-through.ts) fetched this very body for this request already: its answer, not a second fetch.
      response =
        prefetched && prefetched.subgraph === this.name && prefetched.body === body
          ? ((context!.prefetched = undefined), await prefetched.response)
          : await this.send(options, body);
    }
    // Only an incoming operation's fetches carry the request whose policy they restrict.
    const policy = 'incomingRequestContext' in options ? options.incomingRequestContext.overallCachePolicy : undefined;
    if (this.honorSubgraphCacheControlHeader && policy && 'restrict' in policy)
      policy.restrict(subgraphCacheHint(response.http?.headers.get('cache-control') ?? null));
    return response;
  }

  /**
   * One fetch of the request's body, with the headers willSendRequest writes; a non-2xx becomes
   * errorFromResponse. `cached`: the entity cache has taken what it holds out of this body already.
   */
  async send(
    options: Pick<GraphQLDataSourceProcessOptions<GatewayContext>, 'request' | 'context'>,
    body: string,
    cached = false,
  ): Promise<GatewayGraphQLResponse> {
    const { request } = options;
    const headers = new RequestHeaders();
    if (request.http?.headers) for (const [name, value] of request.http.headers) headers.append(name, value);
    headers.set('content-type', 'application/json');
    request.http = { method: 'POST', url: this.url!, headers };
    await this.willSendRequest(options as GraphQLDataSourceProcessOptions<GatewayContext>);
    if (cached) headers.delete(VISIBILITY_HEADER);
    const fetched = await this.fetcher(this.url!, { method: 'POST', headers: headers.record(), body });
    if (!fetched.ok) throw await this.errorFromResponse(fetched);
    const parsed = await this.parseBody(fetched);
    if (typeof parsed !== 'object' || parsed === null) throw new Error(`Expected JSON response body, but received: ${String(parsed)}`);
    return { ...(parsed as GatewayGraphQLResponse), http: fetched } as GatewayGraphQLResponse;
  }

  /** Stops the breaker's probes (gateway shutdown). */
  close() {
    this.breaker.stop();
  }

  private async fetchWithin(input: string, init: FetcherRequestInit, deadline: number, metrics?: SubgraphMetrics): Promise<Answer> {
    const started = performance.now();
    const observe = (outcome: string) =>
      metrics?.fetchDuration.observe({ subgraph: this.name, outcome }, (performance.now() - started) / 1000);
    if (!this.breaker.allows) {
      observe('rejected');
      throw this.unavailable(new FetchFailure('open', 'circuit open after repeated failures'));
    }
    try {
      const answer = isMutation(init.body) ? await this.exchange(input, init, deadline, false) : await this.shared(input, init, deadline);
      this.breaker.success();
      observe('ok');
      return answer;
    } catch (err) {
      const failure = FetchFailure.of(err);
      // Counted once per request that waited on it: a hung fetch shared by five requests is five
      // requests the subgraph failed, and opens the breaker as five sequential ones would.
      if (failure.countsAgainstSubgraph) this.breaker.failure();
      observe(failure.kind === 'open' ? 'rejected' : 'failed');
      throw this.unavailable(failure);
    }
  }

  private readonly inFlight = new Map<string, Promise<Answer>>();
  private readonly batcher = new EntityBatcher();
  /** Query fetches of different requests sent as one HTTP request (options.batching). */
  private readonly batches?: FetchBatcher;

  /**
   * Identical query fetches in flight at the same time (same subgraph, same text and variables,
   * same signed viewer) share one request: under load many clients ask the same thing, and the
   * subgraph need answer once. Only while in flight: nothing is kept once the answer is in. A
   * request that joins keeps its own deadline.
   */
  private shared(input: string, init: FetcherRequestInit, deadline: number): Promise<Answer> {
    const viewer = (init.headers as Record<string, string> | undefined)?.[VIEWER_HEADER] ?? '';
    const key = `${input}\n${viewer}\n${String(init.body)}`;
    const running = this.inFlight.get(key);
    if (running) return withinDeadline(running, deadline);
    const answer = this.batches
      ? this.batches.fetch(init.headers as Record<string, string>, String(init.body), deadline, () =>
          this.exchange(input, init, deadline, true),
        )
      : this.exchange(input, init, deadline, true);
    this.inFlight.set(key, answer);
    const forget = () => this.inFlight.delete(key);
    answer.then(forget, forget);
    return answer;
  }

  override async willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>) {
    if (context?.requestId) request.http?.headers.set('x-request-id', context.requestId);
    if (request.http) {
      if (context?.deadline !== undefined) request.http.headers.set(DEADLINE_HEADER, String(context.deadline));
      injectTraceContext(request.http.headers, context?.traceContext);
      // The subgraph trusts only this: the viewer the door verified, signed for this subgraph, and
      // (in the fetcher) bound to this very body.
      request.http.headers.set(VIEWER_HEADER, await this.signatures.sign(context?.viewer ?? ANONYMOUS));
      request.http.headers.set(OPERATION_HEADER, context?.operationLabel ?? 'other');
      if (this.entityCache) request.http.headers.set(VISIBILITY_HEADER, visibilityOf(context?.viewer ?? ANONYMOUS));
    }
  }

  /**
   * A subgraph's 4xx (it refused the gateway's signature: a misconfigured deployment) as the client
   * may see it: Apollo's own puts the subgraph's internal URL and raw body in `extensions.response`.
   */
  override async errorFromResponse(response: FetcherResponse): Promise<GraphQLError> {
    const code = response.status === 401 ? 'UNAUTHENTICATED' : response.status === 403 ? 'FORBIDDEN' : 'SUBGRAPH_UNAVAILABLE';
    return new GraphQLError(
      `The ${this.name} subgraph refused the gateway's request (HTTP ${response.status}); its fields are missing from this answer.`,
      {
        extensions: { code, subgraph: this.name },
      },
    );
  }

  /** Attempts within the request's budget; mutations get one, since a retry could write twice. */
  private async exchange(input: string, init: FetcherRequestInit, deadline: number, retry: boolean): Promise<Answer> {
    for (let attempt = 0; ; attempt++) {
      const left = remaining(deadline);
      if (left <= 0) throw new FetchFailure('deadline', 'the request deadline passed');
      try {
        return await this.attempt(input, init, Math.min(left, this.options.timeoutMs));
      } catch (err) {
        const failure = FetchFailure.of(err);
        const budgetAllows = remaining(deadline) - RETRY_BACKOFF_MS >= MIN_ATTEMPT_MS;
        if (!retry || attempt >= this.options.queryRetries || !failure.retryable || !budgetAllows || !this.breaker.allows) throw failure;
        await new Promise((r) => setTimeout(r, RETRY_BACKOFF_MS));
      }
    }
  }

  private async attempt(input: string, init: FetcherRequestInit, limitMs: number): Promise<Answer> {
    // One abort for the three ends of waiting: the time is up, the breaker opened (the subgraph is
    // known to be down: stop waiting on it), or the answer is in.
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(new FetchFailure('timeout', `no answer within ${Math.round(limitMs)} ms`)), limitMs);
    const opened = this.breaker.openSignal;
    const onOpen = () => ctl.abort(new FetchFailure('open', 'circuit open after repeated failures'));
    opened.addEventListener('abort', onOpen);
    try {
      // The time limit covers the whole answer, body included.
      const res = await httpRequest(input, {
        method: 'POST',
        headers: init.headers as Record<string, string>,
        body: init.body,
        signal: ctl.signal,
        dispatcher: this.agent,
      });
      const body = await res.body.text();
      // A 5xx is the subgraph failing; a 4xx is an answer (a GraphQL error the client should see).
      if (res.statusCode >= 500) throw new FetchFailure('http', `HTTP ${res.statusCode}`, res.statusCode);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      // Anything but JSON (an HTML error page from a proxy, garbage) is a failing subgraph too.
      if (!/json/i.test(headers['content-type'] ?? '')) throw new FetchFailure('garbage', 'not a GraphQL response');
      return { status: res.statusCode, headers, body };
    } catch (err) {
      throw ctl.signal.aborted && ctl.signal.reason instanceof FetchFailure ? ctl.signal.reason : err;
    } finally {
      clearTimeout(timer);
      opened.removeEventListener('abort', onOpen);
    }
  }

  /** The breaker's one probe: the subgraph's own readiness check, within the subgraph's timeout. */
  private async probe(readyUrl: string): Promise<void> {
    // Undici's global pool, not the fetches' agent: a probe never queues behind fetches still stuck.
    const res = await httpRequest(readyUrl, { method: 'GET', signal: AbortSignal.timeout(this.options.timeoutMs) }).catch((err) => {
      throw new Error((err as Error).name === 'TimeoutError' ? `no answer within ${this.options.timeoutMs} ms` : 'unreachable');
    });
    await res.body.dump();
    if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}`);
  }

  private unavailable(failure: FetchFailure): GraphQLError {
    // The message names the subgraph, never its address.
    return new GraphQLError(`The ${this.name} subgraph is unavailable (${failure.message}); its fields are missing from this answer.`, {
      extensions: { code: 'SUBGRAPH_UNAVAILABLE', subgraph: this.name },
    });
  }
}
