import { actorMemberships, GraphIndex, listInitiatives, listNetworks, searchGraph, type RegionSnapshot } from '../src';

// A small graph with the names the search must find as people type them.
const graph: RegionSnapshot = {
  takenAt: '2026-11-01T00:00:00Z',
  actors: [
    { id: 'act-1', name: 'Mécanic Vallée', kind: 'ASSOCIATION', communeId: 'COM-12145' },
    { id: 'act-2', name: 'Mécanique Générale du Tarn', kind: 'COMPANY', communeId: 'COM-81004' },
    { id: 'act-3', name: 'Valéo', kind: 'COMPANY', communeId: 'COM-34172' },
  ],
  networks: [
    { id: 'cb-1', kind: 'CLUB', name: 'Réseau 1234', scope: ['DEP-12', 'DEP-34'] },
    { id: 'co-1', kind: 'COUNCIL', name: "Conseil Métropolitain de l'Industrie Positive", scope: ['EPCI-243400017'] },
    { id: 'ch-1', kind: 'CHAMBER', name: 'CCI Hérault', scope: ['DEP-34'] },
    { id: 'ch-0', kind: 'CHAMBER', name: 'CCI Ancienne', scope: ['DEP-34'], endDate: '2017-01-01' },
  ],
  memberships: [
    { networkId: 'cb-1', actorId: 'act-3', startDate: '2020-01-01' },
    { networkId: 'ch-1', actorId: 'act-3', startDate: '2019-01-01' },
    { networkId: 'ch-0', actorId: 'act-3', startDate: '2010-01-01', endDate: '2017-01-01' },
    { networkId: 'co-1', actorId: 'act-3', startDate: '2021-01-01' },
  ],
  initiatives: [
    {
      id: 'ch-i-1',
      name: 'Rencontres industrie',
      organiserId: 'ch-1',
      coOrganiserIds: ['co-1'],
      partyActorIds: ['act-3'],
      startDate: '2024-05-01',
      placeId: 'COM-34172',
      status: 'HELD',
    },
    {
      id: 'cb-i-1',
      name: 'Apéro du réseau',
      organiserId: 'cb-1',
      coOrganiserIds: [],
      partyActorIds: [],
      startDate: '2023-01-01',
      status: 'HELD',
    },
  ],
};
const ix = new GraphIndex(graph);
const names = (hits: ReturnType<typeof searchGraph>) =>
  hits.map((h) => (h.type === 'ACTOR' ? ix.actors[h.index].name : h.type === 'NETWORK' ? ix.networks[h.index].name : ix.iName[h.index]));

describe('one search across the graph', () => {
  test('typos and accents: mecanik valee finds Mécanic Vallée first', () => {
    expect(names(searchGraph(ix, { text: 'mecanik valee' }))[0]).toBe('Mécanic Vallée');
  });
  test('spacing: Reseau1234 finds Réseau 1234, mecanicvallee finds Mécanic Vallée', () => {
    expect(names(searchGraph(ix, { text: 'Reseau1234' }))).toEqual(['Réseau 1234']);
    expect(names(searchGraph(ix, { text: 'mecanicvallee' }))[0]).toBe('Mécanic Vallée');
  });
  test('networks are searched: industrie positive finds the council', () => {
    const hits = searchGraph(ix, { text: 'industrie positive' });
    expect(names(hits)).toEqual(["Conseil Métropolitain de l'Industrie Positive"]);
    expect(hits[0]).toMatchObject({ type: 'NETWORK', score: 1 });
  });
  test('types and territory filter the hits', () => {
    expect(names(searchGraph(ix, { text: 'industrie', types: ['INITIATIVE'] }))).toEqual(['Rencontres industrie']);
    expect(names(searchGraph(ix, { text: 'mecanique', territoryId: 'DEP-81' }))).toEqual(['Mécanique Générale du Tarn']);
  });
  test('a text that matches nothing finds nothing', () => {
    expect(searchGraph(ix, { text: 'zzzz qqqq' })).toEqual([]);
  });
});

describe('cross-kind lists', () => {
  test("an actor's memberships: every kind, by network name, ended ones only when asked", () => {
    const a = ix.actorIndex('act-3')!;
    const net = (ms: number[]) => ms.map((m) => ix.networks[ix.mNetwork[m]].id);
    expect(net(actorMemberships(ix, a, {}))).toEqual(['ch-1', 'co-1', 'cb-1']);
    expect(net(actorMemberships(ix, a, { includeEnded: true }))).toEqual(['ch-0', 'ch-1', 'co-1', 'cb-1']);
    expect(net(actorMemberships(ix, a, { kind: 'CHAMBER', includeEnded: true }))).toEqual(['ch-0', 'ch-1']);
  });
  test('networks of a territory: declared in it or inside it, or covering it; active unless includeEnded', () => {
    const ids = (ns: number[]) => ns.map((n) => ix.networks[n].id);
    expect(ids(listNetworks(ix, { territoryId: 'DEP-34' }))).toEqual(['ch-1', 'co-1', 'cb-1']);
    expect(ids(listNetworks(ix, { territoryId: 'COM-34172', includeEnded: true }))).toEqual(['ch-0', 'ch-1', 'co-1', 'cb-1']);
    expect(ids(listNetworks(ix, { territoryId: 'DEP-12' }))).toEqual(['cb-1']);
    expect(ids(listNetworks(ix, { search: 'cci', includeEnded: true }))).toEqual(['ch-0', 'ch-1']);
  });
  test('initiatives: joint only, by kind of the lead, by territory and period', () => {
    const ids = (is: number[]) => is.map((i) => ix.iId[i]);
    expect(ids(listInitiatives(ix, {}))).toEqual(['cb-i-1', 'ch-i-1']);
    expect(ids(listInitiatives(ix, { jointOnly: true }))).toEqual(['ch-i-1']);
    expect(ids(listInitiatives(ix, { kind: 'CLUB' }))).toEqual(['cb-i-1']);
    expect(ids(listInitiatives(ix, { from: '2024-01-01' }))).toEqual(['ch-i-1']);
    expect(ids(listInitiatives(ix, { territoryId: 'DEP-12' }))).toEqual(['cb-i-1']);
    expect(ids(listInitiatives(ix, { party: ix.actorIndex('act-3')! }))).toEqual(['ch-i-1']);
  });
});
