import { Redis } from 'ioredis';
import type { Gauge } from 'prom-client';

export { Redis };

export interface RedisLogger {
  warn(o: object, m: string): void;
  info(o: object, m: string): void;
}

export interface RedisLinkOptions {
  /** What is shared through this connection, in the log lines: "rate limits", "the response cache". */
  what: string;
  logger?: RedisLogger;
  /** Set to 1 while connected and ready, 0 otherwise. */
  upGauge?: Gauge;
  /** A connection for SUBSCRIBE only (ioredis then refuses other commands on it). */
  subscriber?: boolean;
  /** Called on every (re)connection, once the connection is ready. */
  onReady?(): void;
}

/**
 * One ioredis connection as the gateway uses Redis for state it can also keep alone: no offline
 * queue and one attempt per command, so a request never waits on a Redis that is down (the caller
 * falls back to this process's memory at once), a 500 ms command timeout, and reconnection in the
 * background. Its state is in `up`, in the gauge given, and in one log line per change.
 *
 * Exported for every gateway part that shares state in Redis (rate limits, the response cache,
 * partner-key revocations, and whatever comes next): each opens its own link with its own gauge.
 */
export class RedisLink {
  readonly client: Redis;
  private ready = false;
  private warned = false;

  constructor(
    url: string,
    private readonly opts: RedisLinkOptions,
  ) {
    this.client = new Redis(url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2_000,
      // A subscriber waits for messages without a command in flight: no command timeout there.
      commandTimeout: opts.subscriber ? undefined : 500,
      // Subscriptions are made again by onReady, after a reconnection the caller must know of.
      autoResubscribe: false,
      retryStrategy: (times) => Math.min(times * 200, 5_000),
      lazyConnect: false,
    });
    opts.upGauge?.set(0);
    this.client.on('ready', () => {
      if (!this.ready) opts.logger?.info({ store: 'redis' }, `${opts.what} in Redis`);
      this.ready = true;
      opts.upGauge?.set(1);
      opts.onReady?.();
    });
    this.client.on('error', (err: Error) => {
      if (this.ready || !this.warned)
        opts.logger?.warn({ store: 'memory', err: err.message }, `Redis unreachable: ${opts.what} fall back to this process`);
      this.warned = true;
      this.down();
    });
    this.client.on('close', () => {
      if (this.ready) opts.logger?.warn({ store: 'memory' }, `Redis connection lost: ${opts.what} fall back to this process`);
      this.down();
    });
    this.client.on('end', () => this.down());
  }

  private down() {
    this.ready = false;
    this.opts.upGauge?.set(0);
  }

  /** Whether commands can be sent now (false: use this process's memory). */
  get up(): boolean {
    return this.ready;
  }

  close(): void {
    this.client.disconnect();
  }
}
