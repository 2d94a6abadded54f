import MiniSearch from 'minisearch';
import { ancestorsOf } from '@maillage/reference';
import type { GraphIndex } from '../index-build';
import { memoOn, round } from '../measures/memo';
import { searchKey } from '../measures/search';
import { networkIn } from './lists';

/*
 * One search across the graph: actors, networks of every kind and initiatives, by name. MiniSearch
 * (an inverted index in memory, BM25 ranking) with fuzzy and prefix matching, over the same index the
 * lists read, built once per index. Names and text go through one tokenizer: accents and case
 * folded, punctuation as spaces, letters and digits apart (`Reseau1234` is `reseau 1234`), and each
 * pair of neighbouring words also indexed joined (`mecanicvallee`), so spacing as people type it
 * finds the name. Typos: one edit in words of 5 letters or more, two from 10 (fuzzy 0.2).
 */

export type SearchType = 'ACTOR' | 'NETWORK' | 'INITIATIVE';

export interface GraphSearchQuery {
  text: string;
  types?: readonly SearchType[] | null;
  territoryId?: string | null;
}

export interface GraphHit {
  type: SearchType;
  /** Index of the actor, network or initiative. */
  index: number;
  score: number;
}

interface Doc {
  id: number;
  type: SearchType;
  index: number;
  name: string;
}

/** Words of a text as the index keeps them. */
export const words = (text: string): string[] =>
  searchKey(text)
    .replace(/([a-z])([0-9])|([0-9])([a-z])/g, '$1$3 $2$4')
    .split(' ')
    .filter(Boolean);

const tokenize = (text: string): string[] => {
  const w = words(text);
  const joined: string[] = [];
  for (let i = 0; i + 1 < w.length; i++) joined.push(w[i] + w[i + 1]);
  return [...w, ...joined];
};

const graphSearch = memoOn((ix: GraphIndex) => {
  const docs: Doc[] = [];
  ix.actors.forEach((a, i) => docs.push({ id: docs.length, type: 'ACTOR', index: i, name: a.name }));
  ix.networks.forEach((n, i) => docs.push({ id: docs.length, type: 'NETWORK', index: i, name: n.name }));
  ix.iName.forEach((name, i) => docs.push({ id: docs.length, type: 'INITIATIVE', index: i, name }));
  const engine = new MiniSearch<Doc>({ fields: ['name'], storeFields: [], tokenize, processTerm: (t) => t || null });
  engine.addAll(docs);
  return { engine, docs };
});

/** Hits ranked by score (BM25 with fuzzy and prefix matches discounted), then by name, then kind and index. */
export function searchGraph(ix: GraphIndex, q: GraphSearchQuery): GraphHit[] {
  const { engine, docs } = graphSearch(ix);
  const query = words(q.text).join(' ');
  if (!query) return [];
  const types = q.types?.length ? new Set(q.types) : undefined;
  const covering = q.territoryId ? new Set(ancestorsOf(q.territoryId).map((t) => t.id)) : undefined;
  const inTerritory = (d: Doc): boolean => {
    if (!q.territoryId) return true;
    if (d.type === 'ACTOR') return ix.reach.of(ix.actorCommune[d.index]).has(q.territoryId);
    if (d.type === 'NETWORK') return networkIn(ix, d.index, q.territoryId, covering!);
    const place = ix.iPlace[d.index];
    return !!place && ix.reach.of(place).has(q.territoryId);
  };
  const options = {
    prefix: (term: string) => term.length >= 3,
    fuzzy: (term: string) => (term.length >= 5 ? 0.2 : false),
    combineWith: 'AND' as const,
    filter: (r: { id: number }) => {
      const d = docs[r.id];
      return (!types || types.has(d.type)) && inTerritory(d);
    },
    tokenize: words,
  };
  const results = engine.search(query, options);
  const top = results[0]?.score ?? 1;
  return results
    .map((r) => ({ d: docs[r.id as number], score: round(r.score / top) }))
    .sort((x, y) => y.score - x.score || cmpName(x.d.name, y.d.name) || x.d.id - y.d.id)
    .map(({ d, score }) => ({ type: d.type, index: d.index, score }));
}

const cmpName = (a: string, b: string) => a.localeCompare(b, 'fr');
