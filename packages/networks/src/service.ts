import path from 'node:path';
import { loadSchema, resolverMap } from '@maillage/subgraph-server';
import type { ClientOptions, SeedLedger, SubgraphService } from '@maillage/service';
import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { readChanges, shareAdapter, type StatementRunner } from '@maillage/db';
import { createLoaders, type NetworkContext } from './loaders';
import type { NetworkNames } from './names';
import type { NetworkDb } from './rows';
import { seedNetworks } from './seed';
import { NetworkPeers, standingEndpoint } from './standing';
import { DEV_SIGNING_SECRET } from '@maillage/viewer';

export interface NetworkServiceOptions<
  Client extends NetworkDb & SeedLedger & { $disconnect(): Promise<void> },
  R extends { [typeName: string]: object | undefined },
> {
  names: NetworkNames;
  defaultPort: number;
  /** The subgraph package's root folder (schema.graphql, prisma/, seed/). */
  packageDir: string;
  createClient(adapter: SqlDriverAdapterFactory, options?: ClientOptions): Client;
  /** The subgraph's resolvers (src/resolvers/index.ts), one object per type. */
  resolvers: R;
}

/** Builds a network subgraph from its names, its schema file, its Prisma client and its resolvers. */
export function networkService<
  Client extends NetworkDb & SeedLedger & { $disconnect(): Promise<void> },
  R extends { [typeName: string]: object | undefined },
>(
  opts: NetworkServiceOptions<Client, R>,
): SubgraphService<Client, NetworkContext> & { typeDefs: ReturnType<typeof loadSchema>; resolvers: R } {
  const typeDefs = loadSchema(path.join(opts.packageDir, 'schema.graphql'));
  const { resolvers } = opts;
  // Each client's typed statements run on the adapter it connected (typed-sql.ts `shareAdapter`).
  const runners = new WeakMap<object, StatementRunner>();
  const runnerOf = (client: Client) => {
    const run = runners.get(client);
    if (!run) throw new Error(`${opts.names.plural}: a client made without the service's createClient has no typed statements`);
    return run;
  };
  return {
    name: opts.names.plural,
    defaultPort: opts.defaultPort,
    migrationsDir: path.join(opts.packageDir, 'prisma/migrations'),
    seedDir: path.join(opts.packageDir, 'seed'),
    createClient: (adapter, options) => {
      const shared = shareAdapter(adapter);
      const client = opts.createClient(shared.factory, options);
      runners.set(client, shared.run);
      return client;
    },
    typeDefs,
    resolvers,
    definition: (client, logger, options) => {
      const peers = new NetworkPeers(opts.names, options?.signingSecret ?? DEV_SIGNING_SECRET, logger);
      return {
        name: opts.names.plural,
        typeDefs,
        resolvers: resolverMap<NetworkContext>(resolvers),
        context: ({ viewer }) => ({ db: client, loaders: createLoaders(client, opts.names.type, runnerOf(client)), viewer, peers }),
        ready: async () => {
          await client.$queryRaw`SELECT 1`;
        },
        changes: (after, first) => readChanges(client, after, first),
        endpoints: { '/standing': standingEndpoint(client) },
      };
    },
    seed: (client, log) => seedNetworks(client, path.join(opts.packageDir, 'seed'), log),
  };
}
