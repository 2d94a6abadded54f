import { checkSiren } from '@maillage/reference';

/** A SIREN with a valid Luhn checksum from 8 digits. */
export function siren(first8: string): string {
  for (let d = 0; d <= 9; d++) if (checkSiren(`${first8}${d}`).valid) return `${first8}${d}`;
  throw new Error(`no checksum digit for ${first8}`);
}
