import { totalStatements } from '@maillage/observability';
import { encodeCursor } from '@maillage/subgraph-server';
import { startSupergraph, type Harness } from '@maillage/testing';
import { startGateway } from '../src/server';
import { subgraphs } from './subgraphs';

// The number of SQL statements a gateway request costs must not depend on how many entities its
// lists hold: every hop to entities goes through a per-request DataLoader.
let h: Harness;

/** Five clubs in a commune, each with `perClub` member companies of that commune. */
async function arrange(communeId: string, tag: string, perClub: number) {
  const actors = Array.from({ length: 5 * perClub }, (_, i) => ({
    id: `act-${tag}-${i}`,
    kind: 'COMPANY',
    name: `Entreprise ${tag} ${i}`,
    searchName: `entreprise ${tag} ${i}`,
    communeId,
    reach: [communeId],
    sources: [],
  }));
  await h.clients.directory.actor.createMany({ data: actors });
  const networks = Array.from({ length: 5 }, (_, k) => ({
    id: `cb-${tag}-${k}`,
    subtype: 'BUSINESS_CLUB',
    name: `Club ${tag} ${k}`,
    searchName: `club ${tag} ${k}`,
    scope: [communeId],
    reach: [communeId],
    sources: [],
  }));
  await h.clients.clubs.network.createMany({ data: networks });
  await h.clients.clubs.membership.createMany({
    data: actors.map((a, i) => ({
      id: `cb-m-${tag}-${i}`,
      networkId: `cb-${tag}-${i % 5}`,
      actorId: a.id,
      category: 'MEMBER',
      sources: [],
    })),
  });
}

const QUERY = `query($t: ID!) {
  territory(id: $t) {
    clubs(first: 100) {
      nodes {
        name
        memberCount
        members(first: 100) {
          nodes { actor { name commune { name } departement { id } clubMemberships { totalCount } chamberMemberships { totalCount } } }
        }
      }
    }
  }
}`;

async function statementsFor(territoryId: string) {
  // 100 clubs of 100 members: more than an anonymous caller may ask for at once (gateway/src/limits.ts).
  const before = totalStatements();
  const res = await h.as('admin').query(QUERY, { t: territoryId });
  expect(res.errors).toBeUndefined();
  const members = res.data!.territory.clubs.nodes.flatMap((c: any) => c.members.nodes);
  return { statements: totalStatements() - before, members: members.length };
}

beforeAll(async () => {
  // This file counts statements, not time: on a loaded machine (CI runs every workspace at once) 500
  // entities through in-process subgraphs outlast the default 5 s deadline, and a timeout here says
  // nothing about batching.
  h = await startSupergraph(subgraphs, (o) => startGateway({ ...o, resilience: { deadlineMs: 60_000, timeoutMs: 60_000 } }));
  await arrange('COM-29019', 'small', 1);
  await arrange('COM-35238', 'large', 100);
}, 180_000);
afterAll(async () => h?.stop());

test('statements per request stay the same for 5 and for 500 entities', async () => {
  await statementsFor('COM-29019'); // warm-up: first request plans the query
  const small = await statementsFor('COM-29019');
  const large = await statementsFor('COM-35238');
  expect(small.members).toBe(5);
  expect(large.members).toBe(500);
  expect(small.statements).toBeGreaterThan(0);
  expect(large.statements).toBe(small.statements);
  console.log(`statements per request: ${small.statements} for 5 entities, ${large.statements} for 500`);
});

test.each([
  ['key cursors', 'key'],
  ['offset cursors issued before the lists were keyed', 'offset'],
])('pages of actors asked side by side (aliases) cost the statements of one page, with %s', async (_, kind) => {
  // The cursors a client that read the earlier pages holds: each page's endCursor, or the old offsets.
  const cursors: string[] = [];
  for (let i = 0, after: string | null = null; i < 4; i++) {
    const res = await h
      .as('admin')
      .query(`query($a: String) { actors(territoryId: "COM-35238", first: 100, after: $a) { pageInfo { endCursor } } }`, {
        a: after,
      });
    after = res.data!.actors.pageInfo.endCursor as string;
    cursors.push(kind === 'key' ? after : encodeCursor(i * 100 + 99));
  }
  const pages = (n: number) =>
    // A named operation, as clients send: the planner names each of its fetches after it.
    `query Pages { ${Array.from({ length: n }, (_, i) => `p${i}: actors(territoryId: "COM-35238", first: 100${i ? `, after: "${cursors[i - 1]}"` : ''}) { nodes { id clubMemberships { totalCount } } }`).join(' ')} }`;
  const count = async (n: number) => {
    const before = totalStatements();
    const res = await h.as('admin').query(pages(n));
    expect(res.errors).toBeUndefined();
    const ids = Object.values(res.data!).flatMap((p: any) => p.nodes.map((a: { id: string }) => a.id));
    return { statements: totalStatements() - before, actors: ids.length, distinct: new Set(ids).size };
  };
  await count(1);
  const one = await count(1);
  const five = await count(5);
  expect([one.actors, five.actors, five.distinct]).toEqual([100, 500, 500]);
  expect(five.statements).toBe(one.statements);
  console.log(`statements per request: ${one.statements} for one page of 100 actors, ${five.statements} for five pages`);
});
