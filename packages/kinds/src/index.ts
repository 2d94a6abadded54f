/**
 * The catalogue of network kinds: every name a network subgraph uses, in one place. The schema
 * generator (`npm run networks`) writes each network subgraph's SDL, Prisma schema and migrations
 * from it and `templates/network/`; `@maillage/networks`, the CLI and the synergy engine read it.
 * A new kind of network is one more `defineKind` entry here (and its additions in
 * `templates/network/kinds/`).
 */

/** One value of a kind's enum, with the description the SDL gives it. */
export interface EnumValue {
  value: string;
  description: string;
}

const capitalise = <S extends string>(s: S) => (s.charAt(0).toUpperCase() + s.slice(1)) as Capitalize<S>;

interface KindInput<K extends string, T extends string, F extends string, P extends string, I extends string> {
  /** Value of the shared `NetworkKind` enum. */
  kind: K;
  /** GraphQL type of the network. */
  type: T;
  /** Singular field name; also the subgraph's name in the singular. */
  field: F;
  /** Plural field name; also the subgraph's name (services/<plural>). */
  plural: P;
  /** Prefix of ids (`ch-…`, memberships `ch-m-…`, initiatives `ch-i-…`). */
  idPrefix: I;
  /** The kind's subtypes (`<Type>Subtype`, Prisma `NetworkSubtype`). */
  subtypes: readonly EnumValue[];
  /** The kind's member categories (`<Type>MemberCategory`, Prisma `MemberCategory`). */
  categories: readonly EnumValue[];
}

function defineKind<K extends string, T extends string, F extends string, P extends string, I extends string>(k: KindInput<K, T, F, P, I>) {
  const { type: T, field: f, plural: p } = k;
  const P = capitalise(p);
  return {
    ...k,
    /** Name of the subgraph (supergraph.yaml, services/<subgraph>). */
    subgraph: p,
    types: {
      network: T,
      connection: `${T}Connection` as const,
      edge: `${T}Edge` as const,
      membership: `${T}Membership` as const,
      membershipConnection: `${T}MembershipConnection` as const,
      membershipEdge: `${T}MembershipEdge` as const,
      initiative: `${T}Initiative` as const,
      initiativeConnection: `${T}InitiativeConnection` as const,
      initiativeEdge: `${T}InitiativeEdge` as const,
      partyConnection: `${T}PartyConnection` as const,
      partyEdge: `${T}PartyEdge` as const,
      membershipImport: `${T}MembershipImport` as const,
      membershipImportRow: `${T}MembershipImportRow` as const,
      subtype: `${T}Subtype` as const,
      memberCategory: `${T}MemberCategory` as const,
      addMembershipInput: `Add${T}MembershipInput` as const,
      createInitiativeInput: `Create${T}InitiativeInput` as const,
      updateInitiativeInput: `Update${T}InitiativeInput` as const,
      importedMembershipInput: `Imported${T}MembershipInput` as const,
      importMembershipsInput: `Import${T}MembershipsInput` as const,
    },
    fields: {
      /** Query field, and the membership's (and import's) field naming its network. */
      network: f,
      networks: p,
      initiative: `${f}Initiative` as const,
      initiatives: `${f}Initiatives` as const,
      /** Input field naming the network. */
      networkId: `${f}Id` as const,
      /** Actor fields. */
      memberships: `${f}Memberships` as const,
      operated: `operated${P}` as const,
      /** Mutations. */
      addMembership: `add${T}Membership` as const,
      importMemberships: `import${T}Memberships` as const,
      endMembership: `end${T}Membership` as const,
      createInitiative: `create${T}Initiative` as const,
      updateInitiative: `update${T}Initiative` as const,
      setMemberListVisibility: `set${T}MemberListVisibility` as const,
    },
  };
}

export const CHAMBER = defineKind({
  kind: 'CHAMBER',
  type: 'Chamber',
  field: 'chamber',
  plural: 'chambers',
  idPrefix: 'ch',
  subtypes: [
    { value: 'CCI_TERRITORIALE', description: "Chambre de commerce et d'industrie territoriale." },
    { value: 'CCI_DEPARTEMENTALE', description: 'CCI départementale (Île-de-France).' },
    { value: 'CCI_REGIONALE', description: 'CCI de région (CCIR).' },
    { value: 'CMA_REGIONALE', description: "Chambre de métiers et de l'artisanat de région." },
    {
      value: 'CMA_DEPARTEMENTALE',
      description: 'Departmental chamber of a regional CMA, an establishment without legal personality since 2021.',
    },
    { value: 'CHAMBRE_DE_METIERS_ALSACE_MOSELLE', description: "Chambres de métiers d'Alsace and de la Moselle." },
  ],
  categories: [
    { value: 'ELECTED_MEMBER', description: "Elected to the chamber's assembly." },
    { value: 'RESSORTISSANT', description: "A business in the chamber's circumscription (by law)." },
    { value: 'PARTNER', description: 'A partner structure.' },
    { value: 'ATTACHED_CHAMBER', description: 'A chamber attached to a regional chamber.' },
  ],
});

