import { searchKey } from '../text';
import type { GraphIndex } from '../index-build';
import { resolveScope } from '../scope';
import { membersOf } from './overlap';

export interface SearchQuery {
  text?: string | null;
  sector?: string | null;
  territoryId?: string | null;
  networkId?: string | null;
}

export interface SearchHit {
  actor: number;
  score: number;
}

export { searchKey };

/** Every actor's name as a search key, by actor index ('' for an actor gone): the index keeps them as it changes. */
export const searchKeys = (ix: GraphIndex): string[] => ix.actorKey;

/** Rank of a normalised name against normalised search text (0 = no match). */
export function matchScore(name: string, text: string, words: string[]): number {
  // The cheap test first: most names of a région hold none of the words.
  for (const w of words) if (!name.includes(w)) return 0;
  if (name === text) return 1;
  if (name.startsWith(text)) return 0.9;
  const nameWords = name.split(' ');
  if (words.every((w) => nameWords.some((n) => n.startsWith(w)))) return 0.8 - 0.01 * Math.max(0, nameWords.length - words.length);
  return 0.6;
}

/**
 * Actors by name, insensitive to accents, case and punctuation ("mecanic vallee" finds "Mécanic
 * Vallée"), ranked: exact name, then name starting with the text, then every word starting a word
 * of the name, then every word inside the name. Filters: NAF code or division prefix, territory,
 * network (active member). Ties go to the better connected, then by name.
 */
export function search(ix: GraphIndex, q: SearchQuery): SearchHit[] {
  const keys = searchKeys(ix);
  const text = q.text ? searchKey(q.text) : '';
  const words = text ? text.split(' ') : [];
  const sector = q.sector?.trim().toUpperCase() || null;
  let pool: Iterable<number> = keys.keys();
  if (q.networkId) {
    const n = ix.networkIndex(q.networkId);
    pool = n === undefined ? [] : membersOf(ix, n, resolveScope());
  }
  const hits: SearchHit[] = [];
  for (const a of pool) {
    if (!ix.actorLive[a]) continue;
    if (sector && !(ix.actors[a].nafCode ?? '').toUpperCase().startsWith(sector)) continue;
    if (q.territoryId && !ix.reach.of(ix.actorCommune[a]).has(q.territoryId)) continue;
    const score = text ? matchScore(keys[a], text, words) : 1;
    if (score > 0) hits.push({ actor: a, score });
  }
  const degree = (a: number) => ix.byActor[a].length;
  return hits.sort(
    (x, y) =>
      y.score - x.score || degree(y.actor) - degree(x.actor) || ix.actors[x.actor].name.localeCompare(ix.actors[y.actor].name, 'fr'),
  );
}
