// Self time by function in a V8 .cpuprofile (node --cpu-prof), top N, and by package; with
// `--inclusive`, the time spent in each function and everything it called (what a path costs).
//   node tools/bench/profile-summary.js FILE [N] [--inclusive]
const { readFileSync } = require('node:fs');

const args = process.argv.slice(2);
const inclusive = args.includes('--inclusive');
const [file, n = 25] = args.filter((a) => a !== '--inclusive');
const prof = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(prof.nodes.map((x) => [x.id, x]));
const parent = new Map();
for (const x of prof.nodes) for (const c of x.children ?? []) parent.set(c, x);
const self = new Map();
const dt = prof.timeDeltas;
for (let i = 0; i < prof.samples.length; i++) {
  const node = byId.get(prof.samples[i]);
  self.set(node, (self.get(node) ?? 0) + (dt[i] ?? 0));
}
const total = [...self.values()].reduce((a, b) => a + b, 0);
const keyOf = (node) => {
  const { functionName, url, lineNumber } = node.callFrame;
  return `${functionName || '(anon)'} ${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/\/work\/[^/]+(\/[^/]+)?\//, '')}:${lineNumber + 1}`;
};
const fn = new Map();
const pkg = new Map();
for (const [node, us] of self) {
  const key = keyOf(node);
  fn.set(key, (fn.get(key) ?? 0) + us);
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(node.callFrame.url);
  const url = node.callFrame.url;
  const p = m
    ? m[1]
    : url.startsWith('node:') || !url
      ? `(node ${node.callFrame.functionName.startsWith('(') ? node.callFrame.functionName : 'internals'})`
      : url.replace(/^.*\/work\/[^/]+(\/[^/]+)?\//, '');
  pkg.set(p, (pkg.get(p) ?? 0) + us);
}
// A sample counts once for each function on its stack (a recursive one once).
const incl = new Map();
if (inclusive)
  for (const [node, us] of self) {
    const seen = new Set();
    for (let x = node; x; x = parent.get(x.id)) {
      const key = keyOf(x);
      if (seen.has(key)) continue;
      seen.add(key);
      incl.set(key, (incl.get(key) ?? 0) + us);
    }
  }
const top = (m) =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, Number(n))
    .map(([k, v]) => `${((v / total) * 100).toFixed(1).padStart(5)} %  ${k}`);
console.log(
  `${file}: ${(total / 1e6).toFixed(1)} s sampled\n-- by package --\n${top(pkg).join('\n')}\n-- by function --\n${top(fn).join('\n')}` +
    (inclusive ? `\n-- by function, with what it calls --\n${top(incl).join('\n')}` : ''),
);
