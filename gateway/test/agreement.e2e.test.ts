import { service as chambers } from '@maillage/chambers';
import { service as clubs } from '@maillage/clubs';
import { service as clusters } from '@maillage/clusters';
import { service as councils } from '@maillage/councils';
import { service as directory } from '@maillage/directory';
import { service as synergies } from '@maillage/synergies';
import { startSupergraph, type Harness } from '@maillage/testing';
import { startGateway } from '../src/server';

// Joint initiatives are agreed, not claimed (docs/architecture.md, "Agreed links"), end to end: a
// club names the metropolitan council as co-organiser; through the gateway the link shows as
// proposed and counts in no synergy measure; the council's editor confirms it and the measures
// count it within a second (the outbox entry carries the status to the index); a decline is shown
// and never counted; an editor of another network is refused. Then participation across kinds
// (below).

const FRESH_WITHIN_MS = 1000;
const LEAD = 'cb-reseau-1234';
const NAMED = 'co-cmip';

let h: Harness;
beforeAll(async () => {
  h = await startSupergraph([directory, chambers, clusters, councils, clubs, synergies] as never[], startGateway);
}, 240_000);
afterAll(() => h?.stop());

const leadEditor = () => h.as('editor', { networks: [LEAD], subject: 'editor-reseau-1234' }).query;
const namedEditor = () => h.as('editor', { networks: [NAMED], subject: 'editor-cmip' }).query;
const analyst = () => h.as('analyst').query;

async function ok(p: Promise<{ data?: unknown; errors?: unknown[] }>): Promise<any> {
  const res = await p;
  expect(res.errors).toBeUndefined();
  return res.data;
}

/** Asks until `check` holds, for at most `withinMs`; returns how long it took. */
async function shows(ask: () => Promise<boolean>, withinMs = FRESH_WITHIN_MS): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    if (await ask()) return Date.now() - t0;
    if (Date.now() - t0 > withinMs) throw new Error(`not shown within ${withinMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Initiatives the region's index holds (synergies' cross-kind list), joint ones only when asked. */
const indexed = async (jointOnly: boolean, kind = 'CLUB') =>
  (
    (
      await ok(
        analyst()(`query($j: Boolean, $k: NetworkKind) { initiatives(jointOnly: $j, kind: $k, first: 100) { nodes { id } } }`, {
          j: jointOnly,
          k: kind,
        }),
      )
    ).initiatives.nodes as { id: string }[]
  ).map((n) => n.id);

/** The club and council's co-participation count (the synergy measure of shared initiatives). */
const pair = async () =>
  (
    (
      await ok(
        analyst()(
          `{ coParticipation(first: 100) { networkA { ... on Club { id } ... on Council { id } } networkB { ... on Club { id } ... on Council { id } } count } }`,
        ),
      )
    ).coParticipation as { networkA: { id?: string }; networkB: { id?: string }; count: number }[]
  ).find((p) => [p.networkA.id, p.networkB.id].sort().join() === [LEAD, NAMED].sort().join())?.count ?? 0;

const SHAPE = `id joint organiserKinds coOrganisers { kind name } coOrganisations { status proposedAt decidedAt network { kind name } }`;
// Dated in the past: the measures' default period ends today.
const create = (name: string) =>
  ok(
    leadEditor()(`mutation($input: CreateClubInitiativeInput!) { createClubInitiative(input: $input) { ${SHAPE} } }`, {
      input: {
        clubId: LEAD,
        kind: 'MEETING',
        status: 'PLANNED',
        name,
        startDate: '2026-11-20',
        coOrganisers: [{ kind: 'COUNCIL', id: NAMED }],
      },
    }),
  ).then((d) => d.createClubInitiative);
const decide = (verb: 'confirm' | 'decline', initiativeId: string, as = namedEditor()) =>
  as(`mutation($i: ID!, $n: ID!) { ${verb}ClubCoOrganisation(initiativeId: $i, networkId: $n) { ${SHAPE} } }`, {
    i: initiativeId,
    n: NAMED,
  });

test('a proposal is shown as such and counted nowhere; the named council confirms it and it counts within a second', async () => {
  const pairBefore = await pair();
  const proposed = await create('Rencontre proposée au conseil');
  expect(proposed).toMatchObject({
    joint: false,
    organiserKinds: ['CLUB'],
    coOrganisers: [],
    coOrganisations: [{ status: 'PROPOSED', decidedAt: null, network: { kind: 'COUNCIL', name: expect.stringContaining('Industrie') } }],
  });
  // The index has it (the feed applied the change), yet not as joint, and the pair gains nothing.
  // (The first write may land while the index still takes its first full read: not the freshness
  // this test measures, which is the confirmation's below.)
  await shows(async () => (await indexed(false)).includes(proposed.id), 15_000);
  expect(await indexed(true)).not.toContain(proposed.id);
  expect(await pair()).toBe(pairBefore);

  // The council's editor finds it among the proposals awaiting its decision.
  const awaiting = await ok(namedEditor()(`{ clubInitiativesAwaiting(networkId: "${NAMED}") { nodes { id } } }`));
  expect(awaiting.clubInitiativesAwaiting.nodes).toContainEqual({ id: proposed.id });

  // The club's own editor may not confirm in the council's name.
  const refused = await decide('confirm', proposed.id, leadEditor());
  expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

  const confirmed = (await ok(decide('confirm', proposed.id))).confirmClubCoOrganisation;
  expect(confirmed).toMatchObject({
    joint: true,
    organiserKinds: ['CLUB', 'COUNCIL'],
    coOrganisers: [{ kind: 'COUNCIL' }],
    coOrganisations: [{ status: 'CONFIRMED', decidedAt: expect.any(String) }],
  });
  const delay = await shows(async () => (await indexed(true)).includes(proposed.id) && (await pair()) === pairBefore + 1);
  expect(delay).toBeLessThan(FRESH_WITHIN_MS);
  console.log(`agreement: delay from the confirmation's answer to the measures (ms): ${delay}`);

  // Read back through the gateway's cross-kind field, as any client: the same.
  const back = await ok(
    h.query(`query($id: ID!) { node(id: $id) { ... on Initiative { joint coOrganisations { status } } } }`, { id: proposed.id }),
  );
  expect(back.node).toEqual({ joint: true, coOrganisations: [{ status: 'CONFIRMED' }] });

  const again = await decide('decline', proposed.id);
  expect(again.errors?.[0]?.extensions?.code).toBe('NOT_PROPOSED');
});

