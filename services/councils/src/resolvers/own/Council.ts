import type { NetworkRow } from '@maillage/networks';

interface CouncilDetails {
  mission?: string;
  strategyAxes?: string[];
  roadmap?: { name: string; startYear?: number; endYear?: number };
}

const details = (c: NetworkRow) => (c.details ?? {}) as CouncilDetails;

/** Council fields beyond the shared network ones: mission, strategy axes and roadmap, kept in `details`. */
export const own = {
  mission: (c: NetworkRow) => details(c).mission ?? null,
  strategyAxes: (c: NetworkRow) => details(c).strategyAxes ?? [],
  roadmap: (c: NetworkRow) => details(c).roadmap ?? null,
};
