// Written by `npm run networks` from templates/network/test/: edit the template, not this file.
import { readChanges } from '@maillage/db';
import type { NetworkDb } from '@maillage/networks';
import { startSubgraphAlone, testViewer, unreachableUrl, type SubgraphHarness } from '@maillage/testing';
import { service } from '../src/server';

// updateClubInitiative (docs/architecture.md, "Agreed links"): the fields given change, the
// co-organisers and parties given replace the list under the rule of a creation, and the change
// goes to the outbox in the same transaction, as an entered fact of the editor.
let s: SubgraphHarness<NetworkDb>;
// Another kind's subgraph is not running here: its address is a port nobody listens on, so asking
// it whom an editor's networks there speak for fails as an outage would (agreement.test.ts; the
// answers across kinds are in gateway/test/agreement.e2e.test.ts).
beforeAll(async () => {
  process.env.NETWORK_PEERS = `chambers=${await unreachableUrl()}`;
  s = await startSubgraphAlone(service);
}, 120_000);
afterAll(async () => s?.stop());

const LEAD = 'cb-club-entrepreneurs-millavois';
// Networks of another subgraph: references here.
const KEPT = 'ch-update-kept';
const ADDED = 'ch-update-added';
const BOTH = 'ch-update-both';
const MEMBER = 'act-update-member';
const OUTSIDER = 'act-update-outsider';
const leadEditor = testViewer('editor', { networks: [LEAD], subject: 'lead-editor' });
const keptEditor = testViewer('editor', { networks: [KEPT], subject: 'kept-editor' });
// One team running the lead and BOTH: naming BOTH is agreed at once.
const teamEditor = testViewer('editor', { networks: [LEAD, BOTH], subject: 'team-editor' });

const FIELDS = `id kind status name description startDate endDate dateNote venue sources place { id }
  provenance { kind enteredBy enteredAt sources }
  coOrganisations { status network { __typename ... on Chamber { id } } }
  parties(status: CONFIRMED) { edges { node { id } role status } }
  proposed: parties(status: PROPOSED) { edges { node { id } role status } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateClubInitiativeInput!) { updateClubInitiative(id: $id, input: $input) { ${FIELDS} } }`;
const codes = (res: { errors?: readonly { extensions?: { code?: string } }[] }) => (res.errors ?? []).map((e) => e.extensions?.code);
const co = (id: string) => ({ kind: 'CHAMBER', id });
type Co = { status: string; network: { id?: string } };
const coOf = (i: { coOrganisations: Co[] }) => Object.fromEntries(i.coOrganisations.map((c) => [c.network.id, c.status]));
const logOf = async (id: string) => (await readChanges(s.client, '0', 10_000)).changes.filter((c) => c.entityId === id);

let initiativeId: string;

beforeAll(async () => {
  const added = await s.execute(`mutation($input: AddClubMembershipInput!) { addClubMembership(input: $input) { id } }`, {
    input: { clubId: LEAD, actorId: MEMBER, category: 'MEMBER' },
  });
  expect(added.errors).toBeUndefined();
  const created = await s.execute(
    `mutation($input: CreateClubInitiativeInput!) { createClubInitiative(input: $input) { id } }`,
    {
      input: {
        clubId: LEAD,
        kind: 'MEETING',
        status: 'IDEA',
        name: 'Rencontre à préciser',
        description: 'Une idée',
        startDate: '2026-05-01',
        endDate: '2026-05-02',
        coOrganisers: [co(KEPT)],
        sources: ['https://example.org/idee'],
      },
    },
    { as: leadEditor },
  );
  expect(created.errors).toBeUndefined();
  initiativeId = created.data!.createClubInitiative.id;
  const confirmed = await s.execute(
    `mutation($i: ID!, $n: ID!) { confirmClubCoOrganisation(initiativeId: $i, networkId: $n) { id } }`,
    { i: initiativeId, n: KEPT },
    { as: keptEditor },
  );
  expect(confirmed.errors).toBeUndefined();
});

