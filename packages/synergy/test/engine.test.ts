import { isLargeBuyer, matchScore, SynergyEngine, type RegionSnapshot, type SnapshotActor } from '../src';

// A small region whose every figure is worked out by hand in the comments.
// Millau COM-12145 (DEP-12), Montpellier COM-34172 (DEP-34), Toulouse COM-31555 (DEP-31), all REG-76.
const actor = (id: string, communeId: string, nafCode: string | null, extra: Partial<SnapshotActor> = {}): SnapshotActor => ({
  id,
  name: extra.name ?? id.toUpperCase(),
  kind: 'COMPANY',
  nafCode,
  communeId,
  ...extra,
});

const small: RegionSnapshot = {
  takenAt: '2026-11-01T00:00:00Z',
  actors: [
    actor('a1', 'COM-12145', '25.62A', { name: 'Usinage Millavois' }),
    actor('a2', 'COM-34172', '62.01Z', { name: 'Logiciel Héraultais' }),
    actor('a3', 'COM-34172', '25.11Z', { name: 'Structures Métalliques' }),
    actor('a4', 'COM-12145', '62.02A', { name: 'Conseil Numérique' }),
    actor('a5', 'COM-31555', '30.30Z', { name: 'Aéro Toulouse', category: 'GE' }),
    actor('s1', 'COM-12145', null, { kind: 'ASSOCIATION', name: 'Club de Millau' }),
    actor('s2', 'COM-34172', null, { kind: 'CONSULAR_CHAMBER', name: 'CCI Hérault' }),
  ],
  networks: [
    { id: 'n1', kind: 'CLUB', name: 'Club de Millau', scope: ['DEP-12'], actorId: 's1' },
    { id: 'n2', kind: 'CHAMBER', name: 'CCI Hérault', scope: ['DEP-34'], actorId: 's2' },
    { id: 'n3', kind: 'CLUSTER', name: 'Cluster Occitanie', scope: ['REG-76'] },
    { id: 'n4', kind: 'COUNCIL', name: 'Conseil de Montpellier', scope: ['EPCI-243400017'] },
  ],
  memberships: [
    { networkId: 'n1', actorId: 'a1', startDate: '2020-01-01' },
    { networkId: 'n1', actorId: 'a2', startDate: '2020-01-01' },
    { networkId: 'n1', actorId: 'a4', startDate: '2020-01-01' },
    { networkId: 'n2', actorId: 'a2', startDate: '2020-01-01' },
    { networkId: 'n2', actorId: 'a3', startDate: '2020-01-01' },
    { networkId: 'n2', actorId: 'a4', startDate: '2020-01-01', endDate: '2021-06-30' },
    { networkId: 'n3', actorId: 'a1', startDate: '2020-01-01' },
    { networkId: 'n3', actorId: 'a3', startDate: '2020-01-01' },
    { networkId: 'n3', actorId: 'a5', startDate: '2020-01-01' },
    { networkId: 'n4', actorId: 'a2', startDate: '2020-01-01' },
    { networkId: 'n4', actorId: 'ghost', startDate: '2020-01-01' },
  ],
  initiatives: [
    {
      id: 'i1',
      name: 'Rencontre Millau–Montpellier',
      organiserId: 'n1',
      coOrganiserIds: ['n2'],
      partyActorIds: ['a1', 'a3'],
      startDate: '2026-11-01',
      placeId: 'COM-12145',
    },
    {
      id: 'i2',
      name: 'Salon 2024',
      organiserId: 'n1',
      coOrganiserIds: ['n2'],
      partyActorIds: [],
      startDate: '2024-11-01',
      placeId: 'COM-34172',
    },
    { id: 'i3', name: 'Club seul', organiserId: 'n1', coOrganiserIds: [], partyActorIds: ['a4'], startDate: '2025-01-01' },
  ],
};

const engine = new SynergyEngine(small);
const ids = (xs: number[]) => xs.map((a) => engine.ix.actors[a].id);
const net = (id: string) => engine.ix.networkIndex(id)!;
const today = { to: '2026-11-01' };

