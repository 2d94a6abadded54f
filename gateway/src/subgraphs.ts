import { STATUS_CODES } from 'node:http';
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { FetcherHeaders, FetcherRequestInit, FetcherResponse } from '@apollo/utils.fetcher';
import { ANONYMOUS, BINDING_HEADER, bindRequest, DEV_SIGNING_SECRET, OPERATION_HEADER, VIEWER_HEADER, type Viewer } from '@maillage/viewer';
import { injectTraceContext } from '@maillage/observability';
import type { Context as TraceContext } from '@opentelemetry/api';
import { GraphQLError } from 'graphql';
import CircuitBreaker from 'opossum';
import { Gauge, Histogram, type Registry } from 'prom-client';
import { Agent, request as httpRequest } from 'undici';
import { ViewerSignatures } from './signatures';

export interface ResilienceOptions {
  /** Time a subgraph has to answer one fetch. @default 5000 ms */
  timeoutMs: number;
  /** Extra attempts for a query fetch that failed on the network, timed out or got a 5xx; mutations are never retried. @default 1 */
  queryRetries: number;
  /** Open the circuit when this share of recent fetches failed... @default 50 (%) */
  errorThresholdPercentage: number;
  /** ...out of at least this many in the rolling window (10 s). @default 5 */
  volumeThreshold: number;
  /** How long an open circuit refuses at once before letting one trial fetch through. @default 5000 ms */
  resetTimeoutMs: number;
}

export const DEFAULT_RESILIENCE: ResilienceOptions = {
  timeoutMs: 5000,
  queryRetries: 1,
  errorThresholdPercentage: 50,
  volumeThreshold: 5,
  resetTimeoutMs: 5000,
};

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
}

/** A subgraph's answer, read whole: what the in-flight sharing hands to every waiting fetch. */
interface Answer {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: string;
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

class SubgraphFailure extends Error {}

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
      help: '1 while the circuit to a subgraph is open (its fetches are refused at once).',
      labelNames: ['subgraph'] as const,
      registers: [registry],
    }),
  };
}
export type SubgraphMetrics = ReturnType<typeof subgraphMetrics>;

