/**
 * The catalogue of network kinds: every name a network subgraph uses, in one place. The schema
 * generator (`npm run networks`) writes each network subgraph's SDL, Prisma schema and migrations
 * from it and `templates/network/`; `@maillage/networks`, the CLI and the synergy engine read it.
 * A new kind of network is one more `defineKind` line here, its enums in `enums.json` (under its
 * field name), and its additions in `templates/network/kinds/`.
 */
import enums from './enums.json';

/** One value of a kind's enum, with the description the SDL gives it. */
export interface EnumValue {
  value: string;
  description: string;
}

const capitalise = <S extends string>(s: S) => (s.charAt(0).toUpperCase() + s.slice(1)) as Capitalize<S>;

// enums.json holds each enum as { VALUE: description }, in the order of the SDL and Prisma enums.
const enumValues = (values: Record<string, string>): readonly EnumValue[] =>
  Object.entries(values).map(([value, description]) => ({ value, description }));

/**
 * A kind from its one-word field name, its plural and its id prefix; the rest follows by rule: the
 * `NetworkKind` value is the field in capitals (`CHAMBER`), the GraphQL type the field capitalised
 * (`Chamber`), and every other type and field name is built from those. Its enums are its entry in
 * enums.json.
 */
function defineKind<F extends keyof typeof enums, P extends string, I extends string>(field: F, plural: P, idPrefix: I) {
  const T = capitalise(field);
  const P = capitalise(plural);
  return {
    /** Value of the shared `NetworkKind` enum. */
    kind: field.toUpperCase() as Uppercase<F>,
    /** GraphQL type of the network. */
    type: T,
    /** Singular field name; also the subgraph's name in the singular. */
    field,
    /** Plural field name; also the subgraph's name (services/<plural>). */
    plural,
    /** Prefix of ids (`ch-…`, memberships `ch-m-…`, initiatives `ch-i-…`). */
    idPrefix,
    /** The kind's subtypes (`<Type>Subtype`, Prisma `NetworkSubtype`). */
    subtypes: enumValues(enums[field].subtypes),
    /** The kind's member categories (`<Type>MemberCategory`, Prisma `MemberCategory`). */
    categories: enumValues(enums[field].categories),
    /** Name of the subgraph (supergraph.yaml, services/<subgraph>). */
    subgraph: plural,
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
      network: field,
      networks: plural,
      initiative: `${field}Initiative` as const,
      initiatives: `${field}Initiatives` as const,
      /** Input field naming the network. */
      networkId: `${field}Id` as const,
      /** Actor fields. */
      memberships: `${field}Memberships` as const,
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

export const CHAMBER = defineKind('chamber', 'chambers', 'ch');
export const CLUSTER = defineKind('cluster', 'clusters', 'cl');
export const COUNCIL = defineKind('council', 'councils', 'co');
export const CLUB = defineKind('club', 'clubs', 'cb');

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
