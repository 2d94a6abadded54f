/** The names one network subgraph uses in its schema: `Chamber`, `chamber`, `chambers`... */
export interface NetworkNames {
  /** GraphQL type of the network, e.g. `Chamber`. */
  type: 'Chamber' | 'Cluster' | 'Council' | 'Club';
  /** Value of the shared `NetworkKind` enum. */
  kind: 'CHAMBER' | 'CLUSTER' | 'COUNCIL' | 'CLUB';
  /** Singular field name, e.g. `chamber`. */
  field: string;
  /** Plural field name, e.g. `chambers`. */
  plural: string;
  /** Prefix of generated ids, e.g. `ch`. */
  idPrefix: string;
}

export const KIND_OF_TYPE = { Chamber: 'CHAMBER', Cluster: 'CLUSTER', Council: 'COUNCIL', Club: 'CLUB' } as const;
export const TYPE_OF_KIND = { CHAMBER: 'Chamber', CLUSTER: 'Cluster', COUNCIL: 'Council', CLUB: 'Club' } as const;

export const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
