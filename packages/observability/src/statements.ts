/**
 * SQL statements run so far, per service and in all. Tests read it to prove that a request costs
 * the same number of statements whether a list holds 5 or 500 entities (DataLoader batching).
 */
export const statementCounts = new Map<string, number>();
/** Of those, the statements of reads of the change log (`POST /changes`, polled by followers). */
export const feedStatementCounts = new Map<string, number>();

export function totalStatements(): number {
  let n = 0;
  for (const v of statementCounts.values()) n += v;
  return n;
}

/**
 * Statements of the graph's requests alone: all but the change log's reads. A follower (a
 * gateway's entity cache) polls every 200 ms whether or not anyone queries, so counted with the
 * requests they made a slow request look dearer than a fast one of the same shape (the benchmark's
 * (b) at 1,000 actors: 21 statements a request where 9 were the request's).
 */
export function requestStatements(): number {
  let n = totalStatements();
  for (const v of feedStatementCounts.values()) n -= v;
  return n;
}

/**
 * Heads the SQL of a read of the change log (packages/db `readChanges`): such a statement counts
 * in `feedStatementCounts` too. Said in the statement rather than by async context: on Node 20 an
 * AsyncLocalStorage, once run, hooks every promise the process makes from then on (a follower's
 * first poll enabled it in every subgraph), and GraphQL execution is made of promises.
 */
export const FEED_READ = '/* change-log read */';
const isFeedRead = (statement: unknown) => {
  const text = typeof statement === 'string' ? statement : (statement as { sql?: unknown } | undefined)?.sql;
  return typeof text === 'string' && text.startsWith(FEED_READ);
};

const COUNTED = new Set(['queryRaw', 'executeRaw', 'executeScript']);
const WRAPPED = new Set(['connect', 'connectToShadowDb', 'startTransaction']);

function wrap<T extends object>(service: string, target: T): T {
  return new Proxy(target, {
    get(t, prop, receiver) {
      const value = Reflect.get(t, prop, receiver);
      if (typeof value !== 'function') return value;
      if (COUNTED.has(prop as string)) {
        return (...args: unknown[]) => {
          statementCounts.set(service, (statementCounts.get(service) ?? 0) + 1);
          if (isFeedRead(args[0])) feedStatementCounts.set(service, (feedStatementCounts.get(service) ?? 0) + 1);
          return value.apply(t, args);
        };
      }
      if (WRAPPED.has(prop as string)) {
        return async (...args: unknown[]) => wrap(service, await value.apply(t, args));
      }
      return value.bind(t);
    },
  });
}

/**
 * Wraps a Prisma driver adapter factory so that every statement it runs is counted. Typed by what it
 * is given, so that counting needs no Prisma package (the gateway's metrics share this module).
 */
export function countStatements<Factory extends object>(service: string, factory: Factory): Factory {
  return wrap(service, factory);
}
