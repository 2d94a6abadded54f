import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startSupergraph, type Harness } from '@maillage/testing';
import { startGateway } from '../src/server';
import { subgraphs } from './subgraphs';

// End to end over HTTP: five subgraphs on port 0, each with its own seeded database, and the real
// gateway serving the committed supergraph. Queries are the IDE's example operations.
const example = (name: string) => readFileSync(path.join(__dirname, '../examples', `${name}.graphql`), 'utf8');

let h: Harness;
beforeAll(async () => {
  h = await startSupergraph(subgraphs, startGateway);
}, 180_000);
afterAll(async () => h?.stop());

const names = (nodes: { name: string }[]) => nodes.map((n) => n.name).sort();

test('1. an actor by SIREN, with its territory roll-up, memberships, people and initiatives', async () => {
  const res = await h.query(example('1-actor-by-siren'), { siren: '552 081 317' });
  expect(res.errors).toBeUndefined();
  const edf = res.data!.actorBySiren;
  expect(edf).toMatchObject({
    id: 'act-edf',
    name: 'EDF',
    kind: 'COMPANY',
    siren: '552081317',
    vatNumber: 'FR03552081317',
    verified: true,
    sector: { code: '35.11Z', division: { code: '35' }, section: { code: 'D' } },
    commune: { id: 'COM-75108', name: 'Paris 8e Arrondissement' },
    epci: { id: 'EPCI-200054781', epciType: 'METRO' },
    departement: { id: 'DEP-75', name: 'Paris' },
    region: { id: 'REG-11', name: 'Île-de-France' },
  });
  expect(edf.people.nodes).toEqual([{ title: 'déléguée territoriale', active: true, person: { name: 'Virginie Monnier-Mangue' } }]);
  // Every kind of network in one list: EDF is a member of the metropolitan council only.
  expect(edf.memberships).toEqual({
    totalCount: 1,
    nodes: [
      {
        role: 'premier membre',
        startDate: '2019-10-01',
        active: true,
        network: { kind: 'COUNCIL', name: "Conseil Métropolitain de l'Industrie Positive" },
      },
    ],
  });
  expect(edf.initiatives.nodes).toEqual([
    {
      name: "Premier Conseil Métropolitain de l'Industrie Positive",
      startDate: '2019-10-01',
      place: expect.anything(),
      organiser: { kind: 'COUNCIL', name: "Conseil Métropolitain de l'Industrie Positive" },
    },
  ]);
});

test('4. networks of every kind active in a département and in a région, with member counts', async () => {
  const dep = (await h.query(example('4-networks-in-territory'), { territoryId: 'DEP-34' })).data!.territory;
  expect(dep.name).toBe('Hérault');
  const ofKind = (t: any, kind: string) => t.networks.nodes.filter((n: any) => n.kind === kind);
  // One list, by name, every kind mixed.
  const inOrder = dep.networks.nodes.map((n: any) => n.name);
  expect(inOrder).toEqual([...inOrder].sort((a, b) => a.localeCompare(b, 'fr', { sensitivity: 'base' })));
  expect(new Set(dep.networks.nodes.map((n: any) => n.kind)).size).toBe(4);
  // CCI Occitanie, the regional chamber since 2017, covers the Hérault.
  expect(names(ofKind(dep, 'CHAMBER'))).toEqual(['CCI Hérault', 'CCI Occitanie', 'CMA Hérault', 'CMA Occitanie']);
  expect(ofKind(dep, 'CHAMBER').find((n: any) => n.name === 'CCI Hérault').memberCount).toBe(1);
  expect(names(ofKind(dep, 'CLUSTER'))).toEqual(['Aerospace Valley', 'Digital 113', 'Mécanic Vallée']);
  expect(names(ofKind(dep, 'COUNCIL'))).toEqual(["Conseil Métropolitain de l'Industrie Positive"]);
  expect(ofKind(dep, 'COUNCIL')[0].memberCount).toBe(17);
  expect(names(ofKind(dep, 'CLUB'))).toEqual(['Réseau 1234']);
  expect(dep.networks.totalCount).toBe(9);

  const reg = (await h.query(example('4-networks-in-territory'), { territoryId: 'REG-76' })).data!.territory;
  expect(names(ofKind(reg, 'CLUB'))).toEqual(['Club des Entrepreneurs Millavois', 'Réseau 1234']);
  // The CCIR Midi-Pyrénées ended on 2016-12-31, merged into CCI Occitanie.
  expect(names(ofKind(reg, 'CHAMBER'))).toEqual(['CCI Hérault', 'CCI Occitanie', 'CMA Hérault', 'CMA Occitanie']);
  expect(ofKind(reg, 'CLUSTER')).toHaveLength(3);
});

