import { isIPv6 } from 'node:net';
import { type Role, type Viewer } from '@maillage/viewer';
import { Counter, Gauge, type Registry } from 'prom-client';
import { RedisLink, type RedisLogger } from './redis';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract, type RateLimiterRes } from 'rate-limiter-flexible';

/** Cost points a caller may spend per window, by role. */
export type Budgets = Record<Role, number>;

/** @default points per minute: an anonymous address 50,000 (about 150 actor cards), a signed caller more. */
export const DEFAULT_BUDGETS: Budgets = { anonymous: 50_000, partner: 100_000, editor: 200_000, analyst: 1_000_000, admin: 5_000_000 };

export interface RateLimitOptions {
  budgets: Budgets;
  /** Shared counters for every gateway process and replica; in this process's memory when unset. */
  redisUrl?: string;
  /** Prefix of the Redis keys. @default maillage:cost */
  keyPrefix?: string;
  /** Token subjects never limited (the synergies service reads the whole graph through the gateway). @default ["service:synergies"] */
  exemptSubjects?: string[];
  /** Window length. @default 60 s */
  windowSeconds?: number;
  registry?: Registry;
  logger?: RedisLogger;
}

/** What a caller has left in the current window. */
export interface Budget {
  limit: number;
  remaining: number;
  resetAt: Date;
}

/** Whom a request is counted against: an address, a token's subject and role, or a partner key. */
export function callerKey(viewer: Viewer, address: string | undefined): string {
  if (viewer.partnerId) return `key:${viewer.partnerId}`;
  if (viewer.subject) return `sub:${viewer.role}:${viewer.subject}`;
  return `ip:${clientOf(address)}`;
}

/**
 * An IPv4 address as is (also when IPv4-mapped), an IPv6 one by its /64: one subscriber gets a
 * whole /64, so counting each of its addresses apart would give it 2^64 budgets.
 */
export function clientOf(address: string | undefined): string {
  if (!address) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1];
  if (isIPv6(address)) {
    const [head, tail = ''] = address.toLowerCase().split('::');
    const left = head ? head.split(':') : [];
    const right = address.includes('::') ? (tail ? tail.split(':') : []) : [];
    const groups = [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
    return `${groups
      .slice(0, 4)
      .map((g) => g.replace(/^0+(?=.)/, ''))
      .join(':')}::/64`;
  }
  return address;
}

export type Taken = { ok: true; budget: Budget; charged: number } | { ok: false; budget: Budget; retryAfterSeconds: number };

/**
 * Cost points per caller and per minute, counted in Redis when configured (one budget for every
 * gateway process and replica) and in this process otherwise. When Redis cannot be reached the
 * counters fall back to this process's memory (rate-limiter-flexible's insurance limiter), the
 * gateway keeps serving, and the fallback shows in the logs and in
 * `maillage_gateway_rate_limit_redis_up` / `maillage_gateway_rate_limit_fallback_total`.
 */
export class CostRateLimiter {
  private readonly limiter: RateLimiterAbstract;
  private readonly redis?: RedisLink;
  private readonly windowSeconds: number;
  private readonly exempt: Set<string>;
  private readonly fallbacks?: Counter;

  constructor(private readonly opts: RateLimitOptions) {
    this.windowSeconds = opts.windowSeconds ?? 60;
    this.exempt = new Set(opts.exemptSubjects ?? ['service:synergies']);
    const keyPrefix = opts.keyPrefix ?? 'maillage:cost';
    // The per-caller limit depends on the role, so the store counts without a ceiling of its own
    // and the limit is compared here.
    const common = { points: Number.MAX_SAFE_INTEGER, duration: this.windowSeconds, keyPrefix };
    const memory = new RateLimiterMemory(common);
    if (!opts.redisUrl) {
      this.limiter = memory;
      return;
    }
    const up = opts.registry
      ? new Gauge({
          name: 'maillage_gateway_rate_limit_redis_up',
          help: '1 while rate limits are counted in Redis, 0 while they fall back to this process.',
          registers: [opts.registry],
        })
      : undefined;
    this.fallbacks = opts.registry
      ? new Counter({
          name: 'maillage_gateway_rate_limit_fallback_total',
          help: 'Requests whose cost was counted in this process because Redis could not be reached.',
          registers: [opts.registry],
        })
      : undefined;
    this.redis = new RedisLink(opts.redisUrl, { what: 'rate limits', logger: opts.logger, upGauge: up });
    this.limiter = new RateLimiterRedis({
      ...common,
      storeClient: this.redis.client,
      insuranceLimiter: memory,
      rejectIfRedisNotReady: true,
    });
  }

  /** Whether the counters are shared in Redis right now (false: this process only). */
  get shared(): boolean {
    return !!this.redis?.up;
  }

  limitOf(viewer: Viewer): number {
    return viewer.subject && this.exempt.has(viewer.subject) ? Infinity : this.opts.budgets[viewer.role];
  }

  /**
   * Charges `points` to the caller if they fit in what is left of its window; otherwise charges
   * nothing and says when to retry. Every request costs at least one point.
   */
  async take(key: string, limit: number, points: number): Promise<Taken> {
    const charge = Math.max(1, Math.ceil(points));
    if (limit === Infinity)
      return { ok: true, charged: 0, budget: { limit, remaining: Infinity, resetAt: new Date(Date.now() + this.windowSeconds * 1000) } };
    if (!this.shared) this.fallbacks?.inc();
    const res = await this.limiter.consume(key, charge).catch((r: RateLimiterRes) => r);
    const resetAt = new Date(Date.now() + res.msBeforeNext);
    if (res.consumedPoints > limit) {
      await this.limiter.reward(key, charge).catch(() => undefined);
      const used = res.consumedPoints - charge;
      return {
        ok: false,
        budget: { limit, remaining: Math.max(0, limit - used), resetAt },
        retryAfterSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)),
      };
    }
    return { ok: true, charged: charge, budget: { limit, remaining: Math.max(0, limit - res.consumedPoints), resetAt } };
  }

  /** Gives back what a request was charged beyond its actual cost. */
  async refund(key: string, points: number): Promise<void> {
    if (points <= 0) return;
    await this.limiter.reward(key, Math.floor(points)).catch(() => undefined);
  }

  /** The caller's budget without charging anything. */
  async peek(key: string, limit: number): Promise<Budget> {
    if (limit === Infinity) return { limit, remaining: Infinity, resetAt: new Date(Date.now() + this.windowSeconds * 1000) };
    const res = await this.limiter.get(key).catch(() => null);
    return {
      limit,
      remaining: Math.max(0, limit - (res?.consumedPoints ?? 0)),
      resetAt: new Date(Date.now() + (res?.msBeforeNext ?? this.windowSeconds * 1000)),
    };
  }

  async close(): Promise<void> {
    this.redis?.close();
  }
}
