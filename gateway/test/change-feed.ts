import { readFileSync } from 'node:fs';
import { repoRoot } from '@maillage/testing';
import { changesUrlOf, HttpChangeSource } from '@maillage/subgraph-server';
import { DEV_SIGNING_SECRET } from '@maillage/viewer';
import { startGateway, type GatewayOptions, type RunningGateway } from '../src/server';

/** The head of a subgraph's change log, read with the client the gateway follows it with. */
export const headOf = async (name: string, graphqlUrl: string) =>
  (
    await new HttpChangeSource(
      name,
      () => changesUrlOf(graphqlUrl),
      () => DEV_SIGNING_SECRET,
      { reader: 'service:test' },
    ).read('0', 1)
  ).head;

/**
 * Resolves once the gateway's follower has invalidated every change of these subgraphs' logs
 * written so far (their heads now), within `withinMs`; returns how long it waited.
 */
export async function caughtUp(g: RunningGateway, urls: Record<string, string>, withinMs = 2000): Promise<number> {
  const t0 = performance.now();
  const heads = Object.fromEntries(await Promise.all(Object.entries(urls).map(async ([name, url]) => [name, await headOf(name, url)])));
  for (;;) {
    const positions = g.changeFeed!.positions();
    const behind = Object.keys(heads).filter((name) => BigInt(positions[name] ?? '0') < BigInt(heads[name]));
    if (!behind.length) return performance.now() - t0;
    if (performance.now() - t0 > withinMs) throw new Error(`change logs of ${behind.join(', ')} not delivered within ${withinMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Another gateway over the harness's subgraphs (a replica, a reference without cache), quiet, on port 0. */
export const gatewayOver = (subgraphUrls: Record<string, string>, opts: Partial<GatewayOptions> = {}) =>
  startGateway({
    port: 0,
    host: '127.0.0.1',
    supergraphSdl: readFileSync(`${repoRoot}/schema/supergraph.graphql`, 'utf8'),
    subgraphUrls,
    log: () => undefined,
    ...opts,
  });