test('5. joint initiatives: organisers from at least two kinds of network', async () => {
  const res = await h.query(example('5-joint-initiatives'));
  expect(res.errors).toBeUndefined();
  expect(res.data!.initiatives).toEqual({
    totalCount: 1,
    nodes: [
      {
        name: 'Pôles entrepreneuriaux : dynamique multi-partenariale au service des territoires',
        startDate: null,
        organiserKinds: ['CLUSTER', 'CHAMBER'],
        organiser: { kind: 'CLUSTER', name: "Pôles entrepreneuriaux d'Alexis" },
        coOrganisers: [{ kind: 'CHAMBER', name: 'CCI Grand Nancy Métropole Meurthe-et-Moselle' }],
      },
    ],
  });
});

describe('6. mutations through the gateway', () => {
  const actorCount = async () => (await h.query(`{ actors(first: 0) { totalCount } }`)).data!.actors.totalCount as number;
  const memberCount = async () =>
    (await h.query(`{ club(id: "cb-reseau-1234") { members(includeEnded: true, first: 0) { totalCount } } }`)).data!.club.members
      .totalCount as number;

  test('create and update an actor; add and end a membership; each visible at once', async () => {
    const created = await h.as('admin').query(example('6-mutations'), {}, 'CreateActor');
    expect(created.errors).toBeUndefined();
    const id = created.data!.createActor.id;
    expect(created.data!.createActor).toMatchObject({
      name: 'Exemple SARL',
      commune: { name: 'Millau' },
      departement: { name: 'Aveyron' },
    });

    const updated = await h
      .as('admin')
      .query(
        `mutation($id: ID!) { updateActor(id: $id, input: { name: "Exemple SAS", communeCode: "34064" }) { name commune { name } region { id } } }`,
        { id },
      );
    expect(updated.data!.updateActor).toEqual({ name: 'Exemple SAS', commune: { name: 'Le Caylar' }, region: { id: 'REG-76' } });

    const added = await h.as('admin').query(example('6-mutations'), { actorId: id }, 'AddMembership');
    expect(added.errors).toBeUndefined();
    const membershipId = added.data!.addClubMembership.id;
    const seen = await h.query(
      `query($id: ID!) { actor(id: $id) { name clubMemberships { totalCount nodes { active club { name } } } } }`,
      { id },
    );
    expect(seen.data!.actor).toEqual({
      name: 'Exemple SAS',
      clubMemberships: { totalCount: 1, nodes: [{ active: true, club: { name: 'Réseau 1234' } }] },
    });

    const ended = await h
      .as('admin')
      .query(`mutation($m: ID!) { endClubMembership(id: $m, endDate: "2026-02-01") { active endDate } }`, { m: membershipId });
    expect(ended.data!.endClubMembership).toEqual({ active: false, endDate: '2026-02-01' });
    const after = await h.query(
      `query($id: ID!) { actor(id: $id) { active: clubMemberships { totalCount } all: clubMemberships(includeEnded: true) { totalCount } } }`,
      { id },
    );
    expect(after.data!.actor).toEqual({ active: { totalCount: 0 }, all: { totalCount: 1 } });
  });

  test('create an initiative with a co-organiser from another subgraph', async () => {
    const res = await h.as('admin').query(example('6-mutations'), {}, 'CreateJointInitiative');
    expect(res.errors).toBeUndefined();
    expect(res.data!.createClubInitiative).toMatchObject({
      joint: true,
      organiserKinds: ['CLUB', 'CHAMBER'],
      coOrganisers: [{ __typename: 'Chamber', name: 'CCI Hérault' }],
    });
    const joint = await h.query(`{ clubInitiatives(jointOnly: true) { nodes { name place { name departement { id } } } } }`);
    expect(joint.data!.clubInitiatives.nodes).toEqual([
      { name: 'Rencontre Millau-Montpellier avec la CCI Hérault', place: { name: 'Le Caylar', departement: { id: 'DEP-34' } } },
    ]);
  });

  test.each([
    [
      'invalid SIREN',
      `mutation { createActor(input: { kind: COMPANY, name: "X", siren: "552081318" }) { id } }`,
      'INVALID_IDENTIFIER',
      'siren',
    ],
    [
      'SIREN already taken',
      `mutation { createActor(input: { kind: COMPANY, name: "X", siren: "552081317" }) { id } }`,
      'DUPLICATE_IDENTIFIER',
      'siren',
    ],
    [
      'unknown commune',
      `mutation { createActor(input: { kind: COMPANY, name: "X", communeCode: "99999" }) { id } }`,
      'UNKNOWN_TERRITORY',
      'communeCode',
    ],
    [
      'malformed NAF code',
      `mutation { createActor(input: { kind: COMPANY, name: "X", nafCode: "00.00Z" }) { id } }`,
      'INVALID_CODE',
      'nafCode',
    ],
    [
      'closed before founded',
      `mutation { createActor(input: { kind: COMPANY, name: "X", foundedOn: "2020-01-01", closedOn: "2019-01-01" }) { id } }`,
      'INVALID_DATE_RANGE',
      'closedOn',
    ],
    ['empty name', `mutation { createActor(input: { kind: COMPANY, name: "  " }) { id } }`, 'BAD_USER_INPUT', 'name'],
  ])('refuses an actor with %s and writes nothing', async (_label, mutation, code, field) => {
    const before = await actorCount();
    const res = await h.as('admin').query(mutation);
    expect(res.status).toBe(200);
    expect(res.data).toBeNull();
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0].extensions).toMatchObject({ code, field });
    expect(await actorCount()).toBe(before);
  });

  test.each([
    [
      'unknown network',
      `mutation { addClubMembership(input: { clubId: "cb-nowhere", actorId: "act-edf", category: MEMBER }) { id } }`,
      'UNKNOWN_NETWORK',
    ],
    [
      'end date before start date',
      `mutation { addClubMembership(input: { clubId: "cb-reseau-1234", actorId: "act-edf", category: MEMBER, startDate: "2020-05-01", endDate: "2020-04-01" }) { id } }`,
      'INVALID_DATE_RANGE',
    ],
    [
      'duplicate membership',
      `mutation { addClubMembership(input: { clubId: "cb-reseau-1234", actorId: "act-damien-andre", category: LEAD }) { id } }`,
      'DUPLICATE_MEMBERSHIP',
    ],
    [
      'initiative in an unknown place',
      `mutation { createClubInitiative(input: { clubId: "cb-reseau-1234", kind: MEETING, status: PLANNED, name: "X", placeId: "COM-00000" }) { id } }`,
      'UNKNOWN_TERRITORY',
    ],
    [
      'initiative of an unknown network',
      `mutation { createChamberInitiative(input: { chamberId: "ch-nowhere", kind: MEETING, status: PLANNED, name: "X" }) { id } }`,
      'UNKNOWN_NETWORK',
    ],
  ])('refuses a membership or initiative with %s and writes nothing', async (_label, mutation, code) => {
    const before = await memberCount();
    const res = await h.as('admin').query(mutation);
    expect(res.data).toBeNull();
    expect(res.errors![0].extensions!.code).toBe(code);
    expect(await memberCount()).toBe(before);
  });

  test('a create retried with its idempotency key creates once and returns the first result', async () => {
    const create = `mutation($k: String, $n: String!) { createActor(input: { kind: COMPANY, name: $n, communeCode: "34172" }, idempotencyKey: $k) { id name } }`;
    const before = await actorCount();
    const first = await h.as('admin').query(create, { k: 'retry-key-0001', n: 'Retried SAS' });
    const again = await h.as('admin').query(create, { k: 'retry-key-0001', n: 'Retried SAS' });
    expect(again.data!.createActor).toEqual(first.data!.createActor);
    // Racing retries: one row, the same answer for all.
    const racing = await Promise.all(Array.from({ length: 5 }, () => h.as('admin').query(create, { k: 'retry-key-0002', n: 'Raced SAS' })));
    expect(new Set(racing.map((r) => r.data!.createActor.id)).size).toBe(1);
    expect(await actorCount()).toBe(before + 2);
    const reused = await h.as('admin').query(create, { k: 'retry-key-0001', n: 'Another SAS' });
    expect(reused.errors![0].extensions).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', field: 'idempotencyKey' });
    expect(await actorCount()).toBe(before + 2);

    const add = `mutation { addClubMembership(input: { clubId: "cb-club-entrepreneurs-millavois", actorId: "${first.data!.createActor.id}", category: MEMBER }, idempotencyKey: "retry-key-0003") { id } }`;
    const m1 = await h.as('admin').query(add);
    const m2 = await h.as('admin').query(add);
    expect(m2.errors).toBeUndefined();
    expect(m2.data!.addClubMembership.id).toBe(m1.data!.addClubMembership.id);
  });

  test('a malformed date is a validation error with HTTP 400, not a crash', async () => {
    const res = await h
      .as('admin')
      .query(
        `mutation { addClubMembership(input: { clubId: "cb-reseau-1234", actorId: "act-edf", category: MEMBER, startDate: "2020-02-30" }) { id } }`,
      );
    expect(res.status).toBe(400);
    expect(res.errors![0].extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.errors![0].message).toContain('2020-02-30');
    const asVariable = await h
      .as('admin')
      .query(
        `mutation($d: Date) { addClubMembership(input: { clubId: "cb-reseau-1234", actorId: "act-edf", category: MEMBER, startDate: $d }) { id } }`,
        { d: 'yesterday' },
      );
    expect(asVariable.status).toBe(400);
    expect(asVariable.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
  });
});
