import { startSupergraph, type Harness } from '@maillage/testing';
import { serverAudits } from 'graphql-http';
import { startGateway } from '../src/server';
import { subgraphs } from './subgraphs';

// The GraphQL-over-HTTP spec's own audit suite (graphql-http's serverAudits: every MUST, SHOULD
// and MAY) against the running gateway, anonymous, over real HTTP.
let h: Harness;
beforeAll(async () => {
  h = await startSupergraph(subgraphs, startGateway);
}, 180_000);
afterAll(async () => h?.stop());

const audits = serverAudits({ url: () => h.gatewayUrl, fetchFn: fetch });

test('the suite has the 61 audits of graphql-http 1.23', () => {
  expect(audits).toHaveLength(61);
});

test.each(audits.map((a) => [a.name, a] as const))('%s', async (_name, audit) => {
  const result = await audit.fn();
  expect({ id: audit.id, status: result.status, reason: result.status === 'ok' ? undefined : result.reason }).toEqual({
    id: audit.id,
    status: 'ok',
    reason: undefined,
  });
});
