import { nafDivision } from '@maillage/reference';
import type { SectorDivisionResolvers } from '../generated/resolvers';

const code = (d: number) => String(d).padStart(2, '0');

export const SectorDivision: SectorDivisionResolvers = {
  code: (d) => code(d),
  label: (d) => nafDivision(code(d))?.label ?? code(d),
};
