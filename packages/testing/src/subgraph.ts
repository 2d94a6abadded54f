import { createLogger } from '@maillage/observability';
import { openDatabase } from '@maillage/db';
import { createSubgraphApollo, startSubgraph, type RunningServer } from '@maillage/subgraph-server';
import type { SeedLedger, SubgraphService } from '@maillage/service';
import { createDatabases, testServerUrl } from './databases';
import { testViewer, type As } from './roles';

/** Runs an operation in-process as `opts.as` (a role or a viewer); both in-process tiers take it. */
export type Execute = <D = Record<string, any>>(
  query: string,
  variables?: Record<string, unknown>,
  opts?: { as?: As },
) => Promise<{ data?: D | null; errors?: readonly any[] }>;

export interface SubgraphHarness<Client> {
  client: Client;
  /**
   * Runs an operation against the subgraph schema in-process (no HTTP), with a fresh context.
   * @default as admin: the trusted caller; pass a role to test authorization
   */
  execute: Execute;
  /**
   * Serves the same subgraph, on the same database, over HTTP on port 0 (the gateway's signature
   * checked, its signed routes such as `/changes` and `/standing` served); its GraphQL URL.
   * Started on the first call, stopped with the harness.
   */
  serve(): Promise<string>;
  stop(): Promise<void>;
}

/**
 * One subgraph on its own fresh, seeded database, for unit tests with `executeOperation`
 * (including `_entities` for each `@key`).
 */
export async function startSubgraphAlone<Client extends { $disconnect(): Promise<void> } & SeedLedger, Ctx extends object>(
  service: SubgraphService<Client, Ctx>,
  opts: {
    seed?: boolean;
    /** Connections of the PostgreSQL pool. @default the service's default */
    poolSize?: number;
    /** How long a transaction may wait for a connection. @default the service's default */
    transactionWaitMs?: number;
  } = {},
): Promise<SubgraphHarness<Client>> {
  const server = testServerUrl();
  const dbs = server ? await createDatabases(server, [service.name]) : undefined;
  const db = await openDatabase({
    service: service.name,
    url: dbs?.urls[service.name],
    migrationsDir: service.migrationsDir,
    poolSize: opts.poolSize,
  });
  const client = service.createClient(
    db.adapter,
    opts.transactionWaitMs ? { transactionOptions: { maxWait: opts.transactionWaitMs } } : undefined,
  );
  if (opts.seed ?? true) await service.seed(client, () => undefined);
  // A network subgraph asks the others whom an editor speaks for (NETWORK_PEERS): alone, it knows
  // none, unless the test says where they are; never the default ports, which other runs may hold.
  process.env.NETWORK_PEERS ??= '';
  const definition = service.definition(client, createLogger(service.name, 'silent'));
  let served: Promise<RunningServer> | undefined;
  const apollo = createSubgraphApollo(definition);
  await apollo.start();
  return {
    client,
    execute: async (query, variables, opts) => {
      const viewer = testViewer(opts?.as ?? 'admin');
      const res = await apollo.executeOperation(
        { query, variables },
        { contextValue: { ...(await definition.context({ viewer })), viewer } },
      );
      if (res.body.kind !== 'single') throw new Error('incremental delivery not expected');
      return res.body.singleResult as never;
    },
    serve: async () => {
      served ??= (async () =>
        startSubgraph(
          { ...definition, logger: createLogger(service.name, 'silent') },
          { port: 0, host: '127.0.0.1', changeWakeups: definition.changes ? await db.changeSignal() : undefined },
        ))();
      return (await served).url;
    },
    stop: async () => {
      await (await served)?.stop();
      await apollo.stop();
      await client.$disconnect();
      await db.close();
      await dbs?.drop();
    },
  };
}

/**
 * `startSubgraphAlone` for a whole test file: started before its first test, stopped after its
 * last. The harness it returns may be used inside tests only.
 */
export function subgraphForFile<Client extends { $disconnect(): Promise<void> } & SeedLedger, Ctx extends object>(
  service: SubgraphService<Client, Ctx>,
): SubgraphHarness<Client> {
  let h: SubgraphHarness<Client> | undefined;
  beforeAll(async () => {
    h = await startSubgraphAlone(service);
  }, 120_000);
  afterAll(async () => h?.stop());
  const started = () => {
    if (!h) throw new Error(`the ${service.name} subgraph is not started: use its harness inside a test`);
    return h;
  };
  return {
    get client() {
      return started().client;
    },
    execute: (query, variables, opts) => started().execute(query, variables, opts),
    serve: () => started().serve(),
    stop: () => started().stop(),
  };
}
