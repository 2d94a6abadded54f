/**
 * Builds the in-memory territories from @etalab/decoupage-administratif's JSON files (not its
 * index.js, which reads ./data relative to the working directory).
 */
import { readFileSync } from 'node:fs';
import { normaliseText } from './text';
import { territoryId, territoryLevels, type TerritoryLevel, type TerritoryRecord } from './territory-types';

interface RawRegion {
  code: string;
  nom: string;
  zone: string;
}
interface RawDepartement {
  code: string;
  nom: string;
  region: string;
  zone: string;
}
interface RawCommune {
  code: string;
  nom: string;
  type: 'commune-actuelle' | 'commune-deleguee' | 'commune-associee' | 'arrondissement-municipal';
  departement: string;
  region: string;
  /** Arrondissements municipaux: their commune. */
  commune?: string;
  siren?: string;
  codesPostaux?: string[];
  population?: number;
}
interface RawEpci {
  code: string;
  nom: string;
  type: string;
  membres: { code: string }[];
}

/** The ids above a territory, nearest first (absent ones null). */
export const upwardIds = (t: TerritoryRecord): (string | null | undefined)[] => [t.parentCommuneId, t.epciId, t.departementId, t.regionId];

/**
 * Name matching key: normaliseText, plus hyphens and apostrophes read as spaces and the œ/æ
 * ligatures spelt out, so that "saint etienne" finds Saint-Étienne and "oeuilly" Œuilly.
 */
