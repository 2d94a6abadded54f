import {
  coParticipationMap,
  membersOf,
  overlap,
  pairs,
  resolveScope,
  scanPairs,
  sectorModel,
  SynergyEngine,
  View,
  type RegionSnapshot,
} from '../src';

// The measure modules against each other on a random region (seeded): two code paths that must
// agree, and the caches that make a second call cheap.
function randomRegion(seed: number): RegionSnapshot {
  let x = seed;
  const rnd = () => (x = (x * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
  const communes = ['COM-34172', 'COM-12145', 'COM-31555', 'COM-30189'];
  const divisions = ['10', '25', '28', '30', '46', '62', '71', '85'];
  const actors = Array.from({ length: 300 }, (_, i) => ({
    id: `a${i}`,
    name: `Actor ${i}`,
    kind: 'COMPANY',
    nafCode: rnd() < 0.9 ? `${pick(divisions)}.11Z` : null,
    communeId: pick(communes),
  }));
  const networks = Array.from({ length: 30 }, (_, i) => ({
    id: `n${i}`,
    kind: pick(['CHAMBER', 'CLUSTER', 'COUNCIL', 'CLUB'] as const),
    name: `Network ${i}`,
    scope: [pick(['DEP-34', 'DEP-12', 'REG-76'])],
  }));
  const memberships = Array.from({ length: 1500 }, () => ({
    networkId: pick(networks).id,
    actorId: pick(actors).id,
    startDate: pick(['2019-01-01', '2022-06-01', '2025-03-01']),
    endDate: rnd() < 0.2 ? '2024-12-31' : null,
  }));
  const initiatives = Array.from({ length: 60 }, (_, i) => ({
    id: `i${i}`,
    name: `Initiative ${i}`,
    organiserId: pick(networks).id,
    coOrganiserIds: [pick(networks).id],
    partyActorIds: [pick(actors).id],
    startDate: pick(['2023-05-01', '2025-09-01', '2026-10-01']),
  }));
  return { takenAt: '2026-11-01T00:00:00Z', actors, networks, memberships, initiatives };
}

const engine = new SynergyEngine(randomRegion(42));
const scopes = [
  { to: '2026-11-01' },
  { to: '2023-01-01' },
  { territoryId: 'DEP-34', to: '2026-11-01' },
  { territoryId: 'REG-76', from: '2020-01-01', to: '2026-11-01' },
];

test.each(scopes)('a network’s members read from its own rows equal the view’s, and pair overlaps agree (%o)', (s) => {
  const view = engine.view(s);
  const scope = resolveScope(s);
  let shared = 0;
  for (let n = 0; n < engine.ix.networks.length; n++)
    expect(Array.from(membersOf(engine.ix, n, scope))).toEqual(Array.from(view.members[n]));
  for (const p of pairs(view)) {
    expect(p.shared).toBe(overlap(engine.ix, p.a, p.b, scope).shared.length);
    shared += p.shared;
  }
  expect(shared).toBeGreaterThan(0);
});

test.each([1, 3, 10])('the pair scan keeps the same top %i as ranking every pair', (k) => {
  const view = engine.view(scopes[0]);
  const rank = (p: { complementarity: number; similarity: number; shared: number }, jaccard: number) =>
    p.complementarity + p.similarity + jaccard + p.shared / 10;
  const all = scanPairs(view, rank, Infinity).sort((x, y) => y.score - x.score);
  expect(all.length).toBeGreaterThan(k);
  expect(scanPairs(view, rank, k)).toEqual(all.slice(0, k));
});

test('what a measure derives from a view is built once per view; views are kept per scope', () => {
  const view = engine.view(scopes[2]);
  expect(engine.view(scopes[2])).toBe(view);
  expect(sectorModel(view)).toBe(sectorModel(view));
  expect(coParticipationMap(view)).toBe(coParticipationMap(view));
  const fresh = new View(engine.ix, resolveScope(scopes[2]));
  expect(sectorModel(fresh)).not.toBe(sectorModel(view));
  expect(sectorModel(fresh)).toEqual(sectorModel(view));
  expect(engine.view(scopes[1])).not.toBe(view);
});
