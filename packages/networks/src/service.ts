import path from 'node:path';
import { DateScalar, loadSchema } from '@maillage/subgraph-server';
import type { SeedLedger, SubgraphService } from '@maillage/service';
import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { createLoaders, type NetworkContext } from './loaders';
import type { NetworkNames } from './names';
import { networkResolvers } from './resolvers';
import type { NetworkDb } from './rows';
import { seedNetworks } from './seed';

type Resolvers = Record<string, Record<string, unknown>>;

export interface NetworkServiceOptions<Client extends NetworkDb & SeedLedger & { $disconnect(): Promise<void> }> {
  names: NetworkNames;
  defaultPort: number;
  /** The subgraph package's root folder (schema.graphql, prisma/, seed/). */
  packageDir: string;
  createClient(adapter: SqlDriverAdapterFactory): Client;
  /** Resolvers of the subgraph's own fields, merged over the shared ones. */
  extraResolvers?: Resolvers;
}

function merge(base: Resolvers, extra: Resolvers): Resolvers {
  const out: Resolvers = { ...base };
  for (const [type, fields] of Object.entries(extra)) out[type] = { ...(out[type] ?? {}), ...fields };
  return out;
}

/** Builds a network subgraph from its names, its schema file, its Prisma client and its own extras. */
export function networkService<Client extends NetworkDb & SeedLedger & { $disconnect(): Promise<void> }>(
  opts: NetworkServiceOptions<Client>,
): SubgraphService<Client, NetworkContext> & { typeDefs: ReturnType<typeof loadSchema>; resolvers: Resolvers } {
  const typeDefs = loadSchema(path.join(opts.packageDir, 'schema.graphql'));
  const resolvers = merge({ Date: DateScalar as never, ...networkResolvers(opts.names) } as Resolvers, opts.extraResolvers ?? {});
  return {
    name: opts.names.plural,
    defaultPort: opts.defaultPort,
    migrationsDir: path.join(opts.packageDir, 'prisma/migrations'),
    seedDir: path.join(opts.packageDir, 'seed'),
    createClient: opts.createClient,
    typeDefs,
    resolvers,
    definition: (client) => ({
      name: opts.names.plural,
      typeDefs,
      resolvers: resolvers as never,
      context: ({ viewer }) => ({ db: client, loaders: createLoaders(client, opts.names.type), viewer }),
      ready: async () => {
        await client.$queryRaw`SELECT 1`;
      },
    }),
    seed: (client, log) => seedNetworks(client, path.join(opts.packageDir, 'seed'), log),
  };
}