export const searchKey = (s: string): string => normaliseText(s.replace(/[-'’]/g, ' ')).replace(/œ/g, 'oe').replace(/æ/g, 'ae');

/**
 * Read and parsed rather than require()d: require would keep the 12 MB of raw JSON, parsed, in
 * its module cache for the life of the process, where only the records below are needed.
 */
function data<T>(file: string): T {
  return JSON.parse(readFileSync(require.resolve(`@etalab/decoupage-administratif/data/${file}`), 'utf8')) as T;
}

/**
 * CC Mad et Moselle has its seat at Thiaucourt-Regniéville (54), like most of its communes and
 * people, but its most populous commune (Corny-sur-Moselle) is in 57.
 */
const EPCI_DEPARTEMENT_OVERRIDES: Record<string, string> = { '200070738': '54' };

/**
 * The département of an EPCI, meant to be its seat's (the data has no seat): (1) an SIREN of the
 * old form 24DDxxxxx names the département it was registered in, when that is one of its
 * communes'; else (2) the département of its most populous commune. Of the 89 EPCI straddling
 * départements in the 2026 data, these and the plain majority of communes disagree for 10, which
 * were checked against their seats: the majority of communes was wrong for 7 (Métropole du Grand
 * Paris would land in Val-de-Marne), this rule for one (the override above).
 */
function epciDepartement(code: string, members: RawCommune[]): string | undefined {
  if (EPCI_DEPARTEMENT_OVERRIDES[code]) return EPCI_DEPARTEMENT_OVERRIDES[code];
  const deps = new Set(members.map((c) => c.departement));
  if (deps.size <= 1) return members[0]?.departement;
  for (const d of deps) if (code.startsWith(`24${d}`)) return d;
  let largest: RawCommune | undefined;
  for (const c of members) if (!largest || (c.population ?? 0) > (largest.population ?? 0)) largest = c;
  return largest?.departement;
}

/** Every territory by id. */
export function loadTerritories(): Map<string, TerritoryRecord> {
  // Collectivités d'outre-mer (zone `com`: Saint-Pierre-et-Miquelon, Saint-Martin, Polynésie...)
  // are pseudo-régions and pseudo-départements of their own code: left out, with their communes.
  const regions = data<RawRegion[]>('regions.json').filter((r) => r.zone !== 'com');
  const regionCodes = new Set(regions.map((r) => r.code));
  const departements = data<RawDepartement[]>('departements.json').filter((d) => regionCodes.has(d.region));
  const depRegion = new Map(departements.map((d) => [d.code, d.region]));
  // Communes déléguées and associées are dropped: 584 share their code with a current commune.
  const communes = data<RawCommune[]>('communes.json').filter(
    (c) => (c.type === 'commune-actuelle' || c.type === 'arrondissement-municipal') && depRegion.has(c.departement),
  );
  const communeByCode = new Map(communes.filter((c) => c.type === 'commune-actuelle').map((c) => [c.code, c]));

  const all: TerritoryRecord[] = [];
  const epciOfCommune = new Map<string, string>();
  for (const e of data<RawEpci[]>('epci.json')) {
    const id = territoryId('EPCI', e.code);
    const members = e.membres.map((m) => communeByCode.get(m.code)).filter((c): c is RawCommune => !!c);
    for (const c of members) epciOfCommune.set(c.code, id);
    const dep = epciDepartement(e.code, members);
    const region = dep && depRegion.get(dep);
    all.push({
      id,
      level: 'EPCI',
      code: e.code,
      name: e.nom,
      regionId: region ? territoryId('REGION', region) : null,
      departementId: dep ? territoryId('DEPARTEMENT', dep) : null,
      epciId: null,
      epciType: e.type,
      siren: e.code,
      population: null,
    });
  }

  const population = new Map<string, number>();
  for (const c of communes) {
    const parent = c.type === 'arrondissement-municipal' ? (c.commune ?? null) : null;
    const epciId = epciOfCommune.get(parent ?? c.code) ?? null;
    const regionId = territoryId('REGION', c.region);
    const departementId = territoryId('DEPARTEMENT', c.departement);
    // Arrondissements stay out of the sums: their commune counts their people already.
    if (!parent && c.population != null) {
      for (const id of [regionId, departementId, epciId]) if (id) population.set(id, (population.get(id) ?? 0) + c.population);
    }
    all.push({
      id: territoryId('COMMUNE', c.code),
      level: 'COMMUNE',
      code: c.code,
      name: c.nom,
      regionId,
      departementId,
      epciId,
      parentCommuneId: parent ? territoryId('COMMUNE', parent) : null,
      siren: c.siren ?? null,
      population: c.population ?? null,
      postalCodes: c.codesPostaux ?? [],
    });
  }

  for (const r of regions) {
    all.push({
      id: territoryId('REGION', r.code),
      level: 'REGION',
      code: r.code,
      name: r.nom,
      regionId: null,
      departementId: null,
      epciId: null,
    });
  }
  for (const d of departements) {
    const regionId = territoryId('REGION', d.region);
    all.push({
      id: territoryId('DEPARTEMENT', d.code),
      level: 'DEPARTEMENT',
      code: d.code,
      name: d.nom,
      regionId,
      departementId: null,
      epciId: null,
    });
  }
  for (const t of all) if (t.level !== 'COMMUNE') t.population = population.get(t.id) ?? null;
  return new Map(all.map((t) => [t.id, t]));
}

/** What listing needs on top of the lookup map. */
export interface Listing {
  /** Every territory, sorted by level then name (French collation, numbers by value) then code. */
  all: TerritoryRecord[];
  /** Positions in `all` of every territory inside an id, in `all`'s order. */
  within: Map<string, number[]>;
  /** [start, end) of each level in `all`. */
  levelRange: Record<TerritoryLevel, [number, number]>;
}

export function buildListing(byId: Map<string, TerritoryRecord>): Listing {
  const rank = Object.fromEntries(territoryLevels.map((l, i) => [l, i])) as Record<TerritoryLevel, number>;
  // Numeric, so that Paris 2e Arrondissement comes before Paris 10e.
  const collator = new Intl.Collator('fr', { numeric: true });
  const all = [...byId.values()].sort(
    (a, b) => rank[a.level] - rank[b.level] || collator.compare(a.name, b.name) || (a.code < b.code ? -1 : 1),
  );
  const within = new Map<string, number[]>();
  const levelRange = Object.fromEntries(territoryLevels.map((l) => [l, [0, 0]])) as Record<TerritoryLevel, [number, number]>;
  for (let i = 0; i < all.length; i++) {
    const range = levelRange[all[i].level];
    if (range[1] === 0) range[0] = i;
    range[1] = i + 1;
    for (const a of upwardIds(all[i])) {
      if (!a || !byId.has(a)) continue;
      const list = within.get(a);
      if (list) list.push(i);
      else within.set(a, [i]);
    }
  }
  return { all, within, levelRange };
}
