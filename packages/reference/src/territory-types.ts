export type TerritoryLevel = 'REGION' | 'DEPARTEMENT' | 'EPCI' | 'COMMUNE';

/** From the largest to the smallest: the order lists are sorted in. */
export const territoryLevels: readonly TerritoryLevel[] = ['REGION', 'DEPARTEMENT', 'EPCI', 'COMMUNE'];

export interface TerritoryRecord {
  /** Level prefix and code: `REG-76`, `DEP-2A`, `EPCI-243400017`, `COM-34172`. */
  id: string;
  level: TerritoryLevel;
  /** INSEE code, or the SIREN of an EPCI. */
  code: string;
  name: string;
  /** Null for a région. An EPCI's is the région of its département (below). */
  regionId: string | null;
  /** Communes and EPCI. An EPCI straddling départements is placed in its seat's (territory-index.ts). */
  departementId: string | null;
  /** Communes only: their EPCI à fiscalité propre, if any; an arrondissement has its commune's. */
  epciId: string | null;
  /** Arrondissements municipaux only: their commune (`COM-75056` for Paris). */
  parentCommuneId?: string | null;
  /** EPCI only: CC, CA, CU, METRO, or MET69 (Métropole de Lyon). */
  epciType?: string | null;
  /** Communes and EPCI (whose code it is); the data has none for régions and départements. */
  siren?: string | null;
  /**
   * Population municipale of a commune (INSEE's latest légale); of an EPCI, a département or a
   * région, the sum over its communes, so that every level has the same vintage.
   */
  population?: number | null;
  /** Communes only. */
  postalCodes?: string[];
}

const PREFIX: Record<TerritoryLevel, string> = { REGION: 'REG', DEPARTEMENT: 'DEP', EPCI: 'EPCI', COMMUNE: 'COM' };

export const territoryId = (level: TerritoryLevel, code: string): string => `${PREFIX[level]}-${code}`;
