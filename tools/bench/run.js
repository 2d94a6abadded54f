#!/usr/bin/env node
// Three federation gateways side by side on the same supergraph, subgraphs, data and operations:
// Maillage's gateway as shipped, a stock @apollo/gateway + @apollo/server (defaults), Hive Gateway
// (its CLI, defaults). Each gateway runs in its own child process; autocannon loads one at a time,
// rounds interleaved (a, b, c, d, each on every gateway in turn) so background load hits all alike.
//
//   npm run bench                                   full run: 100,000 actors, 30 s runs, 3 rounds; writes docs/benchmarks.md
//   npm run bench -- --duration 10 --rounds 1       shorter
//   npm run bench -- --soak 600                     Maillage's gateway under load for 600 s, memory sampled
//   npm run bench -- --soak 1200 --soak-queries b2,c2,a2 --soak-writes 2 --gateways maillage
//                                                   the soak on varied operations (the entity cache filling past its bound) with
//                                                   2 writes a second (half through the gateway, half straight at a subgraph)
//   npm run bench -- ... --db-prefix NAME           the région in databases NAME_<service> (default maillage_bench[_<actors>])
//   npm run bench -- --actors 2000 --duration 1 --warmup 1 --rounds 1 --no-docs    the self-check's size
//   npm run bench -- --gateways maillage,nocache,apollo,hive --queries a2,b2,c2    varied operations only, with the entity cache off as a peer
//   npm run bench -- --baseline DIR --queries b2,c2 --probe 100   subgraph CPU and SQL per request, this tree's subgraphs against DIR's (a built checkout of the commit to compare with), requests alternated
//   npm run bench -- --queries b2,c2 --probe 100 --offset-cursors   the same with the offset cursors of before keyset paging (served by OFFSET)
//   npm run bench -- --growth-only --db-prefix keyset_bench --no-docs
//                                                   only the cost as work grows: every operation with a size at 10, 100 and
//                                                   1,000 entities, latency and SQL statements a request (--growth-ops b,c to pick)
//   npm run bench -- --help                         this text
//
// Needs PostgreSQL: BENCH_DATABASE_URL, else TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/postgres.
const { spawn } = require('node:child_process');
const { mkdtempSync, writeFileSync, readFileSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const autocannon = require('autocannon');
const { devToken, supergraphForGateway } = require('@maillage/viewer');
const { loadRegion } = require('./load-region');
const { sampler, rssMiB, cpuSeconds } = require('./procstat');
const Q = require('./queries');
const { writeReport, writeSoak } = require('./report');

const argv = process.argv.slice(2);
if (argv.includes('--help') || argv.includes('-h')) {
  // The usage is this file's opening comment, so the two cannot drift apart.
  const usage = readFileSync(__filename, 'utf8')
    .split('\n')
    .slice(1)
    .filter((l) => l.startsWith('//'))
    .map((l) => l.replace(/^\/\/ ?/, ''));
  console.log(usage.join('\n'));
  process.exit(0);
}
const arg = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
const opts = {
  actors: Number(arg('actors', 100_000)),
  seed: Number(arg('seed', 2026)),
  duration: Number(arg('duration', 30)),
  warmup: Number(arg('warmup', 5)),
  rounds: Number(arg('rounds', 3)),
  connections: Number(arg('connections', 16)),
  soak: arg('soak') === undefined ? 0 : Number(arg('soak')),
  // The soak's operations, in turn, 10 s each, and its writes a second (0: none).
  soakQueries: arg('soak-queries', 'b,c,d').split(','),
  soakWrites: Number(arg('soak-writes', 0)),
  dbPrefix: arg('db-prefix'),
  // Only the cost as work grows (growth(), on a gateway of its own): no load runs, no other gateway unless --gateways names one.
  growthOnly: argv.includes('--growth-only'),
  growthOps: arg('growth-ops', 'a,b,c,d,d+,e,f').split(','),
  gateways: arg('gateways', argv.includes('--growth-only') ? '' : 'maillage,maillage2,apollo,hive')
    .split(',')
    .filter(Boolean),
  queries: arg('queries', 'a,a2,b,b2,c,c2,d').split(','),
  docs: !argv.includes('--no-docs'),
  json: arg('json'),
  cpuProf: arg('cpu-prof'),
  probe: Number(arg('probe', 0)),
  // (b2) and (c2) with the offset cursors the lists gave before they were keyed (served by OFFSET).
  offsetCursors: argv.includes('--offset-cursors'),
  // A built tree of the repository (another commit) whose subgraphs run beside this tree's: --probe then compares them.
  baseline: arg('baseline'),
  // A fixed request rate instead of as fast as possible: CPU per request without queueing.
  rate: arg('rate') === undefined ? undefined : Number(arg('rate')),
  serverUrl: process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
};
const repo = path.resolve(__dirname, '../..');
const log = (...m) => console.error(...m);
const children = [];

function start(label, args, env = {}) {
  // Outside production (NODE_ENV unset), as the subgraphs run: see subgraph.js.
  const { NODE_ENV: _, ...inherited } = process.env;
  const child = spawn(process.execPath, args, { env: { ...inherited, ...env }, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
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

const message = (child, pick) =>
  new Promise((resolve) => {
    const listener = (m) => {
      if (!pick(m)) return;
      child.off('message', listener);
      resolve(m);
    };
    child.on('message', listener);
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

let stopping = false;
/** Stops every child (profiles are written as they exit), killing any still there after 10 s. */
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

async function startSubgraphs(urls, tree = repo, suffix = '') {
  const subgraphs = {};
  for (const [name, databaseUrl] of Object.entries(urls)) {
    const child = start(`${name}${suffix}`, [
      ...profile(`${name}${suffix}`),
      path.join(tree, 'tools/bench/subgraph.js'),
      name,
      databaseUrl,
    ]);
    const { url } = await message(child, (m) => m.url);
    subgraphs[name] = { child, url };
  }
  return subgraphs;
}

/** SQL statements run so far by all subgraphs (their statement counters, over IPC). */
async function statements(subgraphs) {
  const counts = Object.values(await statementsEach(subgraphs));
  return counts.reduce((a, b) => a + b, 0);
}

/** The same, by subgraph. */
async function statementsEach(subgraphs) {
  const counts = await Promise.all(
    Object.values(subgraphs).map(({ child }) => {
      const answer = message(child, (m) => m.statements !== undefined);
      child.send('statements');
      return answer.then((m) => m.statements);
    }),
  );
  return Object.fromEntries(Object.keys(subgraphs).map((name, i) => [name, counts[i]]));
}

/**
 * The committed supergraph with the routing URLs of this run's subgraphs: the one file all three
 * gateways serve. Its authorization links lose `for: SECURITY` (supergraphForGateway of @maillage/viewer, as
 * Maillage's gateway does), without which a stock @apollo/gateway refuses to load it.
 */
function supergraphFile(subgraphs) {
  let sdl = supergraphForGateway(readFileSync(path.join(repo, 'schema/supergraph.graphql'), 'utf8'));
  sdl = sdl.replace(
    /join__graph\(name: "([^"]+)", url: "([^"]+)"\)/g,
    (m, name, url) => `join__graph(name: "${name}", url: "${subgraphs[name]?.url ?? url}")`,
  );
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'maillage-bench-')), 'supergraph.graphql');
  writeFileSync(file, sdl);
  return file;
}

/** `--cpu-prof DIR`: the named processes write V8 CPU profiles there when they stop. */
const profile = (name) => (opts.cpuProf ? ['--cpu-prof', '--cpu-prof-dir', opts.cpuProf, '--cpu-prof-name', `${name}.cpuprofile`] : []);

// The load comes from one address and one token: budgets out of reach, so the bench measures
// demand control's work (estimating, counting, refunding) without being refused by it.
const UNLIMITED = Object.fromEntries(['ANONYMOUS', 'PARTNER', 'EDITOR', 'ANALYST', 'ADMIN'].map((r) => [`RATE_LIMIT_${r}`, '2147483647']));
const GATEWAYS = {
  maillage: {
    label: 'Maillage gateway',
    args: () => [...profile('maillage'), path.join(repo, 'gateway/dist/index.js')],
    env: (file, port, metricsPort) => ({
      PORT: String(port),
      SUPERGRAPH_PATH: file,
      METRICS_PORT: String(metricsPort),
      GATEWAY_WORKERS: '1',
      ...UNLIMITED,
    }),
  },
  // The same gateway without its entity cache: what the cache buys, in the same run.
  nocache: {
    label: 'Maillage gateway, entity cache off',
    args: () => [path.join(repo, 'gateway/dist/index.js')],
    env: (file, port, metricsPort) => ({
      PORT: String(port),
      SUPERGRAPH_PATH: file,
      METRICS_PORT: String(metricsPort),
      GATEWAY_WORKERS: '1',
      ENTITY_CACHE: 'false',
      ...UNLIMITED,
    }),
  },
  // The same gateway without its entity cache and without batching fetches across requests (SUBGRAPH_BATCHING): what batching buys, against nocache.
  nobatch: {
    label: 'Maillage gateway, entity cache and batching off',
    args: () => [path.join(repo, 'gateway/dist/index.js')],
    env: (file, port, metricsPort) => ({
      PORT: String(port),
      SUPERGRAPH_PATH: file,
      METRICS_PORT: String(metricsPort),
      GATEWAY_WORKERS: '1',
      ENTITY_CACHE: 'false',
      SUBGRAPH_BATCHING: 'false',
      ...UNLIMITED,
    }),
  },
  // The cost as work grows (growth()): the entity cache off, so that the statements counted are the
  // subgraphs' work and not what the cache spared them, and a 60 s deadline: (c) from 1,000 actors
  // reaches 32,000 members, more than the default 5 s allow on a busy machine.
  growth: {
    label: 'Maillage gateway, entity cache off, 60 s deadline',
    args: () => [path.join(repo, 'gateway/dist/index.js')],
    env: (file, port, metricsPort) => ({
      PORT: String(port),
      SUPERGRAPH_PATH: file,
      METRICS_PORT: String(metricsPort),
      GATEWAY_WORKERS: '1',
      ENTITY_CACHE: 'false',
      GATEWAY_REQUEST_DEADLINE_MS: '60000',
      SUBGRAPH_TIMEOUT_MS: '60000',
      ...UNLIMITED,
    }),
  },
  // The same gateway on two cores (node:cluster); its CPU and RSS are those of the primary and its workers.
  maillage2: {
    label: 'Maillage gateway, 2 workers',
    args: () => [path.join(repo, 'gateway/dist/index.js')],
    env: (file, port, metricsPort) => ({
      PORT: String(port),
      SUPERGRAPH_PATH: file,
      METRICS_PORT: String(metricsPort),
      GATEWAY_WORKERS: '2',
      ...UNLIMITED,
    }),
  },
  apollo: {
    label: 'stock @apollo/gateway',
    args: (file, port) => [...profile('apollo'), path.join(__dirname, 'gateways/apollo-stock.js'), file, String(port)],
    env: () => ({}),
  },
  hive: {
    label: 'Hive Gateway',
    args: (file, port) => [
      require.resolve('@graphql-hive/gateway/package.json').replace('package.json', 'dist/bin.cjs'),
      'supergraph',
      file,
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
    ],
    env: () => ({}),
  },
};

async function startGateways(file, names = opts.gateways) {
  const running = {};
  for (const name of names) {
    const port = await freePort();
    const metricsPort = await freePort();
    const g = GATEWAYS[name];
    const child = start(name, g.args(file, port), g.env(file, port, metricsPort));
    const url = `http://127.0.0.1:${port}/graphql`;
    await waitServing(url);
    running[name] = { ...g, name, child, url, metricsUrl: `http://127.0.0.1:${metricsPort}/metrics` };
  }
  return running;
}

/**
 * One autocannon run; a response counts as an error unless it is a 2xx whose body has data and no
 * errors. Latencies are kept whole (autocannon's summary has no p95).
 */
async function load(url, req, seconds, connections = opts.connections) {
  let bad = 0;
  let bytes = 0;
  let firstError;
  const times = [];
  const instance = autocannon({
    url: url + req.path,
    method: req.method,
    headers: req.headers,
    body: req.body,
    connections,
    duration: seconds,
    ...(opts.rate ? { overallRate: opts.rate } : {}),
    // A slow answer is counted late rather than as an error (autocannon's default gives up at 10 s).
    timeout: 30,
    requests: [
      {
        // (a2): a new body for every request.
        ...(req.nextBody ? { setupRequest: (r) => ({ ...r, body: req.nextBody() }) } : {}),
        onResponse: (status, body) => {
          bytes = body.length;
          if (status < 200 || status > 299 || !body.startsWith('{"data"') || body.includes('"errors":')) {
            bad++;
            firstError ??= `HTTP ${status} ${body.slice(0, 300)}`;
          }
        },
      },
    ],
  });
  instance.on('response', (_client, _status, _bytes, ms) => times.push(ms));
  const result = await new Promise((resolve, reject) => instance.once('done', resolve).once('error', reject));
  times.sort((a, b) => a - b);
  const pct = (p) => (times.length ? +times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))].toFixed(1) : NaN);
  return {
    rps: times.length / seconds,
    p50: pct(50),
    p95: pct(95),
    p99: pct(99),
    errors: bad + result.errors + result.timeouts,
    firstError:
      firstError ?? (result.timeouts ? `${result.timeouts} timeouts` : result.errors ? `${result.errors} socket errors` : undefined),
    requests: times.length,
    bytes,
  };
}

