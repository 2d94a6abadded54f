import cluster, { type Worker } from 'node:cluster';
import { type Logger } from '@maillage/observability';
import { isInvalidationMessage } from './entity-cache';

/** A worker that dies sooner than this after its start is crashing at start: wait before the next. */
const EARLY_DEATH_MS = 5_000;
const RESTART_DELAY_MS = 1_000;
/** How long the primary waits for its workers to drain before it kills them. */
const DRAIN_MS = 12_000;

/**
 * The primary of a gateway on several cores: it forks `workers` processes that each run the whole
 * gateway on the same port (node:cluster hands each connection to one of them), forks a new one
 * when one dies, and on SIGTERM or SIGINT passes SIGTERM to each so that each drains its requests
 * (ApolloServerPluginDrainHttpServer) before it exits. The primary serves nothing itself.
 *
 * What a worker keeps in memory is its own: without REDIS_URL, rate-limit windows, the response
 * cache and remembered partner keys are per worker; with it the workers share them as replicas do.
 */
export function runPrimary(workers: number, logger: Logger): void {
  let stopping = false;
  const startedAt = new Map<number, number>();
  const fork = () => {
    const worker = cluster.fork();
    startedAt.set(worker.id, Date.now());
    return worker;
  };
  cluster.on('exit', (worker: Worker, code, signal) => {
    const lived = Date.now() - (startedAt.get(worker.id) ?? 0);
    startedAt.delete(worker.id);
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    const early = lived < EARLY_DEATH_MS;
    logger.error(
      { pid: worker.process.pid, code, signal, livedMs: lived },
      `gateway worker exited (${signal ?? code}); starting another${early ? ` in ${RESTART_DELAY_MS} ms` : ''}`,
    );
    if (early) setTimeout(() => !stopping && fork(), RESTART_DELAY_MS).unref();
    else fork();
  });
  // An entity one worker dropped from its cache (a mutation it served) is dropped by the others too.
  cluster.on('message', (from: Worker, m: unknown) => {
    if (!isInvalidationMessage(m)) return;
    for (const w of Object.values(cluster.workers ?? {})) if (w && w.id !== from.id && w.isConnected()) w.send(m);
  });
  for (let i = 0; i < workers; i++) fork();
  logger.info({ workers, pid: process.pid }, `gateway primary: ${workers} workers on one port`);
  const stop = () => {
    if (stopping) return;
    stopping = true;
    const alive = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w);
    if (!alive.length) process.exit(0);
    for (const w of alive) w.process.kill('SIGTERM');
    setTimeout(() => {
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGKILL');
      process.exit(1);
    }, DRAIN_MS).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
