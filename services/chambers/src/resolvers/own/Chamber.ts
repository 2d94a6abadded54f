import type { NetworkRow } from '@maillage/networks';

interface ChamberDetails {
  missions?: string[];
}

/** Chamber fields beyond the shared network ones: its missions, kept in `details` (stated by the network's sources). */
export const own = {
  missions: (c: NetworkRow) => (c.details as ChamberDetails | null)?.missions ?? [],
};
