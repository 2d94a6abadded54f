import { service as chambers } from '@maillage/chambers';
import { service as clubs } from '@maillage/clubs';
import { service as clusters } from '@maillage/clusters';
import { service as councils } from '@maillage/councils';
import { service as directory } from '@maillage/directory';
import { service as synergies } from '@maillage/synergies';
import { startSupergraph, type Harness } from '@maillage/testing';
import { startGateway } from '../src/server';

// An initiative updated through the gateway (updateClubInitiative): its new name, status, place and
// links show in the cross-kind fields and the synergy measures, which the synergies index answers
// from the change feed, within a second of the update's answer; a co-organiser added by an editor
// who speaks for it counts at once, one removed stops counting; another network's editor is
// refused. And `provenance` is on the Network interface, answered for every kind.

const FRESH_WITHIN_MS = 1000;
const LEAD = 'cb-reseau-1234';
const NAMED = 'co-cmip';
// An active member of the lead club (the seed's): the club's editors speak for it.
const MEMBER = 'act-damien-andre';

let h: Harness;
beforeAll(async () => {
  h = await startSupergraph([directory, chambers, clusters, councils, clubs, synergies] as never[], startGateway);
}, 240_000);
afterAll(() => h?.stop());

const leadEditor = () => h.as('editor', { networks: [LEAD], subject: 'editor-reseau-1234' }).query;
// One team running the club and the council: its naming of the council is agreed at once.
const teamEditor = () => h.as('editor', { networks: [LEAD, NAMED], subject: 'editor-both' }).query;
const otherEditor = () => h.as('editor', { networks: [NAMED], subject: 'editor-cmip' }).query;
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

/** Ids of the cross-kind `initiatives` (the region's index) under the given filters. */
const indexed = async (filters: { jointOnly?: boolean; status?: string; territoryId?: string }) =>
  (
    (
      await ok(
        analyst()(
          `query($j: Boolean, $s: InitiativeStatus, $t: ID) { initiatives(jointOnly: $j, status: $s, territoryId: $t, kind: CLUB, first: 100) { nodes { id } } }`,
          { j: filters.jointOnly ?? false, s: filters.status ?? null, t: filters.territoryId ?? null },
        ),
      )
    ).initiatives.nodes as { id: string }[]
  ).map((n) => n.id);

/** The cross-kind initiatives of an actor (`Actor.initiatives`, from the index). */
const ofActor = async (actorId: string) =>
  (
    (await ok(analyst()(`query($a: ID!) { actor(id: $a) { initiatives(first: 100) { nodes { id } } } }`, { a: actorId }))).actor.initiatives
      .nodes as { id: string }[]
  ).map((n) => n.id);

/** The index's search, by name. */
const found = async (text: string) =>
  (
    (await ok(h.query(`query($q: String!) { search(text: $q, types: [INITIATIVE], first: 10) { nodes { node { id } } } }`, { q: text })))
      .search.nodes as { node: { id: string } }[]
  ).map((n) => n.node.id);

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

const SHAPE = `id name status joint place { id } provenance { kind enteredBy }
  coOrganisations { status network { kind } } parties { edges { node { id } status } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateClubInitiativeInput!) { updateClubInitiative(id: $id, input: $input) { ${SHAPE} } }`;

let id: string;
const NEW_NAME = 'Atelier conjoint des réseaux à Toulouse';

