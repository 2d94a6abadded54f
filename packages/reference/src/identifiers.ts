/**
 * French identifiers. Checksums come from `stdnum`, imported file by file: its index loads every
 * country's validators, which cost about 180 ms at start-up against 9 ms for these three.
 */
import * as siren from 'stdnum/lib/cjs/fr/siren';
import * as siret from 'stdnum/lib/cjs/fr/siret';
import * as tva from 'stdnum/lib/cjs/fr/tva';

/** `value` is the compact form: separators (spaces, dots, dashes) removed. */
export type IdentifierCheck = { valid: true; value: string } | { valid: false; reason: string };

/** stdnum's errors name the rule broken ("The number checksum or check digit is invalid."). */
function fromStdnum(result: ReturnType<typeof siren.validate>): IdentifierCheck {
  return result.isValid ? { valid: true, value: result.compact } : { valid: false, reason: result.error.message };
}

/** SIREN: 9 digits with a Luhn checksum. */
export const checkSiren = (input: string): IdentifierCheck => fromStdnum(siren.validate(input));

/**
 * SIRET: SIREN + NIC, 14 digits, Luhn over all 14; La Poste's establishments (SIREN 356000000)
 * other than its head office pass when their digit sum is a multiple of 5 (stdnum knows the rule).
 */
export const checkSiret = (input: string): IdentifierCheck => fromStdnum(siret.validate(input));

/** The SIREN part of a SIRET (its first 9 digits, separators ignored). */
export const sirenOfSiret = (input: string): string => input.replace(/[\s./-]/g, '').slice(0, 9);

/** RNA number of a declared association: W followed by 9 digits (returned upper case). */
export function checkRna(input: string): IdentifierCheck {
  const value = input.replace(/\s/g, '').toUpperCase();
  return /^W\d{9}$/.test(value) ? { valid: true, value } : { valid: false, reason: 'An RNA number is W followed by 9 digits.' };
}

/**
 * French VAT number of a SIREN: FR + key + SIREN, key = (12 + 3 × (SIREN mod 97)) mod 97 on two
 * digits (EDF 552081317 -> FR03552081317). Throws a RangeError unless given 9 digits.
 */
export function vatNumberOfSiren(input: string): string {
  const value = input.replace(/[\s.]/g, '');
  if (!/^\d{9}$/.test(value)) throw new RangeError(`Not a SIREN: ${JSON.stringify(input)}`);
  const key = (12 + 3 * (Number(value) % 97)) % 97;
  return `FR${String(key).padStart(2, '0')}${value}`;
}

/** French VAT number (numéro de TVA intracommunautaire); `value` is `FR` + 11 characters. */
export function checkVatNumber(input: string): IdentifierCheck {
  const result = fromStdnum(tva.validate(input));
  // stdnum's compact form drops the country prefix.
  return result.valid ? { valid: true, value: `FR${result.value}` } : result;
}
