import type { NetworkKindEntry } from '@maillage/kinds';

export { KIND_OF_TYPE, TYPE_OF_KIND, KINDS, BY_KIND, BY_TYPE } from '@maillage/kinds';

/** The names one network subgraph uses in its schema: its entry of the kinds catalogue. */
export type NetworkNames = NetworkKindEntry;