test('an update shows in the cross-kind fields and in the synergy measures within a second', async () => {
  const created = await ok(
    leadEditor()(`mutation($input: CreateClubInitiativeInput!) { createClubInitiative(input: $input) { id } }`, {
      // Dated in the past: the measures' default period ends today.
      input: {
        clubId: LEAD,
        kind: 'MEETING',
        status: 'PLANNED',
        name: 'Atelier à renommer',
        startDate: '2026-11-18',
        placeId: 'COM-34172',
      },
    }),
  );
  id = created.createClubInitiative.id;
  // The first write may land while the index still takes its first full read: not the freshness measured below.
  await shows(async () => (await indexed({})).includes(id), 15_000);
  const pairBefore = await pair();
  // Réseau 1234 is present in the Aveyron and the Hérault, not in the Haute-Garonne: there, only the place counts.
  expect(await indexed({ territoryId: 'DEP-31' })).not.toContain(id);

  // Renamed, held, moved to Toulouse, co-organised with the council, with the club's member taking part.
  const updated = (
    await ok(
      teamEditor()(UPDATE, {
        id,
        input: {
          name: NEW_NAME,
          status: 'HELD',
          placeId: 'COM-31555',
          coOrganisers: [{ kind: 'COUNCIL', id: NAMED }],
          parties: [{ actorId: MEMBER, role: 'PARTICIPANT' }],
        },
      }),
    )
  ).updateClubInitiative;
  expect(updated).toMatchObject({
    name: NEW_NAME,
    status: 'HELD',
    joint: true,
    place: { id: 'COM-31555' },
    provenance: { kind: 'ENTERED', enteredBy: 'editor-both' },
    coOrganisations: [{ status: 'CONFIRMED', network: { kind: 'COUNCIL' } }],
    parties: { edges: [{ node: { id: MEMBER }, status: 'CONFIRMED' }] },
  });
  const delay = await shows(
    async () =>
      (await indexed({ jointOnly: true, status: 'HELD', territoryId: 'DEP-31' })).includes(id) &&
      (await ofActor(MEMBER)).includes(id) &&
      (await found('atelier conjoint toulouse')).includes(id) &&
      (await pair()) === pairBefore + 1,
  );
  expect(delay).toBeLessThan(FRESH_WITHIN_MS);

  // The lead's editor removes the co-organiser and the party: no longer joint, no longer counted.
  const removed = (await ok(leadEditor()(UPDATE, { id, input: { coOrganisers: [], parties: [] } }))).updateClubInitiative;
  expect(removed).toMatchObject({ joint: false, coOrganisations: [], parties: { edges: [] } });
  const removalDelay = await shows(
    async () =>
      !(await indexed({ jointOnly: true })).includes(id) &&
      (await indexed({ status: 'HELD', territoryId: 'DEP-31' })).includes(id) &&
      !(await ofActor(MEMBER)).includes(id) &&
      (await pair()) === pairBefore,
  );
  expect(removalDelay).toBeLessThan(FRESH_WITHIN_MS);
  console.log(`initiative update: delay from the answer to the index and measures (ms): added ${delay}, removed ${removalDelay}`);

  // Read back through the cross-kind node field, as any client.
  const back = await ok(h.query(`query($id: ID!) { node(id: $id) { ... on Initiative { name joint provenance { kind } } } }`, { id }));
  expect(back.node).toEqual({ name: NEW_NAME, joint: false, provenance: { kind: 'ENTERED' } });
});

test("another network's editor may not update the club's initiative: FORBIDDEN, nothing changes", async () => {
  const refused = await otherEditor()(UPDATE, { id, input: { name: 'Repris par le conseil' } });
  expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  expect(refused.data).toBeNull();
  const anonymous = await h.query(UPDATE, { id, input: { name: 'Repris' } });
  expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  const still = await ok(h.query(`query($id: ID!) { clubInitiative(id: $id) { name } }`, { id }));
  expect(still.clubInitiative.name).toBe(NEW_NAME);
});

test('provenance is on the Network interface: network(id) and networks answer it for every kind', async () => {
  const one = await ok(h.query(`{ network(id: "ch-cci-herault") { kind provenance { kind sources } } }`));
  expect(one.network).toMatchObject({ kind: 'CHAMBER', provenance: { kind: 'STATED', sources: expect.any(Array) } });
  const all = (await ok(h.query(`{ networks(first: 100) { nodes { kind provenance { kind } } } }`))).networks.nodes as {
    kind: string;
    provenance: { kind: string };
  }[];
  expect(new Set(all.map((n) => n.kind))).toEqual(new Set(['CHAMBER', 'CLUSTER', 'COUNCIL', 'CLUB']));
  expect(all.every((n) => ['STATED', 'DERIVED', 'ENTERED'].includes(n.provenance.kind))).toBe(true);
});
