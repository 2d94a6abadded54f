// Written by `npm run networks` from templates/network/test/: edit the template, not this file.
import { readChanges } from '@maillage/db';
import type { NetworkDb } from '@maillage/networks';
import { postSignedRoute, startSubgraphAlone, testViewer, unreachableUrl, type SubgraphHarness } from '@maillage/testing';
import { service } from '../src/server';

// Agreed links (docs/architecture.md, "Agreed links"): a co-organiser or a party named by the lead
// is a proposal until someone who speaks for it decides.
let s: SubgraphHarness<NetworkDb>;
// Another kind's subgraph is not running here: its address is a port nobody listens on, so asking
// it fails as an outage would (the cross-kind answers are in gateway/test/agreement.e2e.test.ts).
let unreachable: string;
beforeAll(async () => {
  unreachable = `chambers=${await unreachableUrl()}`;
  process.env.NETWORK_PEERS = unreachable;
  s = await startSubgraphAlone(service);
}, 120_000);
afterAll(async () => s?.stop());

const LEAD = 'cb-club-entrepreneurs-millavois';
// A network of another subgraph: a reference here, which this subgraph names without reading.
const NAMED = 'ch-agreement-named';
const MEMBER = 'act-agreement-member';
const OUTSIDER = 'act-agreement-outsider';
const leadEditor = testViewer('editor', { networks: [LEAD], subject: 'lead-editor' });
const namedEditor = testViewer('editor', { networks: [NAMED], subject: 'named-editor' });
// An editor of another club, which the actors of these tests are no members of.
const otherEditor = testViewer('editor', { networks: ['cb-agreement-other'], subject: 'other-editor' });

const FIELDS = `id joint organiserKinds coOrganisers { __typename ... on Club { id } }
  coOrganisations { status proposedAt decidedAt network { __typename ... on Club { id } } }
  parties { edges { node { id } status } }
  proposed: parties(status: PROPOSED) { edges { node { id } status proposedAt decidedAt } }`;
const CREATE = `mutation($input: CreateClubInitiativeInput!) { createClubInitiative(input: $input) { ${FIELDS} } }`;
const decide = (verb: 'confirm' | 'decline', what: 'CoOrganisation' | 'Participation', arg: 'networkId' | 'actorId') =>
  `mutation($i: ID!, $t: ID!) { ${verb}Club${what}(initiativeId: $i, ${arg}: $t) { ${FIELDS} } }`;
const CONFIRM_CO = decide('confirm', 'CoOrganisation', 'networkId');
const DECLINE_CO = decide('decline', 'CoOrganisation', 'networkId');
const CONFIRM_PARTY = decide('confirm', 'Participation', 'actorId');
const DECLINE_PARTY = decide('decline', 'Participation', 'actorId');
const codes = (res: { errors?: readonly { extensions?: { code?: string } }[] }) => (res.errors ?? []).map((e) => e.extensions?.code);

let initiativeId: string;

test('naming another network and a non-member makes proposals; a member of the lead is confirmed at once', async () => {
  const added = await s.execute(
    `mutation($input: AddClubMembershipInput!) { addClubMembership(input: $input) { id } }`,
    { input: { clubId: LEAD, actorId: MEMBER, category: 'MEMBER' } },
  );
  expect(added.errors).toBeUndefined();
  const res = await s.execute(
    CREATE,
    {
      input: {
        clubId: LEAD,
        kind: 'MEETING',
        status: 'PLANNED',
        name: 'Rencontre à confirmer',
        coOrganisers: [{ kind: 'CHAMBER', id: NAMED }],
        parties: [
          { actorId: MEMBER, role: 'PARTICIPANT' },
          { actorId: OUTSIDER, role: 'PARTNER' },
        ],
      },
    },
    { as: leadEditor },
  );
  expect(res.errors).toBeUndefined();
  const i = res.data!.createClubInitiative;
  initiativeId = i.id;
  expect(i.coOrganisers).toEqual([]);
  expect(i.joint).toBe(false);
  expect(i.organiserKinds).toEqual(['CLUB']);
  expect(i.coOrganisations).toEqual([{ status: 'PROPOSED', proposedAt: expect.any(String), decidedAt: null, network: { __typename: 'Chamber' } }]);
  expect(i.parties.edges).toEqual([{ node: { id: MEMBER }, status: 'CONFIRMED' }]);
  expect(i.proposed.edges).toEqual([{ node: { id: OUTSIDER }, status: 'PROPOSED', proposedAt: expect.any(String), decidedAt: null }]);

  const joint = await s.execute(`{ clubInitiatives(jointOnly: true, first: 100) { nodes { id } } }`);
  expect(joint.data!.clubInitiatives.nodes.map((n: { id: string }) => n.id)).not.toContain(initiativeId);
});

