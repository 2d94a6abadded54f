import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { networkTypeName } from '@maillage/synergy';
import { generateRegion, REGION_SIZE } from '@maillage/synthetic';
import type { Browser } from 'playwright-core';
import { ARTIFACTS, launchChromium, watchProblems } from './browser';

// The atlas's graph at the size of a real région: the synthetic région's 2,000 networks drawn by the
// atlas's own graph code (gateway/atlas/graph.ts) in Chromium. Loading 100,000 actors into the test
// stack would take minutes and prove nothing more about drawing, so the nodes and edges are computed
// here from the synthetic snapshot (members per network; shared members per pair, the Jaccard index
// standing in for the synergy score) and served to a page. The first frame is timed and printed,
// never asserted; what is asserted is that every network and every edge is drawn, edges clickable.

let browser: Browser;
let server: http.Server;
let origin: string;

/**
 * The strongest ties drawn: the atlas draws the report's pairs (100 at most) and the joint
 * initiatives, so 5,000 edges is well above what it shows; 280,000 pairs share a member here.
 */
const EDGES = 5_000;

/** Nodes and edges of the synthetic région, as the atlas builds them from the API. */
function syntheticGraph() {
  const region = generateRegion();
  const members = new Map<string, Set<string>>();
  const byActor = new Map<string, string[]>();
  for (const m of region.memberships) {
    if (m.endDate) continue;
    if (!members.has(m.networkId)) members.set(m.networkId, new Set());
    members.get(m.networkId)!.add(m.actorId);
    const nets = byActor.get(m.actorId);
    if (nets) nets.push(m.networkId);
    else byActor.set(m.actorId, [m.networkId]);
  }
  const shared = new Map<string, number>();
  for (const nets of byActor.values()) {
    const distinct = [...new Set(nets)].sort();
    for (let i = 0; i < distinct.length; i++)
      for (let j = i + 1; j < distinct.length; j++)
        shared.set(`${distinct[i]}|${distinct[j]}`, (shared.get(`${distinct[i]}|${distinct[j]}`) ?? 0) + 1);
  }
  const nodes = region.networks.map((n) => ({
    id: n.id,
    name: n.name,
    kind: networkTypeName[n.kind],
    members: members.get(n.id)?.size ?? 0,
  }));
  const edges = [...shared.entries()]
    .map(([key, count]) => {
      const [a, b] = key.split('|');
      const union = (members.get(a)?.size ?? 0) + (members.get(b)?.size ?? 0) - count;
      return { a, b, score: count / Math.max(1, union), sharedCount: count, jointInitiatives: 0, bridged: false };
    })
    .sort((x, y) => y.score - x.score)
    .slice(0, EDGES);
  return { nodes, edges, pairs: shared.size };
}

beforeAll(async () => {
  const started = Date.now();
  const graph = syntheticGraph();
  console.log(
    `synthetic région: ${graph.nodes.length} networks, ${graph.pairs} pairs sharing members, the ${graph.edges.length} strongest drawn (computed in ${Date.now() - started} ms)`,
  );
  const built = await esbuild.build({
    stdin: {
      contents: `import { buildGraph, renderGraph } from './graph';
        const data = await (await fetch('/data.json')).json();
        const t0 = performance.now();
        const built = buildGraph(data.nodes, data.edges);
        const t1 = performance.now();
        const { sigma, firstFrame, complete } = renderGraph(document.getElementById('graph'), built, () => {}, () => {});
        const t2 = performance.now();
        await firstFrame;
        const t3 = performance.now();
        await complete;
        const t4 = performance.now();
        const graph = sigma.getGraph();
        window.frame = { build: t1 - t0, setup: t2 - t1, firstFrame: t3 - t0, complete: t4 - t0, order: graph.order, size: graph.size,
          canvas: sigma.getStageCanvas().width, picking: sigma.getSetting('enableEdgeEvents') };`,
      resolveDir: path.join(__dirname, '../atlas'),
      loader: 'ts',
    },
    bundle: true,
    write: false,
    format: 'esm',
    target: 'es2022',
    logLevel: 'silent',
  });
  const js = built.outputFiles[0].text;
  const json = JSON.stringify({ nodes: graph.nodes, edges: graph.edges });
  server = http.createServer((req, res) => {
    if (req.url === '/data.json') return void res.writeHead(200, { 'content-type': 'application/json' }).end(json);
    if (req.url === '/graph.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(js);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      .end(`<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Graphe synthétique</title><link rel="icon" href="data:,"></head>
<body style="margin:0"><div id="graph" style="width:1200px;height:800px"></div><script type="module" src="/graph.js"></script></body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

test('a synthetic région of 2,000 networks renders in the atlas graph; its first frame is timed and printed', async () => {
  const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  const problems = watchProblems(page);
  await page.goto(origin);
  await page
    .waitForFunction(() => (window as unknown as { frame?: unknown }).frame, undefined, { timeout: 120_000 })
    .catch((err: Error) => {
      throw new Error(`${err.message}; ${problems.join('; ')}`);
    });
  const frame = await page.evaluate(
    () =>
      (
        window as unknown as {
          frame: {
            build: number;
            setup: number;
            firstFrame: number;
            complete: number;
            order: number;
            size: number;
            canvas: number;
            picking: boolean;
          };
        }
      ).frame,
  );
  console.log(
    `atlas graph, synthetic région: ${frame.order} networks, ${frame.size} edges; graph and layout built in ${frame.build.toFixed(0)} ms, sigma set up in ${frame.setup.toFixed(0)} ms, ` +
      `first frame (every network) ${frame.firstFrame.toFixed(0)} ms, every edge drawn and clickable ${frame.complete.toFixed(0)} ms after the data arrived ` +
      `(Chromium, SwiftShader WebGL, ${REGION_SIZE.actors} actors; load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')})`,
  );
  expect(frame.order).toBe(REGION_SIZE.networks);
  expect(frame.size).toBe(EDGES);
  expect(frame.picking).toBe(true);
  expect(frame.canvas).toBeGreaterThan(0);
  await page.screenshot({ path: path.join(ARTIFACTS, 'atlas-synthetic-graph.png') });
  expect(problems).toEqual([]);
  await page.close();
}, 180_000);
