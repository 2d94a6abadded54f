import { assertDateRange, ErrorCode, userError } from '@maillage/errors';
import {
  checkRna,
  checkSiren,
  checkSiret,
  communeByInseeCode,
  headcountBand,
  legalCategory,
  normaliseText,
  parseNafCode,
  reachOf,
} from '@maillage/reference';
import type { ActorKind, CompanyCategory } from './generated/prisma/enums';

/** The fields a client may set on an actor (create and update share them). */
export interface ActorFields {
  kind?: ActorKind | null;
  name?: string | null;
  description?: string | null;
  siren?: string | null;
  siret?: string | null;
  rna?: string | null;
  nafCode?: string | null;
  legalCategory?: string | null;
  headcountBand?: string | null;
  category?: CompanyCategory | null;
  communeCode?: string | null;
  website?: string | null;
  email?: string | null;
  phone?: string | null;
  foundedOn?: Date | null;
  closedOn?: Date | null;
  sources?: string[] | null;
}

const has = (input: object, key: string) => Object.prototype.hasOwnProperty.call(input, key);

function text(value: string | null | undefined, field: string, max: number): string | null {
  if (value == null) return null;
  const t = value.trim();
  if (t.length > max) throw userError(ErrorCode.BAD_USER_INPUT, `${field} is longer than ${max} characters`, field);
  return t.length ? t : null;
}

function identifier(
  check: (s: string) => { valid: true; value: string } | { valid: false; reason: string },
  value: string | null | undefined,
  field: string,
) {
  if (value == null || value.trim() === '') return null;
  const r = check(value);
  if (!r.valid) throw userError(ErrorCode.INVALID_IDENTIFIER, `${field} ${JSON.stringify(value)} is not valid: ${r.reason}`, field);
  return r.value;
}

/** A code of an INSEE list, or null when empty; one the list does not hold is refused. */
function inseeCode(known: (code: string) => unknown, value: string | null | undefined, field: string, what: string): string | null {
  if (value && !known(value)) throw userError(ErrorCode.INVALID_CODE, `${field} ${JSON.stringify(value)} is not ${what}`, field);
  return value || null;
}

/**
 * Turns client input into database columns, refusing anything invalid before a single row is
 * written. `current` is the stored actor on update, so cross-field rules see the final state.
 */
export function actorColumns(input: ActorFields, current?: { siren: string | null; foundedOn: Date | null; closedOn: Date | null }) {
  const data: Record<string, unknown> = {};
  if (has(input, 'kind')) {
    if (!input.kind) throw userError(ErrorCode.BAD_USER_INPUT, 'kind cannot be null', 'kind');
    data.kind = input.kind;
  }
  if (has(input, 'name')) {
    const name = text(input.name, 'name', 200);
    if (!name) throw userError(ErrorCode.BAD_USER_INPUT, 'name must not be empty', 'name');
    data.name = name;
    data.searchName = normaliseText(name);
  }
  if (has(input, 'description')) data.description = text(input.description, 'description', 4000);
  if (has(input, 'siren')) data.siren = identifier(checkSiren, input.siren, 'siren');
  if (has(input, 'siret')) data.siret = identifier(checkSiret, input.siret, 'siret');
  if (has(input, 'rna')) data.rna = identifier(checkRna, input.rna, 'rna');
  const siren = (has(input, 'siren') ? data.siren : current?.siren) as string | null | undefined;
  if (data.siret && siren && !(data.siret as string).startsWith(siren)) {
    throw userError(ErrorCode.INVALID_IDENTIFIER, `siret ${data.siret} does not belong to SIREN ${siren}`, 'siret');
  }
  if (has(input, 'nafCode')) {
    if (input.nafCode == null || input.nafCode === '') data.nafCode = null;
    else {
      const naf = parseNafCode(input.nafCode);
      if (!naf)
        throw userError(
          ErrorCode.INVALID_CODE,
          `nafCode ${JSON.stringify(input.nafCode)} is not a NAF rév. 2 code (NN.NNL, an existing sous-classe)`,
          'nafCode',
        );
      data.nafCode = naf.code;
    }
  }
  if (has(input, 'legalCategory'))
    data.legalCategory = inseeCode(legalCategory, input.legalCategory, 'legalCategory', 'an INSEE legal category');
  if (has(input, 'headcountBand'))
    data.headcountBand = inseeCode(headcountBand, input.headcountBand, 'headcountBand', 'an INSEE headcount band');
  if (has(input, 'category')) data.category = input.category ?? null;
  if (has(input, 'communeCode')) {
    if (input.communeCode == null || input.communeCode === '') {
      data.communeId = null;
      data.reach = [];
    } else {
      const commune = communeByInseeCode(input.communeCode.trim());
      if (!commune)
        throw userError(
          ErrorCode.UNKNOWN_TERRITORY,
          `communeCode ${JSON.stringify(input.communeCode)} is not a commune of the 2026 map`,
          'communeCode',
        );
      data.communeId = commune.id;
      data.reach = reachOf([commune.id]);
    }
  }
  if (has(input, 'website')) {
    const w = text(input.website, 'website', 500);
    if (w && !/^https?:\/\/[^\s/]+\.[^\s]+$/i.test(w))
      throw userError(ErrorCode.BAD_USER_INPUT, 'website must be an http(s) URL', 'website');
    data.website = w;
  }
  if (has(input, 'email')) {
    const e = text(input.email, 'email', 254);
    if (e && !/^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[A-Za-z]{2,}$/.test(e))
      throw userError(ErrorCode.BAD_USER_INPUT, 'email is not an email address', 'email');
    data.email = e;
  }
  if (has(input, 'phone')) {
    const ph = text(input.phone, 'phone', 30);
    if (ph && !/^\+?[0-9 .()-]{6,30}$/.test(ph))
      throw userError(ErrorCode.BAD_USER_INPUT, 'phone may hold digits, spaces and + . - ( ) only', 'phone');
    data.phone = ph;
  }
  if (has(input, 'foundedOn')) data.foundedOn = input.foundedOn ?? null;
  if (has(input, 'closedOn')) data.closedOn = input.closedOn ?? null;
  const founded = (has(input, 'foundedOn') ? data.foundedOn : current?.foundedOn) as Date | null;
  const closed = (has(input, 'closedOn') ? data.closedOn : current?.closedOn) as Date | null;
  assertDateRange(founded, closed, 'closedOn');
  if (has(input, 'sources')) data.sources = (input.sources ?? []).map((s) => s.trim()).filter(Boolean);
  return data;
}
