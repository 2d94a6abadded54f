import type { NetworkRow } from '@maillage/networks';

interface LabelPeriod {
  label: string;
  phase?: string;
  startDate?: string;
  endDate?: string;
}

/** Cluster fields beyond the shared network ones: state label periods, kept in `details`. */
export const own = {
  labels: (c: NetworkRow) =>
    ((c.details as { labels?: LabelPeriod[] })?.labels ?? []).map((l) => ({ phase: null, startDate: null, endDate: null, ...l })),
};
