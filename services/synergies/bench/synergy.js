#!/usr/bin/env node
// Synergy measures on a synthetic région (packages/synthetic, deterministic), at growing sizes.
// Prints, for each size: time to index the snapshot, overlap of two networks (median of 50 random
// pairs of the 200 largest), synergy report for the région (first call, which builds the scope's
// view, then a second call on the cached view), a département's report, bridging actors, cross-
// territory ties and two searches; then how each grows from the smallest size to the largest.
//   npm run bench -w @maillage/synergies -- [--sizes 10000,25000,50000,100000] [--seed 2026]
const { performance } = require('node:perf_hooks');
const { generateRegion, REGION_SIZE } = require('@maillage/synthetic');
const { SynergyEngine, searchGraph, listNetworks, listInitiatives, actorMemberships } = require('@maillage/synergy');

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const sizes = arg('sizes', '10000,25000,50000,100000').split(',').map(Number);
const seed = Number(arg('seed', '2026'));
const scope = { territoryId: 'REG-76', to: '2026-11-01' };

const time = (fn) => {
  const t = performance.now();
  const value = fn();
  return { ms: performance.now() - t, value };
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const heapMB = () => (global.gc && global.gc(), process.memoryUsage().heapUsed / 1048576);

const rows = [];
for (const actors of sizes) {
  const ratio = actors / REGION_SIZE.actors;
  const size = {
    actors,
    networks: Math.round(REGION_SIZE.networks * ratio),
    memberships: Math.round(REGION_SIZE.memberships * ratio),
    initiatives: Math.round(REGION_SIZE.initiatives * ratio),
  };
  const gen = time(() => generateRegion({ ...size, seed }));
  const before = heapMB();
  const build = time(() => new SynergyEngine(gen.value));
  const engine = build.value;
  // The search over names is built with the index: its share of the build is printed apart.
  const searchBuildMs = engine.names.buildMs;
  const heap = heapMB() - before;

  // Overlap: 50 pairs among the 200 largest networks, each on a cold path (no view).
  const bySize = engine.ix.byNetwork
    .map((m, n) => [n, m.length])
    .sort((a, b) => b[1] - a[1])
    .slice(0, 200)
    .map(([n]) => n);
  let x = seed;
  const rnd = () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const overlaps = [];
  for (let i = 0; i < 50; i++) {
    const a = bySize[Math.floor(rnd() * bySize.length)];
    const b = bySize[Math.floor(rnd() * bySize.length)];
    overlaps.push(time(() => engine.overlap(a, b, scope)).ms);
  }
  const reportCold = time(() => engine.report(scope, 10));
  const reportWarm = time(() => engine.report(scope, 10));
  const dep = time(() => engine.report({ ...scope, territoryId: 'DEP-34' }, 10));
  const bridging = time(() => engine.bridging(scope));
  const ties = time(() => engine.crossTerritoryTies('DEPARTEMENT', scope));
  const searchCold = time(() => engine.search({ text: 'usinage martin' }));
  const search = time(() => engine.search({ text: 'mecanique durand' }));
  // The cross-kind lists and the one search (the first call of each builds what it derives from the index).
  const ix = engine.ix;
  const networksCold = time(() => listNetworks(ix, { territoryId: 'REG-76' }));
  const networksDep = time(() => listNetworks(ix, { territoryId: 'DEP-34', includeEnded: true }));
  const busiest = ix.byActor.reduce((best, ms, a) => (ms.length > ix.byActor[best].length ? a : best), 0);
  const memberships = time(() => actorMemberships(ix, busiest, { includeEnded: true }));
  const joint = time(() => listInitiatives(ix, { jointOnly: true, territoryId: 'DEP-34' }));
  const graphCold = time(() => searchGraph(ix, { text: 'usinage martin' }));
  const graphTexts = ['mecanik durnad', 'reseau 12', 'club entreprises', 'industrie positive', 'cci herault'];
  const graphWarm = graphTexts.map((text) => time(() => searchGraph(ix, { text })).ms);
  rows.push({
    actors,
    networks: size.networks,
    memberships: engine.ix.mNetwork.length,
    initiatives: size.initiatives,
    generateMs: gen.ms,
    indexMs: build.ms - searchBuildMs,
    searchBuildMs,
    heapMB: heap,
    overlapMs: median(overlaps),
    overlapMaxMs: Math.max(...overlaps),
    reportMs: reportCold.ms,
    reportWarmMs: reportWarm.ms,
    depReportMs: dep.ms,
    bridgingMs: bridging.ms,
    bridgingMethod: bridging.value.method,
    tiesMs: ties.ms,
    searchMs: search.ms,
    searchColdMs: searchCold.ms,
    pairs: reportCold.value.pairs.length,
  });
  const r = rows.at(-1);
  console.log(
    `${String(actors).padStart(7)} actors ${String(r.networks).padStart(5)} networks ${String(r.memberships).padStart(7)} memberships | ` +
      `index ${r.indexMs.toFixed(0)} ms, ${r.heapMB.toFixed(0)} MB | overlap median ${r.overlapMs.toFixed(2)} ms (max ${r.overlapMaxMs.toFixed(1)}) | ` +
      `région report ${r.reportMs.toFixed(0)} ms (cached view ${r.reportWarmMs.toFixed(0)}) | DEP-34 report ${r.depReportMs.toFixed(0)} ms | ` +
      `bridging ${r.bridgingMs.toFixed(0)} ms (${r.bridgingMethod}) | ties ${r.tiesMs.toFixed(0)} ms | search ${r.searchMs.toFixed(1)} ms (first ${r.searchColdMs.toFixed(0)})`,
  );
  console.log(
    `        cross-kind: networks of REG-76 ${networksCold.ms.toFixed(0)} ms (first, ${networksCold.value.length} networks) | DEP-34 ${networksDep.ms.toFixed(1)} ms | ` +
      `memberships of the busiest actor ${memberships.ms.toFixed(2)} ms (${memberships.value.length}) | joint initiatives of DEP-34 ${joint.ms.toFixed(0)} ms (${joint.value.length}) | ` +
      `one search: built with the index in ${r.searchBuildMs.toFixed(0)} ms (MiniSearch over ${actors + size.networks + size.initiatives} names), first query ${graphCold.ms.toFixed(0)} ms, then median ${median(graphWarm).toFixed(1)} ms, worst ${Math.max(...graphWarm).toFixed(1)} ms of ${graphWarm.length}`,
  );
}

const first = rows[0];
const last = rows.at(-1);
const grow = (k) => (last[k] / first[k]).toFixed(1);
console.log(
  `\nfrom ${first.actors} to ${last.actors} actors (x${(last.actors / first.actors).toFixed(0)}): index x${grow('indexMs')}, overlap x${grow('overlapMs')}, région report x${grow('reportMs')}, bridging x${grow('bridgingMs')}, ties x${grow('tiesMs')}, search x${grow('searchMs')}`,
);
console.log(
  `targets at ${last.actors} actors: région report ${last.reportMs.toFixed(0)} ms (< 2000: ${last.reportMs < 2000 ? 'met' : 'NOT met'}), overlap ${last.overlapMaxMs.toFixed(1)} ms worst of 50 (< 100: ${last.overlapMaxMs < 100 ? 'met' : 'NOT met'})`,
);
console.log(`node ${process.version}, ${require('node:os').cpus().length} × ${require('node:os').cpus()[0].model}`);
