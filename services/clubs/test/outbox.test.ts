import { readChanges } from '@maillage/networks';
import { subgraphForFile, testViewer } from '@maillage/testing';
import { service } from '../src/server';

// The outbox of a network subgraph (the same code in all four): each write records its changes in
// its own transaction, a refused write records nothing, and the log reads back in order.
const s = subgraphForFile(service);

const editor = testViewer('editor', { networks: ['cb-reseau-1234'] });
const head = async () => (await readChanges(s.client, '0', 1)).head;
const ADD = `mutation($a: ID!, $start: Date) { addClubMembership(input: { clubId: "cb-reseau-1234", actorId: $a, category: MEMBER, startDate: $start }) { id } }`;

test('a write records its entity after the change; a refused one records nothing', async () => {
  const from = await head();
  const added = await s.execute(ADD, { a: 'act-outbox', start: '2024-01-01' }, { as: editor });
  const id = added.data!.addClubMembership.id;
  const refused = await s.execute(ADD, { a: 'act-outbox', start: '2024-06-01' }, { as: editor });
  expect(refused.errors![0].extensions!.code).toBe('DUPLICATE_MEMBERSHIP');
  await s.execute(`mutation($id: ID!) { endClubMembership(id: $id, endDate: "2025-01-01") { id } }`, { id }, { as: editor });
  const { changes } = await readChanges(s.client, from, 100);
  expect(changes.map((c) => [c.entityType, c.entityId, c.op])).toEqual([
    ['ClubMembership', id, 'UPSERT'],
    ['ClubMembership', id, 'UPSERT'],
  ]);
  expect(changes[1].payload).toMatchObject({
    networkId: 'cb-reseau-1234',
    actorId: 'act-outbox',
    startDate: '2024-01-01T00:00:00.000Z',
    endDate: '2025-01-01T00:00:00.000Z',
  });
  expect(BigInt(changes[1].seq)).toBeGreaterThan(BigInt(changes[0].seq));
});

test('an import records one entry per created row, an initiative its links, a visibility change the network', async () => {
  const from = await head();
  await s.execute(
    `mutation($input: ImportClubMembershipsInput!) { importClubMemberships(input: $input) { created } }`,
    {
      input: {
        clubId: 'cb-reseau-1234',
        memberships: [
          { actorId: 'act-outbox-1', category: 'MEMBER' },
          { actorId: 'act-outbox-2', category: 'MEMBER' },
        ],
      },
    },
    { as: editor },
  );
  // A dry run writes nothing, so it records nothing.
  await s.execute(
    `mutation($input: ImportClubMembershipsInput!) { importClubMemberships(input: $input) { created } }`,
    { input: { clubId: 'cb-reseau-1234', dryRun: true, memberships: [{ actorId: 'act-outbox-3', category: 'MEMBER' }] } },
    { as: editor },
  );
  await s.execute(
    `mutation($input: CreateClubInitiativeInput!) { createClubInitiative(input: $input) { id } }`,
    {
      input: {
        clubId: 'cb-reseau-1234',
        kind: 'MEETING',
        status: 'PLANNED',
        name: 'Petit-déjeuner',
        coOrganisers: [{ kind: 'COUNCIL', id: 'co-cmip' }],
        parties: [{ actorId: 'act-edf', role: 'PARTNER' }],
      },
    },
    { as: editor },
  );
  await s.execute(`mutation { setClubMemberListVisibility(id: "cb-reseau-1234", visibility: PRIVATE) { id } }`, {}, { as: editor });
  const { changes } = await readChanges(s.client, from, 100);
  expect(changes.map((c) => c.entityType)).toEqual(['ClubMembership', 'ClubMembership', 'ClubInitiative', 'Club']);
  // Each link with its agreement: named by an editor of the club alone, both are proposals.
  expect((changes[2].payload as { links: unknown[] }).links).toEqual(
    expect.arrayContaining([
      {
        role: 'CO_ORGANISER',
        targetType: 'Council',
        targetId: 'co-cmip',
        status: 'PROPOSED',
        proposedAt: expect.any(String),
        decidedAt: null,
      },
      { role: 'PARTNER', targetType: 'Actor', targetId: 'act-edf', status: 'PROPOSED', proposedAt: expect.any(String), decidedAt: null },
    ]),
  );
  // What the write changed, so that the gateway's entity cache drops only what depends on it.
  expect(changes[3]).toMatchObject({ entityId: 'cb-reseau-1234', payload: { membersPublic: false, changed: ['membersPublic'] } });
  await s.execute(`mutation { setClubMemberListVisibility(id: "cb-reseau-1234", visibility: PRIVATE) { id } }`, {}, { as: editor });
  const again = await readChanges(s.client, changes[3].seq, 100);
  expect(again.changes).toMatchObject([{ entityId: 'cb-reseau-1234', payload: { changed: [] } }]);
});

test('pages follow the numeric order of the log', async () => {
  for (let i = 0; i < 11; i++) await s.execute(ADD, { a: `act-outbox-page-${i}` }, { as: editor });
  const all = (await readChanges(s.client, '0', 1000)).changes.map((c) => BigInt(c.seq));
  for (let i = 1; i < all.length; i++) expect(all[i]).toBeGreaterThan(all[i - 1]);
  const paged: bigint[] = [];
  for (let after = '0'; ;) {
    const page = await readChanges(s.client, after, 3);
    if (!page.changes.length) break;
    paged.push(...page.changes.map((c) => BigInt(c.seq)));
    after = page.last;
  }
  expect(paged).toEqual(all);
});
