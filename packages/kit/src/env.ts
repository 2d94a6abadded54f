import { z } from 'zod';

/**
 * Validates a service's environment once, at start, and fails with a message that names every
 * variable that is wrong. Nothing else in a service reads `process.env`.
 */
export function readEnv<S extends z.ZodRawShape>(
  service: string,
  shape: S,
  source: NodeJS.ProcessEnv = process.env,
): z.infer<z.ZodObject<S>> {
  const parsed = z.object(shape).safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`${service}: invalid configuration\n${lines.join('\n')}`);
  }
  return parsed.data;
}

const port = z.coerce.number().int().min(0).max(65535);
const postgresUrl = z
  .string()
  .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
  .optional();

/**
 * The variables every subgraph shares. `DATABASE_URL` selects PostgreSQL; without it the service
 * runs on embedded PostgreSQL (PGlite) stored under `PGLITE_DIR`.
 */
export function subgraphEnvShape(defaultPort: number) {
  return {
    PORT: port.default(defaultPort),
    /** @default 127.0.0.1: subgraphs are reached through the gateway, not from outside. */
    HOST: z.string().min(1).default('127.0.0.1'),
    DATABASE_URL: postgresUrl,
    /** Data directory of the embedded database; `memory://` keeps it in memory. */
    PGLITE_DIR: z.string().min(1).optional(),
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  };
}
