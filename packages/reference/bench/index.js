#!/usr/bin/env node
// Cost of the territory index: the first lookup builds it (parses the etalab JSON files), later
// lookups are map reads. Prints figures; run with `npm run bench -w @maillage/reference`.
const { performance } = require('node:perf_hooks');

const heap = () => (global.gc && global.gc(), process.memoryUsage().heapUsed / 1048576);
const before = heap();
const t0 = performance.now();
const ref = require('../dist');
ref.getTerritory('COM-34172');
const build = performance.now() - t0;
const t1 = performance.now();
ref.listTerritories({ level: 'COMMUNE', limit: 10 });
const firstList = performance.now() - t1;
const t2 = performance.now();
const n = 1_000_000;
for (let i = 0; i < n; i++) ref.getTerritory(i % 2 ? 'COM-34172' : 'DEP-12');
const lookupNs = ((performance.now() - t2) * 1e6) / n;
const t3 = performance.now();
ref.ancestorsOf('COM-12145');
const ancestry = performance.now() - t3;
console.log(`index build (first lookup)  ${build.toFixed(0)} ms`);
console.log(`first listing (sort)        ${firstList.toFixed(0)} ms`);
console.log(`lookup by id                ${lookupNs.toFixed(0)} ns`);
console.log(`ancestry of a commune       ${(ancestry * 1000).toFixed(0)} µs`);
console.log(
  `heap held by the index      ${(heap() - before).toFixed(1)} MB${global.gc ? '' : ' (run with --expose-gc for an exact figure)'}`,
);
