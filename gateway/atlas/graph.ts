// The network-of-networks graph: sigma 4 over graphology. Nodes are networks (colour: kind; size:
// members), edges the synergy report's pairs that share members or initiatives, and the pairs
// with joint initiatives, thicker with the synergy score; edges a bridging actor carries are drawn
// in orange. The layout is computed here, in one pass: each kind in its own sector, largest
// networks nearest its centre, so 2,000 networks draw in one frame with no iterative layout.
import Graph from 'graphology';
import Sigma from 'sigma';
import { KIND_COLOURS } from './format';

export interface NetworkNode {
  id: string;
  name: string;
  kind: string;
  members: number;
}

export interface PairEdge {
  a: string;
  b: string;
  score: number;
  sharedCount: number;
  jointInitiatives: number;
  bridged: boolean;
}

export const edgeKey = (a: string, b: string) => (a < b ? `${a}|${b}` : `${b}|${a}`);

const KIND_ORDER = ['Chamber', 'Cluster', 'Council', 'Club'];

export function buildGraph(nodes: NetworkNode[], edges: PairEdge[]): Graph {
  const graph = new Graph({ type: 'undirected', multi: false });
  const maxMembers = Math.max(1, ...nodes.map((n) => n.members));
  for (const [k, kind] of KIND_ORDER.entries()) {
    const ofKind = nodes.filter((n) => n.kind === kind).sort((x, y) => y.members - x.members || x.name.localeCompare(y.name, 'fr'));
    const angle = (k * Math.PI) / 2 + Math.PI / 4;
    const cx = Math.cos(angle) * 10;
    const cy = Math.sin(angle) * 10;
    const spread = 1.8 * Math.sqrt(Math.max(1, ofKind.length) / 4) + 1;
    ofKind.forEach((n, i) => {
      // A sunflower spiral: evenly filled disc, deterministic.
      const r = spread * Math.sqrt((i + 0.5) / Math.max(1, ofKind.length));
      const t = i * 2.399963;
      graph.addNode(n.id, {
        label: n.name,
        x: cx + r * Math.cos(t) * 4,
        y: cy + r * Math.sin(t) * 4,
        size: 4 + 14 * Math.sqrt(n.members / maxMembers),
        color: KIND_COLOURS[n.kind] ?? '#555',
        kind: n.kind,
      });
    });
  }
  const maxScore = Math.max(0.0001, ...edges.map((e) => e.score));
  for (const e of edges) {
    if (!graph.hasNode(e.a) || !graph.hasNode(e.b) || graph.hasEdge(edgeKey(e.a, e.b))) continue;
    graph.addUndirectedEdgeWithKey(edgeKey(e.a, e.b), e.a, e.b, {
      size: 1 + 5 * (e.score / maxScore),
      color: e.bridged ? '#b35806' : '#8c8c8c',
      score: e.score,
    });
  }
  return graph;
}

export function renderGraph(container: HTMLElement, graph: Graph, onEdge: (key: string) => void, onNode: (id: string) => void): Sigma {
  const sigma = new Sigma(graph, container, {
    settings: { itemSizesReference: 'screen', enableEdgeEvents: true, allowInvalidContainer: true, renderEdgeLabels: false, labelRenderedSizeThreshold: 8, edgePickingPadding: 4 },
  });
  sigma.on('clickEdge', ({ edge }) => onEdge(edge));
  sigma.on('clickNode', ({ node }) => onNode(node));
  sigma.on('enterEdge', () => container.classList.add('pointing'));
  sigma.on('leaveEdge', () => container.classList.remove('pointing'));
  return sigma;
}

/**
 * A point of an edge on the screen, relative to the container, away from every node drawn over it
 * (a node is above its edges, so a click there would pick the node): for tests and keyboard users.
 */
export function edgePoint(sigma: Sigma, key: string): { x: number; y: number } {
  const graph = sigma.getGraph();
  const at = (node: string) => sigma.graphToViewport(graph.getNodeAttributes(node) as { x: number; y: number });
  const [s, t] = graph.extremities(key);
  const a = at(s);
  const b = at(t);
  const discs = graph.mapNodes((node) => ({ ...at(node), r: sigma.scaleSize(sigma.getNodeDisplayData(node)?.size ?? 0) }));
  let best = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2, clear: -Infinity };
  for (let i = 1; i < 40; i++) {
    const p = { x: a.x + ((b.x - a.x) * i) / 40, y: a.y + ((b.y - a.y) * i) / 40 };
    const clear = Math.min(...discs.map((d) => Math.hypot(d.x - p.x, d.y - p.y) - d.r));
    if (clear > best.clear) best = { ...p, clear };
  }
  return { x: best.x, y: best.y };
}

/** Draws one edge (and its two networks' labels) in black and thicker; null restores them all. */
export function highlightEdge(sigma: Sigma, key: string | null): void {
  const graph = sigma.getGraph();
  graph.forEachEdge((edge, attrs) => {
    if (attrs.baseColor === undefined) graph.mergeEdgeAttributes(edge, { baseColor: attrs.color, baseSize: attrs.size });
    const on = edge === key;
    graph.mergeEdgeAttributes(edge, { color: on ? '#000000' : (graph.getEdgeAttribute(edge, 'baseColor') as string), size: (graph.getEdgeAttribute(edge, 'baseSize') as number) + (on ? 3 : 0) });
  });
  const ends: string[] = key && graph.hasEdge(key) ? graph.extremities(key) : [];
  graph.forEachNode((node) => graph.setNodeAttribute(node, 'forceLabel', ends.includes(node)));
}
