import { composeServices } from '@apollo/composition';
import { ApolloGateway, LocalGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ANONYMOUS, buildSecuredSubgraphSchema, supergraphForGateway, type Viewer } from '@maillage/viewer';
import { createLogger } from '@maillage/observability';
import { openDatabase } from '@maillage/db';
import type { SubgraphService } from '@maillage/service';
import { execute, parse, type GraphQLSchema } from 'graphql';
import { createDatabases, testServerUrl } from './databases';
import { testViewer, type As } from './roles';
import type { Execute } from './subgraph';

/**
 * Runs a subgraph schema in the gateway's process with a fresh subgraph context (DataLoaders) for
 * each fetch, as the HTTP server would.
 */
class InProcessDataSource extends LocalGraphQLDataSource {
  constructor(
    schema: GraphQLSchema,
    private readonly context: (request: { viewer: Viewer }) => unknown,
  ) {
    super(schema);
  }
  override async process({ request, context }: Parameters<LocalGraphQLDataSource['process']>[0]) {
    // The viewer travels from the gateway's request context, as the signed header does over HTTP.
    const viewer = (context as { viewer?: Viewer }).viewer ?? ANONYMOUS;
    return execute({
      schema: this.schema,
      document: parse(request.query!),
      variableValues: request.variables,
      contextValue: { ...((await this.context({ viewer })) as object), viewer },
    }) as never;
  }
}

export interface InProcessSupergraph {
  /** Composition errors, if the subgraphs do not compose (then nothing else is started). */
  compositionErrors?: string[];
  /** Runs an operation through the gateway. @default as admin */
  execute: Execute;
  /** Each subgraph's Prisma client, by service name, to arrange data a test needs. */
  clients: Record<string, any>;
  /** Runs an operation on one subgraph alone (an `_entities` fetch as the gateway sends it), as `opts.as`. @default as admin */
  executeSubgraph<D = Record<string, any>>(
    name: string,
    query: string,
    variables?: Record<string, unknown>,
    opts?: { as?: As },
  ): Promise<{ data?: D | null; errors?: readonly any[] }>;
  stop(): Promise<void>;
}

/**
 * The middle tier: the subgraphs' SDL composed here with @apollo/composition (not the committed
 * file), a real ApolloGateway planning queries, and each subgraph executed in-process over its own
 * fresh, seeded database. No HTTP.
 */
export async function startInProcessSupergraph(services: SubgraphService<any, object>[]): Promise<InProcessSupergraph> {
  const definitions = new Map<string, ReturnType<SubgraphService<any, object>['definition']>>();
  const server = testServerUrl();
  const dbs = server
    ? await createDatabases(
        server,
        services.map((s) => `${s.name}_ip`),
      )
    : undefined;
  const closers: (() => Promise<void>)[] = [];
  const clients: Record<string, any> = {};
  for (const service of services) {
    const db = await openDatabase({ service: service.name, url: dbs?.urls[`${service.name}_ip`], migrationsDir: service.migrationsDir });
    const client = service.createClient(db.adapter);
    clients[service.name] = client;
    closers.push(async () => {
      await client.$disconnect();
      await db.close();
    });
    await service.seed(client, () => undefined);
    // In process there is no HTTP to ask the other network subgraphs over (NETWORK_PEERS): none,
    // never the default ports, which other runs may hold.
    process.env.NETWORK_PEERS ??= '';
    definitions.set(service.name, service.definition(client, createLogger(service.name, 'silent')));
  }
  const composed = composeServices(
    [...definitions.entries()].map(([name, d]) => ({ name, typeDefs: d.typeDefs, url: `in-process://${name}` })),
  );
  const stopAll = async () => {
    for (const close of closers) await close();
    await dbs?.drop();
  };
  if (composed.errors) {
    await stopAll();
    return {
      compositionErrors: composed.errors.map((e) => e.message),
      clients: {},
      execute: async () => ({}),
      executeSubgraph: async () => ({}),
      stop: async () => undefined,
    };
  }
  const schemas = new Map(
    [...definitions].map(([name, d]) => [name, buildSecuredSubgraphSchema({ typeDefs: d.typeDefs, resolvers: d.resolvers })]),
  );
  const gateway = new ApolloGateway({
    supergraphSdl: supergraphForGateway(composed.supergraphSdl),
    buildService: ({ name }) => new InProcessDataSource(schemas.get(name)!, definitions.get(name)!.context),
  });
  const apollo = new ApolloServer({ gateway, stopOnTerminationSignals: false });
  await apollo.start();
  return {
    execute: async (query, variables, opts) => {
      const res = await apollo.executeOperation({ query, variables }, { contextValue: { viewer: testViewer(opts?.as ?? 'admin') } });
      if (res.body.kind !== 'single') throw new Error('incremental delivery not expected');
      return res.body.singleResult as never;
    },
    clients,
    executeSubgraph: async (name, query, variables, opts) => {
      const viewer = testViewer(opts?.as ?? 'admin');
      return execute({
        schema: schemas.get(name)!,
        document: parse(query),
        variableValues: variables,
        contextValue: { ...((await definitions.get(name)!.context({ viewer })) as object), viewer },
      }) as never;
    },
    stop: async () => {
      await apollo.stop();
      await stopAll();
    },
  };
}
