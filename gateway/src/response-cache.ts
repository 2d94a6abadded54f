import type { ApolloServerPlugin } from '@apollo/server';
import type { Viewer } from '@maillage/viewer';
import { createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import { Counter, Gauge, type Registry } from 'prom-client';
import { RedisLink, type RedisLogger } from './redis';
import { cachePolicyOf } from './cache-hints';
import { budgetJson, type CostAdmission } from './demand-control';
import type { Admitted } from './door';
import type { GatewayContext } from './subgraphs';

export interface Entry {
  body: string;
  contentType: string;
  maxAge: number;
  storedAt: number;
}

export interface ResponseCacheOptions {
  /** Answers kept at most. @default 2000 */
  maxEntries?: number;
  /** Bytes of answers kept at most. @default 32 MiB */
  maxBytes?: number;
  now?: () => number;
}

/** Where answers are kept: this process's memory, or Redis shared by every gateway process. */
export interface ResponseStore {
  /** The answer and the seconds it has been kept, while still fresh. */
  get(key: string): Promise<{ entry: Entry; age: number } | undefined>;
  /** Keeps an answer for `maxAge` seconds; never waited for, never fails. */
  set(key: string, body: string, contentType: string, maxAge: number): void;
}

/**
 * Answers of public persisted queries, kept as long as their cache hints allow. Only what the door
 * marked `publicCacheable` (a persisted query over GET without a bearer token) is ever
 * stored or served, and the key holds the viewer's role and partner id: an answer is shared only
 * between callers who see the same data. Bounded in entries and bytes, oldest use evicted first.
 */
export class ResponseCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  private readonly maxEntries: number;
  private readonly maxBytes: number;
  private readonly now: () => number;

  constructor(opts: ResponseCacheOptions = {}) {
    this.maxEntries = opts.maxEntries ?? 2000;
    this.maxBytes = opts.maxBytes ?? 32 * 1024 * 1024;
    this.now = opts.now ?? Date.now;
  }

  static key(viewer: Viewer, url: string, accept: string | undefined): string {
    // The door admits no bearer token here (no subject); the subject is in the key all the same, so
    // an answer could only ever be shared between requests of one subject.
    return `${viewer.role}\n${viewer.partnerId ?? ''}\n${viewer.subject ?? ''}\n${(accept ?? '').slice(0, 200)}\n${url}`;
  }

  get size() {
    return this.entries.size;
  }

  /** The answer and the seconds it has been kept, while still fresh. */
  get(key: string): { entry: Entry; age: number } | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    const age = Math.floor((this.now() - entry.storedAt) / 1000);
    if (age >= entry.maxAge) {
      this.delete(key);
      return undefined;
    }
    // Most recently used last, so eviction takes the least recently used first.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return { entry, age };
  }

  set(key: string, body: string, contentType: string, maxAge: number) {
    if (maxAge <= 0 || body.length > this.maxBytes / 8) return;
    this.delete(key);
    this.entries.set(key, { body, contentType, maxAge, storedAt: this.now() });
    this.bytes += body.length;
    for (const [k] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.bytes <= this.maxBytes) break;
      this.delete(k);
    }
  }

  private delete(key: string) {
    const old = this.entries.get(key);
    if (!old) return;
    this.bytes -= old.body.length;
    this.entries.delete(key);
  }
}

/** The process's memory cache behind the store interface. */
export function memoryStore(cache: ResponseCache): ResponseStore {
  return {
    get: (key) => Promise.resolve(cache.get(key)),
    set: (key, body, contentType, maxAge) => cache.set(key, body, contentType, maxAge),
  };
}

export interface RedisResponseCacheOptions extends ResponseCacheOptions {
  redisUrl: string;
  /** Prefix of the Redis keys. @default maillage */
  keyPrefix?: string;
  registry?: Registry;
  logger?: RedisLogger;
}

