import { z } from 'zod';
import { DEV_SIGNING_SECRET } from '@maillage/viewer';

/** Connections per service's pool unless DATABASE_POOL_SIZE says otherwise (the db workspace uses it too). */
export const DEFAULT_POOL_SIZE = 10;

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
    /** Connections this service's PostgreSQL pool may open (ignored on PGlite). @default 10 */
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(DEFAULT_POOL_SIZE),
    /** Data directory of the embedded database; `memory://` keeps it in memory. */
    PGLITE_DIR: z.string().min(1).optional(),
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  };
}

/**
 * The secret the gateway signs forwarded requests with and every subgraph checks them with
 * (HS256). Required in production; elsewhere a development default applies, with a warning.
 */
export function signingEnvShape() {
  return {
    /** Shared by the gateway and the subgraphs; 32 characters at least. @default a development secret, outside production only */
    GATEWAY_SIGNING_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  };
}

/** The signing secret to use, refusing to start in production without a configured one. */
export function signingSecret(
  env: { GATEWAY_SIGNING_SECRET?: string; NODE_ENV?: string },
  service: string,
  warn: (msg: string) => void = (m) => console.warn(m),
): string {
  if (env.GATEWAY_SIGNING_SECRET) return env.GATEWAY_SIGNING_SECRET;
  if (env.NODE_ENV === 'production') throw new Error(`${service}: invalid configuration\n  GATEWAY_SIGNING_SECRET: required in production`);
  warn(`${service}: GATEWAY_SIGNING_SECRET is not set; using the development secret (never do this in production)`);
  return DEV_SIGNING_SECRET;
}