async function fetchJson(url, req) {
  const res = await fetch(url + req.path, { method: req.method, headers: req.headers, body: req.body });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** Every gateway must give the same answer before any is timed. */
async function checkSameAnswers(gateways, ops, subgraphs) {
  for (const op of ops) {
    const answers = {};
    const cost = {};
    for (const g of Object.values(gateways)) {
      const before = await statements(subgraphs);
      const t = performance.now();
      let r = await fetchJson(g.url, Q.request(op, maillageOnly(g.name)));
      // A stock @apollo/gateway may reuse a keep-alive socket the subgraph closed while idle (Node's
      // 5 s keepAliveTimeout) and fail with "socket hang up": asked again, it answers. These first
      // requests are not measured.
      // A cold subgraph (JIT, connection pool, PostgreSQL's cache) on a busy machine may miss the 5 s timeout once too.
      for (let i = 0; i < 3 && /socket hang up|ECONNRESET|SUBGRAPH_UNAVAILABLE/.test(r.text); i++)
        r = await fetchJson(g.url, Q.request(op, maillageOnly(g.name)));
      cost[g.name] = `${(performance.now() - t).toFixed(0)} ms, ${(await statements(subgraphs)) - before} SQL`;
      const body = JSON.parse(r.text);
      if (r.status !== 200 || body.errors || !body.data) throw new Error(`${g.name} ${op.name}: HTTP ${r.status} ${r.text.slice(0, 500)}`);
      answers[g.name] = JSON.stringify(body.data);
    }
    const distinct = new Set(Object.values(answers));
    if (distinct.size !== 1)
      throw new Error(
        `${op.name}: the gateways disagree (${Object.entries(answers)
          .map(([k, v]) => `${k}: ${v.length} B`)
          .join(', ')})`,
      );
    log(
      `${op.label}: same answer from ${Object.keys(answers).join(', ')} (${Object.values(answers)[0].length.toLocaleString('en')} B of data; first request ${Object.entries(
        cost,
      )
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')})`,
    );
  }
}

let analystToken;
/** What only Maillage's gateway gets: persisted operations by id, and a token for (c). */
const maillageOnly = (name) =>
  name.startsWith('maillage') || name.startsWith('nocache') || name.startsWith('nobatch') || name === 'growth'
    ? { byId: true, token: analystToken }
    : {};

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** The entity cache's lookups so far, by outcome, from a Maillage gateway's /metrics. */
async function entityLookups(metricsUrl) {
  const text = await fetch(metricsUrl).then(
    (r) => r.text(),
    () => '',
  );
  const out = { hit: 0, miss: 0, uncacheable: 0 };
  for (const m of text.matchAll(/^maillage_gateway_entity_cache_lookups_total\{[^}]*outcome="(\w+)"[^}]*\} (\S+)$/gm))
    out[m[1]] += Number(m[2]);
  return out;
}

