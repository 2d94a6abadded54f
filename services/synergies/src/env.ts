import { readEnv } from '@maillage/kit';
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
  /** Bearer token with the analyst scope the service reads through the gateway with; required in production. */
  SYNERGIES_GATEWAY_TOKEN: z.string().min(20, 'must be a bearer token').optional(),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
};

export type SynergiesEnv = z.infer<z.ZodObject<typeof shape>>;

export function synergiesEnv(source: NodeJS.ProcessEnv = process.env): SynergiesEnv {
  const env = readEnv('synergies', shape, source);
  if (env.NODE_ENV === 'production' && !env.SYNERGIES_GATEWAY_TOKEN) {
    throw new Error('synergies: invalid configuration\n  SYNERGIES_GATEWAY_TOKEN: required in production (a token with the analyst scope)');
  }
  return env;
}
