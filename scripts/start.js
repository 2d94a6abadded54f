#!/usr/bin/env node
// Starts the whole supergraph on this machine: the six subgraphs, each on its own embedded
// PostgreSQL (PGlite, under .data/<service>) or on PostgreSQL when <SERVICE>_DATABASE_URL is set,
// migrated and seeded, then the gateway once every subgraph is ready. A service that exits after it
// was up is restarted, with backoff, while the others keep serving; Ctrl-C (or SIGTERM) stops them
// all, and so does a service that fails to start the first time.
//
//   MAILLAGE_BASE_PORT  gateway port; the subgraphs take the next six. @default 4000 (PORT still sets the gateway's)
//   MAILLAGE_METRICS_BASE_PORT  the gateway's /metrics port; the subgraphs' take the next six. @default base + 5400 (9400)
//   MAILLAGE_DATA_DIR   where embedded databases live. @default .data in the repository
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const basePort = Number(process.env.MAILLAGE_BASE_PORT ?? 4000);
const gatewayPort = Number(process.env.PORT ?? basePort);
// Each service's /metrics listens apart (loopback): the gateway's on this port, the subgraphs' on the next six.
const metricsBasePort = Number(process.env.MAILLAGE_METRICS_BASE_PORT ?? basePort + 5400);
const dataDir = path.resolve(process.env.MAILLAGE_DATA_DIR ?? path.join(root, '.data'));
const names = [
  'directory',
  'chambers',
  'clusters',
  'councils',
  'clubs',
  // Reads the graph back through the gateway (GATEWAY_URL), lazily at its first query.
  'synergies',
];
const services = names.map((name, i) => [name, basePort + 1 + i]);
const urlOf = (port, route) => `http://127.0.0.1:${port}/${route}`;

/** Restart backoff: 0.5 s, doubling to 10 s; back to 0.5 s once a run has lasted a minute. */
const BACKOFF_FIRST_MS = 500;
const BACKOFF_MAX_MS = 10_000;
const STABLE_AFTER_MS = 60_000;

const units = [];
const started = Date.now();
let stopping = false;

/**
 * One supervised service: spawned, its output prefixed, restarted when it exits after having been
 * ready once. A service that exits before it was ever ready is a configuration or build problem,
 * not a crash, and restarting it would only repeat the failure: that stops everything.
 */