describe('membership overlap', () => {
  test('shared members, counts and Jaccard index', () => {
    // n1 = {a1, a2, a4}, n2 = {a2, a3} today: shared {a2}, union 4.
    const o = engine.overlap(net('n1'), net('n2'), today);
    expect(ids(o.shared)).toEqual(['a2']);
    expect(o).toMatchObject({ membersA: 3, membersB: 2, jaccard: 0.25 });
  });
  test('a past period sees the membership that ended', () => {
    // On 2021-01-01 a4 is still in n2: shared {a2, a4}, union {a1, a2, a3, a4} = 4, Jaccard 0.5.
    const o = engine.overlap(net('n1'), net('n2'), { to: '2021-01-01' });
    expect(ids(o.shared)).toEqual(['a2', 'a4']);
    expect(o.jaccard).toBe(0.5);
  });
  test('a territory keeps only the members located in it', () => {
    // In Hérault: n1 ∩ DEP-34 = {a2}, n3 ∩ DEP-34 = {a3}: nothing shared.
    expect(engine.overlap(net('n1'), net('n3'), { ...today, territoryId: 'DEP-34' })).toMatchObject({
      membersA: 1,
      membersB: 1,
      shared: [],
      jaccard: 0,
    });
    // Whole region: n1 ∩ n3 = {a1} over a union of 5.
    expect(engine.overlap(net('n1'), net('n3'), today).jaccard).toBe(0.2);
  });
  test('a membership naming an actor missing from the snapshot is skipped, not counted', () => {
    expect(engine.ix.dangling).toBe(1);
    expect(engine.overlap(net('n4'), net('n2'), today).membersA).toBe(1);
  });
});

describe('sector complementarity', () => {
  // Presence of divisions: n1 {25, 62}, n2 {62, 25}, n3 {25, 30}, n4 {62}. Four networks:
  // P(25) = 3/4, P(62) = 3/4, P(30) = 1/4; P(25 & 62) = 2/4, P(25 & 30) = 1/4, P(62 & 30) = 0.
  // npmi(25, 62) = ln(0.5 / 0.5625) / -ln 0.5 < 0 -> 0; npmi(25, 30) = ln(0.25 / 0.1875) / -ln 0.25 = ln(4/3) / ln 4.
  const npmi2530 = Math.log(4 / 3) / Math.log(4);
  test('profiles count the NAF divisions of members', () => {
    const view = engine.view(today);
    expect(engine.sectorProfile(net('n1'), view)).toEqual({
      network: net('n1'),
      memberCount: 3,
      withSector: 3,
      divisions: [
        [62, 2],
        [25, 1],
      ],
    });
  });
  test('complementarity of two networks is the affinity of their divisions, weighted by shares', () => {
    const pairs = engine.pairs(today);
    const n3n4 = pairs.find((p) => p.a === net('n3') && p.b === net('n4'))!;
    // n3 = {25: 2/3, 30: 1/3}, n4 = {62: 1}: only 25–62 and 30–62 couples, both of affinity 0.
    expect(n3n4.complementarity).toBe(0);
    const n1n3 = pairs.find((p) => p.a === net('n1') && p.b === net('n3'))!;
    // n1 = {62: 2/3, 25: 1/3}, n3 = {25: 2/3, 30: 1/3}: 25 (1/3) – 30 (1/3) × npmi(25, 30) is the only positive couple.
    expect(n1n3.complementarity).toBeCloseTo((1 / 3) * (1 / 3) * npmi2530, 4);
    // Cosine: (1/3 · 2/3) / (|(2/3, 1/3)| · |(2/3, 1/3)|) = (2/9) / (5/9) = 0.4.
    expect(n1n3.similarity).toBeCloseTo(0.4, 4);
    expect(engine.sectorLinks(net('n1'), net('n3'), engine.view(today))).toEqual([{ a: 25, b: 30, weight: 1 }]);
  });
  test('white space: complementary, no shared member, no joint initiative', () => {
    // n2 = {62: 1/2, 25: 1/2} and n3 share a3; n4 and n3 share nobody but are not complementary.
    const white = engine.pairs(today, (p) => p.whiteSpace);
    expect(white).toEqual([]);
    const withoutA3 = new SynergyEngine({
      ...small,
      memberships: small.memberships.filter((m) => !(m.networkId === 'n3' && m.actorId === 'a3')),
    });
    // n3 = {25: 1/2 (a1), 30: 1/2 (a5)} now; n2 = {62: 1/2, 25: 1/2}; no shared member, no initiative together.
    const pair = withoutA3.pairs(today, (p) => p.whiteSpace).map((p) => [withoutA3.ix.networks[p.a].id, withoutA3.ix.networks[p.b].id]);
    expect(pair).toEqual([['n2', 'n3']]);
  });
});

