// Self time by function in a V8 .cpuprofile (node --cpu-prof), top N, and by package.
//   node tools/bench/profile-summary.js FILE [N]
const { readFileSync } = require('node:fs');

const [file, n = 25] = process.argv.slice(2);
const prof = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(prof.nodes.map((x) => [x.id, x]));
const self = new Map();
const dt = prof.timeDeltas;
for (let i = 0; i < prof.samples.length; i++) {
  const node = byId.get(prof.samples[i]);
  self.set(node, (self.get(node) ?? 0) + (dt[i] ?? 0));
}
const total = [...self.values()].reduce((a, b) => a + b, 0);
const fn = new Map();
const pkg = new Map();
for (const [node, us] of self) {
  const { functionName, url, lineNumber } = node.callFrame;
  const key = `${functionName || '(anon)'} ${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/\/work\/main\//, '')}:${lineNumber + 1}`;
  fn.set(key, (fn.get(key) ?? 0) + us);
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  const p = m
    ? m[1]
    : url.startsWith('node:') || !url
      ? `(node ${node.callFrame.functionName.startsWith('(') ? node.callFrame.functionName : 'internals'})`
      : url.replace(/^.*\/work\/main\//, '');
  pkg.set(p, (pkg.get(p) ?? 0) + us);
}
const top = (m) =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, Number(n))
    .map(([k, v]) => `${((v / total) * 100).toFixed(1).padStart(5)} %  ${k}`);
console.log(
  `${file}: ${(total / 1e6).toFixed(1)} s sampled\n-- by package --\n${top(pkg).join('\n')}\n-- by function --\n${top(fn).join('\n')}`,
);
