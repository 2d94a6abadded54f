/**
 * The embedded PostgreSQL of `npm start` as a process of its own (scripts/start.js supervises it):
 * one PGlite cluster, every subgraph in a schema of its own, over the wire protocol.
 *
 *   EMBEDDED_PG_DIR      the cluster's data directory (created when missing)
 *   EMBEDDED_PG_PORT     @default 9407
 *   EMBEDDED_PG_HOST     @default 127.0.0.1
 *   EMBEDDED_PG_SCHEMAS  comma-separated schema (and role) names, one per subgraph
 *   EMBEDDED_PG_SHARED_BUFFERS  PostgreSQL's shared_buffers @default 16MB
 */
import { startEmbeddedServer } from './embedded';

/**
 * Read by hand, not by `readEnv` (@maillage/env, zod): this process needs nothing else of them, and
 * they would be 20 MiB of its resident set (zod alone 12), measured. Fails, as `readEnv` does,
 * with every variable at fault named.
 */
function embeddedEnv(source: NodeJS.ProcessEnv = process.env) {
  const problems: string[] = [];
  const integer = (name: string, fallback: number, min: number, max: number) => {
    const raw = source[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (Number.isInteger(n) && n >= min && n <= max) return n;
    problems.push(`  ${name}: must be an integer from ${min} to ${max}`);
    return fallback;
  };
  const dir = source.EMBEDDED_PG_DIR ?? '';
  if (!dir) problems.push('  EMBEDDED_PG_DIR: required');
  const schemas = (source.EMBEDDED_PG_SCHEMAS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!schemas.length) problems.push('  EMBEDDED_PG_SCHEMAS: required (comma-separated schema names)');
  const sharedBuffers = source.EMBEDDED_PG_SHARED_BUFFERS || '16MB';
  if (!/^\d+(kB|MB|GB)$/.test(sharedBuffers)) problems.push('  EMBEDDED_PG_SHARED_BUFFERS: a size such as 16MB');
  const env = {
    EMBEDDED_PG_DIR: dir,
    EMBEDDED_PG_PORT: integer('EMBEDDED_PG_PORT', 9407, 0, 65535),
    EMBEDDED_PG_HOST: source.EMBEDDED_PG_HOST || '127.0.0.1',
    EMBEDDED_PG_SCHEMAS: schemas,
    EMBEDDED_PG_MAX_CONNECTIONS: integer('EMBEDDED_PG_MAX_CONNECTIONS', 20, 1, 100),
    EMBEDDED_PG_SHARED_BUFFERS: sharedBuffers,
  };
  if (problems.length) throw new Error(`embedded-postgres: invalid configuration\n${problems.join('\n')}`);
  return env;
}

async function main() {
  const env = embeddedEnv();
  const server = await startEmbeddedServer({
    dataDir: env.EMBEDDED_PG_DIR,
    port: env.EMBEDDED_PG_PORT,
    host: env.EMBEDDED_PG_HOST,
    schemas: env.EMBEDDED_PG_SCHEMAS,
    maxConnections: env.EMBEDDED_PG_MAX_CONNECTIONS,
    sharedBuffers: env.EMBEDDED_PG_SHARED_BUFFERS,
    log: (msg) => console.log(msg),
  });
  console.log(`embedded PostgreSQL listening on ${server.host}:${server.port}`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    // Closing PGlite flushes its files: a kill without it may lose the last writes.
    server.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
