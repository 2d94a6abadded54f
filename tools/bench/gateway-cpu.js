#!/usr/bin/env node
// The gateway's CPU per request, a figure the machine's load barely moves (unlike requests/s):
// each gateway gets the same number of requests of one operation at a modest concurrency, in
// interleaved rounds, and its process's CPU time (/proc/<pid>/stat, user + system) is divided by
// the requests it answered. The subgraphs' CPU likewise. A gateway built from another tree
// (`--before DIR`, DIR/gateway/dist/index.js, e.g. a copy of an earlier build) runs beside this
// tree's, so a change is measured against what it replaced in one run.
//
//   node tools/bench/gateway-cpu.js --queries a2 --requests 4000 --rounds 3
//   node tools/bench/gateway-cpu.js --before /tmp/base --gateways maillage,before,nocache,apollo,subgraph
//   node tools/bench/gateway-cpu.js --queries b2cold,b2warm --requests 400   a miss (every page new to the cache) and a hit
//   node tools/bench/gateway-cpu.js --no-feed ...    the entity cache without its change-feed follower (less idle CPU to subtract)
//   node tools/bench/gateway-cpu.js --cpu-prof /tmp/prof    V8 CPU profiles of the gateways (node tools/bench/profile-summary.js FILE)
//
// Databases as for run.js (`--db-prefix`, BENCH_DATABASE_URL).
const { spawn } = require('node:child_process');
const { mkdtempSync, writeFileSync, readFileSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const autocannon = require('autocannon');
const { devToken, supergraphForGateway } = require('@maillage/viewer');
const { loadRegion } = require('./load-region');
const { cpuSeconds } = require('./procstat');
const Q = require('./queries');

const argv = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
const opts = {
  actors: Number(arg('actors', 100_000)),
  requests: Number(arg('requests', 3000)),
  rounds: Number(arg('rounds', 3)),
  connections: Number(arg('connections', 4)),
  gateways: arg('gateways', 'maillage,nocache,apollo,subgraph').split(','),
  queries: arg('queries', 'a2').split(','),
  before: arg('before'),
  cpuProf: arg('cpu-prof'),
  dbPrefix: arg('db-prefix'),
  serverUrl: process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
};
const repo = path.resolve(__dirname, '../..');
const log = (...m) => console.error(...m);
const children = [];

function start(label, args, env = {}) {
  const { NODE_ENV: _, ...inherited } = process.env;
  const prof =
    opts.cpuProf && label !== 'subgraph' ? ['--cpu-prof', '--cpu-prof-dir', opts.cpuProf, '--cpu-prof-name', `${label}.cpuprofile`] : [];
  const child = spawn(process.execPath, [...prof, ...args], { env: { ...inherited, ...env }, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  child.on('exit', (code, signal) => {
    if (!stopping) {
      log(`${label} exited (${signal ?? code}):\n${stderr}`);
      process.exit(1);
    }
  });
  children.push(child);
  return child;
}

let stopping = false;
async function stopAll() {
  stopping = true;
  const alive = children.filter((c) => c.exitCode === null && c.signalCode === null);
  const exited = alive.map((c) => new Promise((resolve) => c.once('exit', resolve)));
  for (const c of alive) c.kill('SIGTERM');
  const timer = setTimeout(() => alive.forEach((c) => c.exitCode === null && c.kill('SIGKILL')), 10_000);
  await Promise.all(exited);
  clearTimeout(timer);
}
process.on('SIGINT', () => stopAll().then(() => process.exit(130)));

const freePort = () =>
  new Promise((resolve) => {
    const s = require('node:net')
      .createServer()
      .listen(0, '127.0.0.1', () => {
        const { port } = s.address();
        s.close(() => resolve(port));
      });
  });

async function waitServing(url, timeoutMs = 60_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const ok = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query":"{ __typename }"}',
    }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} not serving after ${timeoutMs / 1000} s`);
}

const UNLIMITED = Object.fromEntries(['ANONYMOUS', 'PARTNER', 'EDITOR', 'ANALYST', 'ADMIN'].map((r) => [`RATE_LIMIT_${r}`, '2147483647']));
const maillageEnv = (extra) => (file, port, metricsPort) => ({
  PORT: String(port),
  SUPERGRAPH_PATH: file,
  METRICS_PORT: String(metricsPort),
  GATEWAY_WORKERS: '1',
  ...UNLIMITED,
  ...extra,
});
// `--no-feed`: the entity cache without its change-feed follower, whose polls (tens of ms of CPU a
// second, whatever the traffic) are most of what a slow run's idle subtraction has to guess.
const feedless = argv.includes('--no-feed') ? { ENTITY_CACHE_FEED_POLL_MS: '0' } : {};
const GATEWAYS = {
  maillage: { label: 'Maillage gateway', script: () => path.join(repo, 'gateway/dist/index.js'), env: maillageEnv(feedless) },
  before: {
    label: 'Maillage gateway, before',
    script: () => path.join(path.resolve(opts.before), 'gateway/dist/index.js'),
    env: maillageEnv(feedless),
  },
  nocache: {
    label: 'Maillage gateway, entity cache off',
    script: () => path.join(repo, 'gateway/dist/index.js'),
    env: maillageEnv({ ENTITY_CACHE: 'false' }),
  },
  apollo: {
    label: 'stock @apollo/gateway',
    script: () => path.join(__dirname, 'gateways/apollo-stock.js'),
    args: (file, port) => [file, String(port)],
    env: () => ({}),
  },
};

async function main() {
  log(
    `load average before: ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  const region = await loadRegion({ serverUrl: opts.serverUrl, prefix: opts.dbPrefix, actors: opts.actors, log });
  const subgraphs = {};
  for (const [name, databaseUrl] of Object.entries(region.urls)) {
    const child = start('subgraph', [path.join(__dirname, 'subgraph.js'), name, databaseUrl]);
    const url = await new Promise((resolve) => child.on('message', (m) => m.url && resolve(m.url)));
    subgraphs[name] = { child, url };
  }
  let sdl = supergraphForGateway(readFileSync(path.join(repo, 'schema/supergraph.graphql'), 'utf8'));
  sdl = sdl.replace(
    /join__graph\(name: "([^"]+)", url: "([^"]+)"\)/g,
    (m, name, url) => `join__graph(name: "${name}", url: "${subgraphs[name]?.url ?? url}")`,
  );
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'maillage-cpu-')), 'supergraph.graphql');
  writeFileSync(file, sdl);
  const targets = [];
  for (const name of opts.gateways) {
    if (name === 'subgraph') {
      targets.push({
        name,
        label: 'directory subgraph, direct',
        url: subgraphs.directory.url,
        pid: subgraphs.directory.child.pid,
        direct: true,
      });
      continue;
    }
    const g = GATEWAYS[name];
    const port = await freePort();
    const child = start(name, [g.script(), ...(g.args?.(file, port) ?? [])], g.env(file, port, await freePort()));
    const url = `http://127.0.0.1:${port}/graphql`;
    await waitServing(url);
    targets.push({ name, label: g.label, url, pid: child.pid });
  }
  const token = await devToken('analyst', { subject: 'bench', expiresIn: '24h' });
  const actors = region.sizes.actors;
  const all = {
    a: () => Q.lookup,
    a2: () => Q.lookupEach(actors),
    b2: () => Q.fanOutEach(actors),
    c2: () => Q.deepEach(actors),
    // What a miss costs: every request a page no earlier request of this target asked (each target
    // draws its own sequence, the same for all), so every entity and root field is new to its cache.
    b2cold: () => coldPages(Q.fanOutEach(actors), 50),
    c2cold: () => coldPages(Q.deepEach(actors), 17),
    // What a hit costs: a few pages over and over, all in the cache after the warm-up round.
    b2warm: () => warmPages(Q.fanOutEach(actors), 50),
    c2warm: () => warmPages(Q.deepEach(actors), 17),
  };
  const coldPages = (op, size) => {
    const pages = Math.floor(actors / size);
    if (opts.rounds * opts.requests + Math.min(500, opts.requests) > pages)
      throw new Error(`${op.name} cold: ${pages} pages, fewer than the requests of one target (--requests, --rounds)`);
    let n = 0;
    // 7919 is prime, so the stride visits every page before it repeats one.
    return { ...op, vary: () => ({ territoryId: 'REG-76', after: Q.offsetCursors((n++ * 7919) % pages, size) }) };
  };
  const warmPages = (op, size) => {
    let n = 0;
    return { ...op, vary: () => ({ territoryId: 'REG-76', after: Q.offsetCursors(n++ % 8, size) }) };
  };
  const results = [];
  for (const qname of opts.queries) {
    if (!all[qname]) throw new Error(`unknown operation ${qname}`);
    const ops = new Map(targets.map((t) => [t.name, all[qname]()]));
    for (let round = 0; round <= opts.rounds; round++) {
      for (const t of targets) {
        if (t.direct && !qname.startsWith('a')) continue;
        const op = ops.get(t.name);
        const req = Q.request(op, t.name === 'apollo' || t.direct ? {} : { token });
        // Round 0 warms every target up (JIT, connection pools); it is not counted.
        const n = round === 0 ? Math.min(500, opts.requests) : opts.requests;
        // What the processes spend with no request at all (the entity cache's change-feed polls,
        // timers, metrics): measured just before, so that it can be told apart from the requests' cost.
        const idle =
          round === 0
            ? undefined
            : await idleRates(
                t.pid,
                Object.values(subgraphs).map((s) => s.child.pid),
              );
        const gw0 = cpuSeconds(t.pid);
        const sub0 = Object.values(subgraphs).reduce((a, s) => a + cpuSeconds(s.child.pid), 0);
        const t0 = performance.now();
        const r = await run(t.url, req, n);
        const seconds = (performance.now() - t0) / 1000;
        const gw = cpuSeconds(t.pid) - gw0;
        const sub = Object.values(subgraphs).reduce((a, s) => a + cpuSeconds(s.child.pid), 0) - sub0;
        if (round === 0) continue;
        const perRequest = (cpu, idleRate) => Math.round(((cpu - idleRate * seconds) / n) * 1e6);
        const row = {
          op: qname,
          round,
          target: t.name,
          'req/s': Math.round(n / seconds),
          'gateway µs/req': t.direct ? undefined : Math.round((gw / n) * 1e6),
          'gateway µs/req, net of idle': t.direct ? undefined : perRequest(gw, idle.own),
          'gateway idle ms/s': t.direct ? undefined : Math.round(idle.own * 1000),
          'subgraphs µs/req': Math.round(((t.direct ? gw : sub) / n) * 1e6),
          'subgraphs µs/req, net of idle': t.direct ? perRequest(gw, idle.own) : perRequest(sub, idle.others),
          errors: r.errors,
        };
        results.push(row);
        log(JSON.stringify(row));
      }
    }
  }
  const summary = [];
  for (const qname of opts.queries)
    for (const t of targets) {
      const rows = results.filter((r) => r.op === qname && r.target === t.name);
      if (!rows.length) continue;
      const med = (k) => median(rows.map((r) => r[k]).filter((x) => x !== undefined));
      summary.push({
        op: qname,
        target: t.label,
        'req/s': med('req/s'),
        'gateway µs/req': t.direct ? '' : med('gateway µs/req'),
        'net of idle': t.direct ? '' : med('gateway µs/req, net of idle'),
        'idle ms/s': t.direct ? '' : med('gateway idle ms/s'),
        'subgraphs µs/req': med('subgraphs µs/req'),
        'subgraphs net of idle': med('subgraphs µs/req, net of idle'),
        errors: rows.reduce((a, r) => a + r.errors, 0),
      });
    }
  console.table(summary);
  log(
    `load average after: ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
}

const median = (xs) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : Math.round((s[s.length / 2 - 1] + s[s.length / 2]) / 2);
};

/** CPU cores used by a process, and by others together, over a few seconds with no request. */
async function idleRates(pid, others, ms = Number(arg('idle-ms', 2000))) {
  const own0 = cpuSeconds(pid);
  const others0 = others.reduce((a, p) => a + cpuSeconds(p), 0);
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, ms));
  const seconds = (performance.now() - t0) / 1000;
  return { own: (cpuSeconds(pid) - own0) / seconds, others: (others.reduce((a, p) => a + cpuSeconds(p), 0) - others0) / seconds };
}

/** `n` requests over a few connections; an error is a non-2xx or an answer with errors. */
async function run(url, req, n) {
  let errors = 0;
  let firstError;
  const instance = autocannon({
    url: url + req.path,
    method: req.method,
    headers: req.headers,
    body: req.body,
    connections: opts.connections,
    amount: n,
    timeout: 30,
    requests: [
      {
        ...(req.nextBody ? { setupRequest: (r) => ({ ...r, body: req.nextBody() }) } : {}),
        onResponse: (status, body) => {
          if (status < 200 || status > 299 || !body.startsWith('{"data"') || body.includes('"errors":')) {
            errors++;
            firstError ??= `HTTP ${status} ${body.slice(0, 300)}`;
          }
        },
      },
    ],
  });
  const result = await new Promise((resolve, reject) => instance.once('done', resolve).once('error', reject));
  if (firstError) log(`  first error: ${firstError}`);
  return { errors: errors + result.errors + result.timeouts };
}

main()
  .then(() => stopAll())
  .then(() => process.exit(0))
  .catch((err) => {
    console.error(err);
    stopAll().then(() => process.exit(1));
  });