test('as the authority on its networks, /standing says which actors those the viewer edits speak for', async () => {
  const url = (await s.serve()).replace(/\/graphql$/, '/standing');
  const FORMER = 'act-agreement-former';
  const added = await s.execute(`mutation($input: AddClubMembershipInput!) { addClubMembership(input: $input) { id } }`, {
    input: { clubId: LEAD, actorId: FORMER, category: 'MEMBER', startDate: '2019-01-01', endDate: '2020-01-01' },
  });
  expect(added.errors).toBeUndefined();
  const lead = await s.client.network.findUnique({ where: { id: LEAD } });
  const operator = lead!.actorId ?? 'act-agreement-operator';
  if (!lead!.actorId) await s.client.network.update({ where: { id: LEAD }, data: { actorId: operator } });

  const asked = { actorIds: [MEMBER, OUTSIDER, FORMER, operator], networkIds: [LEAD] };
  const answer = await postSignedRoute(url, asked, leadEditor);
  expect(answer.status).toBe(200);
  expect(answer.body.spokenFor).toEqual(
    expect.arrayContaining([
      { actorId: MEMBER, networkId: LEAD, as: 'MEMBER' },
      { actorId: operator, networkId: LEAD, as: 'OPERATOR' },
    ]),
  );
  // An ended membership speaks for nobody; an actor who is no member neither.
  const spoken = (answer.body.spokenFor as { actorId: string }[]).map((p) => p.actorId);
  expect(spoken).not.toContain(FORMER);
  expect(spoken).not.toContain(OUTSIDER);
  // Only about the networks the viewer edits, and only for editors; a body it cannot read is refused.
  expect(await postSignedRoute(url, asked, namedEditor)).toMatchObject({ status: 403, body: { errors: [{ extensions: { code: 'FORBIDDEN' } }] } });
  expect((await postSignedRoute(url, asked, 'analyst')).status).toBe(403);
  expect(await postSignedRoute(url, { actorIds: [], networkIds: [LEAD] }, leadEditor)).toMatchObject({
    status: 400,
    body: { errors: [{ extensions: { code: 'BAD_USER_INPUT' } }] },
  });
  // Signed for another subgraph, or not at all: the gateway's rules, 401.
  expect((await postSignedRoute(url, asked, leadEditor, 'chambers')).status).toBe(401);
  expect((await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(asked) })).status).toBe(401);
});

test('the named network sees the proposal awaiting it; others may not list it', async () => {
  const q = `query($n: ID!) { clubInitiativesAwaiting(networkId: $n) { totalCount nodes { id } } }`;
  const mine = await s.execute(q, { n: NAMED }, { as: namedEditor });
  expect(mine.data!.clubInitiativesAwaiting).toEqual({ totalCount: 1, nodes: [{ id: initiativeId }] });
  expect(codes(await s.execute(q, { n: NAMED }, { as: leadEditor }))).toEqual(['FORBIDDEN']);
});

test('only an editor of the named network decides: the lead editor is refused', async () => {
  const res = await s.execute(CONFIRM_CO, { i: initiativeId, t: NAMED }, { as: leadEditor });
  expect(codes(res)).toEqual(['FORBIDDEN']);
  expect(codes(await s.execute(CONFIRM_CO, { i: initiativeId, t: NAMED }, { as: 'anonymous' }))).toEqual(['UNAUTHENTICATED']);
});

test('unknown initiatives and links that were never proposed are NOT_FOUND', async () => {
  expect(codes(await s.execute(CONFIRM_CO, { i: 'cb-i-nope', t: NAMED }, { as: namedEditor }))).toEqual(['NOT_FOUND']);
  expect(codes(await s.execute(CONFIRM_CO, { i: initiativeId, t: 'ch-other' }, { as: 'admin' }))).toEqual(['NOT_FOUND']);
});