describe('co-participation', () => {
  test('joint initiatives per pair, weighted by a two-year half-life', () => {
    // i1 on 2026-11-01 weighs 1; i2 two years before (730 days) weighs 0.5^(731/365.25/2). i3 has one organiser.
    const [c] = engine.coParticipation(today);
    expect(c).toMatchObject({ a: net('n1'), b: net('n2'), count: 2 });
    expect(c.weight).toBeCloseTo(1 + 0.5 ** (730 / 365.25 / 2), 4);
    expect(c.initiatives.map((i) => engine.ix.iId[i])).toEqual(['i1', 'i2']);
  });
  test('a period starting after an initiative leaves it out', () => {
    expect(engine.coParticipation({ from: '2025-01-01', to: '2026-11-01' })[0].count).toBe(1);
  });
});

describe('bridging actors', () => {
  test('local bridging: each pair of an actor’s networks counts 1 / (members they share)', () => {
    // a2 is in n1, n2, n4: pairs n1–n2 (shared by a2 only), n1–n4 (a2), n2–n4 (a2) -> 3.
    // a1: n1–n3 (a1 only) -> 1. a3: n2–n3 (a3 only) -> 1.
    const { actors } = engine.bridging(today, 'LOCAL_BRIDGING');
    expect(actors.map((b) => [engine.ix.actors[b.actor].id, b.score])).toEqual([
      ['a2', 3],
      ['a3', 1],
      ['a1', 1],
    ]);
  });
  test('betweenness on the actor–network graph (graphology-metrics), normalised', () => {
    // A path n1 – x – n2 – y – n3: x lies on the paths n1–n2, n1–y, n1–n3: 3 of the (5-1)(5-2)/2 = 6 pairs.
    const path = new SynergyEngine({
      takenAt: small.takenAt,
      actors: [actor('x', 'COM-12145', null), actor('y', 'COM-34172', null)],
      networks: small.networks.slice(0, 3),
      memberships: [
        { networkId: 'n1', actorId: 'x' },
        { networkId: 'n2', actorId: 'x' },
        { networkId: 'n2', actorId: 'y' },
        { networkId: 'n3', actorId: 'y' },
      ],
      initiatives: [],
    });
    const result = path.bridging();
    expect(result.method).toBe('BETWEENNESS');
    expect(result.actors.map((b) => [path.ix.actors[b.actor].id, b.score])).toEqual([
      ['x', 0.5],
      ['y', 0.5],
    ]);
  });
});

describe('cross-territory ties', () => {
  test('memberships crossing the département of the network’s seat', () => {
    const { networks, territories } = engine.crossTerritoryTies('DEPARTEMENT', today);
    // n1 sits in Millau (12): a2 (34) crosses, a1 and a4 (12) do not.
    const n1 = networks.find((n) => n.network === net('n1'))!;
    expect(n1).toMatchObject({
      seat: 'DEP-12',
      memberships: 3,
      crossing: 1,
      territories: [
        { territory: 'DEP-12', count: 2 },
        { territory: 'DEP-34', count: 1 },
      ],
    });
    // Hérault: memberships a2 ×3 (n1 crosses), a3 ×2 (n3's seat is its scope REG-76 -> no département seat... crosses none).
    const dep34 = territories.find((t) => t.territory === 'DEP-34')!;
    expect(dep34).toMatchObject({ memberships: 5, crossing: 1 });
    // i1 spans Millau (n1 seat, a1, place) and Hérault (n2 seat, a3); i2 the same; i3 only Aveyron (n1, a4).
    expect(territories.find((t) => t.territory === 'DEP-12')).toMatchObject({ initiatives: 3, crossingInitiatives: 2 });
    // Per organising network: n1 leads i1, i2 (crossing) and i3 (Aveyron only).
    expect(n1).toMatchObject({
      initiatives: 3,
      crossingInitiatives: 2,
      initiativeTerritories: [
        { territory: 'DEP-12', count: 3 },
        { territory: 'DEP-34', count: 2 },
      ],
    });
  });
});

