// Writes the latest figures into docs/benchmarks.md (between the `bench:begin` and `bench:end`
// markers; the analysis around them is kept) and the chart docs/benchmarks.svg.
const { existsSync, readFileSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const COLOURS = { maillage: '#1b7f5b', maillage2: '#63c29a', nocache: '#a8d5c0', apollo: '#7a7a7a', hive: '#e0a526', subgraph: '#4a6fa5' };
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** Grouped bars: requests/s (left) and p95 latency (right) per operation and gateway. */
function chart(result) {
  const gateways = Object.keys(result.gateways);
  // (d) is served from Maillage's cache and not from the peers': on one scale it would flatten the rest. It is in the table.
  const ops = result.ops.filter((o) => o.name !== 'd');
  const panel = (title, metric, unit, x0) => {
    const values = result.summary.filter((s) => gateways.includes(s.gateway) && ops.some((o) => o.name === s.query)).map((s) => s[metric]);
    const max = Math.max(...values) * 1.1 || 1;
    const w = 440;
    const h = 260;
    const groupW = w / ops.length;
    const barW = (groupW - 20) / gateways.length;
    let out = `<text x="${x0 + w / 2}" y="24" text-anchor="middle" font-weight="bold">${esc(title)}</text>`;
    out += `<line x1="${x0}" y1="${40 + h}" x2="${x0 + w}" y2="${40 + h}" stroke="#333"/>`;
    ops.forEach((op, i) => {
      gateways.forEach((g, j) => {
        const s = result.summary.find((x) => x.query === op.name && x.gateway === g);
        if (!s) return;
        const bh = (s[metric] / max) * h;
        const x = x0 + i * groupW + 10 + j * barW;
        out += `<rect x="${x.toFixed(1)}" y="${(40 + h - bh).toFixed(1)}" width="${(barW - 2).toFixed(1)}" height="${bh.toFixed(1)}" fill="${COLOURS[g]}"><title>${esc(`${g} ${op.name}: ${s[metric].toFixed(metric === 'rps' ? 0 : 1)} ${unit}`)}</title></rect>`;
        out += `<text x="${(x + barW / 2 - 1).toFixed(1)}" y="${(36 + h - bh).toFixed(1)}" text-anchor="middle" font-size="9">${s[metric] >= 100 ? Math.round(s[metric]) : s[metric].toFixed(1)}</text>`;
      });
      out += `<text x="${(x0 + i * groupW + groupW / 2).toFixed(1)}" y="${58 + h}" text-anchor="middle">(${op.name})</text>`;
    });
    return out;
  };
  const legend = gateways
    .map(
      (g, i) =>
        `<rect x="${20 + i * 200}" y="345" width="12" height="12" fill="${COLOURS[g]}"/><text x="${38 + i * 200}" y="356">${esc(result.gateways[g])}</text>`,
    )
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="960" height="370" font-family="sans-serif" font-size="12">
<rect width="960" height="370" fill="white"/>
${panel('requests/s (higher is better)', 'rps', 'req/s', 20)}
${panel('p95 latency, ms (lower is better)', 'p95', 'ms', 500)}
${legend}
</svg>
`;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (n, d = 0) => (Number.isFinite(n) ? n.toLocaleString('en', { minimumFractionDigits: d, maximumFractionDigits: d }) : '–');

function table(result) {
  const peer = (q, g) => result.summary.find((x) => x.query === q && x.gateway === g);
  const lines = [
    '| op | gateway | req/s | p50 ms | p95 ms | p99 ms | gateway CPU (cores) | gateway CPU ms a request | subgraphs CPU (cores) | subgraphs CPU ms a request | entity cache hits | root-field cache hits | peak RSS MiB | errors | × apollo | × hive |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const s of result.summary) {
    const ratio = (g) => (s.gateway === 'maillage' && peer(s.query, g) ? `${(s.rps / peer(s.query, g).rps).toFixed(2)}` : '');
    const name = s.gateway === 'subgraph' ? 'directory subgraph, direct' : result.gateways[s.gateway];
    lines.push(
      `| ${s.query} | ${name} | ${fmt(s.rps)} | ${fmt(s.p50, 1)} | ${fmt(s.p95, 1)} | ${fmt(s.p99, 1)} | ${fmt(s.cpu, 2)} | ${fmt((s.cpu / s.rps) * 1000, 2)} | ${fmt(s.subgraphCpu, 2)} | ${fmt((s.subgraphCpu / s.rps) * 1000, 2)} | ${s.hitRate === undefined ? '' : `${fmt(s.hitRate * 100)} %`} | ${s.rootHitRate === undefined ? '' : `${fmt(s.rootHitRate * 100)} %`} | ${fmt(s.peakRss)} | ${s.errors} | ${ratio('apollo')} | ${ratio('hive')} |`,
    );
  }
  return lines.join('\n');
}

function section(result, command) {
  const m = result.machine;
  const overhead = (q) => {
    const g = result.summary.find((s) => s.query === q && s.gateway === 'maillage');
    const direct = result.summary.find((s) => s.query === q && s.gateway === 'subgraph');
    return g && direct ? ((g.rps / direct.rps) * 100).toFixed(0) : undefined;
  };
  const b = result.summary.find((s) => s.query === 'b' && s.gateway === 'maillage');
  const d = result.summary.find((s) => s.query === 'd' && s.gateway === 'maillage');
  const lines = [
    `Command: \`${command}\` (${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC)`,
    '',
    `Machine: ${m.cpus} × ${m.model}, ${m.memGiB} GiB, Node ${m.node}; load average ${m.loadBefore.map((x) => x.toFixed(2)).join(' / ')} before the run, ${m.loadAfter.map((x) => x.toFixed(2)).join(' / ')} after.`,
    `Data: ${fmt(result.sizes.actors)} actors, ${fmt(result.sizes.networks)} networks, ${fmt(result.sizes.memberships)} memberships, ${fmt(result.sizes.initiatives)} initiatives (seed ${result.opts.seed}).`,
    `Load: autocannon, ${result.opts.connections} connections, ${result.opts.warmup} s warm-up then ${result.opts.duration} s per run, ${result.opts.rounds} rounds interleaved; figures are the median of the rounds (peak RSS: the largest), errors the sum.`,
    '',
    table(result),
    '',
    ...result.summary
      .filter((s) => s.firstError)
      .map(
        (s) =>
          `- errors of ${s.gateway === 'subgraph' ? 'the subgraph' : result.gateways[s.gateway]} on (${s.query}), the first: \`${s.firstError.replace(/`/g, "'").slice(0, 240)}\``,
      ),
    '',
    '![requests/s and p95 per gateway, operations (a), (a2), (b) and (c)](benchmarks.svg)',
    '',
  ];
  if (overhead('a'))
    lines.push(
      `Gateway overhead on (a): the gateway serves ${overhead('a')} % of the requests/s of the directory subgraph called directly.`,
    );
  if (overhead('a2')) lines.push(`On (a2), a different actor each request (no two fetches can be shared): ${overhead('a2')} %.`);
  if (b && d) lines.push(`(d) from the response cache: ${(d.rps / b.rps).toFixed(1)} × the requests/s of (b).`);
  if (result.cache)
    lines.push(
      `(d) headers: \`Cache-Control: ${result.cache.cacheControl}\`, \`Age: ${result.cache.age}\`; the same operation sent as a POST: \`Cache-Control: ${result.cache.postCacheControl}\`.`,
    );
  if (result.scale.length) {
    lines.push(
      '',
      "How cost grows with work, through Maillage's gateway with its entity cache off, one request at a time (sizes: entities asked, in pages of 100 as aliases past 100; (d) by the territory it is asked for):",
      '',
      '| op | size | items in the answer | median latency ms | SQL statements a request (all subgraphs) |',
      '|---|---:|---:|---:|---:|',
    );
    for (const r of result.scale)
      lines.push(
        `| ${r.op ?? 'b'} | ${typeof r.size === 'number' ? fmt(r.size) : (r.size ?? fmt(r.actors))} | ${fmt(r.items ?? r.got)} | ${fmt(r.median, 1)} | ${r.statements} |`,
      );
  }
  return lines.join('\n');
}

