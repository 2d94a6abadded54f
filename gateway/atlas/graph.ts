// The network-of-networks graph: sigma 4 over graphology. Nodes are networks (colour: kind; size:
// members), edges the synergy report's pairs that share members or initiatives, and the pairs
// with joint initiatives, thicker with the synergy score; edges a bridging actor carries are drawn
// in orange. The layout is computed here, in one pass: each kind in its own sector, largest
// networks nearest its centre, so 2,000 networks draw in one frame with no iterative layout.
//
// What the first frame costs, measured on the synthetic région (2,000 networks, 5,000 edges) in
// Chromium with SwiftShader: the graph and layout take under 0.1 s; sigma's set-up (shaders, label
// glyphs) about 0.5 s; then the GPU work of the frame, 2 to 4 s, mostly the edges: compiling and
// running sigma's edge programs (the visible one and the picking one that edge clicks read). So
// the networks are drawn first, alone, and the edges (strongest first), their picking and the
// labels are added once that frame is on screen: the page shows the région's networks at once and the ties
// follow, instead of a blank canvas until everything is ready.
import Graph from 'graphology';
import Sigma from 'sigma';
import { pathLine } from 'sigma/rendering';
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

/** The graph to draw: its networks, and its edges strongest first, added after the first frame. */
export interface AtlasGraph {
  graph: Graph;
  edges: { key: string; a: string; b: string; attributes: { size: number; color: string; score: number } }[];
}

export function buildGraph(nodes: NetworkNode[], edges: PairEdge[]): AtlasGraph {
  const graph = new Graph({ type: 'undirected', multi: false });
  const maxMembers = Math.max(1, ...nodes.map((n) => n.members));
  const byKind = KIND_ORDER.map((kind) =>
    nodes.filter((n) => n.kind === kind).sort((x, y) => y.members - x.members || x.name.localeCompare(y.name, 'fr')),
  );
  // Each kind fills a disc of area proportional to its count; the four discs sit apart, on the
  // diagonals, far enough for the largest.
  const radius = byKind.map((ns) => Math.sqrt(Math.max(1, ns.length)));
  const apart = 1.25 * Math.max(...radius);
  const [small, large] = nodes.length > 200 ? [2, 8] : [5, 15];
  byKind.forEach((ofKind, k) => {
    const angle = (k * Math.PI) / 2 + Math.PI / 4;
    const cx = Math.cos(angle) * apart;
    const cy = Math.sin(angle) * apart;
    ofKind.forEach((n, i) => {
      // A sunflower spiral: an evenly filled disc, largest networks at its centre, deterministic.
      const r = radius[k] * Math.sqrt((i + 0.5) / ofKind.length);
      const t = i * 2.399963;
      graph.addNode(n.id, {
        // `name`, not yet `label`: sigma rasterises the glyphs of every label it is given, so the
        // labels are handed over with the edges, after the first frame.
        name: n.name,
        x: cx + r * Math.cos(t),
        y: cy + r * Math.sin(t),
        size: small + large * Math.sqrt(n.members / maxMembers),
        color: KIND_COLOURS[n.kind] ?? '#555',
        kind: n.kind,
      });
    });
  });
  const maxScore = Math.max(0.0001, ...edges.map((e) => e.score));
  const seen = new Set<string>();
  const pending: AtlasGraph['edges'] = [];
  for (const e of [...edges].sort((x, y) => y.score - x.score)) {
    const key = edgeKey(e.a, e.b);
    if (!graph.hasNode(e.a) || !graph.hasNode(e.b) || seen.has(key)) continue;
    seen.add(key);
    pending.push({
      key,
      a: e.a,
      b: e.b,
      attributes: { size: 1 + 5 * (e.score / maxScore), color: e.bridged ? '#b35806' : '#8c8c8c', score: e.score },
    });
  }
  return { graph, edges: pending };
}

/** Resolves once the browser has drawn the frame after this call (two animation frames). */
const nextFrame = () => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));

export interface RenderedGraph {
  sigma: Sigma;
  /** The networks alone are on screen. */
  firstFrame: Promise<void>;
  /** Every edge is on screen and clickable. */
  complete: Promise<void>;
}

export function renderGraph(
  container: HTMLElement,
  { graph, edges }: AtlasGraph,
  onEdge: (key: string) => void,
  onNode: (id: string) => void,
): RenderedGraph {
  const sigma = new Sigma(graph, container, {
    // Straight edges only (pairs of distinct networks, never a loop): sigma's default also compiles
    // its loop path into every edge shader.
    primitives: { edges: { paths: [pathLine()] } },
    // Every label of a small graph; sigma's label grid thins them out on a large one.
    settings: {
      itemSizesReference: 'screen',
      // Turned on with the edges: until then there is nothing to pick, and no picking pass to pay;
      // labels too (their glyphs are rasterised on first use).
      enableEdgeEvents: false,
      renderLabels: false,
      allowInvalidContainer: true,
      renderEdgeLabels: false,
      labelRenderedSizeThreshold: graph.order <= 200 ? 0 : 10,
      labelDensity: graph.order <= 200 ? 10 : 1,
      edgePickingPadding: 4,
    },
  });
  sigma.on('clickEdge', ({ edge }) => onEdge(edge));
  sigma.on('clickNode', ({ node }) => onNode(node));
  sigma.on('enterEdge', () => container.classList.add('pointing'));
  sigma.on('leaveEdge', () => container.classList.remove('pointing'));
  let killed = false;
  sigma.once('kill', () => (killed = true));
  const firstFrame = nextFrame();
  // A new scope may have replaced this graph before its first frame: nothing more to draw then.
  const complete = firstFrame.then(() => {
    if (killed) return;
    for (const e of edges) if (!graph.hasEdge(e.key)) graph.addUndirectedEdgeWithKey(e.key, e.a, e.b, e.attributes);
    graph.updateEachNodeAttributes((_, attrs) => ({ ...attrs, label: attrs.name as string }), { attributes: ['label'] });
    sigma.setSettings({ enableEdgeEvents: true, renderLabels: true });
    return nextFrame();
  });
  return { sigma, firstFrame, complete };
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
    graph.mergeEdgeAttributes(edge, {
      color: on ? '#000000' : (graph.getEdgeAttribute(edge, 'baseColor') as string),
      size: (graph.getEdgeAttribute(edge, 'baseSize') as number) + (on ? 3 : 0),
    });
  });
  const ends: string[] = key && graph.hasEdge(key) ? graph.extremities(key) : [];
  graph.forEachNode((node) => graph.setNodeAttribute(node, 'forceLabel', ends.includes(node)));
}
