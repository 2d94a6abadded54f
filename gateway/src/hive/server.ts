import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import { DEV_SIGNING_SECRET } from '@maillage/viewer';
import { DEV_TOKENS, type TokenConfig } from '../auth';
import { loadPersistedOperations } from '../operations';
import type { PartnerKeyRevocations } from '../revocations';
import { useMaillage } from './plugin';

const DEFAULT_OPERATIONS = path.resolve(__dirname, '../../../schema/operations/manifest.json');

export interface HiveGatewayOptions {
  port: number;
  host: string;
  /** The committed supergraph SDL (schema/supergraph.graphql). */
  supergraphSdl: string;
  /** Subgraph name -> URL, overriding the routing URLs in the supergraph. */
  subgraphUrls?: Record<string, string>;
  /** @default the development secret */
  signingSecret?: string;
  /** @default development tokens (scripts/dev-token.js) */
  tokens?: TokenConfig;
  /** @default schema/operations/manifest.json */
  operationsPath?: string;
  /** @default 30000 ms */
  partnerKeyCacheMs?: number;
  /** Revocations announced by Maillage's gateways, heard here too. @default none */
  revocations?: PartnerKeyRevocations;
  /** Hive Gateway's own logging. @default false */
  logging?: boolean | 'debug' | 'info' | 'warn' | 'error';
}

/** The routing URLs the supergraph names, each replaced by its override when one is given. */
export function routingUrls(sdl: string, overrides: Record<string, string> = {}): Record<string, string> {
  const entries = [...sdl.matchAll(/join__graph\(name: "([^"]+)", url: "([^"]+)"\)/g)].map((m) => [m[1], overrides[m[1]] ?? m[2]] as const);
  return Object.fromEntries(entries);
}

/**
 * Hive Gateway serving the committed supergraph in front of Maillage's subgraphs, with the
 * Maillage plugin verifying callers and signing fetches. Used by `npm run start:hive` and the tests.
 */
export async function startHiveGateway(opts: HiveGatewayOptions) {
  const urls = routingUrls(opts.supergraphSdl, opts.subgraphUrls);
  const supergraph = opts.supergraphSdl.replace(
    /join__graph\(name: "([^"]+)", url: "([^"]+)"\)/g,
    (_m, name: string) => `join__graph(name: "${name}", url: "${urls[name]}")`,
  );
  if (!urls.directory) throw new Error('the supergraph has no directory subgraph, which holds partner keys');
  const runtime = createGatewayRuntime({
    supergraph,
    logging: opts.logging ?? false,
    landingPage: false,
    plugins: () => [
      useMaillage({
        signingSecret: opts.signingSecret ?? DEV_SIGNING_SECRET,
        tokens: opts.tokens ?? DEV_TOKENS,
        directoryUrl: urls.directory,
        subgraphUrls: urls,
        operations: loadPersistedOperations(opts.operationsPath ?? DEFAULT_OPERATIONS),
        partnerKeyCacheMs: opts.partnerKeyCacheMs,
        revocations: opts.revocations,
      }),
    ],
  });
  // The runtime answers each request itself (errors included); the listener only starts it.
  const server = http.createServer((req, res) => void runtime(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${opts.host}:${port}/graphql`,
    port,
    stop: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await closed;
      await runtime.dispose();
    },
  };
}