/** The root-field cache's lookups so far (root fields asked through it), by outcome, from a Maillage gateway's /metrics. */
async function rootLookups(metricsUrl) {
  const text = await fetch(metricsUrl).then(
    (r) => r.text(),
    () => '',
  );
  const out = { hit: 0, miss: 0, uncacheable: 0, unvouched: 0 };
  for (const m of text.matchAll(/^maillage_gateway_root_cache_lookups_total\{[^}]*outcome="(\w+)"[^}]*\} (\S+)$/gm))
    out[m[1]] = (out[m[1]] ?? 0) + Number(m[2]);
  return out;
}

async function measure(gateways, subgraphs, ops) {
  const runs = [];
  const directory = subgraphs.directory;
  for (let round = 1; round <= opts.rounds; round++) {
    for (const op of ops) {
      const targets = Object.values(gateways).map((g) => ({
        name: g.name,
        url: g.url,
        pid: g.child.pid,
        req: Q.request(op, maillageOnly(g.name)),
      }));
      // The subgraph itself, for the gateway's overhead on (a).
      if (op.name === 'a' || op.name === 'a2')
        targets.push({ name: 'subgraph', url: directory.url, pid: directory.child.pid, req: Q.request(op) });
      for (const t of targets) {
        await load(t.url, t.req, opts.warmup);
        const metricsUrl = gateways[t.name]?.metricsUrl;
        const cacheBefore = t.name === 'maillage' ? await entityLookups(metricsUrl) : undefined;
        const rootBefore = t.name === 'maillage' ? await rootLookups(metricsUrl) : undefined;
        const s = sampler(t.pid);
        const subgraphCpu = Object.values(subgraphs).map(({ child }) => sampler(child.pid));
        const r = await load(t.url, t.req, opts.duration);
        const proc = s.stop();
        const sub = subgraphCpu.map((x) => x.stop()).reduce((a, b) => a + b.cpuCores, 0);
        const cacheAfter = cacheBefore ? await entityLookups(metricsUrl) : undefined;
        const looked = cacheAfter ? Object.keys(cacheAfter).reduce((a, k) => a + cacheAfter[k] - cacheBefore[k], 0) : 0;
        const hitRate = looked ? (cacheAfter.hit - cacheBefore.hit) / looked : undefined;
        const rootAfter = rootBefore ? await rootLookups(metricsUrl) : undefined;
        const rootLooked = rootAfter ? Object.keys(rootAfter).reduce((a, k) => a + rootAfter[k] - (rootBefore[k] ?? 0), 0) : 0;
        const rootHitRate = rootLooked ? (rootAfter.hit - rootBefore.hit) / rootLooked : undefined;
        runs.push({
          round,
          query: op.name,
          gateway: t.name,
          ...r,
          cpu: proc.cpuCores,
          peakRss: proc.peakRssMiB,
          subgraphCpu: sub,
          hitRate,
          rootHitRate,
        });
        if (hitRate !== undefined) log(`  entity cache: ${(hitRate * 100).toFixed(1)} % of ${looked} entity lookups were hits`);
        if (rootHitRate !== undefined)
          log(`  root-field cache: ${(rootHitRate * 100).toFixed(1)} % of ${rootLooked} root fields asked were hits`);
        if (r.firstError) log(`  first error: ${r.firstError}`);
        log(
          `round ${round} ${op.name} ${t.name.padEnd(9)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50} p95 ${r.p95} p99 ${r.p99} ms  cpu ${proc.cpuCores.toFixed(2)} (${((proc.cpuCores / r.rps) * 1000).toFixed(2)} ms a request)  rss ${proc.peakRssMiB.toFixed(0)} MiB  subgraphs cpu ${sub.toFixed(2)} (${((sub / r.rps) * 1000).toFixed(2)} ms)  errors ${r.errors}`,
        );
      }
    }
  }
  const summary = [];
  for (const op of ops) {
    for (const name of [...Object.keys(gateways), ...(op.name === 'a' || op.name === 'a2' ? ['subgraph'] : [])]) {
      const rs = runs.filter((r) => r.query === op.name && r.gateway === name);
      summary.push({
        query: op.name,
        gateway: name,
        rps: median(rs.map((r) => r.rps)),
        p50: median(rs.map((r) => r.p50)),
        p95: median(rs.map((r) => r.p95)),
        p99: median(rs.map((r) => r.p99)),
        cpu: median(rs.map((r) => r.cpu)),
        peakRss: Math.max(...rs.map((r) => r.peakRss)),
        subgraphCpu: median(rs.map((r) => r.subgraphCpu)),
        hitRate: rs.some((r) => r.hitRate !== undefined)
          ? median(rs.filter((r) => r.hitRate !== undefined).map((r) => r.hitRate))
          : undefined,
        rootHitRate: rs.some((r) => r.rootHitRate !== undefined)
          ? median(rs.filter((r) => r.rootHitRate !== undefined).map((r) => r.rootHitRate))
          : undefined,
        errors: rs.reduce((a, r) => a + r.errors, 0),
        requests: rs.reduce((a, r) => a + r.requests, 0),
        bytes: rs[0].bytes,
        firstError: rs.find((r) => r.firstError)?.firstError,
      });
    }
  }
  return { runs, summary };
}