// Stores one answer and keeps the whole cache within its bounds, atomically. The index (a sorted
// set by expiry time) and the sizes (a hash) know every kept answer; expired ones are dropped from
// both first, then the answers closest to their expiry go until the bounds hold: what is lost is
// what would have been lost soonest anyway. A least-recently-used order, as in memory, would cost
// a write on every hit.
// KEYS: entry, index, sizes, bytes. ARGV: now ms, ttl ms, body, content type, max age s, entry
// key prefix, max entries, max bytes, member.
const STORE_SCRIPT = `
local now = tonumber(ARGV[1])
local bytes = tonumber(redis.call('GET', KEYS[4]) or '0')
local function forget(member)
  local size = redis.call('HGET', KEYS[3], member)
  if size then bytes = bytes - tonumber(size) end
  redis.call('HDEL', KEYS[3], member)
  redis.call('ZREM', KEYS[2], member)
end
for _, member in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)) do forget(member) end
forget(ARGV[9])
redis.call('SET', KEYS[1], cjson.encode({ body = ARGV[3], contentType = ARGV[4], maxAge = tonumber(ARGV[5]) }), 'PX', ARGV[2])
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[2]), ARGV[9])
redis.call('HSET', KEYS[3], ARGV[9], string.len(ARGV[3]))
bytes = bytes + string.len(ARGV[3])
while redis.call('ZCARD', KEYS[2]) > tonumber(ARGV[7]) or bytes > tonumber(ARGV[8]) do
  local oldest = redis.call('ZRANGE', KEYS[2], 0, 0)[1]
  if not oldest then break end
  forget(oldest)
  redis.call('DEL', ARGV[6] .. oldest)
end
redis.call('SET', KEYS[4], math.max(bytes, 0))
-- The bookkeeping goes when the last answer does: nothing of an idle cache stays in Redis.
local last = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')[2]
if last then
  for i = 2, 4 do redis.call('PEXPIREAT', KEYS[i], math.floor(tonumber(last)) + 1000) end
end
return bytes
`;

/**
 * The response cache shared in Redis by every gateway process and replica: one answer computed
 * is served by all of them. Keys are the memory cache's keys (hashed, so that a URL's length does
 * not reach Redis), kept as long as the cache hints allow (the entry's TTL in Redis, whose clock
 * gives the age, not the replicas'), within the same bounds of entries and bytes for the whole
 * cache. While Redis cannot be reached the process's memory cache serves instead, and the
 * gateway keeps answering; the fallback is logged and counted
 * (`maillage_gateway_response_cache_redis_up`, `…_fallback_total`).
 */
export class RedisResponseCache implements ResponseStore {
  private readonly link: RedisLink;
  private readonly memory: ResponseCache;
  private readonly prefix: string;
  private readonly maxEntries: number;
  private readonly maxBytes: number;
  private readonly fallbacks?: Counter;
  private readonly lookups?: Counter<'result' | 'store'>;

  constructor(opts: RedisResponseCacheOptions) {
    this.memory = new ResponseCache(opts);
    this.prefix = `${opts.keyPrefix ?? 'maillage'}:response`;
    this.maxEntries = opts.maxEntries ?? 2000;
    this.maxBytes = opts.maxBytes ?? 32 * 1024 * 1024;
    const registers = opts.registry ? [opts.registry] : [];
    const up = opts.registry
      ? new Gauge({
          name: 'maillage_gateway_response_cache_redis_up',
          help: '1 while the response cache is kept in Redis, 0 while each process keeps its own.',
          registers,
        })
      : undefined;
    this.fallbacks = opts.registry
      ? new Counter({
          name: 'maillage_gateway_response_cache_fallback_total',
          help: 'Response cache lookups and stores done in this process because Redis could not be reached.',
          registers,
        })
      : undefined;
    this.lookups = opts.registry
      ? new Counter({
          name: 'maillage_gateway_response_cache_lookups_total',
          help: 'Response cache lookups, by result (hit, miss) and store (redis, memory).',
          labelNames: ['result', 'store'],
          registers,
        })
      : undefined;
    this.link = new RedisLink(opts.redisUrl, { what: 'the response cache', logger: opts.logger, upGauge: up });
  }

  private entryKey(member: string) {
    return `${this.prefix}:e:${member}`;
  }

  private memberOf(key: string) {
    return createHash('sha256').update(key).digest('base64url');
  }

  async get(key: string): Promise<{ entry: Entry; age: number } | undefined> {
    if (!this.link.up) return this.fromMemory(key);
    const redis = this.link.client;
    let raw: string | null;
    let ttl: number;
    try {
      const entryKey = this.entryKey(this.memberOf(key));
      [raw, ttl] = await Promise.all([redis.get(entryKey), redis.pttl(entryKey)]);
    } catch {
      return this.fromMemory(key);
    }
    if (raw === null || ttl <= 0) {
      this.lookups?.inc({ result: 'miss', store: 'redis' });
      return undefined;
    }
    let stored: { body: string; contentType: string; maxAge: number };
    try {
      stored = JSON.parse(raw) as typeof stored;
    } catch {
      // Not written by this code (another version, a hand edit): a miss, computed and stored again.
      return undefined;
    }
    const age = Math.max(0, Math.floor((stored.maxAge * 1000 - ttl) / 1000));
    if (age >= stored.maxAge) return undefined;
    this.lookups?.inc({ result: 'hit', store: 'redis' });
    return { entry: { ...stored, storedAt: Date.now() - age * 1000 }, age };
  }

