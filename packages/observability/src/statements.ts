/**
 * SQL statements run so far, per service and in all. Tests read it to prove that a request costs
 * the same number of statements whether a list holds 5 or 500 entities (DataLoader batching).
 */
export const statementCounts = new Map<string, number>();

export function totalStatements(): number {
  let n = 0;
  for (const v of statementCounts.values()) n += v;
  return n;
}

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