/**
 * `--probe N`: where the time goes, one request at a time (no queueing): per gateway and operation,
 * the median latency, and the CPU the gateway and the subgraphs spend on one request.
 */
async function probe(gateways, subgraphs, ops, n) {
  const rows = [];
  for (const op of ops) {
    for (const g of Object.values(gateways)) {
      const req = Q.request(op, maillageOnly(g.name));
      for (let i = 0; i < 5; i++) await fetchJson(g.url, req);
      const times = [];
      const gw = sampler(g.child.pid);
      const subs = Object.entries(subgraphs).map(([name, { child }]) => [name, sampler(child.pid)]);
      const db = await postgresBackends();
      const sqlBefore = await statements(subgraphs);
      for (let i = 0; i < n; i++) {
        const t = performance.now();
        const r = await fetchJson(g.url, req.nextBody ? { ...req, body: req.nextBody() } : req);
        times.push(performance.now() - t);
        if (JSON.parse(r.text).errors) throw new Error(`${op.name} on ${g.name}: ${r.text.slice(0, 300)}`);
      }
      const perRequest = (x) => +((x.stop().cpuSeconds / n) * 1000).toFixed(2);
      const sub = subs.map(([name, x]) => [name, perRequest(x)]);
      rows.push({
        op: op.name,
        gateway: g.name,
        'median ms': +median(times).toFixed(1),
        'gateway cpu ms': perRequest(gw),
        'subgraphs cpu ms': +sub.reduce((a, [, ms]) => a + ms, 0).toFixed(2),
        ...Object.fromEntries(sub),
        'SQL a request': ((await statements(subgraphs)) - sqlBefore) / n,
        'postgres cpu ms': +((db.cpuSeconds() / n) * 1000).toFixed(2),
      });
    }
  }
  console.table(rows);
}

