/**
 * Splits the rows of one batched query back into one list per DataLoader key, in key order (an
 * empty list for a key no row matched).
 */
export function groupByKey<T>(rows: T[], key: (row: T) => string, keys: readonly string[]): T[][] {
  const groups = new Map<string, T[]>(keys.map((k) => [k, []]));
  for (const row of rows) groups.get(key(row))?.push(row);
  return keys.map((k) => groups.get(k) ?? []);
}
