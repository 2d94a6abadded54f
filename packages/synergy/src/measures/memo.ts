/** Rounds to `digits` decimals: answers carry figures a reader compares, not float noise. */
export const round = (x: number, digits = 4) => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * A per-object cache for a derived structure (a view's sector model, an index's search keys): it
 * lives as long as the object it was built from, and is built at most once for it.
 */
export function memoOn<K extends object, V>(build: (key: K) => V): (key: K) => V {
  const cache = new WeakMap<K, V>();
  return (key) => {
    let v = cache.get(key);
    if (v === undefined) {
      v = build(key);
      cache.set(key, v);
    }
    return v;
  };
}

/**
 * Like `memoOn`, for a structure derived from a part of an object that changes: built again on
 * first use after `version(key)` moved (the index bumps a counter at each change to its networks).
 */
export function memoOnVersion<K extends object, V>(version: (key: K) => number, build: (key: K) => V): (key: K) => V {
  const cache = new WeakMap<K, { version: number; value: V }>();
  return (key) => {
    const now = version(key);
    let c = cache.get(key);
    if (!c || c.version !== now) cache.set(key, (c = { version: now, value: build(key) }));
    return c.value;
  };
}
