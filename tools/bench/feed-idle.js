#!/usr/bin/env node
// What following the change logs costs while nothing happens: the bench's subgraphs on their
// databases, and two Maillage gateways with the entity cache (each following the five logs), one
// polling every ENTITY_CACHE_FEED_POLL_MS (ENTITY_CACHE_FEED_WAIT_MS=0, as before the long poll)
// and one long-polling (the default), beside one without entity cache (the floor), in one run and
// sent no request. Prints each
// gateway's CPU ms per second (/proc, user + system) and the subgraphs' together: first with no
// gateway, then with both, then with the long-polling one alone (what the polling one cost them).
//
//   node tools/bench/feed-idle.js --db-prefix keyset_bench --seconds 10
//
// Databases as for run.js (`--db-prefix`, BENCH_DATABASE_URL).
const { spawn } = require('node:child_process');
const { mkdtempSync, writeFileSync, readFileSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { supergraphForGateway } = require('@maillage/viewer');
const { loadRegion } = require('./load-region');
const { cpuSeconds } = require('./procstat');

const argv = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
const opts = {
  actors: Number(arg('actors', 100_000)),
  seconds: Number(arg('seconds', 10)),
  dbPrefix: arg('db-prefix'),
  serverUrl: process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
};
const repo = path.resolve(__dirname, '../..');
const log = (...m) => console.error(...m);
const children = [];
let stopping = false;

function start(label, args, env = {}) {
  const { NODE_ENV: _, ...inherited } = process.env;
  const child = spawn(process.execPath, args, { env: { ...inherited, ...env }, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  child.on('exit', (code, signal) => {
    if (!stopping && !child.stopped) {
      log(`${label} exited (${signal ?? code}):\n${stderr}`);
      process.exit(1);
    }
  });
  children.push(child);
  return child;
}

async function stop(child) {
  child.stopped = true;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

async function stopAll() {
  stopping = true;
  await Promise.all(children.map(stop));
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

/** CPU ms per second of each process tree over `seconds` with no request. */
async function idle(pids, seconds) {
  const t0 = performance.now();
  const c0 = pids.map(cpuSeconds);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const s = (performance.now() - t0) / 1000;
  return pids.map((pid, i) => ((cpuSeconds(pid) - c0[i]) / s) * 1000);
}

async function main() {
  const region = await loadRegion({ serverUrl: opts.serverUrl, prefix: opts.dbPrefix, actors: opts.actors, log });
  const subgraphs = {};
  for (const [name, databaseUrl] of Object.entries(region.urls)) {
    const child = start(`subgraph ${name}`, [path.join(__dirname, 'subgraph.js'), name, databaseUrl]);
    const url = await new Promise((resolve) => child.on('message', (m) => m.url && resolve(m.url)));
    subgraphs[name] = { child, url };
  }
  const sdl = supergraphForGateway(readFileSync(path.join(repo, 'schema/supergraph.graphql'), 'utf8')).replace(
    /join__graph\(name: "([^"]+)", url: "([^"]+)"\)/g,
    (m, name, url) => `join__graph(name: "${name}", url: "${subgraphs[name]?.url ?? url}")`,
  );
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'maillage-feed-idle-')), 'supergraph.graphql');
  writeFileSync(file, sdl);
  const subPids = Object.values(subgraphs).map((s) => s.child.pid);
  const subgraphCpu = async () => (await idle(subPids, opts.seconds)).reduce((a, b) => a + b, 0);
  await new Promise((r) => setTimeout(r, 2000));
  const alone = await subgraphCpu();

  const gateway = async (label, waitMs, extra = {}) => {
    const port = await freePort();
    const child = start(label, [path.join(repo, 'gateway/dist/index.js')], {
      PORT: String(port),
      SUPERGRAPH_PATH: file,
      METRICS_PORT: String(await freePort()),
      GATEWAY_WORKERS: '1',
      ENTITY_CACHE_FEED_WAIT_MS: String(waitMs),
      ...extra,
    });
    await waitServing(`http://127.0.0.1:${port}/graphql`);
    return child;
  };
  const polling = await gateway('polling gateway', 0);
  const waiting = await gateway('long-polling gateway', 20_000);
  const nocache = await gateway('gateway without entity cache', 0, { ENTITY_CACHE: 'false' });
  await new Promise((r) => setTimeout(r, 3000)); // past start-up and the heads' reads
  const [pollMs, waitMs, baseMs, ...subs] = await idle([polling.pid, waiting.pid, nocache.pid, ...subPids], opts.seconds);
  const both = subs.reduce((a, b) => a + b, 0);
  await stop(polling);
  await new Promise((r) => setTimeout(r, 1000));
  const onlyWaiting = await subgraphCpu();

  const f = (x) => x.toFixed(1);
  console.log(`idle for ${opts.seconds} s each, CPU ms per second (one core = 1000):`);
  console.log(`  gateway following 5 logs, polling every 200 ms (ENTITY_CACHE_FEED_WAIT_MS=0): ${f(pollMs)}`);
  console.log(`  gateway following 5 logs, long polls of 20 s (the default):                   ${f(waitMs)}`);
  console.log(`  gateway without entity cache (no follower), the floor:                        ${f(baseMs)}`);
  console.log(
    `  the followers' own cost, net of that floor: polling ${f(pollMs - baseMs)}, long polling ${f(waitMs - baseMs)}; ratio of the gateways ${f(pollMs / Math.max(waitMs, 0.1))}x`,
  );
  console.log(
    `  the 5 subgraphs together: no gateway ${f(alone)}, both gateways ${f(both)}, the long-polling one alone ${f(onlyWaiting)}` +
      ` (the polling follower cost them ${f(both - onlyWaiting)})`,
  );
}

main()
  .then(() => stopAll())
  .then(() => process.exit(0))
  .catch((err) => {
    console.error(err);
    stopAll().then(() => process.exit(1));
  });
