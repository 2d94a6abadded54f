import { childrenOf, getTerritory, nafDivisions, nafSubclasses, type TerritoryRecord } from '@maillage/reference';
import type {
  NetworkKind,
  RegionSnapshot,
  SnapshotActor,
  SnapshotInitiative,
  SnapshotMembership,
  SnapshotNetwork,
} from '@maillage/synergy';

/** Sizes of the region to generate; defaults are a real région's (Occitanie has 13 départements). */
export interface SyntheticOptions {
  actors?: number;
  networks?: number;
  memberships?: number;
  initiatives?: number;
  /** Same seed, same region, byte for byte. */
  seed?: number;
  regionId?: string;
  /** The day memberships and initiatives are dated up to. */
  today?: string;
}

export const REGION_SIZE = { actors: 100_000, networks: 2_000, memberships: 400_000, initiatives: 20_000 } as const;

/** mulberry32: a small, fast, well-distributed 32-bit PRNG; enough for test data, not for secrets. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Picks from items by cumulative weights (binary search). */
function weighted<T>(items: readonly T[], weights: readonly number[], rand: () => number): () => T {
  const cumulative = new Float64Array(weights.length);
  let sum = 0;
  weights.forEach((w, i) => (cumulative[i] = sum += w));
  return () => {
    const x = rand() * sum;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return items[lo];
  };
}

const SURNAMES = [
  'Martin',
  'Bernard',
  'Thomas',
  'Petit',
  'Robert',
  'Richard',
  'Durand',
  'Dubois',
  'Moreau',
  'Laurent',
  'Simon',
  'Michel',
  'Lefèvre',
  'Leroy',
  'Roux',
  'David',
  'Bertrand',
  'Morel',
  'Fournier',
  'Girard',
  'Bonnet',
  'Dupont',
  'Lambert',
  'Fontaine',
  'Rousseau',
  'Vincent',
  'Muller',
  'Faure',
  'André',
  'Mercier',
  'Blanc',
  'Guérin',
  'Boyer',
  'Garnier',
  'Chevalier',
  'Rouquette',
  'Vidal',
  'Fabre',
  'Azéma',
  'Cabrol',
];
const TRADES = [
  'Ateliers',
  'Usinage',
  'Conseil',
  'Logiciels',
  'Transports',
  'Bureau d’études',
  'Menuiserie',
  'Laboratoire',
  'Imprimerie',
  'Bâtiment',
  'Énergies',
  'Agro',
  'Mécanique',
  'Composites',
  'Numérique',
  'Services',
];
const NETWORK_WORDS: Record<NetworkKind, string[]> = {
  CHAMBER: ['CCI', 'CMA'],
  CLUSTER: ['Pôle', 'Cluster', 'Vallée'],
  COUNCIL: ['Conseil', 'Comité'],
  CLUB: ['Club', 'Réseau', 'Cercle'],
};
const KIND_SHARE: [NetworkKind, number][] = [
  ['CHAMBER', 0.05],
  ['CLUSTER', 0.25],
  ['COUNCIL', 0.1],
  ['CLUB', 0.6],
];
const ACTOR_KINDS: [string, number][] = [
  ['COMPANY', 0.72],
  ['STARTUP', 0.08],
  ['ASSOCIATION', 0.07],
  ['PUBLIC_BODY', 0.03],
  ['LOCAL_AUTHORITY', 0.03],
  ['RESEARCH_CENTRE', 0.02],
  ['TRAINING_BODY', 0.02],
  ['INCUBATOR', 0.01],
  ['INVESTOR', 0.01],
  ['PERSON', 0.01],
];

const pad = (n: number, w = 6) => String(n).padStart(w, '0');
const isoDay = (day: number) => new Date(day * 86_400_000).toISOString().slice(0, 10);

/**
 * A synthetic région on real territories: actors spread over communes by population, with real NAF
 * codes; chambers per département, clusters focused on a few divisions region-wide, councils per
 * EPCI, clubs around their seat (some spanning a neighbouring département); membership counts with
 * a heavy tail; a third of initiatives co-organised by networks of the same territory.
 */