test('a declined proposal stays shown as declined and is never counted', async () => {
  const pairBefore = await pair();
  const proposed = await create('Rencontre déclinée');
  const declined = (await ok(decide('decline', proposed.id))).declineClubCoOrganisation;
  expect(declined).toMatchObject({
    joint: false,
    coOrganisers: [],
    coOrganisations: [{ status: 'DECLINED', decidedAt: expect.any(String) }],
  });
  await shows(async () => (await indexed(false)).includes(proposed.id));
  expect(await indexed(true)).not.toContain(proposed.id);
  expect(await pair()).toBe(pairBefore);
});

test('unknown initiatives are NOT_FOUND, anonymous callers UNAUTHENTICATED', async () => {
  const unknown = await decide('confirm', 'cb-i-does-not-exist');
  expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  const anonymous = await decide('confirm', 'cb-i-does-not-exist', h.query);
  expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
});

// Across kinds (docs/architecture.md, "Standing across kinds"): a chamber's initiative names a
// member of a cluster as participant. Whether it is an active member is the clusters subgraph's
// to say, and the chambers subgraph asks it at the moment of the decision.
const CHAMBER = 'ch-cci-herault';
const CLUSTER = 'cl-poles-entrepreneuriaux-alexis';
const CLUSTER_MEMBER = 'act-peel';
const NOT_A_MEMBER = 'act-edf';
const chamberEditor = () => h.as('editor', { networks: [CHAMBER], subject: 'editor-cci-herault' }).query;
const clusterEditor = () => h.as('editor', { networks: [CLUSTER], subject: 'editor-alexis' }).query;

const PARTIES = `id parties { edges { node { id } status } } proposed: parties(status: PROPOSED) { edges { node { id } } }`;
const createChamberInitiative = (as: Harness['query'], name: string, actorIds: string[], idempotencyKey?: string) =>
  as(
    `mutation($input: CreateChamberInitiativeInput!, $key: String) { createChamberInitiative(input: $input, idempotencyKey: $key) { ${PARTIES} } }`,
    {
      key: idempotencyKey,
      input: {
        chamberId: CHAMBER,
        kind: 'MEETING',
        status: 'PLANNED',
        name,
        startDate: '2026-11-20',
        parties: actorIds.map((actorId) => ({ actorId, role: 'PARTICIPANT' })),
      },
    },
  );
const decideParticipation = (verb: 'confirm' | 'decline', as: Harness['query'], initiativeId: string, actorId: string) =>
  as(`mutation($i: ID!, $a: ID!) { ${verb}ChamberParticipation(initiativeId: $i, actorId: $a) { ${PARTIES} } }`, {
    i: initiativeId,
    a: actorId,
  });
/** The actor's initiatives in the region's index (synergies' cross-kind list): confirmed parties only. */
const actorInitiatives = async (actorId: string) =>
  (
    (await ok(h.query(`query($id: ID!) { actor(id: $id) { initiatives(first: 100) { nodes { id } } } }`, { id: actorId }))).actor
      .initiatives.nodes as { id: string }[]
  ).map((n) => n.id);

