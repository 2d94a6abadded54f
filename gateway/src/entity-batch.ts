import { selectionOf, type CachedAnswer } from './entity-cache';

interface Waiter {
  from: number;
  count: number;
  body: string;
  send: (body: string) => Promise<CachedAnswer>;
  resolve: (a: CachedAnswer) => void;
  reject: (e: unknown) => void;
}

interface Batch {
  request: { query: string; variables: Record<string, unknown> & { representations: unknown[] } } & Record<string, unknown>;
  representations: unknown[];
  waiters: Waiter[];
}

/**
 * Entity fetches of one client request that the query planner sends side by side with the same
 * selection (one per alias of a list: `p0: actors(...)`, `p1: actors(...)`), joined into one fetch:
 * the subgraph answers them with one statement per loader instead of one per alias. A fetch waits
 * one turn of the event loop for the others; the joined answer is split back, errors included.
 */
export class EntityBatcher {
  private readonly pending = new Map<string, Batch>();

  /** `scope` names the client request and its signed viewer: fetches of other requests never join. */
  fetch(scope: string, body: string, send: (body: string) => Promise<CachedAnswer>): Promise<CachedAnswer> {
    let request: Batch['request'];
    try {
      request = JSON.parse(body);
    } catch {
      return send(body);
    }
    const reps = request.variables?.representations;
    if (!Array.isArray(reps)) return send(body);
    const { representations: _, ...others } = request.variables;
    const key = `${scope}\n${selectionOf(request.query)}\n${JSON.stringify(others)}`;
    let batch = this.pending.get(key);
    if (!batch) {
      batch = { request, representations: [], waiters: [] };
      this.pending.set(key, batch);
      const b = batch;
      setImmediate(() => {
        this.pending.delete(key);
        void this.flush(b);
      });
    }
    const b = batch;
    return new Promise((resolve, reject) => {
      b.waiters.push({ from: b.representations.length, count: reps.length, body, send, resolve, reject });
      b.representations.push(...reps);
    });
  }

  private async flush(batch: Batch) {
    const [first] = batch.waiters;
    if (batch.waiters.length === 1) return first.send(first.body).then(first.resolve, first.reject);
    let answer: CachedAnswer;
    try {
      answer = await first.send(
        JSON.stringify({ ...batch.request, variables: { ...batch.request.variables, representations: batch.representations } }),
      );
    } catch (err) {
      for (const w of batch.waiters) w.reject(err);
      return;
    }
    let result: { data?: { _entities?: unknown[] } | null; errors?: { path?: (string | number)[] }[] };
    try {
      result = JSON.parse(answer.body);
    } catch {
      result = {};
    }
    const entities = result.data?._entities;
    const splittable =
      answer.status === 200 &&
      Array.isArray(entities) &&
      entities.length === batch.representations.length &&
      !result.errors?.some((e) => e.path?.[0] !== '_entities' || typeof e.path[1] !== 'number');
    for (const w of batch.waiters) {
      // An answer that cannot be split back (an error for the whole fetch): each asks on its own.
      if (!splittable) {
        w.send(w.body).then(w.resolve, w.reject);
        continue;
      }
      const mine = entities.slice(w.from, w.from + w.count);
      const errors = (result.errors ?? [])
        .filter((e) => (e.path![1] as number) >= w.from && (e.path![1] as number) < w.from + w.count)
        .map((e) => ({ ...e, path: ['_entities', (e.path![1] as number) - w.from, ...e.path!.slice(2)] }));
      w.resolve({
        status: 200,
        headers: answer.headers,
        body: JSON.stringify(errors.length ? { data: { _entities: mine }, errors } : { data: { _entities: mine } }),
      });
    }
  }
}