export function generateRegion(opts: SyntheticOptions = {}): RegionSnapshot {
  const size = { ...REGION_SIZE, ...opts };
  const rand = prng(opts.seed ?? 2026);
  const int = (n: number) => Math.floor(rand() * n);
  const pick = <T>(xs: readonly T[]) => xs[int(xs.length)];
  const regionId = opts.regionId ?? 'REG-76';
  const today = Math.floor(Date.parse(`${opts.today ?? '2026-11-01'}T00:00:00Z`) / 86_400_000);

  const communes = childrenOf(regionId, 'COMMUNE').filter((c) => !c.parentCommuneId);
  if (!communes.length) throw new Error(`no commune in ${regionId}`);
  const departements = childrenOf(regionId, 'DEPARTEMENT').map((d) => d.id);
  const commune = weighted(
    communes,
    communes.map((c) => c.population ?? 1),
    rand,
  );

  // Divisions weighted by a Zipf law over a seeded shuffle: a few dominant sectors, a long tail.
  const divisions = nafDivisions.map((d) => d.code);
  for (let i = divisions.length - 1; i > 0; i--) {
    const j = int(i + 1);
    [divisions[i], divisions[j]] = [divisions[j], divisions[i]];
  }
  const subclassesOf = new Map<string, string[]>();
  for (const code of nafSubclasses) subclassesOf.set(code.slice(0, 2), [...(subclassesOf.get(code.slice(0, 2)) ?? []), code]);
  const division = weighted(
    divisions,
    divisions.map((_, i) => 1 / (i + 1)),
    rand,
  );
  const actorKind = weighted(
    ACTOR_KINDS.map(([k]) => k),
    ACTOR_KINDS.map(([, w]) => w),
    rand,
  );

  const actors: SnapshotActor[] = [];
  const byDepartement = new Map<string, number[]>();
  const byEpci = new Map<string, number[]>();
  const byDivision = new Map<string, number[]>();
  const add = <K>(m: Map<K, number[]>, k: K, v: number) => (m.get(k) ?? m.set(k, []).get(k)!).push(v);
  for (let i = 0; i < size.actors; i++) {
    const kind = actorKind();
    const c: TerritoryRecord = commune();
    const div = kind === 'PERSON' ? null : division();
    const naf = div ? pick(subclassesOf.get(div)!) : null;
    const big = kind === 'COMPANY' ? rand() : 1;
    actors.push({
      id: `syn-a-${pad(i)}`,
      name: kind === 'PERSON' ? `${pick(SURNAMES)} ${pad(i)}` : `${pick(TRADES)} ${pick(SURNAMES)} ${c.name} ${pad(i)}`,
      kind,
      nafCode: naf,
      communeId: c.id,
      category: kind === 'COMPANY' ? (big < 0.01 ? 'GE' : big < 0.05 ? 'ETI' : 'PME') : null,
      headcountBand: kind === 'COMPANY' ? (big < 0.01 ? '52' : big < 0.05 ? '32' : pick(['01', '02', '03', '11', '12', '21'])) : null,
    });
    add(byDepartement, c.departementId!, i);
    if (c.epciId) add(byEpci, c.epciId, i);
    if (div) add(byDivision, div, i);
  }

  // Networks: each is an organisation of the directory too (its seat actor).
  const kind = weighted(
    KIND_SHARE.map(([k]) => k),
    KIND_SHARE.map(([, w]) => w),
    rand,
  );
  const networks: SnapshotNetwork[] = [];
  const focus: string[][] = [];
  const seatCommune: string[] = [];
  for (let n = 0; n < size.networks; n++) {
    const k = kind();
    const seat = commune();
    const seatActor = actors.length;
    actors.push({
      id: `syn-a-net-${pad(n, 4)}`,
      name: `${pick(NETWORK_WORDS[k])} ${seat.name} ${pad(n, 4)}`,
      kind: k === 'CHAMBER' ? 'CONSULAR_CHAMBER' : k === 'COUNCIL' ? 'LOCAL_AUTHORITY' : 'ASSOCIATION',
      communeId: seat.id,
    });
    const dep = seat.departementId!;
    const scope =
      k === 'CHAMBER'
        ? [dep]
        : k === 'CLUSTER'
          ? [regionId]
          : k === 'COUNCIL'
            ? [seat.epciId ?? dep]
            : rand() < 0.15
              ? [dep, pick(departements.filter((d) => d !== dep))]
              : [dep];
    networks.push({
      id: `syn-${k.toLowerCase()}-${pad(n, 4)}`,
      kind: k,
      name: actors[seatActor].name,
      scope,
      actorId: actors[seatActor].id,
    });
    seatCommune.push(seat.id);
    focus.push(k === 'CLUSTER' ? [division(), division(), division()] : []);
  }

  // Membership counts: Pareto-distributed weights, scaled to the total; pools by kind of network.
  const weights = networks.map((nw) => (nw.kind === 'CHAMBER' ? 8 : 1) / Math.pow(1 - rand(), 1 / 1.6));
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  const memberships: SnapshotMembership[] = [];
  const members: number[][] = networks.map(() => []);
  const chosen = networks.map(() => new Set<number>());
  const join = (n: number, a: number) => {
    if (chosen[n].has(a)) return;
    chosen[n].add(a);
    members[n].push(a);
    const start = today - 365 - int(365 * 15);
    const ended = rand() < 0.1;
    memberships.push({
      networkId: networks[n].id,
      actorId: actors[a].id,
      startDate: isoDay(start),
      endDate: ended ? isoDay(start + int(today - start)) : null,
    });
  };
  const all = actors.map((_, i) => i).slice(0, size.actors);
  networks.forEach((nw, n) => {
    const target = Math.max(2, Math.round((weights[n] / totalWeight) * size.memberships));
    const seatDep =
      nw.kind === 'CLUSTER' ? null : nw.scope[0].startsWith('DEP-') ? nw.scope[0] : (getTerritory(nw.scope[0])?.departementId ?? null);
    const local =
      (nw.kind === 'COUNCIL' ? byEpci.get(nw.scope[0]) : undefined) ?? (seatDep ? byDepartement.get(seatDep) : undefined) ?? all;
    const wide = nw.scope[1] ? byDepartement.get(nw.scope[1])! : all;
    const focused = focus[n].flatMap((d) => byDivision.get(d) ?? []);
    const pool = () => {
      const x = rand();
      if (nw.kind === 'CLUSTER') return focused.length && x < 0.75 ? focused : all;
      if (nw.kind === 'CLUB') return x < 0.75 ? local : x < 0.95 ? wide : all;
      return x < 0.95 ? local : all;
    };
    for (let tries = 0; chosen[n].size < target && tries < target * 4; tries++) join(n, pick(pool()));
  });
  // Small pools (an EPCI's actors) cannot fill their share: top up region-wide, by the same weights.
  const byWeight = weighted(
    networks.map((_, n) => n),
    weights,
    rand,
  );
  while (memberships.length < size.memberships) join(byWeight(), int(size.actors));

  // Initiatives: led by a network (weighted by size), one in three co-organised with networks of its territory.
  const leader = weighted(
    networks.map((_, n) => n),
    weights,
    rand,
  );
  const byScope = new Map<string, number[]>();
  networks.forEach((nw, n) => add(byScope, nw.scope[0], n));
  const initiatives: SnapshotInitiative[] = [];
  for (let i = 0; i < size.initiatives; i++) {
    const n = leader();
    const nw = networks[n];
    const near = byScope.get(nw.scope[0]) ?? [];
    const co =
      rand() < 0.33
        ? [
            ...new Set(Array.from({ length: 1 + int(3) }, () => (rand() < 0.7 && near.length > 1 ? pick(near) : int(networks.length)))),
          ].filter((x) => x !== n)
        : [];
    const parties = members[n].length ? [...new Set(Array.from({ length: int(20) }, () => pick(members[n])))] : [];
    const start = today - int(365 * 10);
    initiatives.push({
      id: `syn-i-${pad(i)}`,
      name: `${pick(['Rencontre', 'Atelier', 'Salon', 'Programme', 'Projet', 'Visite'])} ${nw.name} ${pad(i)}`,
      organiserId: nw.id,
      coOrganiserIds: co.map((c) => networks[c].id),
      partyActorIds: parties.map((a) => actors[a].id),
      startDate: isoDay(start),
      endDate: isoDay(start + int(3)),
      placeId: seatCommune[n],
    });
  }
  return { actors, networks, memberships, initiatives, takenAt: `${isoDay(today)}T00:00:00.000Z` };
}