export const CLUSTER = defineKind({
  kind: 'CLUSTER',
  type: 'Cluster',
  field: 'cluster',
  plural: 'clusters',
  idPrefix: 'cl',
  subtypes: [
    { value: 'POLE_DE_COMPETITIVITE', description: 'A labelled pôle de compétitivité.' },
    { value: 'CLUSTER', description: 'A cluster or business network without the state label.' },
    { value: 'POLE_ENTREPRENEURIAL', description: 'A local pôle entrepreneurial supporting project holders.' },
  ],
  categories: [
    { value: 'COMPANY', description: 'A company.' },
    { value: 'RESEARCH', description: 'A research centre or laboratory.' },
    { value: 'TRAINING', description: 'A training body, school or university.' },
    { value: 'PUBLIC_BODY', description: 'A public body or consular chamber.' },
    { value: 'OTHER', description: 'Another kind of member.' },
  ],
});

export const COUNCIL = defineKind({
  kind: 'COUNCIL',
  type: 'Council',
  field: 'council',
  plural: 'councils',
  idPrefix: 'co',
  subtypes: [
    { value: 'METROPOLITAN_COUNCIL', description: 'A council convened by a métropole.' },
    { value: 'THINK_TANK', description: 'A working group that prepares a council.' },
    { value: 'REGIONAL_BODY', description: 'A région convening the networks of its territory.' },
  ],
  categories: [
    { value: 'MEMBER', description: 'A member.' },
    { value: 'LEAD', description: 'Leads or pilots the body.' },
    { value: 'CONVENED_NETWORK', description: 'A network (pôle, cluster, chamber) convened by a regional body.' },
  ],
});

export const CLUB = defineKind({
  kind: 'CLUB',
  type: 'Club',
  field: 'club',
  plural: 'clubs',
  idPrefix: 'cb',
  subtypes: [
    { value: 'BUSINESS_CLUB', description: 'A business club, usually an association.' },
    { value: 'SUB_NETWORK', description: 'A network attached to a club.' },
  ],
  categories: [
    { value: 'MEMBER', description: 'A member.' },
    { value: 'BOARD', description: 'A member of the board.' },
    { value: 'LEAD', description: 'Leads the club or network.' },
  ],
});

/** Every kind, in the order of the `NetworkKind` enum and the `Network` union. */
export const KINDS = [CHAMBER, CLUSTER, COUNCIL, CLUB] as const;

export type NetworkKindEntry = (typeof KINDS)[number];
/** `CHAMBER` | `CLUSTER` | `COUNCIL` | `CLUB`. */
export type NetworkKind = NetworkKindEntry['kind'];
/** `Chamber` | `Cluster` | `Council` | `Club`. */
export type NetworkType = NetworkKindEntry['type'];

/** The catalogue entry of a kind, by `NetworkKind` value. */
export const BY_KIND = Object.fromEntries(KINDS.map((k) => [k.kind, k])) as { [K in NetworkKind]: Extract<NetworkKindEntry, { kind: K }> };
/** The catalogue entry of a kind, by GraphQL type name. */
export const BY_TYPE = Object.fromEntries(KINDS.map((k) => [k.type, k])) as { [T in NetworkType]: Extract<NetworkKindEntry, { type: T }> };

export const KIND_OF_TYPE = Object.fromEntries(KINDS.map((k) => [k.type, k.kind])) as { [T in NetworkType]: (typeof BY_TYPE)[T]['kind'] };
export const TYPE_OF_KIND = Object.fromEntries(KINDS.map((k) => [k.kind, k.type])) as { [K in NetworkKind]: (typeof BY_KIND)[K]['type'] };

/** The kind of a network id from its prefix (`ch-…` is a chamber), or undefined. */
export function kindOfId(id: string): NetworkKindEntry | undefined {
  const m = /^([a-z]{2})-/.exec(id);
  return m ? KINDS.find((k) => k.idPrefix === m[1]) : undefined;
}
