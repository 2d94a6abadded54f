import path from 'node:path';
import { TRANSACTION_OPTIONS } from '@maillage/db';
import { devToken, SCOPES_OF_ROLE, signAccessToken } from '@maillage/viewer';
import { loadSchema, resolverMap, type SubgraphDefinition } from '@maillage/subgraph-server';
import type { SubgraphService } from '@maillage/service';
import { synergiesEnv } from './env';
import { PrismaClient } from './generated/prisma/client';
import { createContext, type Context } from './context';
import { resolvers } from './resolvers';
import { GatewayReader, type SnapshotReader } from './source';
import { SnapshotStore } from './store';

export const typeDefs = loadSchema(path.join(__dirname, '../schema.graphql'));
export { resolvers };

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
      ? await signAccessToken(claims, { secret: env.AUTH_JWT_SECRET, issuer: env.AUTH_ISSUER, audience: env.AUTH_AUDIENCE, expiresIn: '10m' })
      : await devToken('analyst', { subject: claims.subject, expiresIn: '10m' }));
  return { authorization: `Bearer ${token}` };
}

/** The subgraph over its database; `reader` is the gateway's unless a test feeds a region of its own. */
export function createServer(
  prisma: PrismaClient,
  log: (msg: string) => void = (m) => console.log(`synergies: ${m}`),
  reader: SnapshotReader = new GatewayReader(() => synergiesEnv().GATEWAY_URL, bearer),
): SubgraphDefinition<Context> {
  const env = synergiesEnv();
  const store = new SnapshotStore(reader, prisma, { refreshMs: env.SYNERGIES_REFRESH_SECONDS * 1000, log });
  return {
    name: 'synergies',
    typeDefs,
    resolvers: resolverMap<Context>(resolvers),
    context: createContext(store),
    ready: async () => {
      await prisma.$queryRaw`SELECT 1`;
    },
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
