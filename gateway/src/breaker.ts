/**
 * A circuit breaker per subgraph that opens on consecutive failures, whatever the traffic.
 *
 * A rolling-window breaker (opossum's) needs a volume of calls within its window before it judges,
 * so one caller at a time never opens it and a hung subgraph costs every request its full timeout.
 * This one counts: after `failureThreshold` failures in a row (timeouts, refused or reset
 * connections, 5xx), it opens, refuses at once, and aborts the fetches still waiting on that
 * subgraph. While open, exactly one probe at a time tests recovery in the background (half-open);
 * the first probe that succeeds closes it. Real requests never serve as probes, so none of them
 * pays for a subgraph that is still down.
 */

export type BreakerState = 'closed' | 'open' | 'half-open';

/** Time as the breaker sees it; a fake one in tests. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface BreakerOptions {
  /** Consecutive failures that open the breaker. @default 3 */
  failureThreshold: number;
  /** Wait before the first probe after opening, doubled after each probe that failed fast. @default 500 ms */
  probeIntervalMs: number;
  /** Longest wait between two probes. */
  probeMaxIntervalMs: number;
}

export interface Transition {
  from: BreakerState;
  to: BreakerState;
  /** Consecutive failures that opened it (on closed → open). */
  failures?: number;
  /** Why the last probe failed (on half-open → open). */
  reason?: string;
}

export class Breaker {
  private current: BreakerState = 'closed';
  private failures = 0;
  private interval: number;
  private timer: unknown;
  private stopped = false;
  private opened = new AbortController();

  constructor(
    private readonly options: BreakerOptions,
    /** One recovery test; resolves when the subgraph answers, rejects otherwise. Must bound its own time. */
    private readonly probe: () => Promise<void>,
    private readonly onTransition: (t: Transition) => void = () => undefined,
    private readonly clock: Clock = systemClock,
  ) {
    this.interval = options.probeIntervalMs;
  }

  get state(): BreakerState {
    return this.current;
  }

  /** Whether a real fetch may go out now. */
  get allows(): boolean {
    return this.current === 'closed';
  }

  /** Aborted the moment the breaker opens: fetches in flight stop waiting on a subgraph known to be down. */
  get openSignal(): AbortSignal {
    return this.opened.signal;
  }

  /** A fetch got an answer. */
  success(): void {
    if (this.current === 'closed') this.failures = 0;
  }

  /** A fetch failed in a way that says the subgraph is down or hung. */
  failure(): void {
    if (this.current !== 'closed') return;
    this.failures++;
    if (this.failures >= this.options.failureThreshold) this.open({ from: 'closed', to: 'open', failures: this.failures });
  }

  /** Stops probing (gateway shutdown). */
  stop(): void {
    this.stopped = true;
    this.clock.clearTimeout(this.timer);
  }

  private open(t: Transition) {
    this.current = 'open';
    this.opened.abort(new Error('circuit opened'));
    this.interval = this.options.probeIntervalMs;
    this.onTransition(t);
    this.schedule(this.interval);
  }

  private schedule(ms: number) {
    if (this.stopped) return;
    this.timer = this.clock.setTimeout(() => void this.runProbe(), ms);
  }

  private async runProbe() {
    if (this.stopped || this.current !== 'open') return;
    this.current = 'half-open';
    this.onTransition({ from: 'open', to: 'half-open' });
    const started = this.clock.now();
    try {
      await this.probe();
    } catch (err) {
      if (this.stopped) return;
      // A probe that hung until its own timeout has spaced itself already: the next one goes out at
      // once, so a subgraph that thaws is seen as soon as it answers. One refused at once backs off.
      this.interval = Math.min(this.interval * 2, this.options.probeMaxIntervalMs);
      const wait = Math.max(0, this.interval - (this.clock.now() - started));
      this.current = 'open';
      this.onTransition({ from: 'half-open', to: 'open', reason: (err as Error).message });
      return this.schedule(wait);
    }
    if (this.stopped) return;
    this.current = 'closed';
    this.failures = 0;
    this.opened = new AbortController();
    this.onTransition({ from: 'half-open', to: 'closed' });
  }
}
