import { getNamedType, isCompositeType, TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type GraphQLSchema } from 'graphql';

/** How long an answer holding a type or field may be kept, and by whom (Apollo's cache hint). */
export interface CacheHint {
  maxAge: number;
  scope?: 'PUBLIC' | 'PRIVATE';
}

/**
 * Cache hints of the supergraph's public types, in seconds: Apollo's `@cacheControl` semantics,
 * declared once here for the whole graph (the committed supergraph carries no cache directives).
 * A root field or a field returning an object takes its type's hint, a type missing from this table
 * makes the answer uncacheable (max-age 0), scalar fields inherit their parent's, and a field hint
 * overrides its type's. The answer's policy is the smallest max-age met, PRIVATE if any hint is.
 * Territories and the NAF are reference data; networks change rarely; members and memberships most.
 */
export const TYPE_HINTS: Record<string, CacheHint> = {
  Territory: { maxAge: 3600 },
  TerritoryConnection: { maxAge: 3600 },
  NafSection: { maxAge: 86_400 },
  NafDivision: { maxAge: 86_400 },
  NafSector: { maxAge: 86_400 },
  Actor: { maxAge: 60 },
  ActorConnection: { maxAge: 60 },
  TerritoryMembers: { maxAge: 60 },
  ...Object.fromEntries(
    ['Chamber', 'Cluster', 'Council', 'Club'].flatMap((n) => [
      [n, { maxAge: 300 }],
      [`${n}Connection`, { maxAge: 300 }],
      [`${n}Membership`, { maxAge: 60 }],
      [`${n}MembershipConnection`, { maxAge: 60 }],
      [`${n}Initiative`, { maxAge: 300 }],
      [`${n}InitiativeConnection`, { maxAge: 300 }],
    ]),
  ),
};

/** Value types that take their parent's hint rather than imposing their own (`inheritMaxAge`). */
export const INHERITING_TYPES = new Set(['PageInfo', 'ReportedCount']);

/** Field hints, over their type's: what only some viewers may read is never shared. */
export const FIELD_HINTS: Record<string, CacheHint> = {
  'Actor.email': { maxAge: 0, scope: 'PRIVATE' },
  'Actor.phone': { maxAge: 0, scope: 'PRIVATE' },
  'Query.viewer': { maxAge: 0, scope: 'PRIVATE' },
  'Query.partnerKeys': { maxAge: 0, scope: 'PRIVATE' },
};

/**
 * What decides whether a viewer is shown an object at all, by the interface its type implements: a
 * membership is listed only while its network's member list is readable by the viewer
 * (`mayReadMembers`), so an entry holding one depends on that network's state. The entity cache
 * asks for the named field's `id` on every such object (`EntityCache.withIds`), whether or not the
 * client selected it, and the entry is then tagged with the network: a change of the network drops
 * exactly the entries that show its memberships.
 */
export const VISIBILITY_DEPENDENCIES: Record<string, string> = { Membership: 'network' };

const policies = new WeakMap<DocumentNode, CacheHint>();

/** The cache policy of an operation: the smallest max-age of the hints its fields meet. Memoised per parsed document. */
export function cachePolicyOf(schema: GraphQLSchema, document: DocumentNode): CacheHint {
  const known = policies.get(document);
  if (known) return known;
  let maxAge = Infinity;
  let scope: CacheHint['scope'] = 'PUBLIC';
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field() {
        const parent = typeInfo.getParentType();
        const field = typeInfo.getFieldDef();
        if (!parent || !field) return;
        const type = getNamedType(field.type);
        const root = parent === schema.getQueryType() || parent === schema.getMutationType();
        let hint: CacheHint | undefined = FIELD_HINTS[`${parent.name}.${field.name}`];
        if (!hint && (root || isCompositeType(type))) {
          if (field.name === '__typename' || field.name.startsWith('__')) return;
          hint = TYPE_HINTS[type.name] ?? (INHERITING_TYPES.has(type.name) && !root ? undefined : { maxAge: 0 });
        }
        if (!hint) return;
        maxAge = Math.min(maxAge, hint.maxAge);
        if (hint.scope === 'PRIVATE') scope = 'PRIVATE';
      },
    }),
  );
  const mutation = document.definitions.some((d) => d.kind === 'OperationDefinition' && d.operation !== 'query');
  const policy = { maxAge: mutation || maxAge === Infinity ? 0 : maxAge, scope };
  policies.set(document, policy);
  return policy;
}
