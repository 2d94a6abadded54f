import path from 'node:path';
import { shareAdapter, TRANSACTION_OPTIONS, type StatementRunner } from '@maillage/db';
import { DateScalar, DateTimeScalar, loadSchema, resolverMap, type SubgraphDefinition } from '@maillage/subgraph-server';
import type { SubgraphService } from '@maillage/service';
import { readChanges } from '@maillage/db';
import { createContext, type Context } from './context';
import { PrismaClient } from './generated/prisma/client';
import { Actor } from './resolvers/Actor';
import { Indicator } from './resolvers/Indicator';
import { Mutation } from './resolvers/Mutation';
import { PartnerKey, partnerKeyMutations, partnerKeyQueries } from './resolvers/PartnerKey';
import { Chamber, Club, Cluster, Council, TerritoryMembers } from './resolvers/NetworkMembers';
import { Query } from './resolvers/Query';
import { Role } from './resolvers/Role';
import { Territory } from './resolvers/Territory';
import { seed } from './seed';
import type { Resolvers } from './generated/resolvers-types';

export const typeDefs = loadSchema(['schema.graphql', 'shared.graphql'].map((file) => path.join(__dirname, '..', file)));

export const resolvers: Resolvers = {
  Date: DateScalar,
  DateTime: DateTimeScalar,
  Query: { ...Query, ...partnerKeyQueries },
  Mutation: { ...Mutation, ...partnerKeyMutations },
  PartnerKey,
  Actor,
  Role,
  Indicator,
  Territory,
  TerritoryMembers,
  Chamber,
  Cluster,
  Council,
  Club,
};

// Each client's typed statements run on the adapter it connected (@maillage/db `shareAdapter`).
const runners = new WeakMap<PrismaClient, StatementRunner>();

export function createServer(prisma: PrismaClient): SubgraphDefinition<Context> {
  const run = runners.get(prisma);
  if (!run) throw new Error("directory: a client made without the service's createClient has no typed statements");
  return {
    name: 'directory',
    typeDefs,
    resolvers: resolverMap<Context>(resolvers),
    context: ({ viewer }) => createContext(prisma, viewer, run),
    ready: async () => {
      await prisma.$queryRaw`SELECT 1`;
    },
    changes: (after, first) => readChanges(prisma, after, first),
  };
}

export const service: SubgraphService<PrismaClient, Context> = {
  name: 'directory',
  defaultPort: 4001,
  migrationsDir: path.join(__dirname, '../prisma/migrations'),
  seedDir: path.join(__dirname, '../seed'),
  createClient: (adapter, options) => {
    const shared = shareAdapter(adapter);
    const client = new PrismaClient({ adapter: shared.factory, transactionOptions: TRANSACTION_OPTIONS, ...options });
    runners.set(client, shared.run);
    return client;
  },
  definition: createServer,
  seed,
};