// A subgraph fetch body starts with the operation keyword the query planner wrote.
const isMutation = (body: unknown) => typeof body === 'string' && /^\s*\{?\s*"query"\s*:\s*"\s*mutation\b/.test(body);

/**
 * A subgraph fetch that cannot hang the gateway: each attempt is bounded in time, idempotent query
 * fetches get a bounded retry, and a circuit breaker per subgraph answers at once while the
 * subgraph keeps failing, so a dead subgraph does not slow every request. Failures surface as a
 * `SUBGRAPH_UNAVAILABLE` error on the fields that subgraph owns; the rest of the answer stands.
 */
export class ResilientDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  readonly breaker: CircuitBreaker<[string, FetcherRequestInit], Answer>;
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
  ) {
    super({ url });
    this.signatures = new ViewerSignatures(signingSecret, name);
    this.breaker = new CircuitBreaker((input: string, init: FetcherRequestInit) => this.attempt(input, init), {
      timeout: false, // each attempt has its own timeout
      errorThresholdPercentage: options.errorThresholdPercentage,
      volumeThreshold: options.volumeThreshold,
      resetTimeout: options.resetTimeoutMs,
      rollingCountTimeout: 10_000,
    });
    metrics?.circuitOpen.set({ subgraph: name }, 0);
    this.breaker.on('open', () => metrics?.circuitOpen.set({ subgraph: name }, 1));
    this.breaker.on('close', () => metrics?.circuitOpen.set({ subgraph: name }, 0));
    const fetchOnce = async (input: string, init: FetcherRequestInit): Promise<Answer> => {
      const started = performance.now();
      const observe = (outcome: string) => metrics?.fetchDuration.observe({ subgraph: name, outcome }, (performance.now() - started) / 1000);
      try {
        const answer = await this.breaker.fire(input, init);
        observe('ok');
        return answer;
      } catch (err) {
        observe((err as { code?: string }).code === 'EOPENBREAKER' ? 'rejected' : 'failed');
        throw this.unavailable(err);
      }
    };
    this.fetcher = async (input: string, init: FetcherRequestInit = {}) => {
      // The body exists only now (Apollo serialises it after willSendRequest): bind the statement to it.
      const headers = init.headers as Record<string, string>;
      headers[BINDING_HEADER] = bindRequest(signingSecret, headers[VIEWER_HEADER] ?? '', name, headers[OPERATION_HEADER] ?? 'other', String(init.body ?? ''));
      return new AnswerResponse(await (isMutation(init.body) ? fetchOnce(input, init) : this.shared(input, init, fetchOnce)), input);
    };
  }

  private readonly inFlight = new Map<string, Promise<Answer>>();

  /**
   * Identical query fetches in flight at the same time (same subgraph, same text and variables,
   * same signed viewer) share one request: under load many clients ask the same thing, and the
   * subgraph need answer once. Only while in flight: nothing is kept once the answer is in.
   */
  private shared(input: string, init: FetcherRequestInit, fetchOnce: (input: string, init: FetcherRequestInit) => Promise<Answer>): Promise<Answer> {
    const viewer = (init.headers as Record<string, string> | undefined)?.[VIEWER_HEADER] ?? '';
    const key = `${input}\n${viewer}\n${String(init.body)}`;
    let answer = this.inFlight.get(key);
    if (!answer) {
      answer = fetchOnce(input, init);
      this.inFlight.set(key, answer);
      const forget = () => this.inFlight.delete(key);
      answer.then(forget, forget);
    }
    return answer;
  }

  override async willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>) {
    if (context?.requestId) request.http?.headers.set('x-request-id', context.requestId);
    if (request.http) {
      injectTraceContext(request.http.headers, context?.traceContext);
      // The subgraph trusts only this: the viewer the door verified, signed for this subgraph, and
      // (in the fetcher) bound to this very body.
      request.http.headers.set(VIEWER_HEADER, await this.signatures.sign(context?.viewer ?? ANONYMOUS));
      request.http.headers.set(OPERATION_HEADER, context?.operationLabel ?? 'other');
    }
  }

  /**
   * A subgraph's 4xx (it refused the gateway's signature: a misconfigured deployment) as the client
   * may see it: Apollo's own puts the subgraph's internal URL and raw body in `extensions.response`.
   */
  override async errorFromResponse(response: FetcherResponse): Promise<GraphQLError> {
    const code = response.status === 401 ? 'UNAUTHENTICATED' : response.status === 403 ? 'FORBIDDEN' : 'SUBGRAPH_UNAVAILABLE';
    return new GraphQLError(`The ${this.name} subgraph refused the gateway's request (HTTP ${response.status}); its fields are missing from this answer.`, {
      extensions: { code, subgraph: this.name },
    });
  }

  private async attempt(input: string, init: FetcherRequestInit): Promise<Answer> {
    const tries = isMutation(init.body) ? 1 : 1 + this.options.queryRetries;
    let last: unknown;
    for (let i = 0; i < tries; i++) {
      try {
        // The timeout covers the whole answer, body included.
        const res = await httpRequest(input, {
          method: 'POST',
          headers: init.headers as Record<string, string>,
          body: init.body,
          signal: AbortSignal.timeout(this.options.timeoutMs),
          dispatcher: this.agent,
        });
        const body = await res.body.text();
        // A 5xx is the subgraph failing; a 4xx is an answer (a GraphQL error the client should see).
        if (res.statusCode >= 500) throw new SubgraphFailure(`HTTP ${res.statusCode}`);
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
        // Anything but JSON (an HTML error page from a proxy, garbage) is a failing subgraph too.
        if (!/json/i.test(headers['content-type'] ?? '')) throw new SubgraphFailure('not a GraphQL response');
        return { status: res.statusCode, headers, body };
      } catch (err) {
        last = err;
      }
    }
    throw last;
  }

  private unavailable(err: unknown): GraphQLError {
    const open = (err as { code?: string }).code === 'EOPENBREAKER';
    const timedOut = (err as Error).name === 'TimeoutError';
    const reason = open
      ? 'circuit open after repeated failures'
      : timedOut
        ? `no answer within ${this.options.timeoutMs} ms`
        : err instanceof SubgraphFailure
          ? `${err.message}`
          : 'unreachable';
    // The message names the subgraph, never its address.
    return new GraphQLError(`The ${this.name} subgraph is unavailable (${reason}); its fields are missing from this answer.`, {
      extensions: { code: 'SUBGRAPH_UNAVAILABLE', subgraph: this.name },
    });
  }
}
