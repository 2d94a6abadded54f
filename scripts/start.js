#!/usr/bin/env node
// Starts the whole supergraph on this machine: the five subgraphs, each on its own embedded
// PostgreSQL (PGlite, under .data/<service>) or on PostgreSQL when <SERVICE>_DATABASE_URL is set,
// migrated and seeded, then the gateway once every subgraph is ready. Ctrl-C stops them all.
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const services = [
  ['directory', 4001],
  ['chambers', 4002],
  ['clusters', 4003],
  ['councils', 4004],
  ['clubs', 4005],
  // Reads the graph back through the gateway (GATEWAY_URL), lazily at its first query.
  ['synergies', 4006],
];
const children = [];
const started = Date.now();

function run(name, cwd, env, script = 'dist/index.js') {
  const child = spawn(process.execPath, [script], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = (line) => `${name.padEnd(9)} | ${line}`;
  const pipe = (stream, out) => {
    let buf = '';
    stream.on('data', (d) => {
      buf += d;
      const lines = buf.split('\n');
      buf = lines.pop();
      for (const l of lines) out.write(prefix(l) + '\n');
    });
  };
  pipe(child.stdout, process.stdout);
  pipe(child.stderr, process.stderr);
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(prefix(`exited (${signal ?? code}); stopping everything`));
      stop(1);
    }
  });
  children.push(child);
  return child;
}

async function waitReady(url, timeoutMs) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} not ready after ${timeoutMs / 1000} s`);
}

let stopping = false;
function stop(code = 0) {
  stopping = true;
  for (const c of children) c.kill('SIGTERM');
  // Services finish in-flight requests first; one that has not exited after 12 s is killed.
  setTimeout(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    process.exit(code);
  }, 12_000).unref();
  Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r() : c.on('exit', r))))).then(() => process.exit(code));
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

/**
 * Creating an embedded cluster (initdb in WASM) costs seconds and nearly 1 GB at peak, and that
 * memory stays with the process. So it is done once, in a short-lived process, and each new
 * subgraph gets a copy of that empty cluster: the long-running services only ever reopen one.
 */
function prepareEmbeddedDatabases() {
  const missing = services.filter(([name]) => !process.env[`${name.toUpperCase()}_DATABASE_URL`] && !fs.existsSync(path.join(root, '.data', name, 'PG_VERSION')));
  if (!missing.length) return;
  const template = path.join(root, '.data', '.template');
  if (!fs.existsSync(path.join(template, 'PG_VERSION'))) {
    console.log('creating the embedded PostgreSQL cluster (first start only)');
    fs.rmSync(template, { recursive: true, force: true });
    fs.mkdirSync(template, { recursive: true });
    const script = `require('@electric-sql/pglite').PGlite.create(process.argv[1]).then((db) => db.close())`;
    const r = spawnSync(process.execPath, ['-e', script, template], { cwd: path.join(root, 'packages/kit'), stdio: 'inherit' });
    if (r.status !== 0) throw new Error('could not create the embedded database');
  }
  for (const [name] of missing) {
    fs.rmSync(path.join(root, '.data', name), { recursive: true, force: true });
    fs.cpSync(template, path.join(root, '.data', name), { recursive: true });
  }
}

/** Starts the subgraphs and waits until each is ready; `env` is added to each one's environment. */
async function startSubgraphs(env = {}) {
  prepareEmbeddedDatabases();
  for (const [name, port] of services) {
    const url = process.env[`${name.toUpperCase()}_DATABASE_URL`];
    run(name, path.join(root, 'services', name), {
      PORT: String(port),
      MAILLAGE_SEED: '1',
      ...(url ? { DATABASE_URL: url } : { PGLITE_DIR: path.join(root, '.data', name) }),
      ...env,
    });
  }
  await Promise.all(services.map(([, port]) => waitReady(`http://127.0.0.1:${port}/ready`, 120_000)));
}

async function main() {
  await startSubgraphs();
  // One gateway process: here it shares the cores with six subgraphs, where a second worker buys
  // nothing and costs a gateway's memory (docs/benchmarks.md). GATEWAY_WORKERS=N to change it.
  run('gateway', path.join(root, 'gateway'), { PORT: process.env.PORT ?? '4000', GATEWAY_WORKERS: process.env.GATEWAY_WORKERS ?? '1' });
  const port = process.env.PORT ?? '4000';
  await waitReady(`http://127.0.0.1:${port}/health`, 30_000);
  console.log(`\nMaillage is up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`  GraphQL endpoint: http://127.0.0.1:${port}/graphql`);
  console.log(`  Playground:       http://127.0.0.1:${port}/\n`);
}

// scripts/start-hive.js starts the same subgraphs with another gateway in front.
module.exports = { startSubgraphs, run, waitReady, stop, started };

if (require.main === module) {
  main().catch((err) => {
    console.error(err.message);
    stop(1);
  });
}
