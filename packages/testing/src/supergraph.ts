import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GraphQLClient } from '@maillage/client';
import { createLogger } from '@maillage/observability';
import type { RunningServer } from '@maillage/subgraph-server';
import { startService, type SubgraphService } from '@maillage/service';
import { createDatabases, testServerUrl } from './databases';
import { testViewer, tokenFor, type As } from './roles';
import { DEV_SIGNING_SECRET, gatewayHeaders, type Role } from '@maillage/viewer';

type AnyService = SubgraphService<any, object>;

export interface GraphQLResponse<D = Record<string, any>> {
  status: number;
  data?: D | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[];
  headers: Headers;
}

export interface Harness {
  gatewayUrl: string;
  subgraphUrls: Record<string, string>;
  /** Where each service (`gateway` and every subgraph) serves `/metrics`: a listener apart from its public port. */
  metricsUrls: Record<string, string>;
  /** Each subgraph's database client, for tests that arrange data beneath the API. */
  clients: Record<string, any>;
  /** Stops one subgraph (its server and database connection), as a crash would. */
  stopSubgraph(name: string): Promise<void>;
  /** Starts a stopped subgraph again on the same port and database. */
  restartSubgraph(name: string): Promise<void>;
  /** POSTs an operation to the gateway, anonymously, and returns status, data, errors. */
  query<D = Record<string, any>>(query: string, variables?: Record<string, unknown>, operationName?: string): Promise<GraphQLResponse<D>>;
  /**
   * The same, signed in as a role with a development token (`networks`: what an editor may edit).
   * `h.as('admin').query(...)`, `h.as('editor', { networks: ['cb-reseau-1234'] }).query(...)`.
   */
  as(
    role: Exclude<Role, 'anonymous' | 'partner'>,
    opts?: { networks?: string[]; subject?: string },
  ): { query: Harness['query']; token: () => Promise<string> };
  stop(): Promise<void>;
}

export type StartGateway = (opts: {
  port: number;
  host: string;
  supergraphSdl: string;
  subgraphUrls: Record<string, string>;
  log?: (msg: string) => void;
  logger?: ReturnType<typeof createLogger>;
}) => Promise<RunningServer>;

export const repoRoot = path.resolve(__dirname, '../../..');

/** POSTs a GraphQL operation as JSON (the shared client of @maillage/client), errors returned as they came. */
export async function postGraphQL<D>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  operationName?: string,
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<D>> {
  // As long as a test may wait: a hung subgraph is the gateway's to time out, not the harness's.
  return new GraphQLClient({ url, timeoutMs: 60_000 }).execute<D, Record<string, unknown> | undefined>(query, variables, {
    operationName,
    headers,
  });
}

const subgraphNames = new Map<string, Promise<string>>();
/** The name a subgraph server answers to (its `/health` says it), which the gateway's signature names. */
export function subgraphNameAt(url: string): Promise<string> {
  let name = subgraphNames.get(url);
  if (!name) {
    name = fetch(url.replace(/\/graphql$/, '/health')).then(async (r) => ((await r.json()) as { service: string }).service);
    subgraphNames.set(url, name);
    name.catch(() => subgraphNames.delete(url));
  }
  return name;
}

/**
 * POSTs an operation straight to a subgraph, signed as the gateway signs what it forwards (with
 * the development secret), as `as`. @default as admin
 */
export async function postAsGateway<D>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  as: As = 'admin',
  secret = DEV_SIGNING_SECRET,
) {
  const body = JSON.stringify({ query, variables });
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      ...(await gatewayHeaders(testViewer(as), secret, await subgraphNameAt(url), body)),
    },
    body,
  });
  const answer = (await res.json()) as { data?: D; errors?: GraphQLResponse['errors'] };
  return { status: res.status, data: answer.data, errors: answer.errors, headers: res.headers } as GraphQLResponse<D>;
}

/**
 * POSTs a JSON body to one of a subgraph's signed routes (`/changes`, `/standing`), signed as the
 * gateway signs, for the viewer `as`, naming `subgraph` in the statement. @default the name the
 * server's `/health` answers with
 */
export async function postSignedRoute(url: string, body: unknown, as: As, subgraph?: string, secret = DEV_SIGNING_SECRET) {
  const text = JSON.stringify(body);
  const name = subgraph ?? (await subgraphNameAt(url.replace(/\/[a-z]+$/, '/graphql')));
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(await gatewayHeaders(testViewer(as), secret, name, text)) },
    body: text,
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

/**
 * Starts every subgraph on port 0 with its own fresh, seeded database (PostgreSQL when a server is
 * configured, in-memory PGlite otherwise) and a real gateway over HTTP in front of them.
 */
