import { parse } from 'csv-parse/sync';
import { KINDS, type NetworkType } from '@maillage/kinds';
import { checkSiren, communeByInseeCode, parseNafCode } from '@maillage/reference';

export type { NetworkType };

/** The network's kind from its id prefix (the kinds catalogue): `ch-` chamber, `cl-` cluster, `co-` council, `cb-` club. */
export function networkTypeOf(id: string): NetworkType | undefined {
  const m = /^([a-z]{2})-[A-Za-z0-9_-]+$/.exec(id);
  return m ? KINDS.find((k) => k.idPrefix === m[1])?.type : undefined;
}

/** Each kind's member categories, from the kinds catalogue (which the schemas are generated from), sorted as the supergraph lists them. */
export const CATEGORIES = Object.fromEntries(KINDS.map((k) => [k.type, k.categories.map((c) => c.value).sort()])) as Record<
  NetworkType,
  string[]
>;

/** Column names a spreadsheet may use, French or English, for each field. */
const COLUMNS: Record<string, string[]> = {
  siren: ['siren'],
  name: ['name', 'nom', 'raison sociale', 'raison_sociale', 'denomination', 'dénomination'],
  commune: ['commune', 'code commune', 'code_commune', 'insee', 'code insee', 'code_insee', 'commune_insee'],
  category: ['category', 'categorie', 'catégorie'],
  role: ['role', 'rôle', 'fonction'],
  startDate: ['start_date', 'startdate', 'start date', 'date_debut', 'date de début', 'date debut', 'date_début', 'debut', 'début'],
  endDate: ['end_date', 'enddate', 'end date', 'date_fin', 'date de fin', 'fin'],
  naf: ['naf', 'code_naf', 'code naf', 'ape', 'code ape'],
  website: ['website', 'site', 'site web', 'site_web'],
};

/** A valid row, ready to send. */
export interface MemberRow {
  line: number;
  siren: string;
  name: string | null;
  communeCode: string | null;
  nafCode: string | null;
  website: string | null;
  category: string;
  role: string | null;
  startDate: string | null;
  endDate: string | null;
}

export interface RowError {
  line: number;
  messages: string[];
}

/** `2024-03-01` or `01/03/2024` (French spreadsheets) → `2024-03-01`, refusing dates that do not exist. */
export function parseDate(input: string): string | null {
  const s = input.trim();
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  const fr = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(s);
  const m = iso ? [iso[1], iso[2], iso[3]] : fr ? [fr[3], fr[2], fr[1]] : null;
  if (!m) return null;
  const [y, mo, d] = m;
  const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (date.getUTCFullYear() !== Number(y) || date.getUTCMonth() !== Number(mo) - 1 || date.getUTCDate() !== Number(d)) return null;
  return `${y}-${mo}-${d}`;
}

const normaliseHeader = (h: string) => h.trim().toLowerCase().replace(/\s+/g, ' ');

/**
 * Reads a members CSV (comma or semicolon separated, UTF-8 with or without BOM, a header line) and
 * checks every row: SIREN with its checksum, commune against the 2026 map, NAF code, dates, the
 * category against the network's kind. Line numbers are the file's (the header is line 1).
 */
export function readMembers(
  text: string,
  type: NetworkType,
  opts: { defaultCategory?: string } = {},
): { rows: MemberRow[]; errors: RowError[] } {
  let records: string[][];
  try {
    records = parse(text, { bom: true, delimiter: [',', ';'], relax_column_count: true, skip_empty_lines: true, trim: true });
  } catch (err) {
    const e = err as { message: string; lines?: number };
    return { rows: [], errors: [{ line: e.lines ?? 1, messages: [`the file is not valid CSV: ${e.message}`] }] };
  }
  if (!records.length)
    return {
      rows: [],
      errors: [
        { line: 1, messages: ['the file is empty: give a header line (siren, name, commune, category, start_date, end_date, role)'] },
      ],
    };
  const header = records[0].map(normaliseHeader);
  const index = Object.fromEntries(Object.entries(COLUMNS).map(([field, names]) => [field, header.findIndex((h) => names.includes(h))]));
  if (index.siren < 0) return { rows: [], errors: [{ line: 1, messages: [`no siren column in the header (${records[0].join(', ')})`] }] };
  const categories = CATEGORIES[type];
  const rows: MemberRow[] = [];
  const errors: RowError[] = [];
  records.slice(1).forEach((record, i) => {
    const line = i + 2;
    const get = (field: string) => (index[field] >= 0 ? (record[index[field]] ?? '').trim() : '');
    const messages: string[] = [];
    const sirenText = get('siren');
    let siren = '';
    if (!sirenText) messages.push('siren is missing');
    else {
      const check = checkSiren(sirenText);
      if (check.valid) siren = check.value;
      else messages.push(`siren ${JSON.stringify(sirenText)} is not valid: ${check.reason}`);
    }
    const communeText = get('commune');
    const commune = communeText ? communeByInseeCode(communeText) : undefined;
    if (communeText && !commune) messages.push(`commune ${JSON.stringify(communeText)} is not an INSEE commune code of the 2026 map`);
    const nafText = get('naf');
    const naf = nafText ? parseNafCode(nafText) : null;
    if (nafText && !naf) messages.push(`naf ${JSON.stringify(nafText)} is not a NAF rév. 2 code (NN.NNL)`);
    const categoryText = (get('category') || opts.defaultCategory || '').toUpperCase().replace(/[\s-]+/g, '_');
    if (!categoryText) messages.push(`category is missing (one of ${categories.join(', ')}; or give --category)`);
    else if (!categories.includes(categoryText))
      messages.push(`category ${JSON.stringify(get('category') || opts.defaultCategory)} is not one of ${categories.join(', ')}`);
    const dates: Record<'startDate' | 'endDate', string | null> = { startDate: null, endDate: null };
    for (const field of ['startDate', 'endDate'] as const) {
      const raw = get(field);
      if (!raw) continue;
      dates[field] = parseDate(raw);
      if (!dates[field])
        messages.push(
          `${field === 'startDate' ? 'start_date' : 'end_date'} ${JSON.stringify(raw)} is not a date (YYYY-MM-DD or DD/MM/YYYY)`,
        );
    }
    if (dates.startDate && dates.endDate && dates.endDate < dates.startDate)
      messages.push(`end_date ${dates.endDate} is before start_date ${dates.startDate}`);
    const website = get('website');
    if (website && !/^https?:\/\/[^\s/]+\.[^\s]+$/i.test(website))
      messages.push(`website ${JSON.stringify(website)} is not an http(s) URL`);
    const role = get('role');
    if (role.length > 200) messages.push('role is longer than 200 characters');
    if (messages.length) return void errors.push({ line, messages });
    rows.push({
      line,
      siren,
      name: get('name') || null,
      communeCode: commune ? commune.id.replace(/^COM-/, '') : null,
      nafCode: naf?.code ?? null,
      website: website || null,
      category: categoryText,
      role: role || null,
      startDate: dates.startDate,
      endDate: dates.endDate,
    });
  });
  return { rows, errors };
}
