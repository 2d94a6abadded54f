import type { ApolloServerPlugin } from '@apollo/server';
import type { Viewer } from '@maillage/viewer';
import type { RequestHandler } from 'express';
import { cachePolicyOf } from './cache-hints';
import { budgetJson, type CostAdmission } from './demand-control';
import type { Admitted } from './door';
import type { GatewayContext } from './subgraphs';

interface Entry {
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

/**
 * A kept answer costs the subgraphs nothing: the request is given back all but one point, and
 * its own cost is written into the copy (kept without one, see the plugin order in server.ts).
 */
function withCost(body: string, admission: CostAdmission): string {
  const end = body.lastIndexOf('}');
  if (end < 0 || body.includes('"extensions":')) return body;
  const refund = admission.charged - 1;
  if (refund > 0) void admission.limiter.refund(admission.key, refund);
  const budget = budgetJson({ ...admission.budget, remaining: Math.min(admission.budget.limit, admission.budget.remaining + Math.max(0, refund)) });
  return `${body.slice(0, end)},"extensions":${JSON.stringify({ cost: { requested: admission.requested, actual: 0, budget } })}${body.slice(end)}`;
}

/** Serves a fresh cached answer after the door (identity, rate limit, limits), before Apollo. */
export function serveFromCache(cache: ResponseCache): RequestHandler {
  return (req, res, next) => {
    const admitted = res.locals.admitted as Admitted | undefined;
    if (!admitted?.publicCacheable) return next();
    const key = ResponseCache.key(admitted.viewer, req.url, req.get('accept'));
    const hit = cache.get(key);
    if (!hit) {
      // What Apollo would choose for this Accept header; the stored copy is served with it.
      const type = req.accepts(['application/json', 'application/graphql-response+json']);
      res.locals.responseCache = { key, contentType: `${type || 'application/json'}; charset=utf-8` };
      return next();
    }
    res
      .status(200)
      .set({ 'content-type': hit.entry.contentType, 'cache-control': `public, max-age=${hit.entry.maxAge - hit.age}`, age: String(hit.age) })
      .append('vary', 'Origin')
      .send(admitted.cost ? withCost(hit.entry.body, admitted.cost) : hit.entry.body);
  };
}

/**
 * Sets the answer's Cache-Control from the cache hints of the fields it holds (cache-hints.ts) and
 * stores cacheable answers. Only a public policy with a max-age, on a request the door found
 * publicly cacheable, is sent as `public` and stored; anything else is `no-store`.
 */
export function cacheHintsPlugin(cache: ResponseCache): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response, document, schema }) {
          const single = response.body.kind === 'single' ? response.body.singleResult : undefined;
          const policy = contextValue.publicCacheable && document && single && !single.errors?.length ? cachePolicyOf(schema, document) : undefined;
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