/**
 * CPU of the PostgreSQL backends serving the bench databases (their pools are warm by then, so
 * the same backends serve the whole probe): where a DB-bound operation spends its time.
 */
async function postgresBackends() {
  const pg = require('pg');
  const client = new pg.Client({ connectionString: opts.serverUrl });
  await client.connect();
  const names = Object.values(regionUrls).map((u) => new URL(u).pathname.slice(1));
  const { rows } = await client.query('SELECT pid FROM pg_stat_activity WHERE datname = ANY($1::text[]) AND pid <> pg_backend_pid()', [
    names,
  ]);
  await client.end();
  const total = () => rows.reduce((a, r) => a + cpuSeconds(r.pid), 0);
  const start = total();
  return { cpuSeconds: () => total() - start };
}

/**
 * `--baseline DIR --probe N`: this tree's subgraphs against DIR's, each set behind its own Maillage
 * gateway (this tree's, entity cache off, so the subgraphs do all the work). Requests alternate, the
 * same body to one then the other, so both sets meet the same pages and the same background load;
 * a set is idle while the other serves, so its CPU over the whole run is its CPU for its requests.
 */
async function compare(sets, ops, n) {
  const rows = [];
  for (const op of ops) {
    const req = Q.request(op, maillageOnly('nocache'));
    for (const set of sets)
      for (let i = 0; i < 5; i++) await fetchJson(set.gateway.url, req.nextBody ? { ...req, body: req.nextBody() } : req);
    const stats = [];
    for (const set of sets) {
      stats.push({
        set,
        times: [],
        statements: await statements(set.subgraphs),
        cpu: Object.entries(set.subgraphs).map(([name, { child }]) => [name, sampler(child.pid)]),
      });
    }
    for (let i = 0; i < n; i++) {
      const body = req.nextBody ? req.nextBody() : req.body;
      for (const st of stats) {
        const t = performance.now();
        const r = await fetchJson(st.set.gateway.url, { ...req, body });
        st.times.push(performance.now() - t);
        if (JSON.parse(r.text).errors) throw new Error(`${op.name} on ${st.set.name}: ${r.text.slice(0, 300)}`);
      }
    }
    for (const st of stats) {
      const cpu = st.cpu.map(([name, x]) => [name, (x.stop().cpuSeconds / n) * 1000]);
      rows.push({
        op: op.name,
        subgraphs: st.set.name,
        'median ms': +median(st.times).toFixed(1),
        'subgraphs cpu ms': +cpu.reduce((a, [, ms]) => a + ms, 0).toFixed(2),
        ...Object.fromEntries(cpu.map(([name, ms]) => [name, +ms.toFixed(2)])),
        'SQL a request': ((await statements(st.set.subgraphs)) - st.statements) / n,
      });
    }
    const [after, before] = rows.slice(-2);
    after['x before'] = +(after['subgraphs cpu ms'] / before['subgraphs cpu ms']).toFixed(2);
  }
  console.table(rows);
  return rows;
}