test('the named network confirms: it counts, the decision is dated, and it goes to the outbox in the same write', async () => {
  const res = await s.execute(CONFIRM_CO, { i: initiativeId, t: NAMED }, { as: namedEditor });
  expect(res.errors).toBeUndefined();
  const i = res.data!.confirmClubCoOrganisation;
  expect(i.coOrganisers).toEqual([{ __typename: 'Chamber' }]);
  expect(i.joint).toBe(true);
  expect(i.organiserKinds).toEqual(['CLUB', 'CHAMBER']);
  expect(i.coOrganisations[0]).toMatchObject({ status: 'CONFIRMED', decidedAt: expect.any(String) });

  const rows = await s.client.initiativeLink.findMany({ where: { initiativeId, role: 'CO_ORGANISER' } });
  expect(rows[0]).toMatchObject({ status: 'CONFIRMED', proposedBy: 'lead-editor', decidedBy: 'named-editor' });
  const log = await readChanges(s.client, '0', 10_000);
  const last = log.changes.filter((c) => c.entityId === initiativeId).at(-1)!;
  expect((last.payload as { links: { targetId: string; status: string }[] }).links).toContainEqual(
    expect.objectContaining({ targetId: NAMED, status: 'CONFIRMED' }),
  );

  const joint = await s.execute(`{ clubInitiatives(jointOnly: true, first: 100) { nodes { id } } }`);
  expect(joint.data!.clubInitiatives.nodes.map((n: { id: string }) => n.id)).toContain(initiativeId);
  const awaiting = await s.execute(`query($n: ID!) { clubInitiativesAwaiting(networkId: $n) { totalCount } }`, { n: NAMED }, { as: namedEditor });
  expect(awaiting.data!.clubInitiativesAwaiting.totalCount).toBe(0);
});

test('a decided link cannot be decided again: NOT_PROPOSED', async () => {
  expect(codes(await s.execute(CONFIRM_CO, { i: initiativeId, t: NAMED }, { as: namedEditor }))).toEqual(['NOT_PROPOSED']);
  expect(codes(await s.execute(DECLINE_CO, { i: initiativeId, t: NAMED }, { as: namedEditor }))).toEqual(['NOT_PROPOSED']);
});

test('a participation is decided by who speaks for the actor: not the named network, an admin yes', async () => {
  expect(codes(await s.execute(CONFIRM_PARTY, { i: initiativeId, t: OUTSIDER }, { as: otherEditor }))).toEqual(['FORBIDDEN']);
  expect(codes(await s.execute(CONFIRM_PARTY, { i: initiativeId, t: OUTSIDER }, { as: leadEditor }))).toEqual(['FORBIDDEN']);
  // The named network is of another kind: whether the outsider is one of its members is its own
  // subgraph's to say, and that subgraph does not answer here. Nothing is decided on a guess.
  const before = (await readChanges(s.client, '0', 10_000)).changes.length;
  const unanswered = await s.execute(CONFIRM_PARTY, { i: initiativeId, t: OUTSIDER }, { as: namedEditor });
  expect(unanswered.errors?.[0]?.extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'chambers' });
  expect(await s.client.initiativeLink.findMany({ where: { initiativeId, targetId: OUTSIDER } })).toMatchObject([{ status: 'PROPOSED' }]);
  expect((await readChanges(s.client, '0', 10_000)).changes.length).toBe(before);
  const res = await s.execute(DECLINE_PARTY, { i: initiativeId, t: OUTSIDER }, { as: 'admin' });
  expect(res.errors).toBeUndefined();
  const i = res.data!.declineClubParticipation;
  expect(i.parties.edges).toEqual([{ node: { id: MEMBER }, status: 'CONFIRMED' }]);
  expect(i.proposed.edges).toEqual([]);
  const declined = await s.execute(
    `query($id: ID!) { clubInitiative(id: $id) { parties(status: DECLINED) { edges { node { id } decidedAt } } } }`,
    { id: initiativeId },
  );
  expect(declined.data!.clubInitiative.parties.edges).toEqual([{ node: { id: OUTSIDER }, decidedAt: expect.any(String) }]);
  expect(codes(await s.execute(CONFIRM_PARTY, { i: initiativeId, t: OUTSIDER }, { as: 'admin' }))).toEqual(['NOT_PROPOSED']);
});

