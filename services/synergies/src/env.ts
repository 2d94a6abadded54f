import { assertProductionSecrets, readEnv, secretString } from '@maillage/env';
import { z } from 'zod';

/**
 * What the synergies subgraph reads besides the variables every subgraph shares. Read through here
 * only: at start (so a bad value stops the service with its name) and at each read of the graph
 * (the harness learns the gateway's address after the subgraphs are up).
 */
const shape = {
  /** Where the regional graph is read from. @default the local gateway */
  GATEWAY_URL: z.string().url('must be an http(s) URL').default('http://127.0.0.1:4000/graphql'),
  /** Seconds a snapshot serves before the next query triggers a new read (served stale meanwhile). */
  SYNERGIES_REFRESH_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  /** Bearer token with the analyst scope the service reads through the gateway with. */
  SYNERGIES_GATEWAY_TOKEN: z.string().min(20, 'must be a bearer token').optional(),
  /**
   * Or the HS256 key, issuer and audience the gateway verifies tokens with (its AUTH_JWT_SECRET,
   * AUTH_ISSUER, AUTH_AUDIENCE): the service then signs itself a 10-minute analyst token per read.
   */
  AUTH_JWT_SECRET: secretString().optional(),
  AUTH_ISSUER: z.string().min(1).optional(),
  AUTH_AUDIENCE: z.string().min(1).default('maillage'),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
};

export type SynergiesEnv = z.infer<z.ZodObject<typeof shape>>;

export function synergiesEnv(source: NodeJS.ProcessEnv = process.env): SynergiesEnv {
  const env = readEnv('synergies', shape, source);
  // A token key anyone can read would let anyone sign analyst (or admin) tokens the gateway accepts.
  assertProductionSecrets('synergies', env, { optional: ['AUTH_JWT_SECRET'] });
  if (env.NODE_ENV === 'production' && !env.SYNERGIES_GATEWAY_TOKEN && !(env.AUTH_JWT_SECRET && env.AUTH_ISSUER)) {
    throw new Error('synergies: invalid configuration\n  SYNERGIES_GATEWAY_TOKEN, or AUTH_JWT_SECRET with AUTH_ISSUER: required in production (to read the graph as an analyst)');
  }
  return env;
}
