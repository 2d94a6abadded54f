import { UndirectedGraph } from 'graphology';
import betweenness from 'graphology-metrics/centrality/betweenness';
import type { View } from '../scope';
import { round } from './memo';

/** Above this many nodes, bridging uses the local measure: exact betweenness is O(nodes × edges). */
export const EXACT_BETWEENNESS_MAX_NODES = 5_000;

export type BridgingMethod = 'BETWEENNESS' | 'LOCAL_BRIDGING';

export interface Bridge {
  actor: number;
  score: number;
  networks: number;
  /** Pairs of the actor's networks, fewest other shared members first: the ties it alone carries. */
  pairs: { a: number; b: number; shared: number }[];
}

/**
 * Actors that connect networks. On a graph small enough, betweenness centrality of actors on the
 * actor–network graph (graphology-metrics, Brandes, normalised). Above that, the exact share of
 * the shortest network-to-network paths of length two that pass through each actor: for networks
 * A and B sharing s members, each of them carries 1/s of the A–B paths; an actor's score is the
 * sum over the pairs of its networks. Sole links between networks weigh 1, shared ones less.
 */
export function bridging(view: View, force?: BridgingMethod): { method: BridgingMethod; actors: Bridge[] } {
  const shared = view.sharedCounts();
  const nodeCount = view.actorNetworks.size + view.networks.length;
  const method: BridgingMethod = force ?? (nodeCount <= EXACT_BETWEENNESS_MAX_NODES ? 'BETWEENNESS' : 'LOCAL_BRIDGING');
  const scoreOf = method === 'BETWEENNESS' ? betweennessScores(view) : localScores(view, shared);
  const actors: Bridge[] = [];
  for (const [a, nets] of view.actorNetworks) {
    if (nets.length < 2) continue;
    const score = scoreOf(a);
    if (score <= 0) continue;
    const pairs: Bridge['pairs'] = [];
    for (let i = 0; i < nets.length; i++)
      for (let j = i + 1; j < nets.length; j++) pairs.push({ a: nets[i], b: nets[j], shared: shared.get(view.pairKey(nets[i], nets[j]))! });
    pairs.sort((x, y) => x.shared - y.shared || x.a - y.a || x.b - y.b);
    actors.push({ actor: a, score: round(score, 6), networks: nets.length, pairs });
  }
  const { actors: named } = view.ix;
  actors.sort((x, y) => y.score - x.score || named[x.actor].name.localeCompare(named[y.actor].name));
  return { method, actors };
}

function betweennessScores(view: View): (a: number) => number {
  const g = new UndirectedGraph();
  for (const [a, nets] of view.actorNetworks) {
    g.mergeNode(`a${a}`);
    for (const n of nets) {
      g.mergeNode(`n${n}`);
      g.mergeEdge(`a${a}`, `n${n}`);
    }
  }
  // graphology's Brandes cannot size its stack for an empty graph (a scope with no members).
  if (!g.order) return () => 0;
  const scores = betweenness(g, { normalized: true });
  return (a) => scores[`a${a}`] ?? 0;
}

function localScores(view: View, shared: Map<number, number>): (a: number) => number {
  return (a) => {
    const nets = view.actorNetworks.get(a)!;
    let sum = 0;
    for (let i = 0; i < nets.length; i++) for (let j = i + 1; j < nets.length; j++) sum += 1 / shared.get(view.pairKey(nets[i], nets[j]))!;
    return sum;
  };
}
