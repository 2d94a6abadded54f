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
import { readEnv } from '@maillage/env';
import { z } from 'zod';
import { startEmbeddedServer } from './embedded';

const env = readEnv('embedded-postgres', {
  EMBEDDED_PG_DIR: z.string().min(1),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(0).max(65535).default(9407),
  EMBEDDED_PG_HOST: z.string().min(1).default('127.0.0.1'),
  EMBEDDED_PG_SCHEMAS: z
    .string()
    .min(1)
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  EMBEDDED_PG_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(100).default(20),
  EMBEDDED_PG_SHARED_BUFFERS: z
    .string()
    .regex(/^\d+(kB|MB|GB)$/, 'a size such as 16MB')
    .default('16MB'),
});

async function main() {
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