test("a cluster's editor confirms its member's participation in a chamber's initiative; a non-member's is refused", async () => {
  const created = (await ok(createChamberInitiative(chamberEditor(), 'Atelier avec le pôle', [CLUSTER_MEMBER, NOT_A_MEMBER])))
    .createChamberInitiative;
  // Neither is a member of the chamber: both are proposals, and the index lists neither's participation.
  expect(created.parties.edges).toEqual([]);
  expect(created.proposed.edges.map((e: { node: { id: string } }) => e.node.id).sort()).toEqual([CLUSTER_MEMBER, NOT_A_MEMBER].sort());
  await shows(async () => (await indexed(false, 'CHAMBER')).includes(created.id), 15_000);
  expect(await actorInitiatives(CLUSTER_MEMBER)).not.toContain(created.id);

  // The chamber's own editor does not speak for a cluster's member.
  const chamberRefused = await decideParticipation('confirm', chamberEditor(), created.id, CLUSTER_MEMBER);
  expect(chamberRefused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  // The cluster's editor does not speak for an actor who is not its member.
  const notMember = await decideParticipation('confirm', clusterEditor(), created.id, NOT_A_MEMBER);
  expect(notMember.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

  const confirmed = (await ok(decideParticipation('confirm', clusterEditor(), created.id, CLUSTER_MEMBER))).confirmChamberParticipation;
  expect(confirmed.parties.edges).toEqual([{ node: { id: CLUSTER_MEMBER }, status: 'CONFIRMED' }]);
  expect(confirmed.proposed.edges).toEqual([{ node: { id: NOT_A_MEMBER } }]);
  // The decision went to the chambers' outbox with the write: the index counts it within a second.
  const delay = await shows(async () => (await actorInitiatives(CLUSTER_MEMBER)).includes(created.id));
  expect(delay).toBeLessThan(FRESH_WITHIN_MS);
  expect(await actorInitiatives(NOT_A_MEMBER)).not.toContain(created.id);
  const row = await h.clients.chambers.initiativeLink.findFirst({ where: { initiativeId: created.id, targetId: CLUSTER_MEMBER } });
  expect(row).toMatchObject({ status: 'CONFIRMED', proposedBy: 'editor-cci-herault', decidedBy: 'editor-alexis' });

  // Declining is the same rule; the decided link cannot be decided again.
  expect((await decideParticipation('decline', clusterEditor(), created.id, NOT_A_MEMBER)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  expect((await decideParticipation('decline', clusterEditor(), created.id, CLUSTER_MEMBER)).errors?.[0]?.extensions?.code).toBe(
    'NOT_PROPOSED',
  );
});

test("a proposer who edits the chamber and the cluster speaks for the cluster's member at once", async () => {
  const both = h.as('editor', { networks: [CHAMBER, CLUSTER], subject: 'editor-both' }).query;
  const created = (await ok(createChamberInitiative(both, 'Atelier commun', [CLUSTER_MEMBER, NOT_A_MEMBER]))).createChamberInitiative;
  expect(created.parties.edges).toEqual([{ node: { id: CLUSTER_MEMBER }, status: 'CONFIRMED' }]);
  expect(created.proposed.edges).toEqual([{ node: { id: NOT_A_MEMBER } }]);
});

test('while the clusters subgraph is down, its editors cannot speak for its members: SUBGRAPH_UNAVAILABLE, nothing written', async () => {
  const created = (await ok(createChamberInitiative(chamberEditor(), 'Atelier pendant la panne', [CLUSTER_MEMBER])))
    .createChamberInitiative;
  const both = h.as('editor', { networks: [CHAMBER, CLUSTER], subject: 'editor-both' }).query;
  const first = (await ok(createChamberInitiative(both, 'Atelier avant la panne', [CLUSTER_MEMBER], 'standing-retry-0001')))
    .createChamberInitiative;
  await h.stopSubgraph('clusters');
  try {
    const down = await decideParticipation('confirm', clusterEditor(), created.id, CLUSTER_MEMBER);
    expect(down.errors?.[0]?.extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'clusters' });
    const row = await h.clients.chambers.initiativeLink.findFirst({ where: { initiativeId: created.id, targetId: CLUSTER_MEMBER } });
    expect(row).toMatchObject({ status: 'PROPOSED', decidedBy: null });
    // A new creation that needs the clusters' word is refused; a retry of one already made gets its answer.
    const refused = await createChamberInitiative(both, 'Atelier pendant la panne, bis', [CLUSTER_MEMBER], 'standing-retry-0002');
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'clusters' });
    const retried = (await ok(createChamberInitiative(both, 'Atelier avant la panne', [CLUSTER_MEMBER], 'standing-retry-0001')))
      .createChamberInitiative;
    expect(retried).toEqual(first);
  } finally {
    await h.restartSubgraph('clusters');
  }
  const confirmed = (await ok(decideParticipation('confirm', clusterEditor(), created.id, CLUSTER_MEMBER))).confirmChamberParticipation;
  expect(confirmed.parties.edges).toEqual([{ node: { id: CLUSTER_MEMBER }, status: 'CONFIRMED' }]);
});
