import path from 'node:path';
import { TRANSACTION_OPTIONS } from '@maillage/db';
import { devToken, SCOPES_OF_ROLE, signAccessToken } from '@maillage/viewer';
import { loadSchema, resolverMap, type SubgraphDefinition } from '@maillage/subgraph-server';
import type { SubgraphService } from '@maillage/service';
import { signingSecret } from '@maillage/env';
import type { RegionSnapshot } from '@maillage/synergy';
import { feedUrls, refreshSeconds, synergiesEnv } from './env';
import { FEED_READER, HttpChangeSource } from './feed';
import { PrismaClient } from './generated/prisma/client';
import { createContext, type Context } from './context';
import { resolvers } from './resolvers';
import { GatewayReader, type SnapshotReader } from './source';
import { SnapshotStore, type CheckpointStore, type FeedOptions } from './store';

export const typeDefs = loadSchema(['schema.graphql', 'shared.graphql'].map((file) => path.join(__dirname, '..', file)));
export { resolvers };
export { GatewayReader } from './source';
export type { FeedChange } from './feed';
export type { SnapshotStore } from './store';

/**
 * How the service authenticates to the gateway: the configured token; else a short analyst token
 * it signs with the gateway's HS256 key; else (outside production only) a development token.
 */
async function bearer(): Promise<Record<string, string>> {
  const env = synergiesEnv();
  const claims = { scopes: SCOPES_OF_ROLE.analyst, subject: 'service:synergies' };
  const token =
    env.SYNERGIES_GATEWAY_TOKEN ??
    (env.AUTH_JWT_SECRET
      ? await signAccessToken(claims, {
          secret: env.AUTH_JWT_SECRET,
          issuer: env.AUTH_ISSUER,
          audience: env.AUTH_AUDIENCE,
          expiresIn: '10m',
        })
      : await devToken('analyst', { subject: claims.subject, expiresIn: '10m' }));
  return { authorization: `Bearer ${token}` };
}

/** The checkpoint in the service's own tables: the snapshot and every position, in one transaction. */
export function prismaCheckpoints(prisma: PrismaClient): CheckpointStore {
  return {
    saveCheckpoint: async (snapshot, positions) => {
      const json = JSON.parse(JSON.stringify(snapshot)) as object;
      await prisma.$transaction([
        prisma.snapshotCheckpoint.upsert({
          where: { id: 'region' },
          create: { id: 'region', snapshot: json },
          update: { snapshot: json, savedAt: new Date() },
        }),
        ...Object.entries(positions).map(([subgraph, position]) =>
          prisma.feedPosition.upsert({ where: { subgraph }, create: { subgraph, position }, update: { position } }),
        ),
      ]);
    },
    loadCheckpoint: async () => {
      const [row, positions] = await Promise.all([
        prisma.snapshotCheckpoint.findUnique({ where: { id: 'region' } }),
        prisma.feedPosition.findMany(),
      ]);
      if (!row) return null;
      return {
        snapshot: row.snapshot as unknown as RegionSnapshot,
        positions: Object.fromEntries(positions.map((p) => [p.subgraph, p.position])),
      };
    },
  };
}

/** The change logs to follow, from the environment (read at each poll: tests learn the ports late). */
export function feedFromEnv(prisma: PrismaClient, extra: Pick<FeedOptions, 'onApply'> = {}): FeedOptions | undefined {
  const env = synergiesEnv();
  if (env.SYNERGIES_FEED_POLL_MS === 0 || !Object.keys(feedUrls(env)).length) return undefined;
  const secret = signingSecret(env, 'synergies');
  return {
    sources: Object.keys(feedUrls(env)).map(
      (name) =>
        new HttpChangeSource(
          name,
          () => feedUrls(synergiesEnv())[name],
          () => secret,
          { reader: FEED_READER },
        ),
    ),
    pollMs: env.SYNERGIES_FEED_POLL_MS,
    checkpointMs: env.SYNERGIES_CHECKPOINT_SECONDS * 1000,
    checkpoints: prismaCheckpoints(prisma),
    ...extra,
  };
}

/**
 * The subgraph over its database; `reader` is the gateway's unless a test feeds a region of its
 * own, `feed` the change logs of SYNERGIES_FEEDS (none when a test gives its own reader) unless a test passes its own (or `null`: none).
 */
export function createServer(
  prisma: PrismaClient,
  log: (msg: string) => void = (m) => console.log(`synergies: ${m}`),
  reader?: SnapshotReader,
  feed?: FeedOptions | null,
): SubgraphDefinition<Context> & { store: SnapshotStore } {
  const env = synergiesEnv();
  // A region a test feeds has no logs to follow, unless the test gives them too.
  const follow = feed === undefined ? (reader ? undefined : feedFromEnv(prisma)) : (feed ?? undefined);
  const store = new SnapshotStore(reader ?? new GatewayReader(() => synergiesEnv().GATEWAY_URL, bearer), prisma, {
    refreshMs: refreshSeconds(env) * 1000,
    log,
    feed: follow,
  });
  void store.start(); // logs its own failure; the first query then reads the graph
  return {
    name: 'synergies',
    typeDefs,
    resolvers: resolverMap<Context>(resolvers),
    context: createContext(store),
    ready: async () => {
      await prisma.$queryRaw`SELECT 1`;
    },
    stop: () => store.stop(),
    store,
  };
}

export const service: SubgraphService<PrismaClient, Context> = {
  name: 'synergies',
  defaultPort: 4006,
  migrationsDir: path.join(__dirname, '../prisma/migrations'),
  seedDir: path.join(__dirname, '../seed'),
  createClient: (adapter, options) => new PrismaClient({ adapter, transactionOptions: TRANSACTION_OPTIONS, ...options }),
  definition: (prisma, logger) => createServer(prisma, (m) => logger.info(m)),
  // Nothing to load: every fact it serves is read from the other subgraphs through the gateway.
  seed: async (_client, log) => log('synergies: no seed data; the snapshot is read through the gateway'),
};
