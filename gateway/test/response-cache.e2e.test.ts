import { readFileSync } from 'node:fs';
import path from 'node:path';
import { signAccessToken } from '@maillage/viewer';
import { repoRoot, startSupergraph, type Harness } from '@maillage/testing';
import { startGateway } from '../src/server';
import { subgraphs } from './subgraphs';

// Public persisted queries over GET are answered from the gateway's response cache, for as long as
// the cache hints of their fields allow; nothing else is, and no viewer gets another role's answer.

let h: Harness;
const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'schema/operations/manifest.json'), 'utf8')) as {
  operations: { id: string; name: string }[];
};
const idOf = (name: string) => manifest.operations.find((o) => o.name === name)!.id;

async function get(name: string, variables: Record<string, unknown>, headers: Record<string, string> = {}) {
  const url = new URL(h.gatewayUrl);
  url.searchParams.set('id', idOf(name));
  url.searchParams.set('variables', JSON.stringify(variables));
  const res = await fetch(url, { headers: { accept: 'application/json', ...headers } });
  return { status: res.status, cacheControl: res.headers.get('cache-control'), age: res.headers.get('age'), text: await res.text() };
}

const chamberNames = (text: string): string[] => JSON.parse(text).data.territory.chambers.nodes.map((n: { name: string }) => n.name);

beforeAll(async () => {
  h = await startSupergraph(subgraphs, startGateway);
}, 180_000);

afterAll(async () => {
  await h?.stop();
});

test('a public persisted query is cached for the smallest max-age of its fields, and served again from the cache', async () => {
  const first = await get('NetworksInTerritory', { territoryId: 'DEP-12' });
  expect(first.status).toBe(200);
  // Territory 3600 s, network connections and networks 300 s: the answer may be kept 300 s.
  expect([first.cacheControl, first.age]).toEqual(['public, max-age=300', null]);
  const second = await get('NetworksInTerritory', { territoryId: 'DEP-12' });
  expect(second.age).not.toBeNull();
  expect(second.cacheControl).toMatch(/^public, max-age=(29\d|300)$/);
  const [a, b] = [JSON.parse(first.text), JSON.parse(second.text)];
  expect(b.data).toEqual(a.data);
  // The kept copy costs nothing but its own point, and says so.
  expect(a.extensions.cost.actual).toBeGreaterThan(0);
  expect(b.extensions.cost).toEqual({
    requested: a.extensions.cost.requested,
    actual: 0,
    budget: { limit: 50_000, remaining: expect.any(Number), resetAt: expect.any(String) },
  });
  // Other variables, another answer.
  const other = await get('NetworksInTerritory', { territoryId: 'DEP-81' });
  expect(other.age).toBeNull();
  expect(other.text).not.toBe(first.text);
});

test('a signed-in viewer never gets the shared answer, and the same query over POST is not cached', async () => {
  const anonymous = await get('NetworksInTerritory', { territoryId: 'DEP-34' });
  expect(anonymous.cacheControl).toBe('public, max-age=300');
  // Rename a chamber beneath the API: the anonymous answer stays as cached, the analyst sees the change at once.
  await h.clients.chambers.network.update({ where: { id: 'ch-cci-herault' }, data: { name: 'CCI Hérault (renamed for the cache test)' } });
  const cached = await get('NetworksInTerritory', { territoryId: 'DEP-34' });
  expect(cached.age).not.toBeNull();
  expect(chamberNames(cached.text)).not.toContain('CCI Hérault (renamed for the cache test)');
  const analyst = await get('NetworksInTerritory', { territoryId: 'DEP-34' }, { authorization: `Bearer ${await h.as('analyst').token()}` });
  expect([analyst.status, analyst.cacheControl, analyst.age]).toEqual([200, 'no-store', null]);
  expect(chamberNames(analyst.text)).toContain('CCI Hérault (renamed for the cache test)');
  // A token without any known scope reads what anonymous callers read, but it is a credential: its
  // answer is private and never the shared one.
  const scopeless = await get(
    'NetworksInTerritory',
    { territoryId: 'DEP-34' },
    { authorization: `Bearer ${await signAccessToken({ scopes: [], subject: 'nobody-special' })}` },
  );
  expect([scopeless.status, scopeless.cacheControl, scopeless.age]).toEqual([200, 'no-store', null]);
  expect(chamberNames(scopeless.text)).toContain('CCI Hérault (renamed for the cache test)');
  const post = await fetch(h.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id: idOf('NetworksInTerritory'), variables: { territoryId: 'DEP-34' } }),
  });
  expect([post.headers.get('cache-control'), post.headers.get('age')]).toEqual(['no-store', null]);
  expect(chamberNames(await post.text())).toContain('CCI Hérault (renamed for the cache test)');
});

test('each operation is kept no longer than its shortest-lived field allows', async () => {
  // ClubMembersByTerritory holds TerritoryMembers (60 s) beside the club (300 s) and territories (3600 s).
  const res = await get('ClubMembersByTerritory', { clubId: 'cb-reseau-1234' });
  expect(res.status).toBe(200);
  expect(res.cacheControl).toBe('public, max-age=60');
});

test('identical subgraph fetches in flight together are shared by the same viewer only', async () => {
  // Cyrille Brengues belongs to a club whose member list is private: analysts see that membership, anonymous callers do not.
  await h.clients.clubs.network.updateMany({
    where: {
      id: {
        in: (await h.clients.clubs.membership.findMany({ where: { actorId: 'act-cyrille-brengues' } })).map(
          (m: { networkId: string }) => m.networkId,
        ),
      },
    },
    data: { membersPublic: false },
  });
  const q = `{ actor(id: "act-cyrille-brengues") { clubMemberships { totalCount } } }`;
  const analyst = h.as('analyst');
  const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? analyst.query(q) : h.query(q))));
  const counts = answers.map((r) => r.data!.actor.clubMemberships.totalCount);
  const [anonymous, signedIn] = [counts.filter((_, i) => i % 2 === 0), counts.filter((_, i) => i % 2 === 1)];
  expect(new Set(anonymous).size).toBe(1);
  expect(new Set(signedIn).size).toBe(1);
  expect(signedIn[0]).toBeGreaterThan(anonymous[0]);
});
