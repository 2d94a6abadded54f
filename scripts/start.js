#!/usr/bin/env node
// Starts the whole supergraph on this machine: one embedded PostgreSQL (PGlite, under
// .data/embedded, served over the wire protocol, a schema and a role per subgraph), then the six
// subgraphs on it (or on PostgreSQL when <SERVICE>_DATABASE_URL is set), migrated and seeded, then
// the gateway once every subgraph is ready. Once up it prints the time taken and the memory held
// (resident set of every process it started, summed from /proc). A service that exits after it
// was up is restarted, with backoff, while the others keep serving; Ctrl-C (or SIGTERM) stops them
// all, and so does a service that fails to start the first time.
//
//   MAILLAGE_BASE_PORT  gateway port; the subgraphs take the next six. @default 4000 (PORT still sets the gateway's)
//   MAILLAGE_METRICS_BASE_PORT  the gateway's /metrics port; the subgraphs' take the next six. @default base + 5400 (9400)
//   MAILLAGE_DATA_DIR   where the embedded database lives. @default .data in the repository
//   MAILLAGE_LEAN       0 runs the subgraphs and the embedded database with Node's memory defaults. @default 1
//   MAILLAGE_EMBEDDED_PORT  the embedded PostgreSQL's port (loopback). @default the metrics base + 7 (9407)
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const basePort = Number(process.env.MAILLAGE_BASE_PORT ?? 4000);
const gatewayPort = Number(process.env.PORT ?? basePort);
// Each service's /metrics listens apart (loopback): the gateway's on this port, the subgraphs' on the next six.
const metricsBasePort = Number(process.env.MAILLAGE_METRICS_BASE_PORT ?? basePort + 5400);
const dataDir = path.resolve(process.env.MAILLAGE_DATA_DIR ?? path.join(root, '.data'));
const embeddedPort = Number(process.env.MAILLAGE_EMBEDDED_PORT ?? metricsBasePort + 7);
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

/**
 * The subgraphs and the embedded database hold little live data: a small young generation and a
 * heap tuned for size, with two malloc arenas, take each from about 250 MiB to about 120 MiB
 * resident (measured on the chambers subgraph) at no visible cost to a local try. MAILLAGE_LEAN=0
 * gives every process Node's defaults (benchmarks of the gateway want them).
 */