function supervise(name, cwd, env, readyUrl, script = 'dist/index.js') {
  const prefix = (line) => `${name.padEnd(9)} | ${line}`;
  const say = (line) => console.error(prefix(line));
  const unit = { name, child: null, everReady: false, restarts: 0, delay: BACKOFF_FIRST_MS, timer: null, since: 0 };
  const pipe = (stream, out) => {
    let buf = '';
    stream.on('data', (d) => {
      buf += d;
      const lines = buf.split('\n');
      buf = lines.pop();
      for (const l of lines) out.write(prefix(l) + '\n');
    });
  };
  const launch = () => {
    unit.timer = null;
    unit.since = Date.now();
    const child = spawn(process.execPath, [script], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    unit.child = child;
    say(`started (pid ${child.pid})`);
    pipe(child.stdout, process.stdout);
    pipe(child.stderr, process.stderr);
    child.on('exit', (code, signal) => {
      if (stopping) return;
      const how = signal ?? `code ${code}`;
      if (!unit.everReady) {
        say(`exited (${how}) before it was ever ready; stopping everything`);
        return stop(1);
      }
      const upMs = Date.now() - unit.since;
      if (upMs >= STABLE_AFTER_MS) unit.delay = BACKOFF_FIRST_MS;
      unit.restarts++;
      say(`exited (${how}) after ${(upMs / 1000).toFixed(1)} s up; restart ${unit.restarts} in ${(unit.delay / 1000).toFixed(1)} s`);
      const downSince = Date.now();
      unit.timer = setTimeout(() => {
        launch();
        waitReady(readyUrl, 120_000).then(
          () => say(`ready again after restart ${unit.restarts} (down ${((Date.now() - downSince) / 1000).toFixed(1)} s)`),
          () => say(`not ready 120 s after restart ${unit.restarts}`),
        );
      }, unit.delay);
      unit.delay = Math.min(unit.delay * 2, BACKOFF_MAX_MS);
    });
  };
  launch();
  units.push(unit);
  return {
    firstReady: (timeoutMs) =>
      waitReady(readyUrl, timeoutMs, () => unit.child.exitCode !== null || unit.child.signalCode !== null).then(() => {
        unit.everReady = true;
      }),
  };
}

async function waitReady(url, timeoutMs, gaveUp = () => false) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until && !stopping && !gaveUp()) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} not ready after ${((Date.now() - until + timeoutMs) / 1000).toFixed(0)} s`);
}

function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const u of units) {
    clearTimeout(u.timer);
    // A frozen (SIGSTOPped) child would never see SIGTERM.
    u.child?.kill('SIGCONT');
    u.child?.kill('SIGTERM');
  }
  const running = units.map((u) => u.child).filter((c) => c && c.exitCode === null && c.signalCode === null);
  // Services finish in-flight requests first; one that has not exited after 12 s is killed.
  setTimeout(() => {
    for (const c of running) if (c.exitCode === null) c.kill('SIGKILL');
    process.exit(code);
  }, 12_000).unref();
  Promise.all(running.map((c) => new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r() : c.on('exit', r))))).then(() => process.exit(code));
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

/**
 * Creating an embedded cluster (initdb in WASM) costs seconds and nearly 1 GB at peak, and that
 * memory stays with the process. So it is done once, in a short-lived process, and each new
 * subgraph gets a copy of that empty cluster: the long-running services only ever reopen one.
 */
function prepareEmbeddedDatabases() {
  const missing = services.filter(([name]) => !process.env[`${name.toUpperCase()}_DATABASE_URL`] && !fs.existsSync(path.join(dataDir, name, 'PG_VERSION')));
  if (!missing.length) return;
  const template = path.join(dataDir, '.template');
  if (!fs.existsSync(path.join(template, 'PG_VERSION'))) {
    console.log('creating the embedded PostgreSQL cluster (first start only)');
    fs.rmSync(template, { recursive: true, force: true });
    fs.mkdirSync(template, { recursive: true });
    const script = `require('@electric-sql/pglite').PGlite.create(process.argv[1]).then((db) => db.close())`;
    const r = spawnSync(process.execPath, ['-e', script, template], { cwd: path.join(root, 'packages/db'), stdio: 'inherit' });
    if (r.status !== 0) throw new Error('could not create the embedded database');
  }
  for (const [name] of missing) {
    fs.rmSync(path.join(dataDir, name), { recursive: true, force: true });
    fs.cpSync(template, path.join(dataDir, name), { recursive: true });
  }
}

/**
 * The six subgraphs, supervised, each on its database; resolves once all are ready. `extraEnv`
 * reaches every one of them (scripts/start-hive.js points the synergies reader at Hive Gateway).
 */
async function startSubgraphs(extraEnv = {}) {
  prepareEmbeddedDatabases();
  const gatewayUrl = urlOf(gatewayPort, 'graphql');
  const starting = services.map(([name, port]) => {
    const url = process.env[`${name.toUpperCase()}_DATABASE_URL`];
    return supervise(
      name,
      path.join(root, 'services', name),
      {
        PORT: String(port),
        METRICS_PORT: String(metricsBasePort + (port - basePort)),
        MAILLAGE_SEED: '1',
        // <SERVICE>_DATABASE_POOL_SIZE sizes one service's pool; DATABASE_POOL_SIZE (inherited) all of them.
        ...(process.env[`${name.toUpperCase()}_DATABASE_POOL_SIZE`] ? { DATABASE_POOL_SIZE: process.env[`${name.toUpperCase()}_DATABASE_POOL_SIZE`] } : {}),
        // It follows the others' change logs directly (signed as the gateway signs).
        ...(name === 'synergies' ? { GATEWAY_URL: gatewayUrl, SYNERGIES_FEEDS: services.filter(([n]) => n !== 'synergies').map(([n, p]) => `${n}=${urlOf(p, 'graphql')}`).join(',') } : {}),
        ...(url ? { DATABASE_URL: url } : { PGLITE_DIR: path.join(dataDir, name) }),
        ...extraEnv,
      },
      urlOf(port, 'ready'),
    );
  });
  await Promise.all(starting.map((s) => s.firstReady(120_000)));
  // The routing URLs in the supergraph are the default ports; these follow MAILLAGE_BASE_PORT.
  return Object.fromEntries(services.map(([name, port]) => [`${name.toUpperCase()}_URL`, urlOf(port, 'graphql')]));
}

async function main() {
  const routes = await startSubgraphs();
  // One gateway process: here it shares the cores with six subgraphs, where a second worker buys
  // nothing and costs a gateway's memory (docs/benchmarks.md). GATEWAY_WORKERS=N to change it.
  const gateway = supervise(
    'gateway',
    path.join(root, 'gateway'),
    { ...routes, PORT: String(gatewayPort), METRICS_PORT: String(metricsBasePort), GATEWAY_WORKERS: process.env.GATEWAY_WORKERS ?? '1' },
    urlOf(gatewayPort, 'health'),
  );
  await gateway.firstReady(30_000);
  console.log(`\nMaillage is up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`  GraphQL endpoint: ${urlOf(gatewayPort, 'graphql')}`);
  console.log(`  Playground:       ${urlOf(gatewayPort, '')}\n`);
}

// scripts/start-hive.js starts the same subgraphs with another gateway in front.
module.exports = { startSubgraphs, supervise, waitReady, stop, started };

if (require.main === module) {
  main().catch((err) => {
    if (stopping) return;
    console.error(err.message);
    stop(1);
  });
}