  private fromMemory(key: string) {
    this.fallbacks?.inc();
    const hit = this.memory.get(key);
    this.lookups?.inc({ result: hit ? 'hit' : 'miss', store: 'memory' });
    return hit;
  }

  set(key: string, body: string, contentType: string, maxAge: number): void {
    if (maxAge <= 0 || body.length > this.maxBytes / 8) return;
    if (!this.link.up) {
      this.fallbacks?.inc();
      return this.memory.set(key, body, contentType, maxAge);
    }
    const member = this.memberOf(key);
    const keys = [this.entryKey(member), `${this.prefix}:index`, `${this.prefix}:sizes`, `${this.prefix}:bytes`];
    const args = [Date.now(), maxAge * 1000, body, contentType, maxAge, `${this.prefix}:e:`, this.maxEntries, this.maxBytes, member];
    // Not waited for: the answer is on its way already. One that cannot be stored is computed again.
    this.link.client.eval(STORE_SCRIPT, keys.length, ...keys, ...args).catch(() => this.fallbacks?.inc());
  }

  /** Whether answers are shared in Redis right now. */
  get shared(): boolean {
    return this.link.up;
  }

  close(): void {
    this.link.close();
  }
}

/**
 * A kept answer costs the subgraphs nothing: the request is given back all but one point, and
 * its own cost is written into the copy (kept without one, see the plugin order in server.ts).
 */
function withCost(body: string, admission: CostAdmission): string {
  const end = body.lastIndexOf('}');
  if (end < 0 || body.includes('"extensions":')) return body;
  const refund = admission.charged - 1;
  if (refund > 0) void admission.limiter.refund(admission.key, refund);
  const budget = budgetJson({
    ...admission.budget,
    remaining: Math.min(admission.budget.limit, admission.budget.remaining + Math.max(0, refund)),
  });
  return `${body.slice(0, end)},"extensions":${JSON.stringify({ cost: { requested: admission.requested, actual: 0, budget } })}${body.slice(end)}`;
}

/** Serves a fresh cached answer after the door (identity, rate limit, limits), before Apollo. */
export function serveFromCache(cache: ResponseStore): RequestHandler {
  return (req, res, next) => {
    const admitted = res.locals.admitted as Admitted | undefined;
    if (!admitted?.publicCacheable) return next();
    const key = ResponseCache.key(admitted.viewer, req.url, req.get('accept'));
    const answer = (hit: { entry: Entry; age: number } | undefined) => {
      if (!hit) {
        // What Apollo would choose for this Accept header; the stored copy is served with it.
        const type = req.accepts(['application/json', 'application/graphql-response+json']);
        res.locals.responseCache = { key, contentType: `${type || 'application/json'}; charset=utf-8` };
        return next();
      }
      res
        .status(200)
        .set({
          'content-type': hit.entry.contentType,
          'cache-control': `public, max-age=${hit.entry.maxAge - hit.age}`,
          age: String(hit.age),
        })
        .append('vary', 'Origin')
        .send(admitted.cost ? withCost(hit.entry.body, admitted.cost) : hit.entry.body);
    };
    cache.get(key).then(answer, next);
  };
}

/**
 * Sets the answer's Cache-Control from the cache hints of the fields it holds (cache-hints.ts) and
 * stores cacheable answers. Only a public policy with a max-age, on a request the door found
 * publicly cacheable, is sent as `public` and stored; anything else is `no-store`.
 */
export function cacheHintsPlugin(cache: ResponseStore): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response, document, schema }) {
          const single = response.body.kind === 'single' ? response.body.singleResult : undefined;
          const policy =
            contextValue.publicCacheable && document && single && !single.errors?.length ? cachePolicyOf(schema, document) : undefined;
          if (!policy || policy.maxAge <= 0 || policy.scope !== 'PUBLIC') {
            response.http.headers.set('cache-control', 'no-store');
            return;
          }
          response.http.headers.set('cache-control', `public, max-age=${policy.maxAge}`);
          response.http.headers.set('vary', 'Origin');
          const store = contextValue.responseCache;
          if (store) {
            response.http.headers.set('content-type', store.contentType);
            // Apollo writes the body as JSON.stringify of the result and a newline; the cached copy is the same text.
            cache.set(store.key, `${JSON.stringify(single)}\n`, store.contentType, policy.maxAge);
          }
        },
      };
    },
  };
}