/** Items an answer holds: the nodes of every page (alias) of its root fields, or under `territory` (d, d+). */
function itemsOf(data) {
  const conns = (o) => Object.values(o ?? {}).filter((v) => v && Array.isArray(v.nodes));
  return [...conns(data), ...conns(data.territory)].reduce((a, p) => a + p.nodes.length, 0) + (data.actor ? 1 : 0);
}

// (d) as registered takes a territory only and shows 50 networks of each kind at most: its sizes
// are territories holding more networks, up to its 200; (d+) pages its document past that.
const D_TERRITORIES = [
  { territoryId: 'COM-34172', note: 'a commune' },
  { territoryId: 'DEP-34', note: 'a département' },
  { territoryId: 'REG-76', note: 'the région' },
];

/**
 * The cost as work grows, one request at a time: per operation of queries.js with a size, at 10,
 * 100 and 1,000 entities (pages of 100 as aliases past 100), the median latency and the SQL
 * statements a request costs in all subgraphs. The signed-in analyst sends what the door admits of
 * it (queries.js: 1,000 actors of (c) cost 143,010 points of its 200,000).
 */
async function growth(file, subgraphs) {
  // Its own gateway, started now that the load runs are over: GATEWAYS.growth.
  const gateway = (await startGateways(file, ['growth'])).growth;
  log(`cost as work grows, through ${gateway.label}`);
  const sizes = [10, 100, 1000];
  const cases = [
    { op: 'a', size: 1, make: () => Q.lookup },
    ...sizes.map((n) => ({ op: 'b', size: n, make: () => Q.fanOut(n) })),
    ...sizes.map((n) => ({ op: 'c', size: n, make: () => Q.deepOf(n) })),
    // Its document over POST: by id over GET, the response cache answers (0 statements on a hit).
    ...D_TERRITORIES.map((t) => ({ op: 'd', size: t.note, make: () => ({ ...Q.persisted(t.territoryId), name: 'd-post' }) })),
    ...sizes.map((n) => ({ op: 'd+', size: n, make: () => Q.territoryNetworks(n) })),
    ...sizes.map((n) => ({ op: 'e', size: n, make: () => Q.networkList(n) })),
    ...sizes.map((n) => ({ op: 'f', size: n, make: () => Q.actorSearch(n) })),
  ].filter((c) => opts.growthOps.includes(c.op));
  const rows = [];
  for (const c of cases) {
    const op = c.make();
    const req = Q.request(op, maillageOnly(gateway.name));
    const once = async () => {
      const t = performance.now();
      const r = await fetchJson(gateway.url, req);
      const ms = performance.now() - t;
      const body = JSON.parse(r.text);
      if (r.status !== 200 || body.errors || !body.data)
        throw new Error(`growth ${c.op} ${c.size}: HTTP ${r.status} ${JSON.stringify(body.errors?.[0] ?? r.text.slice(0, 300))}`);
      return { ms, items: itemsOf(body.data) };
    };
    for (let i = 0; i < 2; i++) await once();
    const n = 10;
    const before = await statementsEach(subgraphs);
    const times = [];
    let items;
    for (let i = 0; i < n; i++) ({ ms: times[i], items } = await once());
    if (typeof c.size === 'number' && c.size > 1 && items !== c.size) throw new Error(`growth ${c.op} ${c.size}: got ${items} items`);
    const after = await statementsEach(subgraphs);
    // Per subgraph too: where a fraction comes from (two fetches to one subgraph joined in some requests, not in others).
    const each = Object.fromEntries(Object.keys(after).map((name) => [name, (after[name] - before[name]) / n]));
    const perRequest = Object.values(each).reduce((a, b) => a + b, 0);
    rows.push({ op: c.op, size: c.size, items, median: +median(times).toFixed(1), statements: +perRequest.toFixed(2), ...each });
    log(`(${c.op}) ${c.size}: ${items} items, median ${median(times).toFixed(1)} ms, ${perRequest} SQL statements a request`);
  }
  return rows;
}

/** Cache-Control of (d) by id, and whether a signed-in viewer gets the shared answer (must not). */
async function cacheCheck(gateway) {
  const op = Q.persisted();
  const req = Q.request(op, { byId: true });
  const first = await fetchJson(gateway.url, req);
  const second = await fetchJson(gateway.url, req);
  const post = await fetchJson(gateway.url, Q.request({ ...op, name: 'post' }));
  return {
    cacheControl: second.headers.get('cache-control'),
    age: second.headers.get('age'),
    sameBody: first.text === second.text,
    postCacheControl: post.headers.get('cache-control'),
  };
}

