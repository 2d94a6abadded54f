/**
 * The administrative map from @etalab/decoupage-administratif (6.0.0: 2026 geography): régions,
 * départements, EPCI à fiscalité propre and current communes, with the arrondissements municipaux
 * of Paris, Lyon and Marseille. Held in memory, built on first use once per process.
 */
import { buildListing, loadTerritories, searchKey, upwardIds, type Listing } from './territory-index';
import type { TerritoryLevel, TerritoryRecord } from './territory-types';

export type { TerritoryLevel, TerritoryRecord } from './territory-types';
export { territoryId, territoryLevels } from './territory-types';

// Module-level caches, each built on first need: the lookup map (about 0.3 s, mostly JSON
// parsing), then the sorted listing, then the search keys. Records are shared by every caller:
// never mutate one.
let byId: Map<string, TerritoryRecord> | undefined;
let listing: Listing | undefined;
let keys: string[] | undefined;
const lookup = () => (byId ??= loadTerritories());
const list = () => (listing ??= buildListing(lookup()));
const searchKeys = () => (keys ??= list().all.map((t) => searchKey(t.name)));

/** A territory by id (`REG-76`, `DEP-2A`, `EPCI-243400017`, `COM-34172`, `COM-75108`). */
export const getTerritory = (id: string): TerritoryRecord | undefined => lookup().get(id);

export const getTerritories = (ids: readonly string[]): (TerritoryRecord | undefined)[] => ids.map(getTerritory);

/** A commune (or arrondissement municipal) by INSEE code, `34172` or `COM-34172`. */
export function communeByInseeCode(code: string): TerritoryRecord | undefined {
  const c = code.trim().toUpperCase();
  return getTerritory(c.startsWith('COM-') ? c : `COM-${c}`);
}

/**
 * The territories above one, nearest first: a commune's (parent commune), EPCI, département,
 * région; an EPCI's département and région; a département's région. Empty for an unknown id.
 */
export function ancestorsOf(id: string): TerritoryRecord[] {
  const t = lookup().get(id);
  const out: TerritoryRecord[] = [];
  for (const a of t ? upwardIds(t) : []) {
    const r = a ? lookup().get(a) : undefined;
    if (r) out.push(r);
  }
  return out;
}

/** The ids and every ancestor of each, deduplicated, in first-seen order (unknown ids kept). */
export function reachOf(ids: readonly string[]): string[] {
  const out = new Set<string>();
  for (const id of ids) {
    out.add(id);
    for (const a of ancestorsOf(id)) out.add(a.id);
  }
  return [...out];
}

/** True when `ancestorId` is the territory itself or one of its ancestors. */
export function isWithin(id: string, ancestorId: string): boolean {
  if (id === ancestorId) return true;
  const t = lookup().get(id);
  return !!t && upwardIds(t).includes(ancestorId);
}

/**
 * Every territory inside one (all descendants, not only the next level down), optionally of one
 * level, sorted by level then name. An EPCI counts as inside the one département it is placed in,
 * even when some of its communes lie in another (those communes are inside their own).
 */
export function childrenOf(id: string, level?: TerritoryLevel): TerritoryRecord[] {
  const { all, within } = list();
  const out: TerritoryRecord[] = [];
  for (const i of within.get(id) ?? []) if (!level || all[i].level === level) out.push(all[i]);
  return out;
}

/**
 * A page of territories filtered by level, enclosing territory (strictly inside it) and name
 * (case-, accent- and punctuation-insensitive substring: "beziers" finds Béziers, "saint etienne"
 * Saint-Étienne), sorted by level then name in French order. `limit` defaults to 20.
 */
export function listTerritories(opts: { level?: TerritoryLevel; withinId?: string; search?: string; offset?: number; limit?: number }): {
  total: number;
  items: TerritoryRecord[];
} {
  const { all, within, levelRange } = list();
  const needle = opts.search ? searchKey(opts.search) : '';
  const names = needle ? searchKeys() : [];
  const offset = Math.max(0, opts.offset ?? 0);
  const end = offset + Math.max(0, opts.limit ?? 20);
  const items: TerritoryRecord[] = [];
  let total = 0;
  const visit = (i: number) => {
    if ((opts.level && all[i].level !== opts.level) || (needle && !names[i].includes(needle))) return;
    if (total >= offset && total < end) items.push(all[i]);
    total++;
  };
  if (opts.withinId) {
    for (const i of within.get(opts.withinId) ?? []) visit(i);
  } else {
    // `all` is sorted by level: a level filter only walks that level's slice.
    const [from, to] = opts.level ? levelRange[opts.level] : [0, all.length];
    for (let i = from; i < to; i++) visit(i);
  }
  return { total, items };
}
