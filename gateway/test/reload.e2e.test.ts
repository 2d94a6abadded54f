import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '@maillage/observability';
import { postGraphQL, repoRoot, startSupergraph, type Harness } from '@maillage/testing';
import { startGateway, type RunningGateway } from '../src/server';
import { subgraphs } from './subgraphs';

// The gateway picks up a new supergraph file without dropping requests, and refuses a broken one.
const original = readFileSync(path.join(repoRoot, 'schema/supergraph.graphql'), 'utf8');
const file = path.join(mkdtempSync(path.join(tmpdir(), 'maillage-supergraph-')), 'supergraph.graphql');
const DESCRIPTION = 'An organisation or a person of the regional ecosystem.';

let h: Harness;
let gateway: RunningGateway;
beforeAll(async () => {
  writeFileSync(file, original);
  h = await startSupergraph(subgraphs, startGateway);
  gateway = await startGateway({
    port: 0,
    host: '127.0.0.1',
    supergraphSdl: original,
    watchSupergraphPath: file,
    subgraphUrls: h.subgraphUrls,
    logger: createLogger('gateway', 'silent'),
  });
}, 180_000);
afterAll(async () => {
  await gateway?.stop();
  await h?.stop();
});

const description = async () =>
  (await postGraphQL<any>(gateway.url, '{ __type(name: "Actor") { description } }')).data!.__type.description as string;
const waitFor = async (check: () => Promise<boolean>) => {
  for (let i = 0; i < 50; i++) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
};

test('a changed supergraph file is served without dropping in-flight requests', async () => {
  expect(await description()).toContain(DESCRIPTION);
  const load = Array.from({ length: 40 }, () => postGraphQL<any>(gateway.url, '{ actorBySiren(siren: "552081317") { name } }'));
  writeFileSync(file, original.replace(DESCRIPTION, 'Reloaded: an actor of the region.'));
  const answers = await Promise.all(load);
  expect(answers.every((a) => a.status === 200 && a.data?.actorBySiren?.name === 'EDF')).toBe(true);
  expect(await waitFor(async () => (await description()).startsWith('Reloaded'))).toBe(true);
});

test('a supergraph that does not load is refused and the previous one keeps serving', async () => {
  writeFileSync(file, 'type Query { broken');
  await new Promise((r) => setTimeout(r, 600));
  expect(await description()).toMatch(/^Reloaded/);
  const res = await postGraphQL<any>(gateway.url, '{ actorBySiren(siren: "552081317") { name } }');
  expect(res.data!.actorBySiren.name).toBe('EDF');
});
