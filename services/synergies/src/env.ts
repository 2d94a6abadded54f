import { assertProductionSecrets, readEnv, secretString, signingEnvShape } from '@maillage/env';
import { z } from 'zod';

/**
 * What the synergies subgraph reads besides the variables every subgraph shares. Read through here
 * only: at start (so a bad value stops the service with its name) and at each read of the graph
 * (the harness learns the gateway's address after the subgraphs are up).
 */
const shape = {
  /** Where the regional graph is read from. @default the local gateway */
  GATEWAY_URL: z.string().url('must be an http(s) URL').default('http://127.0.0.1:4000/graphql'),
  /**
   * Seconds between full reads of the graph. With the change feed on, a slow safety net (the feed
   * keeps the index fresh); with it off, how stale a snapshot may get before the next query
   * triggers a new read (served stale meanwhile). @default 3600 with the feed, 300 without
   */
  SYNERGIES_REFRESH_SECONDS: z.coerce.number().int().min(1).max(86_400).optional(),
  /**
   * Where each subgraph's change log is followed: `name=url` pairs, comma-separated, the URL being
   * the subgraph's GraphQL endpoint (its `/changes` route sits beside it). Reached directly, signed
   * with GATEWAY_SIGNING_SECRET as the gateway signs, because the log is no part of the graph.
   * Empty: none (the feed is off). @default the five subgraphs on 127.0.0.1:4001-4005
   */
  SYNERGIES_FEEDS: z
    .string()
    .regex(/^$|^\s*[a-z]+=https?:\/\/\S+(\s*,\s*[a-z]+=https?:\/\/\S+)*\s*$/, 'must be name=url pairs separated by commas')
    .default(
      'directory=http://127.0.0.1:4001/graphql,chambers=http://127.0.0.1:4002/graphql,clusters=http://127.0.0.1:4003/graphql,councils=http://127.0.0.1:4004/graphql,clubs=http://127.0.0.1:4005/graphql',
    ),
  /** Milliseconds between two polls of the change logs; 0 turns the feed off (periodic full reads only). @default 200 */
  SYNERGIES_FEED_POLL_MS: z.coerce.number().int().min(0).max(60_000).default(200),
  /** Seconds between two saved checkpoints (snapshot and positions) while changes are applied. @default 5 */
  SYNERGIES_CHECKPOINT_SECONDS: z.coerce.number().min(0).max(3600).default(5),
  ...signingEnvShape(),
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
  assertProductionSecrets('synergies', env, {
    optional: ['AUTH_JWT_SECRET'],
    required: env.SYNERGIES_FEED_POLL_MS > 0 ? ['GATEWAY_SIGNING_SECRET'] : [],
  });
  if (env.NODE_ENV === 'production' && !env.SYNERGIES_GATEWAY_TOKEN && !(env.AUTH_JWT_SECRET && env.AUTH_ISSUER)) {
    throw new Error(
      'synergies: invalid configuration\n  SYNERGIES_GATEWAY_TOKEN, or AUTH_JWT_SECRET with AUTH_ISSUER: required in production (to read the graph as an analyst)',
    );
  }
  return env;
}

/** The change logs to follow, by subgraph name. */
export function feedUrls(env: SynergiesEnv): Record<string, string> {
  return Object.fromEntries(
    env.SYNERGIES_FEEDS.split(',')
      .filter((pair) => pair.trim())
      .map((pair) => {
        const [name, url] = pair.trim().split(/=(.*)/s);
        return [name, url.replace(/\/graphql\/?$/, '/changes')];
      }),
  );
}

/** Seconds between full reads: a slow safety net when the feed is on. */
export const refreshSeconds = (env: SynergiesEnv): number => env.SYNERGIES_REFRESH_SECONDS ?? (env.SYNERGIES_FEED_POLL_MS > 0 ? 3600 : 300);
