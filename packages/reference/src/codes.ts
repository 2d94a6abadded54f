/**
 * INSEE code lists held as data files of the package: NAF rév. 2 (sections, divisions and the
 * codes of its 732 sous-classes; sous-classe labels are in no npm package), catégories juridiques
 * (niveau III) and tranches d'effectifs.
 */
import headcount from './data/headcount-bands.json';
import legal from './data/legal-categories.json';
import naf from './data/naf.json';

export interface NafSection {
  code: string;
  label: string;
}
export interface NafDivision {
  code: string;
  label: string;
  section: string;
}

/** The nomenclature the NAF tables describe; NAF 2025 replaces it in SIRENE on 2027-01-01. */
export const nafNomenclature: string = naf.nomenclature;
export const nafSections: readonly NafSection[] = naf.sections;
export const nafDivisions: readonly NafDivision[] = naf.divisions;
const sectionByCode = new Map(nafSections.map((s) => [s.code, s]));
const divisionByCode = new Map(nafDivisions.map((d) => [d.code, d]));
const subclasses = new Set<string>(naf.subclasses);
/** Every NAF rév. 2 sous-classe code (`25.62A`), in code order. */
export const nafSubclasses: readonly string[] = naf.subclasses;

export const nafSection = (code: string): NafSection | undefined => sectionByCode.get(code);
export const nafDivision = (code: string): NafDivision | undefined => divisionByCode.get(code);

/**
 * A NAF code `NN.NNL` (also accepted as `NNNNL`, any case), normalised to `NN.NNL`, with its
 * division and section. Null when malformed or not a NAF rév. 2 sous-classe ('99.99Z': division
 * 99 exists but only 99.00Z does). `{ strict: false }` only asks that the division exist: NAF 2025
 * codes share the shape (53.10A) and parse that way, though their division and section are then
 * given in rév. 2 terms, until the NAF 2025 table is added.
 */
export function parseNafCode(
  input: string,
  opts: { strict?: boolean } = {},
): { code: string; division: NafDivision; section: NafSection } | null {
  const m = /^(\d{2})\.?(\d{2})([A-Z])$/.exec(input.trim().toUpperCase());
  if (!m) return null;
  const code = `${m[1]}.${m[2]}${m[3]}`;
  const division = divisionByCode.get(m[1]);
  if (!division || (opts.strict !== false && !subclasses.has(code))) return null;
  return { code, division, section: sectionByCode.get(division.section)! };
}

export interface LegalCategory {
  code: string;
  label: string;
}
/** INSEE's niveau III list (260 codes), labels as INSEE spells them. */
export const legalCategories: readonly LegalCategory[] = legal;
const legalByCode = new Map(legalCategories.map((c) => [c.code, c]));
/** INSEE legal category (catégorie juridique, niveau III, 4 digits). */
export const legalCategory = (code: string): LegalCategory | undefined => legalByCode.get(code);

export interface HeadcountBand {
  code: string;
  label: string;
  min: number | null;
  max: number | null;
}
export const headcountBands: readonly HeadcountBand[] = headcount;
const bandByCode = new Map(headcountBands.map((b) => [b.code, b]));
/** INSEE headcount band (tranche d'effectifs salariés). */
export const headcountBand = (code: string): HeadcountBand | undefined => bandByCode.get(code);

export type CompanyCategory = 'PME' | 'ETI' | 'GE';
/** INSEE company categories (LME 2008): small and medium, intermediate-sized, large. */
export const companyCategories: readonly CompanyCategory[] = ['PME', 'ETI', 'GE'];