test('an editor of a club the actor is a member of confirms its participation; a declined co-organisation stays shown, uncounted', async () => {
  const res = await s.execute(
    CREATE,
    {
      input: {
        clubId: LEAD,
        kind: 'MEETING',
        status: 'IDEA',
        name: 'Projet à deux',
        coOrganisers: [{ kind: 'CHAMBER', id: NAMED }],
        parties: [{ actorId: OUTSIDER, role: 'PARTICIPANT' }],
      },
    },
    { as: leadEditor },
  );
  const id = res.data!.createClubInitiative.id;
  const declined = await s.execute(DECLINE_CO, { i: id, t: NAMED }, { as: namedEditor });
  expect(declined.data!.declineClubCoOrganisation).toMatchObject({ joint: false, coOrganisers: [], coOrganisations: [{ status: 'DECLINED' }] });

  // The outsider joins the lead: its editors now speak for it.
  await s.execute(`mutation($input: AddClubMembershipInput!) { addClubMembership(input: $input) { id } }`, {
    input: { clubId: LEAD, actorId: OUTSIDER, category: 'MEMBER' },
  });
  const confirmed = await s.execute(CONFIRM_PARTY, { i: id, t: OUTSIDER }, { as: leadEditor });
  expect(confirmed.errors).toBeUndefined();
  expect(confirmed.data!.confirmClubParticipation.parties.edges).toEqual([{ node: { id: OUTSIDER }, status: 'CONFIRMED' }]);
  const actor = await s.execute(`query($r: [_Any!]!) { _entities(representations: $r) { ... on Actor { clubInitiatives { nodes { id } } } } }`, {
    r: [{ __typename: 'Actor', id: OUTSIDER }],
  });
  // Its participation in the first initiative was declined: only the confirmed one lists.
  expect(actor.data!._entities[0].clubInitiatives.nodes).toEqual([{ id }]);
});

test('a proposer who edits networks of several kinds: members here are confirmed without asking elsewhere; others wait for the other kind', async () => {
  const both = testViewer('editor', { networks: [LEAD, NAMED], subject: 'both-editor' });
  const input = (parties: { actorId: string; role: string }[]) => ({
    input: { clubId: LEAD, kind: 'MEETING', status: 'IDEA', name: 'Rencontre des deux réseaux', parties },
  });
  // MEMBER is a member of the lead: spoken for here, the other kind's subgraph is not needed.
  const here = await s.execute(CREATE, input([{ actorId: MEMBER, role: 'PARTICIPANT' }]), { as: both });
  expect(here.errors).toBeUndefined();
  expect(here.data!.createClubInitiative.parties.edges).toEqual([{ node: { id: MEMBER }, status: 'CONFIRMED' }]);
  // A stranger here might be a member of the other kind's network: only its subgraph can say, and
  // it does not answer, so nothing is created (a retry with the same idempotency key is safe).
  const count = await s.client.initiative.count();
  const elsewhere = await s.execute(CREATE, input([{ actorId: 'act-agreement-stranger', role: 'PARTICIPANT' }]), { as: both });
  expect(elsewhere.errors?.[0]?.extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'chambers' });
  expect(await s.client.initiative.count()).toBe(count);
  // Not configured at all is the same refusal, never a guess.
  process.env.NETWORK_PEERS = '';
  try {
    const unconfigured = await s.execute(CREATE, input([{ actorId: 'act-agreement-stranger', role: 'PARTICIPANT' }]), { as: both });
    expect(unconfigured.errors?.[0]?.extensions?.code).toBe('SUBGRAPH_UNAVAILABLE');
  } finally {
    process.env.NETWORK_PEERS = unreachable;
  }
});

test('seeded co-organisers, stated by their sources, are confirmed', async () => {
  const rows = await s.client.initiativeLink.findMany({ where: { proposedBy: 'source' } });
  expect(rows.length).toBeGreaterThan(0);
  expect(rows.every((r) => r.status === 'CONFIRMED' && r.decidedBy === 'source')).toBe(true);
});