export async function startSupergraph(
  services: AnyService[],
  startGateway: StartGateway,
  opts: {
    quiet?: boolean;
    logger?: (service: string) => ReturnType<typeof createLogger>;
    /** Embedded databases on disk (temporary folders) rather than in memory, so a restarted subgraph finds its data. */
    persistent?: boolean;
  } = {},
): Promise<Harness> {
  const loggerFor = opts.logger ?? ((service: string) => createLogger(service, opts.quiet === false ? 'info' : 'silent'));
  const log = opts.quiet === false ? undefined : () => undefined;
  const server = testServerUrl();
  const dbs = server
    ? await createDatabases(
        server,
        services.map((s) => s.name),
      )
    : undefined;
  const clients: Record<string, unknown> = {};
  const byName = new Map<string, { service: AnyService; server: RunningServer | null; port: number; pgliteDir?: string }>();
  const pgliteDirFor = (name: string) => (!dbs && opts.persistent ? mkdtempSync(path.join(tmpdir(), `maillage-${name}-`)) : undefined);
  try {
    // One at a time: on PGlite each start is CPU-bound, and this machine has two cores.
    for (const service of services) {
      // The synergies subgraph follows the change logs of the subgraphs started before it (directly,
      // not through the gateway); it reads SYNERGIES_FEEDS when it is created.
      process.env.SYNERGIES_FEEDS = [...byName.entries()].map(([name, e]) => `${name}=http://127.0.0.1:${e.port}/graphql`).join(',');
      const pgliteDir = pgliteDirFor(service.name);
      const started = await startService(service, {
        port: 0,
        host: '127.0.0.1',
        databaseUrl: dbs?.urls[service.name],
        pgliteDir,
        seed: true,
        log,
        logger: loggerFor(service.name),
      });
      clients[service.name] = started.client;
      byName.set(service.name, { service, server: started, port: started.port, pgliteDir });
    }
    const subgraphUrls = Object.fromEntries(services.map((s) => [s.name, `http://127.0.0.1:${byName.get(s.name)!.port}/graphql`]));
    // The network subgraphs ask one another whom an editor speaks for (packages/networks
    // standing.ts); they read NETWORK_PEERS at each ask, and the ports are known only now.
    process.env.NETWORK_PEERS = Object.entries(subgraphUrls)
      .map(([name, url]) => `${name}=${url}`)
      .join(',');
    const metricsUrls: Record<string, string> = Object.fromEntries(services.map((s) => [s.name, byName.get(s.name)!.server!.metricsUrl!]));
    const supergraphSdl = readFileSync(path.join(repoRoot, 'schema/supergraph.graphql'), 'utf8');
    const gateway = await startGateway({ port: 0, host: '127.0.0.1', supergraphSdl, subgraphUrls, log, logger: loggerFor('gateway') });
    if (gateway.metricsUrl) metricsUrls.gateway = gateway.metricsUrl;
    // The synergies subgraph reads the graph back through the gateway, whose port is known only now;
    // it reads GATEWAY_URL at each read of the graph.
    process.env.GATEWAY_URL = gateway.url;
    const stopSubgraph = async (name: string) => {
      const entry = byName.get(name)!;
      await entry.server?.stop();
      entry.server = null;
    };
    return {
      stopSubgraph,
      restartSubgraph: async (name) => {
        const entry = byName.get(name)!;
        if (entry.server) return;
        entry.server = await startService(entry.service, {
          port: entry.port,
          host: '127.0.0.1',
          databaseUrl: dbs?.urls[name],
          pgliteDir: entry.pgliteDir,
          seed: !dbs && !entry.pgliteDir,
          log,
          logger: loggerFor(name),
        });
        clients[name] = (entry.server as RunningServer & { client: unknown }).client;
        metricsUrls[name] = entry.server.metricsUrl!;
      },
      gatewayUrl: gateway.url,
      subgraphUrls,
      metricsUrls,
      clients,
      query: (q, v, op) => postGraphQL(gateway.url, q, v, op),
      as: (role, o) => {
        const token = () => tokenFor(role, o);
        return { token, query: async (q, v, op) => postGraphQL(gateway.url, q, v, op, { authorization: `Bearer ${await token()}` }) };
      },
      stop: async () => {
        await gateway.stop();
        for (const name of byName.keys()) await stopSubgraph(name);
        await dbs?.drop();
      },
    };
  } catch (err) {
    for (const e of byName.values()) await e.server?.stop().catch(() => undefined);
    await dbs?.drop();
    throw err;
  }
}