describe('synergy report', () => {
  test('ranks pairs with reasons: shared members by name, sectors, initiatives', () => {
    const { pairs } = engine.report(today, 10);
    expect(pairs.length).toBeGreaterThan(0);
    for (let i = 1; i < pairs.length; i++) expect(pairs[i - 1].score).toBeGreaterThanOrEqual(pairs[i].score);
    const n1n2 = pairs.find((p) => p.a === net('n1') && p.b === net('n2'))!;
    expect(n1n2.reasons).toContain('1 shared member: Logiciel Héraultais');
    expect(n1n2.reasons.some((r) => r.startsWith('2 joint initiatives already: Rencontre Millau–Montpellier'))).toBe(true);
    // The same reasons as data: the texts in order, and what each names.
    expect(n1n2.why.map((r) => r.text)).toEqual(n1n2.reasons);
    expect(n1n2.why[0]).toMatchObject({ code: 'SHARED_MEMBERS', count: 1, actors: [engine.ix.actorIndex('a2')] });
    expect(n1n2.why.find((r) => r.code === 'JOINT_INITIATIVES')).toMatchObject({ count: 2, initiatives: expect.any(Array) });
    expect(n1n2.why.find((r) => r.code === 'JOINT_INITIATIVES')!.initiatives).toHaveLength(2);
    // Score = (complementarity + (similarity + Jaccard 1/4) / 2) × (1 + ln 2) / (1 + coParticipation).
    expect(n1n2.score).toBeCloseTo(
      ((n1n2.complementarity + (n1n2.similarity + 0.25) / 2) * (1 + Math.log(2))) / (1 + n1n2.coParticipation),
      3,
    );
  });
});

describe('search and matchmaking', () => {
  test('accent- and case-insensitive, ranked', () => {
    expect(ids(engine.search({ text: 'logiciel heraultais' }).map((h) => h.actor))).toEqual(['a2']);
    expect(ids(engine.search({ text: 'MÉTALL' }).map((h) => h.actor))).toEqual(['a3']);
    expect(matchScore('mecanic vallee', 'mecanic vallee', ['mecanic', 'vallee'])).toBe(1);
    expect(matchScore('association mecanic vallee', 'mecanic vallee', ['mecanic', 'vallee'])).toBeCloseTo(0.79);
    expect(ids(engine.search({ sector: '25', territoryId: 'DEP-34' }).map((h) => h.actor))).toEqual(['a3']);
    expect(ids(engine.search({ networkId: 'n3' }).map((h) => h.actor)).sort()).toEqual(['a1', 'a3', 'a5']);
  });
  test('who has the solution: same network, then one network away, then same département', () => {
    // a4 (Millau, n1) needs division 25: a1 is in n1 with it; a3 is in n2/n3, reached through n1 -> a1 -> n3.
    const found = engine.solutions(engine.ix.actorIndex('a4')!, { sector: '25' });
    expect(found.map((f) => [engine.ix.actors[f.actor].id, f.reach])).toEqual([
      ['a1', 'SAME_NETWORK'],
      ['a3', 'ONE_NETWORK_AWAY'],
    ]);
    expect(found[1].path.map((p) => [engine.ix.networks[p.network].id, engine.ix.actors[p.actor].id])).toEqual([
      ['n1', 'a1'],
      ['n3', 'a3'],
    ]);
  });
  test('networks in reach that match a need', () => {
    // a4 is in n1 (25: 1 of 3 with a sector); n3 shares a1 with n1 (25: 2 of 3); n2 has a3 (25: 1 of 2).
    const found = engine.solutionNetworks(engine.ix.actorIndex('a4')!, { sector: '25' });
    expect(found.map((f) => [engine.ix.networks[f.network].id, f.nearness, f.share])).toEqual([
      ['n1', 'MEMBER', 0.3333],
      ['n3', 'ONE_NETWORK_AWAY', 0.6667],
      ['n2', 'ONE_NETWORK_AWAY', 0.5],
    ]);
    expect(
      engine.solutionNetworks(engine.ix.actorIndex('a4')!, { keyword: 'cluster' }).map((f) => engine.ix.networks[f.network].id),
    ).toEqual(['n3']);
  });
  test('first clients: large buyers reachable through the networks, with the path', () => {
    const buyers = engine.firstClients(engine.ix.actorIndex('a4')!, (a) => isLargeBuyer(engine.ix.actors[a]));
    // a4 -> n1 -> a1 -> n3 -> a5 (GE, Toulouse).
    expect(buyers.map((b) => [engine.ix.actors[b.actor].id, b.hops])).toEqual([['a5', 2]]);
    expect(buyers[0].path.map((p) => engine.ix.networks[p.network].id)).toEqual(['n1', 'n3']);
  });
});
