import MiniSearch from 'minisearch';
import { ancestorsOf } from '@maillage/reference';
import { docOf, type GraphIndex, type NameIndex } from '../index-build';
import { round } from '../measures/memo';
import { searchKey } from '../measures/search';
import { networkIn } from './lists';

/*
 * One search across the graph: actors, networks of every kind and initiatives, by name. MiniSearch
 * (an inverted index in memory, BM25 ranking) with fuzzy and prefix matching, over the same index the
 * lists read, built with the index and kept by it as it changes (`GraphSearch`). Names and text go through one tokenizer: accents and case
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

const TYPES: SearchType[] = ['ACTOR', 'NETWORK', 'INITIATIVE'];
/** A document's type and position, from its id (`docOf`). */
const typeOf = (doc: number) => TYPES[doc % 3];
const indexOf = (doc: number) => Math.floor(doc / 3);

/**
 * The search documents of an index, one per live actor, network and initiative (ids by `docOf`),
 * built with the index (`build`: at once, or by chunks between other work, `buildInBackground`)
 * and kept by it: each change that renames, adds or removes one tells `touch`, which replaces it.
 * MiniSearch `remove` with the name as it was indexed (kept here), not `discard`: a discarded
 * document's terms still count in the term statistics until a vacuum, so the scores would drift from
 * a fresh build's. Changes told during a background build are applied when it ends.
 */
export class GraphSearch implements NameIndex {
  readonly engine = new MiniSearch<Doc>({ fields: ['name'], storeFields: [], tokenize, processTerm: (t) => t || null });
  /** Milliseconds the first build took, once done. */
  buildMs?: number;
  private pending?: Set<number>;
  private built?: Promise<void>;
  /** The name each document was indexed with: what `remove` needs. */
  private readonly indexed = new Map<number, string>();

  constructor(private readonly ix: GraphIndex) {}

  private docs(): Doc[] {
    const { ix } = this;
    const docs: Doc[] = [];
    ix.actors.forEach((a, i) => ix.actorLive[i] && docs.push({ id: docOf.actor(i), name: a.name }));
    ix.networks.forEach((n, i) => ix.networkLive[i] && docs.push({ id: docOf.network(i), name: n.name }));
    ix.iName.forEach((name, i) => ix.iLive[i] && docs.push({ id: docOf.initiative(i), name }));
    for (const d of docs) this.indexed.set(d.id, d.name);
    return docs;
  }

  /** Builds the documents now (once: a build begun already stands). */
  build(): this {
    if (this.built) return this;
    const t0 = performance.now();
    this.engine.addAll(this.docs());
    this.buildMs = performance.now() - t0;
    this.built = Promise.resolve();
    return this;
  }

  /** Builds the documents by chunks (MiniSearch `addAllAsync`), letting queries and the feed run between them. */
  buildInBackground(): Promise<void> {
    if (this.built) return this.built;
    const t0 = performance.now();
    this.pending = new Set();
    this.built = this.engine.addAllAsync(this.docs(), { chunkSize: 2000 }).then(() => {
      const pending = this.pending!;
      this.pending = undefined;
      for (const doc of pending) this.touch(doc);
      this.buildMs = performance.now() - t0;
    });
    return this.built;
  }

  /** Resolves once the documents are built (builds them now if nothing started). */
  ready(): Promise<void> {
    return this.built ?? this.build().built!;
  }

  get started(): boolean {
    return this.built !== undefined;
  }

  touch(doc: number): void {
    if (this.pending) {
      this.pending.add(doc);
      return;
    }
    if (!this.built) return; // not built yet: the build reads the index as it is then
    const was = this.indexed.get(doc);
    const name = this.nameOf(doc);
    if (was === name) return;
    if (was !== undefined) {
      this.engine.remove({ id: doc, name: was });
      this.indexed.delete(doc);
    }
    if (name !== null) {
      this.engine.add({ id: doc, name });
      this.indexed.set(doc, name);
    }
  }

  /** The name of a live document, or null. */
  nameOf(doc: number): string | null {
    const { ix } = this;
    const i = indexOf(doc);
    const type = typeOf(doc);
    if (type === 'ACTOR') return ix.actorLive[i] ? ix.actors[i].name : null;
    if (type === 'NETWORK') return ix.networkLive[i] ? ix.networks[i].name : null;
    return ix.iLive[i] ? ix.iName[i] : null;
  }
}

/** The index's search, built now if nothing built it (a caller that built it in the background awaits `ready()` first). */
export function searchOf(ix: GraphIndex): GraphSearch {
  const s = ix.search instanceof GraphSearch ? ix.search : (ix.search = new GraphSearch(ix));
  if (!s.started) s.build();
  return s;
}

/** Hits ranked by score (BM25 with fuzzy and prefix matches discounted), then by name, then kind and index. */
export function searchGraph(ix: GraphIndex, q: GraphSearchQuery): GraphHit[] {
  const search = searchOf(ix);
  const { engine } = search;
  const query = words(q.text).join(' ');
  if (!query) return [];
  const types = q.types?.length ? new Set(q.types) : undefined;
  const covering = q.territoryId ? new Set(ancestorsOf(q.territoryId).map((t) => t.id)) : undefined;
  const inTerritory = (doc: number): boolean => {
    if (!q.territoryId) return true;
    const i = indexOf(doc);
    const type = typeOf(doc);
    if (type === 'ACTOR') return ix.reach.of(ix.actorCommune[i]).has(q.territoryId);
    if (type === 'NETWORK') return networkIn(ix, i, q.territoryId, covering!);
    const place = ix.iPlace[i];
    return !!place && ix.reach.of(place).has(q.territoryId);
  };
  const options = {
    prefix: (term: string) => term.length >= 3,
    fuzzy: (term: string) => (term.length >= 5 ? 0.2 : false),
    combineWith: 'AND' as const,
    filter: (r: { id: number }) => (!types || types.has(typeOf(r.id))) && inTerritory(r.id),
    tokenize: words,
  };
  const results = engine.search(query, options);
  const top = results[0]?.score ?? 1;
  return results
    .map((r) => ({ doc: r.id as number, name: search.nameOf(r.id as number) ?? '', score: round(r.score / top) }))
    .sort((x, y) => y.score - x.score || cmpName(x.name, y.name) || (x.doc % 3) - (y.doc % 3) || indexOf(x.doc) - indexOf(y.doc))
    .map(({ doc, score }) => ({ type: typeOf(doc), index: indexOf(doc), score }));
}

const cmpName = (a: string, b: string) => a.localeCompare(b, 'fr');
