/**
 * One time budget per client request, shared by all its subgraph fetches, and the failures that
 * may be retried within it.
 *
 * A per-fetch timeout plus retries adds up (5 s, then a retry waiting 5 s again: 10 s for a hung
 * subgraph). Here each request gets a deadline when it arrives; a fetch may wait for what is left
 * of it (capped by the subgraph's own timeout), and a retry goes out only when something is left
 * and only after a failure a second attempt can fix: a refused or reset connection (a subgraph
 * restarting, a keep-alive socket it closed) or a 502/503 from a proxy in front of it. A timeout
 * is never retried: the subgraph that did not answer in time would not answer the retry either.
 */

/**
 * Carries the request's deadline from `willSendRequest` (which sees the request context) to the
 * fetcher (which does not); taken off the headers before the fetch leaves the gateway.
 */
export const DEADLINE_HEADER = 'x-maillage-deadline';

/** Pause before a retry, so a subgraph that just refused a connection has a moment to listen again. */
export const RETRY_BACKOFF_MS = 50;
/** A retry is worth sending only with at least this much budget left after the pause. */
export const MIN_ATTEMPT_MS = 100;

/** The deadline of a request that arrives now, on the `performance.now()` clock. */
export const deadlineIn = (budgetMs: number) => performance.now() + budgetMs;

/** Budget left before `deadline`, in ms (negative once passed). */
export const remaining = (deadline: number) => deadline - performance.now();

/**
 * Removes the deadline header from a fetch's headers and returns it; a fetch without one (not
 * started by a client request) gets a budget of its own.
 */
export function takeDeadline(headers: Record<string, string>, fallbackBudgetMs: number): number {
  const raw = headers[DEADLINE_HEADER];
  delete headers[DEADLINE_HEADER];
  const deadline = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(deadline) ? deadline : deadlineIn(fallbackBudgetMs);
}

export type FailureKind =
  /** The subgraph did not answer within the fetch's time. */
  | 'timeout'
  /** Nothing was left of the request's budget to send the fetch with. */
  | 'deadline'
  /** Connection refused, reset or closed mid-answer. */
  | 'connection'
  /** Any other network failure (name resolution, TLS). */
  | 'unreachable'
  /** A 5xx answer. */
  | 'http'
  /** An answer that is not GraphQL over JSON (a proxy's HTML page). */
  | 'garbage'
  /** Refused by the open circuit breaker, or aborted when it opened. */
  | 'open';

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

/** Why one subgraph fetch failed, as the retry rule and the breaker need to know. */
export class FetchFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }

  static of(err: unknown): FetchFailure {
    if (err instanceof FetchFailure) return err;
    const code = (err as { code?: string }).code ?? (err as { cause?: { code?: string } }).cause?.code;
    if (code && CONNECTION_CODES.has(code)) return new FetchFailure('connection', 'unreachable');
    return new FetchFailure('unreachable', 'unreachable');
  }

  /** Whether a second attempt could get an answer. */
  get retryable(): boolean {
    return this.kind === 'connection' || (this.kind === 'http' && (this.status === 502 || this.status === 503));
  }

  /** Whether it says the subgraph is down or hung (what the breaker counts). */
  get countsAgainstSubgraph(): boolean {
    return this.kind !== 'deadline' && this.kind !== 'open';
  }
}

/**
 * Waits for `answer` no longer than what is left before `deadline`: a request that joins a fetch
 * already in flight for another request keeps its own budget.
 */
export function withinDeadline<T>(answer: Promise<T>, deadline: number): Promise<T> {
  const left = remaining(deadline);
  if (left <= 0) return Promise.reject(new FetchFailure('deadline', 'the request deadline passed'));
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new FetchFailure('timeout', `no answer within ${Math.round(left)} ms`)), left);
  });
  return Promise.race([answer, late]).finally(() => clearTimeout(timer));
}