const lean = process.env.MAILLAGE_LEAN !== '0';
const LEAN_NODE_ARGS = lean ? ['--max-semi-space-size=1', '--optimize-for-size'] : [];
const LEAN_ENV = lean ? { MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2' } : {};

const units = [];
const started = Date.now();
let stopping = false;

/**
 * One supervised service: spawned, its output prefixed, restarted when it exits after having been
 * ready once. A service that exits before it was ever ready is a configuration or build problem,
 * not a crash, and restarting it would only repeat the failure: that stops everything.
 */
function supervise(name, cwd, env, readyUrl, script = 'dist/index.js', nodeArgs = []) {
  // `tcp://host:port`: ready once it accepts connections (the embedded PostgreSQL speaks no HTTP).
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
    const child = spawn(process.execPath, [...nodeArgs, script], {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
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
      if (url.startsWith('tcp://')) {
        if (await accepts(new URL(url))) return;
      } else {
        const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
        if (res.ok) return;
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} not ready after ${((Date.now() - until + timeoutMs) / 1000).toFixed(0)} s`);
}

function accepts({ hostname, port }) {
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
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
  Promise.all(running.map((c) => new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r() : c.on('exit', r))))).then(() =>
    process.exit(code),
  );
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

/**
 * The embedded PostgreSQL every subgraph without a database URL shares, in one supervised process.
 * Creating the cluster (initdb in WASM) costs seconds and nearly 1 GB at peak, and that memory
 * stays with the process: so it is created once, in a short-lived process, and the long-running
 * server only ever reopens it. Returns each such subgraph's DATABASE_URL.
 */
async function startEmbeddedDatabase() {
  const embedded = names.filter((name) => !process.env[`${name.toUpperCase()}_DATABASE_URL`]);
  if (!embedded.length) return {};
  const cluster = path.join(dataDir, 'embedded');
  noteEarlierLayout(cluster);
  if (!fs.existsSync(path.join(cluster, 'PG_VERSION'))) {
    console.log('creating the embedded PostgreSQL cluster (first start only)');
    const creating = `${cluster}.creating`;
    fs.rmSync(creating, { recursive: true, force: true });
    fs.mkdirSync(creating, { recursive: true });
    const script = `require('@electric-sql/pglite').PGlite.create(process.argv[1]).then((db) => db.close())`;
    const r = spawnSync(process.execPath, ['-e', script, creating], { cwd: path.join(root, 'packages/db'), stdio: 'inherit' });
    if (r.status !== 0) throw new Error('could not create the embedded database');
    // Renamed once complete: an interrupted creation is never mistaken for a cluster.
    fs.renameSync(creating, cluster);
  }
  const db = supervise(
    'postgres',
    path.join(root, 'packages/db'),
    { ...LEAN_ENV, EMBEDDED_PG_DIR: cluster, EMBEDDED_PG_PORT: String(embeddedPort), EMBEDDED_PG_SCHEMAS: embedded.join(',') },
    `tcp://127.0.0.1:${embeddedPort}`,
    'dist/embedded-main.js',
    LEAN_NODE_ARGS,
  );
  await db.firstReady(60_000);
  return Object.fromEntries(embedded.map((name) => [name, `postgres://${name}@127.0.0.1:${embeddedPort}/postgres?schema=${name}`]));
}

/**
 * Before one cluster served them all, each subgraph had its own under .data/<service>. Those are
 * left as they are (never deleted here: they may hold data someone wants), no longer read; the
 * shared cluster starts empty and is migrated and seeded like a first start.
 */
function noteEarlierLayout(cluster) {
  if (fs.existsSync(path.join(cluster, 'PG_VERSION'))) return;
  const earlier = [...names, '.template'].filter((n) => fs.existsSync(path.join(dataDir, n, 'PG_VERSION')));
  if (!earlier.length) return;
  const dirs = earlier.map((n) => path.join(dataDir, n));
  console.log(
    `found embedded databases of the earlier layout (one per subgraph): ${dirs.join(', ')}.\n` +
      `  They are no longer used: every subgraph now has a schema in ${cluster}, seeded afresh.\n` +
      `  Nothing was copied from them; remove them once you do not need them: rm -rf ${dirs.join(' ')}`,
  );
}

/**
 * The six subgraphs, supervised, each on its database; resolves once all are ready. `extraEnv`
 * reaches every one of them (scripts/start-hive.js points the synergies reader at Hive Gateway).
 */
async function startSubgraphs(extraEnv = {}) {
  const embeddedUrls = await startEmbeddedDatabase();
  const gatewayUrl = urlOf(gatewayPort, 'graphql');
  const starting = services.map(([name, port]) => {
    const url = process.env[`${name.toUpperCase()}_DATABASE_URL`] ?? embeddedUrls[name];
    return supervise(
      name,
      path.join(root, 'services', name),
      {
        ...LEAN_ENV,
        PORT: String(port),
        METRICS_PORT: String(metricsBasePort + (port - basePort)),
        MAILLAGE_SEED: '1',
        // <SERVICE>_DATABASE_POOL_SIZE sizes one service's pool; DATABASE_POOL_SIZE (inherited) all of them.
        ...(process.env[`${name.toUpperCase()}_DATABASE_POOL_SIZE`]
          ? { DATABASE_POOL_SIZE: process.env[`${name.toUpperCase()}_DATABASE_POOL_SIZE`] }
          : {}),
        // It follows the others' change logs directly (signed as the gateway signs).
        ...(name === 'synergies'
          ? {
              GATEWAY_URL: gatewayUrl,
              SYNERGIES_FEEDS: services
                .filter(([n]) => n !== 'synergies')
                .map(([n, p]) => `${n}=${urlOf(p, 'graphql')}`)
                .join(','),
            }
          : {}),
        DATABASE_URL: url,
        // One session serves every subgraph on the embedded server: a transaction (a seed, an
        // import) makes the others' wait longer than Prisma's 2 s.
        ...(embeddedUrls[name] && !process.env[`${name.toUpperCase()}_DATABASE_URL`] ? { DATABASE_TRANSACTION_WAIT_MS: '30000' } : {}),
        ...extraEnv,
      },
      urlOf(port, 'ready'),
      'dist/index.js',
      LEAN_NODE_ARGS,
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
    {
      ...LEAN_ENV,
      ...routes,
      PORT: String(gatewayPort),
      METRICS_PORT: String(metricsBasePort),
      GATEWAY_WORKERS: process.env.GATEWAY_WORKERS ?? '1',
    },
    urlOf(gatewayPort, 'health'),
    'dist/index.js',
    LEAN_NODE_ARGS,
  );
  await gateway.firstReady(30_000);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  // Memory once every service has answered a query (its /ready ran one on its database).
  console.log(`\nMaillage is up in ${seconds} s, holding ${memoryMiB()} MiB (resident, all ${units.length} processes)`);
  console.log(`  GraphQL endpoint: ${urlOf(gatewayPort, 'graphql')}`);
  console.log(`  Playground:       ${urlOf(gatewayPort, '')}\n`);
}

/** Sum of the resident set of every process started here and of their own children, from /proc. */
function memoryMiB() {
  const children = new Map();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  const pending = units.map((u) => u.child?.pid).filter(Boolean);
  let kib = 0;
  while (pending.length) {
    const pid = pending.pop();
    try {
      const rss = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (rss) kib += Number(rss[1]);
    } catch {
      // gone meanwhile
    }
    pending.push(...(children.get(pid) ?? []));
  }
  return Math.round(kib / 1024);
}

// scripts/start-hive.js starts the same subgraphs with another gateway in front.
module.exports = { startSubgraphs, supervise, waitReady, stop, started, memoryMiB };

if (require.main === module) {
  main().catch((err) => {
    if (stopping) return;
    console.error(err.message);
    stop(1);
  });
}