test('the fields given change, the others stay; the row is entered by the editor; the outbox has the new state', async () => {
  const before = (await logOf(initiativeId)).length;
  const res = await s.execute(
    UPDATE,
    { id: initiativeId, input: { status: 'PLANNED', name: 'Rencontre de printemps', description: null, placeId: 'COM-34172', venue: 'Salle Pasteur' } },
    { as: leadEditor },
  );
  expect(res.errors).toBeUndefined();
  const i = res.data!.updateClubInitiative;
  expect(i).toMatchObject({
    kind: 'MEETING',
    status: 'PLANNED',
    name: 'Rencontre de printemps',
    description: null,
    startDate: '2026-05-01',
    endDate: '2026-05-02',
    venue: 'Salle Pasteur',
    place: { id: 'COM-34172' },
    sources: ['https://example.org/idee'],
    provenance: { kind: 'ENTERED', enteredBy: 'lead-editor', enteredAt: expect.any(String) },
  });
  // Links untouched when the update names none: the confirmed co-organiser stays confirmed.
  expect(coOf(i)).toEqual({ [KEPT]: 'CONFIRMED' });

  const log = await logOf(initiativeId);
  expect(log).toHaveLength(before + 1);
  expect(log.at(-1)!.payload).toMatchObject({
    status: 'PLANNED',
    name: 'Rencontre de printemps',
    placeId: 'COM-34172',
    provenance: 'ENTERED',
    enteredBy: 'lead-editor',
    links: [expect.objectContaining({ targetId: KEPT, status: 'CONFIRMED' })],
  });
});

test('sent again, an update finds nothing to change and writes nothing', async () => {
  const input = { status: 'PLANNED', name: 'Rencontre de printemps', placeId: 'COM-34172', coOrganisers: [co(KEPT)] };
  const first = await s.execute(UPDATE, { id: initiativeId, input }, { as: leadEditor });
  const before = await logOf(initiativeId);
  const again = await s.execute(UPDATE, { id: initiativeId, input }, { as: leadEditor });
  expect(again.errors).toBeUndefined();
  expect(again.data).toEqual(first.data);
  expect(await logOf(initiativeId)).toHaveLength(before.length);
});

test('co-organisers and parties: a new one is a proposal, one kept keeps its agreement, one left out is removed', async () => {
  const named = await s.execute(UPDATE, { id: initiativeId, input: { coOrganisers: [co(KEPT), co(ADDED), co(BOTH)] } }, { as: teamEditor });
  expect(named.errors).toBeUndefined();
  // The lead's editor names the parties: whom it speaks for is settled here, without asking another kind.
  const res = await s.execute(
    UPDATE,
    {
      id: initiativeId,
      input: {
        parties: [
          { actorId: MEMBER, role: 'PARTICIPANT' },
          { actorId: OUTSIDER, role: 'PARTNER' },
        ],
      },
    },
    { as: leadEditor },
  );
  expect(res.errors).toBeUndefined();
  const i = res.data!.updateClubInitiative;
  // ADDED is another network's: a proposal; BOTH is named by an editor of it too: agreed at once.
  expect(coOf(i)).toEqual({ [KEPT]: 'CONFIRMED', [ADDED]: 'PROPOSED', [BOTH]: 'CONFIRMED' });
  // The lead's own member is confirmed at once; another's is a proposal.
  expect(i.parties.edges).toEqual([{ node: { id: MEMBER }, role: 'PARTICIPANT', status: 'CONFIRMED' }]);
  expect(i.proposed.edges).toEqual([{ node: { id: OUTSIDER }, role: 'PARTNER', status: 'PROPOSED' }]);
  const awaiting = await s.execute(`query($n: ID!) { clubInitiativesAwaiting(networkId: $n) { nodes { id } } }`, { n: ADDED }, { as: 'admin' });
  expect(awaiting.data!.clubInitiativesAwaiting.nodes).toContainEqual({ id: initiativeId });

  // Left out: the confirmed KEPT and the proposed ADDED go; the outsider's proposal too.
  const removed = await s.execute(UPDATE, { id: initiativeId, input: { coOrganisers: [co(BOTH)], parties: [{ actorId: MEMBER, role: 'PARTICIPANT' }] } }, { as: leadEditor });
  expect(removed.errors).toBeUndefined();
  expect(coOf(removed.data!.updateClubInitiative)).toEqual({ [BOTH]: 'CONFIRMED' });
  expect(removed.data!.updateClubInitiative.proposed.edges).toEqual([]);
  const rows = await s.client.initiativeLink.findMany({ where: { initiativeId } });
  expect(rows.map((r) => r.targetId).sort()).toEqual([BOTH, MEMBER].sort());
  const last = (await logOf(initiativeId)).at(-1)!;
  expect((last.payload as { links: { targetId: string }[] }).links.map((l) => l.targetId).sort()).toEqual([BOTH, MEMBER].sort());
  const none = await s.execute(`query($n: ID!) { clubInitiativesAwaiting(networkId: $n) { totalCount } }`, { n: ADDED }, { as: 'admin' });
  expect(none.data!.clubInitiativesAwaiting.totalCount).toBe(0);
});

