#!/usr/bin/env node
// Starts the whole supergraph on this machine: one embedded PostgreSQL (PGlite, under
// .data/embedded, served over the wire protocol, a schema and a role per subgraph), the six
// subgraphs on it (or on PostgreSQL when <SERVICE>_DATABASE_URL is set), migrated and seeded, and
// the gateway, all three at once (on the embedded database, five subgraphs share one process:
// MAILLAGE_PROCESSES below) (a subgraph waits for the database to listen; the gateway needs no
// subgraph to start). When the embedded schemas need migrating or seeding (a first start, new
// migrations or seed files), that is done first by short-lived processes, so that what it leaves
// resident goes with them. Once up it prints the time taken, per phase, then sends one query that
// reaches every subgraph and prints the memory held: the resident set of this process and of every
// process it started, summed from /proc. A service that exits after it was up is restarted, with
// backoff, while the others keep serving; Ctrl-C (or SIGTERM) stops them all, and so does a service
// that fails to start the first time.
//
//   MAILLAGE_BASE_PORT  gateway port; the subgraphs take the next six. @default 4000 (PORT still sets the gateway's)
//   MAILLAGE_METRICS_BASE_PORT  the gateway's /metrics port; the subgraphs' take the next six. @default base + 5400 (9400)
//   MAILLAGE_DATA_DIR   where the embedded database lives. @default .data in the repository
//   MAILLAGE_LEAN       0 runs every process with Node's defaults (no heap or WebAssembly flags, no malloc tuning). @default 1
//   MAILLAGE_EMBEDDED_PORT  the embedded PostgreSQL's port (loopback). @default the metrics base + 7 (9407)
//   MAILLAGE_PROCESSES  `hosted`: the directory and the four network subgraphs, on the embedded
//                       database, share one process (each on its own port, with its own client and
//                       schema); `separate`: a process each.
//                       A subgraph with its own database URL always runs in a process of its own. @default hosted
const { spawn, spawnSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
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

/**
 * The subgraphs one process hosts in the embedded default (MAILLAGE_PROCESSES=hosted). A Node
 * process costs about 100 MiB resident before it serves anything (the runtime, and the modules
 * these subgraphs share: Apollo, Prisma, pg, express, loaded again by each), so five in one hold
 * about 450 MiB less than five apart (docs/benchmarks.md, "npm start"). The synergies subgraph
 * keeps a process of its own: building its index of the region takes the event loop for seconds,
 * which would stall every subgraph hosted with it.
 */
const HOSTABLE = ['directory', 'chambers', 'clusters', 'councils', 'clubs'];
const processesMode = process.env.MAILLAGE_PROCESSES ?? 'hosted';
if (!['hosted', 'separate'].includes(processesMode)) {
  console.error(`MAILLAGE_PROCESSES: must be hosted or separate, not ${JSON.stringify(processesMode)}`);
  process.exit(1);
}
/** The host process's name in the logs (its lines are prefixed with it, as a service's are). */
const HOST_NAME = 'subgraphs';
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
/**
 * The embedded database and the subgraphs run WebAssembly (PGlite's PostgreSQL, Prisma's query
 * compiler, one per client): V8 compiles it with its baseline compiler (Liftoff) and then again,
 * in background threads, with its optimising one. Liftoff alone, and one background thread, hold
 * 684 -> 488 MiB in all after 300 queries, and spend less CPU to start (7.8 s instead of 10.5 for a
 * later start, all processes), for at most 8 % more CPU per request in the subgraphs' process
 * (within the noise on the database's; docs/benchmarks.md). The gateway runs no WebAssembly: the
 * flags buy it nothing there, and it keeps its background threads.
 */
const SERVICE_NODE_ARGS = lean ? [...LEAN_NODE_ARGS, '--liftoff-only', '--v8-pool-size=1'] : [];

const units = [];
const started = Date.now();
let stopping = false;

/** How long each phase took, printed once up: [label, ms]. */
const phases = [];

/**
 * One supervised service: spawned, its output prefixed, restarted when it exits after having been
 * ready once. A service that exits before it was ever ready is a configuration or build problem,
 * not a crash, and restarting it would only repeat the failure: that stops everything.
 */
const prefixed = (name, line) => `${name.padEnd(9)} | ${line}`;

/** A child's output, line by line, each prefixed with its name. */
function pipeOutput(name, child) {
  const pipe = (stream, out) => {
    let buf = '';
    stream.on('data', (d) => {
      buf += d;
      const lines = buf.split('\n');
      buf = lines.pop();
      for (const l of lines) out.write(prefixed(name, l) + '\n');
    });
  };
  pipe(child.stdout, process.stdout);
  pipe(child.stderr, process.stderr);
}

function supervise(name, cwd, env, readyUrl, script = 'dist/index.js', nodeArgs = [], hosting = []) {
  // `tcp://host:port`: ready once it accepts connections (the embedded PostgreSQL speaks no HTTP).
  // A list (a process hosting several subgraphs): ready once every one is.
  const say = (line) => console.error(prefixed(name, line));
  const unit = { name, child: null, everReady: false, restarts: 0, delay: BACKOFF_FIRST_MS, timer: null, since: 0 };
  const launch = () => {
    unit.timer = null;
    unit.since = Date.now();
    const child = spawn(process.execPath, [...nodeArgs, script], {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    unit.child = child;
    say(`started (pid ${child.pid})${hosting.length ? `, hosting ${hosting.join(', ')}` : ''}`);
    pipeOutput(name, child);
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
    /** Resolves with the milliseconds from its launch to its first readiness. */
    firstReady: (timeoutMs) =>
      waitReady(readyUrl, timeoutMs, () => unit.child.exitCode !== null || unit.child.signalCode !== null).then(() => {
        unit.everReady = true;
        return Date.now() - unit.since;
      }),
  };
}

/** Processes that run to completion (the preparation of a first start): stopped with the rest. */
const transients = new Set();

/** Runs one process to its end, its output prefixed; resolves with its exit code (or signal). */
function runOnce(name, cwd, env, args) {
  const child = spawn(process.execPath, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  transients.add(child);
  pipeOutput(name, child);
  const exited = new Promise((resolve) =>
    child.on('exit', (code, signal) => {
      transients.delete(child);
      resolve(signal ?? code);
    }),
  );
  return { child, exited };
}

async function waitReady(url, timeoutMs, gaveUp = () => false) {
  if (Array.isArray(url)) {
    await Promise.all(url.map((u) => waitReady(u, timeoutMs, gaveUp)));
    return;
  }
  const until = Date.now() + timeoutMs;
  while (Date.now() < until && !stopping && !gaveUp()) {
    try {
      if (url.startsWith('tcp://')) {
        if (await accepts(new URL(url))) return;
      } else {
        const res = await request(url, { timeoutMs: 2_000 });
        if (res.status >= 200 && res.status < 300) return;
      }
    } catch {
      // not listening yet
    }
    // Short: every poll a service is up and not yet asked is time added to the start.
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${url} not ready after ${((Date.now() - until + timeoutMs) / 1000).toFixed(0)} s`);
}

/**
 * One HTTP request with node:http. Not fetch: its first use loads undici, about 30 MiB more
 * resident for the life of this process (measured: 71 MiB against 43 after one request).
 */
function request(url, { method = 'GET', headers = {}, body, timeoutMs }) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, timeout: timeoutMs }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
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
  for (const c of transients) c.kill('SIGTERM');
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

const clusterDir = path.join(dataDir, 'embedded');
/** Written once the embedded schemas are migrated and seeded: the fingerprint of what that read. */
const preparedStamp = `${clusterDir}.prepared`;
const embeddedUrl = (name) => `postgres://${name}@127.0.0.1:${embeddedPort}/postgres?schema=${name}`;
/** The subgraphs without a database URL of their own: they use the embedded database. */
const embeddedNames = () => names.filter((name) => !process.env[`${name.toUpperCase()}_DATABASE_URL`]);

/**
 * Creating the cluster (initdb in WASM) costs seconds and nearly 1 GB at peak, and that memory
 * stays with the process: so it is created once, in a short-lived process, and the long-running
 * server only ever reopens it.
 */
function createCluster() {
  noteEarlierLayout(clusterDir);
  if (fs.existsSync(path.join(clusterDir, 'PG_VERSION'))) return false;
  console.log('creating the embedded PostgreSQL cluster (first start only)');
  fs.rmSync(preparedStamp, { force: true });
  const creating = `${clusterDir}.creating`;
  fs.rmSync(creating, { recursive: true, force: true });
  fs.mkdirSync(creating, { recursive: true });
  const script = `require('@electric-sql/pglite').PGlite.create(process.argv[1]).then((db) => db.close())`;
  const r = spawnSync(process.execPath, [...SERVICE_NODE_ARGS, '-e', script, creating], {
    cwd: path.join(root, 'packages/db'),
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error('could not create the embedded database');
  // Renamed once complete: an interrupted creation is never mistaken for a cluster.
  fs.renameSync(creating, clusterDir);
  return true;
}

const embeddedServer = (embedded) => ({
  cwd: path.join(root, 'packages/db'),
  env: { ...LEAN_ENV, EMBEDDED_PG_DIR: clusterDir, EMBEDDED_PG_PORT: String(embeddedPort), EMBEDDED_PG_SCHEMAS: embedded.join(',') },
  args: [...SERVICE_NODE_ARGS, 'dist/embedded-main.js'],
});

/** sha256 over the embedded subgraphs' names, migrations and seed files (names and bytes). */
function preparedFingerprint(embedded) {
  const hash = createHash('sha256');
  const walk = (dir, label) => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full, `${label}/${entry.name}`);
      else hash.update(`${label}/${entry.name}\0`).update(fs.readFileSync(full));
    }
  };
  for (const name of embedded) {
    hash.update(`${name}\0`);
    walk(path.join(root, 'services', name, 'prisma/migrations'), `${name}/migrations`);
    walk(path.join(root, 'services', name, 'seed'), `${name}/seed`);
  }
  return hash.digest('hex');
}

/**
 * Migrates and seeds the embedded schemas in short-lived processes (a database server, a process
 * per subgraph running `dist/index.js --prepare`), before the long-running ones start. Loading the
 * seed leaves memory resident that neither PGlite's WASM memory nor a Node process gives back
 * (about 260 MiB in all on a first start, measured): it leaves with them. The long-running
 * subgraphs still check their migrations and seed themselves, so a stamp that lies costs memory,
 * never data.
 */
async function prepareEmbedded(embedded, extraEnv) {
  const fingerprint = preparedFingerprint(embedded);
  if (fs.existsSync(preparedStamp) && fs.readFileSync(preparedStamp, 'utf8').trim() === fingerprint) return false;
  console.log('migrating and seeding the embedded database (first start, or new migrations or seed files)');
  const server = embeddedServer(embedded);
  const db = runOnce('postgres', server.cwd, server.env, server.args);
  const checked = (name, run) =>
    run.exited.then((how) => {
      if (how !== 0) throw new Error(`${name}: migrating and seeding failed (exit ${how})`);
    });
  const hosted = hostedNames(embedded);
  const preparing = services
    .filter(([name]) => embedded.includes(name) && !hosted.includes(name))
    .map(([name, port]) =>
      checked(
        name,
        runOnce(name, path.join(root, 'services', name), subgraphEnv(name, port, {}, extraEnv), [
          ...SERVICE_NODE_ARGS,
          'dist/index.js',
          '--prepare',
        ]),
      ),
    );
  if (hosted.length) {
    const host = hostUnit(hosted, extraEnv);
    preparing.push(checked(HOST_NAME, runOnce(HOST_NAME, host.cwd, host.env, [...SERVICE_NODE_ARGS, host.script, '--prepare'])));
  }
  const dbExit = db.exited.then((how) => {
    if (!stopping) throw new Error(`the embedded database exited (${how}) while the subgraphs were being seeded`);
  });
  try {
    await Promise.race([Promise.all(preparing), dbExit]);
  } finally {
    // Closing PGlite (SIGTERM) flushes its files before the long-running server reopens them.
    if (db.child.exitCode === null && db.child.signalCode === null) db.child.kill('SIGTERM');
    await db.exited;
  }
  fs.writeFileSync(preparedStamp, `${fingerprint}\n`);
  return true;
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

/** The environment of one subgraph's process. */
function subgraphEnv(name, port, embeddedUrls, extraEnv) {
  const gatewayUrl = urlOf(gatewayPort, 'graphql');
  const own = process.env[`${name.toUpperCase()}_DATABASE_URL`];
  return {
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
    // A network subgraph asks the others whom an editor's networks speak for (POST /standing).
    ...(['chambers', 'clusters', 'councils', 'clubs'].includes(name)
      ? {
          NETWORK_PEERS: services
            .filter(([n]) => ['chambers', 'clusters', 'councils', 'clubs'].includes(n))
            .map(([n, p]) => `${n}=${urlOf(p, 'graphql')}`)
            .join(','),
        }
      : {}),
    DATABASE_URL: own ?? embeddedUrl(name),
    ...(own
      ? {}
      : {
          // One session serves every subgraph on the embedded server: a transaction (a seed, an
          // import) makes the others' wait longer than Prisma's 2 s.
          DATABASE_TRANSACTION_WAIT_MS: '30000',
          // Started alongside the embedded server, which listens a second or two later.
          DATABASE_CONNECT_WAIT_MS: '60000',
        }),
    ...extraEnv,
  };
}

/** The embedded subgraphs that share the host process (none with MAILLAGE_PROCESSES=separate, nor for one alone). */
function hostedNames(embedded) {
  const hosted = processesMode === 'hosted' ? HOSTABLE.filter((name) => embedded.includes(name)) : [];
  return hosted.length > 1 ? hosted : [];
}

/**
 * The process that hosts `hosted` (packages/service, dist/host-main.js): each subgraph's built
 * server and its own environment, as its own process would have had it.
 */
function hostUnit(hosted, extraEnv) {
  const entries = services
    .filter(([name]) => hosted.includes(name))
    .map(([name, port]) => {
      // The malloc tuning is the process's, set once below.
      const { MALLOC_ARENA_MAX: _m, ...own } = subgraphEnv(name, port, {}, extraEnv);
      return { name, port, module: path.join(root, 'services', name, 'dist/server.js'), env: own };
    });
  // NETWORK_PEERS is read from the process's environment at each ask (packages/env networkPeers),
  // not from a subgraph's own: the same for every network subgraph, set once for the process.
  const peers = entries.find(({ env }) => env.NETWORK_PEERS)?.env.NETWORK_PEERS;
  return {
    cwd: path.join(root, 'packages/service'),
    script: 'dist/host-main.js',
    env: {
      ...LEAN_ENV,
      ...(peers ? { NETWORK_PEERS: peers } : {}),
      MAILLAGE_HOSTED: JSON.stringify(entries.map(({ module, env }) => ({ module, env }))),
    },
    readyUrls: entries.map(({ port }) => urlOf(port, 'ready')),
  };
}

/** The gateway's routing URLs: the supergraph's are the default ports; these follow MAILLAGE_BASE_PORT. */
const subgraphRoutes = () => Object.fromEntries(services.map(([name, port]) => [`${name.toUpperCase()}_URL`, urlOf(port, 'graphql')]));

/**
 * The embedded database (when a subgraph uses it; migrated and seeded first when needed), the six
 * subgraphs on their databases and `front(routes)` (the gateway in front, which starts without
 * them), all launched at once; resolves with the routes once every one is ready. `extraEnv`
 * reaches every subgraph (scripts/start-hive.js points the synergies reader at Hive Gateway).
 */
async function startSubgraphs(extraEnv = {}, front = async () => undefined) {
  const embedded = embeddedNames();
  if (embedded.length) {
    const t0 = Date.now();
    if (createCluster()) phases.push(['embedded cluster created', Date.now() - t0]);
    const t1 = Date.now();
    if (await prepareEmbedded(embedded, extraEnv))
      phases.push(['embedded schemas migrated and seeded (short-lived processes)', Date.now() - t1]);
  }
  const routes = subgraphRoutes();
  const t0 = Date.now();
  const ready = [];
  if (embedded.length) {
    const server = embeddedServer(embedded);
    const db = supervise('postgres', server.cwd, server.env, `tcp://127.0.0.1:${embeddedPort}`, server.args.at(-1), SERVICE_NODE_ARGS);
    ready.push(db.firstReady(60_000).then((ms) => ['postgres', ms]));
  }
  const hosted = hostedNames(embedded);
  if (hosted.length) {
    const host = hostUnit(hosted, extraEnv);
    const s = supervise(HOST_NAME, host.cwd, host.env, host.readyUrls, host.script, SERVICE_NODE_ARGS, hosted);
    ready.push(s.firstReady(120_000).then((ms) => [HOST_NAME, ms]));
  }
  for (const [name, port] of services.filter(([n]) => !hosted.includes(n))) {
    const s = supervise(
      name,
      path.join(root, 'services', name),
      subgraphEnv(name, port, {}, extraEnv),
      urlOf(port, 'ready'),
      'dist/index.js',
      SERVICE_NODE_ARGS,
    );
    ready.push(s.firstReady(120_000).then((ms) => [name, ms]));
  }
  ready.push(front(routes));
  const times = (await Promise.all(ready)).filter(Boolean);
  phases.push(['all started at once', Date.now() - t0, times]);
  return routes;
}

/** One query through the gateway that reaches every subgraph (the search reads the graph through it). */
const FIRST_QUERY = `query FirstQuery {
  search(text: "Montpellier", first: 3) { totalCount nodes { name } }
  actors(territoryId: "DEP-34", first: 10) {
    nodes {
      id
      chamberMemberships { nodes { chamber { name } } }
      clusterMemberships { nodes { cluster { name } } }
      councilMemberships { nodes { council { name } } }
      clubMemberships { nodes { club { name } } }
    }
  }
}`;

/** Sends FIRST_QUERY; resolves with an error message, or undefined when it was answered in full. */
async function firstQuery() {
  try {
    const res = await request(urlOf(gatewayPort, 'graphql'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify({ query: FIRST_QUERY }),
      timeoutMs: 30_000,
    });
    const body = JSON.parse(res.body);
    if (res.status !== 200 || body.errors?.length) return `${res.status} ${JSON.stringify(body.errors ?? body).slice(0, 300)}`;
  } catch (err) {
    return err.message;
  }
  return undefined;
}

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** The phases, one line each: "cluster created 3.1 s", then each process's time to ready. */
function phaseLines() {
  return phases.map(([label, ms, detail]) => {
    if (!Array.isArray(detail)) return `  ${label}: ${seconds(ms)}${detail ? ` (${detail})` : ''}`;
    return `  ${label}: ${seconds(ms)} (ready after: ${detail.map(([n, t]) => `${n} ${seconds(t)}`).join(', ')})`;
  });
}

async function main() {
  // One gateway process: here it shares the cores with six subgraphs, where a second worker buys
  // nothing and costs a gateway's memory (docs/benchmarks.md). GATEWAY_WORKERS=N to change it.
  const front = async (routes) => {
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
    return ['gateway', await gateway.firstReady(120_000)];
  };
  await startSubgraphs({}, front);
  const upMs = Date.now() - started;
  // CPU spent until up, in all processes: on a machine of its own, the start takes at least this
  // divided by the cores; on a shared one, the seconds above say more about the neighbours.
  const { cpuMs } = memory();
  const t0 = Date.now();
  // Again if it failed (three tries): on a loaded machine the synergies' first read of the graph
  // can outlast the gateway's deadline, and a later try finds it done.
  const failed = (await firstQuery()) && (await firstQuery()) && (await firstQuery());
  const queryMs = Date.now() - t0;
  const held = memory();
  console.log(`\nMaillage is up in ${seconds(upMs)}, holding ${held.rss} MiB`);
  for (const line of phaseLines()) console.log(line);
  console.log(`  CPU until up: ${seconds(cpuMs)} in all processes (${require('node:os').availableParallelism()} cores)`);
  console.log(
    `  memory: resident sets summed over start.js and the ${held.processes - 1} processes it started, after a first query through every subgraph ` +
      (failed ? `(which failed: ${failed})` : `(answered in ${seconds(queryMs)})`) +
      `; ${held.pss} MiB proportional (pages they share counted once)`,
  );
  console.log(`  GraphQL endpoint: ${urlOf(gatewayPort, 'graphql')}`);
  console.log(`  Playground:       ${urlOf(gatewayPort, '')}\n`);
}

/**
 * Memory of this process, of every process started here and of their own children, from /proc:
 * the resident set (VmRSS) summed, and the proportional set (Pss), which counts a page shared by n
 * of them (the node binary's code, about 45 MiB in each) as 1/n in each, so its sum is what they
 * hold together. MiB.
 */
function memory() {
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
  const pending = [process.pid];
  let rss = 0;
  let pss = 0;
  let processes = 0;
  // CPU time in clock ticks (USER_HZ, 100 on Linux): each live process's own, and what this one's
  // reaped children used (cluster creation, the preparation).
  let ticks = 0;
  const fields = (pid) => {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  };
  const own = fields(process.pid);
  ticks += Number(own[13]) + Number(own[14]);
  while (pending.length) {
    const pid = pending.pop();
    try {
      const f = fields(pid);
      ticks += Number(f[11]) + Number(f[12]);
      const status = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (status) rss += Number(status[1]);
      const rollup = /^Pss:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
      if (rollup) pss += Number(rollup[1]);
      processes++;
    } catch {
      // gone meanwhile (or no smaps_rollup, before Linux 4.14)
    }
    pending.push(...(children.get(pid) ?? []));
  }
  return { rss: Math.round(rss / 1024), pss: Math.round(pss / 1024), processes, cpuMs: ticks * 10 };
}

/** The resident set summed (see memory()), MiB. */
const memoryMiB = () => memory().rss;

// scripts/start-hive.js starts the same subgraphs with another gateway in front.
module.exports = { startSubgraphs, supervise, waitReady, stop, started, memoryMiB };

if (require.main === module) {
  main().catch((err) => {
    if (stopping) return;
    console.error(err.message);
    stop(1);
  });
}