function writeReport(result, docsDir, command) {
  writeFileSync(path.join(docsDir, 'benchmarks.svg'), chart(result));
  const file = path.join(docsDir, 'benchmarks.md');
  const begin = '<!-- bench:begin (written by npm run bench) -->';
  const end = '<!-- bench:end -->';
  const block = `${begin}\n${section(result, command)}\n${end}`;
  const doc = existsSync(file) ? readFileSync(file, 'utf8') : `# Benchmarks\n\n## Latest run\n\n${begin}\n${end}\n`;
  const i = doc.indexOf(begin);
  const j = doc.indexOf(end);
  writeFileSync(file, i >= 0 && j > i ? doc.slice(0, i) + block + doc.slice(j + end.length) : `${doc}\n${block}\n`);
}

/** The soak's memory, minute by minute, between the `soak:begin` and `soak:end` markers. */
function writeSoak(result, docsDir, command, machine) {
  const file = path.join(docsDir, 'benchmarks.md');
  // The soak with writes has a section of its own, so that the one without stays beside it.
  const [begin, end] = result.writes
    ? ['<!-- soak-writes:begin (written by npm run bench -- --soak N --soak-writes W) -->', '<!-- soak-writes:end -->']
    : ['<!-- soak:begin (written by npm run bench -- --soak) -->', '<!-- soak:end -->'];
  const cache = result.samples.some((x) => Number.isFinite(x.entries));
  const ops = result.ops ?? ['b', 'c', 'd'];
  const minutes = [];
  const num = (xs, f) => (xs.length ? f(...xs).toFixed(0) : '–');
  for (let m = 0; m * 60 < result.seconds; m++) {
    const inMinute = result.samples.filter((x) => x.t >= m * 60 && x.t < (m + 1) * 60);
    const xs = inMinute.map((x) => x.rss);
    const heap = inMinute.map((x) => x.heap).filter(Number.isFinite);
    if (!xs.length) continue;
    const row = [m + 1, num(xs, Math.min), num(xs, Math.max), num(heap, Math.min), num(heap, Math.max)];
    if (cache) {
      const prev = result.samples.filter((x) => x.t < m * 60).at(-1);
      const last = inMinute.at(-1);
      const looked = prev && last ? last.hit + last.miss - prev.hit - prev.miss : NaN;
      const lags = inMinute.map((x) => x.feedLag).filter(Number.isFinite);
      row.push(
        num(inMinute.map((x) => x.entries).filter(Number.isFinite), Math.max),
        num(inMinute.map((x) => x.tags).filter(Number.isFinite), Math.max),
        lags.length ? Math.max(...lags).toFixed(2) : '–',
        looked > 0 ? `${(((last.hit - prev.hit) / looked) * 100).toFixed(0)} %` : '–',
      );
      // Each operation's p95 over the 10 s windows it ran in this minute (their median).
      for (const op of ops) {
        const p95s = (result.windows ?? []).filter((w) => w.op === op && w.t >= m * 60 && w.t < (m + 1) * 60).map((w) => w.p95);
        row.push(p95s.length ? median(p95s).toFixed(0) : '–');
      }
    }
    minutes.push(`| ${row.join(' | ')} |`);
  }
  const head = ['minute', 'min RSS', 'max RSS', 'min heap used', 'max heap used'];
  if (cache) head.push('cache entries', 'cache tags', 'feed lag s', 'entity hits', ...ops.map((o) => `p95 ${o} ms`));
  const w = result.writes;
  const lines = [
    `Command: \`${command}\` (${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC); load average ${machine.loadBefore.map((x) => x.toFixed(2)).join(' / ')} before, ${machine.loadAfter.map((x) => x.toFixed(2)).join(' / ')} after.`,
    `${ops.map((o) => `(${o})`).join(', ')} in turn, 10 s each, ${result.opts.connections} connections: ${fmt(result.requests)} requests, ${result.errors} errors.` +
      (w
        ? ` Writes meanwhile: ${fmt(w.writes)} (${fmt(w.viaGateway)} through the gateway, ${fmt(w.straight)} straight at a subgraph; ${w.refused} refused as overlapping, ${w.failed} failed), p50 ${w.p50?.toFixed(0)} ms, p95 ${w.p95?.toFixed(0)} ms.`
        : '') +
      ` Memory of Maillage's gateway (MiB), sampled every 5 s (RSS from /proc, V8 heap in use from its /metrics)${cache ? "; the entity cache from its /metrics: entries and tags at most, the change feed's lag at most (over the subgraphs), the hits among entity lookups; p95 of each operation in the minute" : ''}:`,
    '',
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---:').join('|')}|`,
    ...minutes,
    '',
    `Median RSS in the 2nd minute ${result.early?.toFixed(0)} MiB, in the last ${result.late?.toFixed(0)} MiB; V8 heap in use at its lowest (after a collection) ${result.heapEarly?.toFixed(0)} MiB in the 2nd minute, ${result.heapLate?.toFixed(0)} MiB in the last.`,
  ];
  const block = `${begin}\n${lines.join('\n')}\n${end}`;
  const doc = readFileSync(file, 'utf8');
  const i = doc.indexOf(begin);
  const j = doc.indexOf(end);
  writeFileSync(file, i >= 0 && j > i ? doc.slice(0, i) + block + doc.slice(j + end.length) : `${doc}\n${block}\n`);
}

module.exports = { writeReport, writeSoak, chart, section };