/** The gateway's /metrics values matching a name (summed over labels; `max` for the largest), NaN when absent. */
function metricOf(text, name, how = 'sum') {
  const values = [...text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm'))].map((m) => Number(m[1]));
  if (!values.length) return NaN;
  return how === 'max' ? Math.max(...values) : values.reduce((a, b) => a + b, 0);
}

async function soak(gateway, seconds, ops, subgraphs, actors) {
  const samples = [];
  const windows = [];
  const t0 = Date.now();
  // RSS from /proc; from the gateway's own /metrics (Maillage's serves it on a listener of its own,
  // METRICS_PORT): the V8 heap in use, the entity cache's entries and tags (its store in this
  // process), its lookups, and the change feed's lag and backlog.
  const metricsUrl = gateway.metricsUrl;
  const sample = async () => {
    const t = Math.round((Date.now() - t0) / 1000);
    const rss = rssMiB(gateway.child.pid);
    const text = await fetch(metricsUrl)
      .then((r) => r.text())
      .catch(() => '');
    const lookups = { hit: 0, miss: 0, other: 0 };
    for (const m of text.matchAll(/^maillage_gateway_entity_cache_lookups_total\{[^}]*outcome="(\w+)"[^}]*\} (\S+)$/gm))
      lookups[m[1] in lookups ? m[1] : 'other'] += Number(m[2]);
    samples.push({
      t,
      rss,
      heap: metricOf(text, 'nodejs_heap_size_used_bytes') / 1048576,
      entries: metricOf(text, 'maillage_gateway_entity_cache_entries'),
      tags: metricOf(text, 'maillage_gateway_entity_cache_tags'),
      recent: metricOf(text, 'maillage_gateway_entity_cache_recent_invalidations'),
      feedLag: metricOf(text, 'maillage_gateway_entity_cache_feed_lag_seconds', 'max'),
      feedBehind: metricOf(text, 'maillage_gateway_entity_cache_feed_behind'),
      invalidated: metricOf(text, 'maillage_gateway_entity_cache_invalidations_total'),
      ...lookups,
    });
  };
  const timer = setInterval(() => void sample(), 5000);
  const writes = opts.soakWrites
    ? await require('./soak-writes').startWrites({ gatewayUrl: gateway.url, subgraphs, actors, rate: opts.soakWrites, log })
    : undefined;
  let requests = 0;
  let errors = 0;
  // The operations in turn, 10 s each, until the time is up.
  for (let i = 0; Date.now() - t0 < seconds * 1000; i++) {
    const left = Math.max(1, Math.min(10, Math.round(seconds - (Date.now() - t0) / 1000)));
    const op = ops[i % ops.length];
    const from = Math.round((Date.now() - t0) / 1000);
    const r = await load(gateway.url, Q.request(op, maillageOnly('maillage')), left);
    windows.push({ t: from, op: op.name, rps: r.rps, p50: r.p50, p95: r.p95, p99: r.p99, errors: r.errors });
    if (r.firstError && !errors) log(`  first error: ${r.firstError}`);
    requests += r.requests;
    errors += r.errors;
  }
  clearInterval(timer);
  await sample();
  const written = writes ? await writes.stop() : undefined;
  const writeMs = written ? [...written.ms].sort((a, b) => a - b) : [];
  const writeSummary = written && {
    writes: written.writes,
    refused: written.refused,
    failed: written.failed,
    viaGateway: written.viaGateway,
    straight: written.straight,
    p50: writeMs[Math.floor(writeMs.length / 2)],
    p95: writeMs[Math.floor(writeMs.length * 0.95)],
  };
  if (writeSummary) log(`soak writes: ${JSON.stringify(writeSummary)}`);
  const minute = (from, to) => samples.filter((s) => s.t >= from && s.t < to).map((s) => s.rss);
  const early = median(minute(60, 120));
  const late = median(minute(seconds - 60, seconds + 1));
  // The heap's floor (its smallest reading in a minute, after a collection) is what a leak would raise.
  const floor = (from, to) => Math.min(...samples.filter((s) => s.t >= from && s.t < to && Number.isFinite(s.heap)).map((s) => s.heap));
  const heapEarly = floor(60, 120);
  const heapLate = floor(seconds - 60, seconds + 1);
  log(
    `soak ${seconds} s: ${requests} requests, ${errors} errors; RSS median ${early?.toFixed(0)} MiB in the 2nd minute, ${late?.toFixed(0)} MiB in the last; heap floor ${heapEarly.toFixed(0)} then ${heapLate.toFixed(0)} MiB`,
  );
  return {
    seconds,
    requests,
    errors,
    samples,
    windows,
    writes: writeSummary,
    early,
    late,
    heapEarly,
    heapLate,
    ops: ops.map((o) => o.name),
  };
}

