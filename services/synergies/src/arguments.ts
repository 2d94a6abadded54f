import { ErrorCode, userError } from '@maillage/errors';
import { getTerritory } from '@maillage/reference';
import type { Scope } from '@maillage/synergy';
import type { ScopeInput } from './generated/resolvers';

const iso = (d: Date | null | undefined) => (d ? d.toISOString().slice(0, 10) : null);

/** Validates the scope argument: a known territory, and from ≤ to. */
export function scopeOf(input: ScopeInput | null | undefined): Scope {
  const s = { territoryId: input?.territoryId ?? null, from: iso(input?.from), to: iso(input?.to) };
  if (s.territoryId && !getTerritory(s.territoryId))
    throw userError(ErrorCode.UNKNOWN_TERRITORY, `No territory ${s.territoryId}`, 'scope.territoryId');
  if (s.from && s.to && s.from > s.to) throw userError(ErrorCode.INVALID_DATE_RANGE, 'scope.from is after scope.to', 'scope.from');
  return s;
}

/** `first` for the plain lists (not connections): 0 to 100, 20 when absent. */
export function limit(first: number | null | undefined, field = 'first'): number {
  const n = first ?? 20;
  if (!Number.isInteger(n) || n < 0 || n > 100) throw userError(ErrorCode.BAD_USER_INPUT, `${field} must be between 0 and 100`, field);
  return n;
}

/** Rounded to four decimals, 0 over nothing. */
export const share = (x: number, of: number) => (of ? Math.round((x / of) * 10_000) / 10_000 : 0);
