import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDatabases, testServerUrl } from './databases';
import { repoRoot } from './supergraph';

/** The services `scripts/start.js` runs, in the order of their ports after the gateway's. */
export const SERVICE_NAMES = ['directory', 'chambers', 'clusters', 'councils', 'clubs', 'synergies'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number] | 'gateway';

/** The supergraph as `npm start` runs it: OS processes under scripts/start.js's supervision. */
export interface ProcessStack {
  gatewayUrl: string;
  /** The gateway's /metrics, on its own loopback listener. */
  gatewayMetricsUrl: string;
  /** Service name -> port (gateway included). */
  ports: Record<ServiceName, number>;
  /**
   * The current process id of a service (it changes when start.js restarts it): the host's for a
   * subgraph hosted with others (`processes: 'hosted'`).
   */
  pid(name: ServiceName): number;
  /** Sends a signal to a service's current process (SIGSTOP, SIGCONT, SIGKILL...): to its host, when hosted. */
  signal(name: ServiceName, signal: NodeJS.Signals): void;
  /** Every line start.js and the services printed so far, prefixed by the service's name. */
  lines: string[];
  /** Stops start.js (which stops everything), drops the databases, removes the data folder. */
  stop(): Promise<void>;
}

/**
 * A base port with the six after it free too (the gateway and the six subgraphs), below Linux's
 * ephemeral range (32768 and up) so that no outgoing connection takes one meanwhile.
 */
export async function freePortRange(count = 7): Promise<number> {
  const free = (port: number) =>
    new Promise<boolean>((resolve) => {
      const s = net.createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 12_000);
    let ok = true;
    for (let p = base; p < base + count && ok; p++) ok = await free(p);
    if (ok) return base;
  }
  throw new Error(`no ${count} consecutive free ports found`);
}

/**
 * A URL on 127.0.0.1 at a port nobody listens on (taken from the system, then released): asking it
 * fails as an outage of the service it stands for would, with a refused connection.
 */
export async function unreachableUrl(pathname = '/graphql'): Promise<string> {
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((r) => probe.close(r));
  return `http://127.0.0.1:${port}${pathname}`;
}

export interface ProcessOptions {
  env?: Record<string, string>;
  echo?: boolean;
  timeoutMs?: number;
  /**
   * `separate`: a process per service (MAILLAGE_PROCESSES=separate), for tests that freeze or kill
   * one; `hosted`: as start.js chooses (on the embedded database, five subgraphs share a process).
   * @default 'hosted'
   */
  processes?: 'separate' | 'hosted';
  /** The embedded PostgreSQL even when TEST_DATABASE_URL names a server. @default false */
  embedded?: boolean;
}

/**
 * Runs `scripts/start.js` (the built services, as `npm start` does, without the build step) on free
 * ports, on fresh databases: one per service on the PostgreSQL server of TEST_DATABASE_URL when
 * set (and not `embedded`), else the embedded PostgreSQL (one PGlite, a schema per service) in a
 * temporary folder. Resolves once the gateway is up.
 */
export async function startProcesses(opts: ProcessOptions = {}): Promise<ProcessStack> {
  // Another program may take one of the ports between the check and the start: then try elsewhere.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(opts);
    } catch (err) {
      if (attempt >= 3 || !/EADDRINUSE/.test((err as Error).message)) throw err;
    }
  }
}

async function startOnce(opts: ProcessOptions): Promise<ProcessStack> {
  // Seven ports for the services, seven more for their metrics listeners, one for the embedded PostgreSQL.
  const base = await freePortRange(15);
  const ports = Object.fromEntries([['gateway', base], ...SERVICE_NAMES.map((n, i) => [n, base + 1 + i])]) as Record<ServiceName, number>;
  const server = opts.embedded ? undefined : testServerUrl();
  const dbs = server ? await createDatabases(server, [...SERVICE_NAMES]) : undefined;
  const dataDir = dbs ? undefined : mkdtempSync(path.join(tmpdir(), 'maillage-processes-'));
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    MAILLAGE_BASE_PORT: String(base),
    MAILLAGE_METRICS_BASE_PORT: String(base + 7),
    LOG_LEVEL: 'warn',
    MAILLAGE_PROCESSES: opts.processes ?? 'hosted',
    ...opts.env,
  };
  delete env.PORT;
  delete env.DATABASE_URL;
  for (const n of SERVICE_NAMES) delete env[`${n.toUpperCase()}_DATABASE_URL`];
  // Jest's VM-modules flag is not for the services.
  delete env.NODE_OPTIONS;
  if (dataDir) env.MAILLAGE_DATA_DIR = dataDir;
  for (const n of SERVICE_NAMES) if (dbs) env[`${n.toUpperCase()}_DATABASE_URL`] = dbs.urls[n];

  // Its own process group, so that whatever happens the whole tree can be stopped.
  const child: ChildProcess = spawn(process.execPath, [path.join(repoRoot, 'scripts/start.js')], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const lines: string[] = [];
  const pids = new Map<string, number>();
  let up: () => void;
  const isUp = new Promise<void>((r) => (up = r));
  const read = (stream: NodeJS.ReadableStream) => {
    let buf = '';
    stream.on('data', (d) => {
      buf += d;
      const parts = buf.split('\n');
      buf = parts.pop()!;
      for (const line of parts) {
        lines.push(line);
        if (opts.echo) process.stderr.write(line + '\n');
        // `subgraphs | started (pid 123), hosting directory, chambers, ...`: each hosted service is in that process.
        const started = line.match(/^(\w+)\s+\| started \(pid (\d+)\)(?:, hosting (.+))?$/);
        if (started) for (const name of [started[1], ...(started[3]?.split(', ') ?? [])]) pids.set(name, Number(started[2]));
        // Up once the whole summary is printed (its last line), so a test reads every line of it.
        if (line.startsWith('  Playground:')) up();
      }
    });
  };
  read(child.stdout!);
  read(child.stderr!);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const cleanup = async () => {
    await dbs?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  };
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const late = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 15_000);
      await exited;
      clearTimeout(late);
    }
    // Anything start.js left behind (it kills its children, but it may itself have been killed).
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // the group is gone
    }
    await cleanup();
  };
  const timeout = opts.timeoutMs ?? 180_000;
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    isUp.then(() => 'up' as const),
    exited.then(() => 'exited' as const),
    new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeout))),
  ]);
  clearTimeout(timer);
  if (outcome !== 'up') {
    await stop();
    throw new Error(
      `scripts/start.js ${outcome === 'exited' ? 'exited' : `was not up after ${timeout / 1000} s`}:\n${lines.slice(-30).join('\n')}`,
    );
  }
  const pid = (name: ServiceName) => {
    const p = pids.get(name);
    if (!p) throw new Error(`no process seen for ${name}`);
    return p;
  };
  return {
    gatewayUrl: `http://127.0.0.1:${base}/graphql`,
    gatewayMetricsUrl: `http://127.0.0.1:${base + 7}/metrics`,
    ports,
    pid,
    signal: (name, signal) => process.kill(pid(name), signal),
    lines,
    stop,
  };
}