let regionUrls = {};
async function main() {
  const load = (await import('node:os')).loadavg();
  log(`load average before: ${load.map((x) => x.toFixed(2)).join(' ')}`);
  const region = await loadRegion({ serverUrl: opts.serverUrl, prefix: opts.dbPrefix, actors: opts.actors, seed: opts.seed, log });
  regionUrls = region.urls;
  const subgraphs = await startSubgraphs(region.urls);
  const file = supergraphFile(subgraphs);
  // With --baseline, only the two gateways of the comparison.
  const gateways = await startGateways(file, opts.baseline ? [] : opts.gateways);
  analystToken = await devToken('analyst', { subject: 'bench', expiresIn: '24h' });
  // (b2) and (c2) page the région as a client would, with the cursors its earlier pages gave it.
  const cursors = await Q.regionCursors(region.urls.directory, { offsets: opts.offsetCursors });
  const ops = [
    Q.lookup,
    Q.lookupEach(region.sizes.actors),
    Q.fanOut(50),
    Q.fanOutEach(region.sizes.actors, { cursors }),
    Q.deep,
    Q.deepEach(region.sizes.actors, { cursors }),
    Q.persisted(),
  ];
  const soakOps = opts.soakQueries.map((name) => {
    const op = ops.find((o) => o.name === name);
    if (!op) throw new Error(`--soak-queries: no operation ${name}`);
    return op;
  });
  if (opts.soak) opts.queries = opts.soakQueries;
  ops.splice(0, ops.length, ...ops.filter((o) => opts.queries.includes(o.name)));
  if (opts.baseline) {
    // The same gateway, over the baseline tree's subgraphs: both sets must give the same answers.
    const before = await startSubgraphs(region.urls, path.resolve(opts.baseline), '@before');
    const [beforeGateway] = Object.values(await startGateways(supergraphFile(before), ['nocache']));
    const [after] = Object.values(await startGateways(file, ['nocache']));
    await checkSameAnswers({ nocache: after, 'nocache@before': { ...beforeGateway, name: 'nocache@before' } }, ops, subgraphs);
    log(
      `load average: ${os
        .loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`,
    );
    await compare(
      [
        { name: 'this tree', gateway: after, subgraphs },
        { name: `before (${opts.baseline})`, gateway: beforeGateway, subgraphs: before },
      ],
      ops,
      opts.probe || 50,
    );
    log(
      `load average after: ${os
        .loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`,
    );
    return;
  }
  if (opts.growthOnly) {
    const rows = await growth(file, subgraphs);
    console.table(rows);
    if (opts.json) writeFileSync(opts.json, JSON.stringify({ opts, scale: rows }, null, 2));
    // docs/benchmarks.md's figures are a whole run's: a table alone does not replace them.
    if (opts.docs) log('--growth-only does not write docs/benchmarks.md');
    return { scale: rows };
  }
  await checkSameAnswers(gateways, ops, subgraphs);
  if (opts.probe) {
    await probe(gateways, subgraphs, ops, opts.probe);
    return;
  }
  if (opts.soak) {
    const result = { ...(await soak(gateways.maillage, opts.soak, soakOps, subgraphs, region.sizes.actors)), opts };
    if (opts.json) writeFileSync(opts.json, JSON.stringify(result, null, 2));
    if (opts.docs)
      writeSoak(result, path.join(repo, 'docs'), `npm run bench -- ${argv.join(' ')}`.trim(), {
        loadBefore: load,
        loadAfter: os.loadavg(),
      });
    return result;
  }
  const cache = gateways.maillage ? await cacheCheck(gateways.maillage) : undefined;
  if (cache) log(`(d) Cache-Control ${cache.cacheControl}, Age ${cache.age}; the same operation over POST: ${cache.postCacheControl}`);
  const { runs, summary } = await measure(gateways, subgraphs, ops);
  const scale = await growth(file, subgraphs);
  const after = os.loadavg();
  const result = {
    opts,
    machine: {
      cpus: os.cpus().length,
      model: os.cpus()[0]?.model,
      memGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      loadBefore: load,
      loadAfter: after,
    },
    sizes: region.sizes,
    gateways: Object.fromEntries(Object.entries(gateways).map(([k, g]) => [k, g.label])),
    ops: ops.map((o) => ({ name: o.name, label: o.label })),
    summary,
    runs,
    scale,
    cache,
  };
  printSummary(result);
  if (opts.json) writeFileSync(opts.json, JSON.stringify(result, null, 2));
  if (opts.docs) writeReport(result, path.join(repo, 'docs'), `npm run bench -- ${argv.join(' ')}`.trim());
  return result;
}

function printSummary(result) {
  const rows = result.summary.map((s) => {
    const peer = (name) => result.summary.find((x) => x.query === s.query && x.gateway === name);
    const ratio = (name) => (s.gateway === 'maillage' && peer(name) ? (s.rps / peer(name).rps).toFixed(2) : '');
    return {
      query: s.query,
      gateway: s.gateway,
      'req/s': Math.round(s.rps),
      'p50 ms': s.p50,
      'p95 ms': s.p95,
      'p99 ms': s.p99,
      'cpu cores': +s.cpu.toFixed(2),
      'peak MiB': Math.round(s.peakRss),
      errors: s.errors,
      'x apollo': ratio('apollo'),
      'x hive': ratio('hive'),
      'x 1 worker': s.gateway === 'maillage2' && peer('maillage') ? (s.rps / peer('maillage').rps).toFixed(2) : '',
      'x subgraph': s.query === 'a' || s.query === 'a2' ? ratio('subgraph') : '',
      'x no cache': ratio('nocache'),
      'subgraph cpu ms': +((s.subgraphCpu / s.rps) * 1000).toFixed(2),
      'entity hits': s.hitRate === undefined ? '' : `${(s.hitRate * 100).toFixed(0)} %`,
      'root hits': s.rootHitRate === undefined ? '' : `${(s.rootHitRate * 100).toFixed(0)} %`,
    };
  });
  console.table(rows);
  if (result.scale.length) console.table(result.scale);
}

if (require.main === module) {
  main()
    .then(() => stopAll())
    .then(() => process.exit(0))
    .catch((err) => {
      console.error(err);
      stopAll().then(() => process.exit(1));
    });
}

module.exports = { main };