test('a party newly named by an editor of another kind\'s network needs that subgraph: unreachable, nothing is written', async () => {
  const before = await logOf(initiativeId);
  const links = await s.client.initiativeLink.findMany({ where: { initiativeId } });
  const res = await s.execute(
    UPDATE,
    { id: initiativeId, input: { name: 'Renommée', parties: [{ actorId: 'act-update-newcomer', role: 'PARTICIPANT' }] } },
    { as: teamEditor },
  );
  expect(codes(res)).toEqual(['SUBGRAPH_UNAVAILABLE']);
  expect(await logOf(initiativeId)).toHaveLength(before.length);
  expect(await s.client.initiativeLink.findMany({ where: { initiativeId } })).toEqual(links);
  // Parties already named are not asked about again: the same editor's other changes go through.
  const kept = (await s.client.initiativeLink.findMany({ where: { initiativeId, targetType: 'Actor' } })).map((l) => ({ actorId: l.targetId, role: l.role }));
  const renamed = await s.execute(UPDATE, { id: initiativeId, input: { name: 'Rencontre de printemps', parties: kept } }, { as: teamEditor });
  expect(renamed.errors).toBeUndefined();
});

test('a declined co-organisation stays declined: named again it is not proposed again', async () => {
  await s.execute(UPDATE, { id: initiativeId, input: { coOrganisers: [co(BOTH), co(KEPT)] } }, { as: leadEditor });
  const declined = await s.execute(
    `mutation($i: ID!, $n: ID!) { declineClubCoOrganisation(initiativeId: $i, networkId: $n) { id } }`,
    { i: initiativeId, n: KEPT },
    { as: keptEditor },
  );
  expect(declined.errors).toBeUndefined();
  const left = await s.execute(UPDATE, { id: initiativeId, input: { coOrganisers: [co(BOTH)] } }, { as: leadEditor });
  expect(coOf(left.data!.updateClubInitiative)).toEqual({ [BOTH]: 'CONFIRMED', [KEPT]: 'DECLINED' });
  const again = await s.execute(UPDATE, { id: initiativeId, input: { coOrganisers: [co(BOTH), co(KEPT)] } }, { as: leadEditor });
  expect(coOf(again.data!.updateClubInitiative)).toEqual({ [BOTH]: 'CONFIRMED', [KEPT]: 'DECLINED' });
});

test('only the lead network\'s editors and admins update: another network\'s editor is FORBIDDEN', async () => {
  const before = await logOf(initiativeId);
  expect(codes(await s.execute(UPDATE, { id: initiativeId, input: { name: 'Pris' } }, { as: keptEditor }))).toEqual(['FORBIDDEN']);
  expect(codes(await s.execute(UPDATE, { id: initiativeId, input: { name: 'Pris' } }, { as: 'anonymous' }))).toEqual(['UNAUTHENTICATED']);
  expect(codes(await s.execute(UPDATE, { id: 'cb-i-nope', input: { name: 'Pris' } }, { as: 'admin' }))).toEqual(['NOT_FOUND']);
  const admin = await s.execute(UPDATE, { id: initiativeId, input: { venue: 'Hôtel de région' } }, { as: 'admin' });
  expect(admin.errors).toBeUndefined();
  expect(await logOf(initiativeId)).toHaveLength(before.length + 1);
});

test('bad input is refused with a stable code, and nothing is written', async () => {
  const before = await logOf(initiativeId);
  const refuse = async (input: Record<string, unknown>) => codes(await s.execute(UPDATE, { id: initiativeId, input }, { as: leadEditor }));
  expect(await refuse({ endDate: '2026-04-01' })).toEqual(['INVALID_DATE_RANGE']);
  expect(await refuse({ startDate: '2026-06-01' })).toEqual(['INVALID_DATE_RANGE']);
  expect(await refuse({ name: null })).toEqual(['BAD_USER_INPUT']);
  expect(await refuse({ status: null })).toEqual(['BAD_USER_INPUT']);
  expect(await refuse({ placeId: 'COM-00000' })).toEqual(['UNKNOWN_TERRITORY']);
  expect(await refuse({ coOrganisers: [{ kind: 'CLUB', id: LEAD }] })).toEqual(['BAD_USER_INPUT']);
  expect(await refuse({ coOrganisers: [{ kind: 'CLUB', id: 'cb-no-such-network' }] })).toEqual(['UNKNOWN_NETWORK']);
  expect(await refuse({ status: 'POSTPONED' })).toEqual(['BAD_USER_INPUT']);
  expect(await logOf(initiativeId)).toHaveLength(before.length);
  const row = await s.client.initiative.findUnique({ where: { id: initiativeId } });
  expect(row).toMatchObject({ startDate: new Date('2026-05-01T00:00:00Z'), endDate: new Date('2026-05-02T00:00:00Z') });
});
