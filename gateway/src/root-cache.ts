import { createHash } from 'node:crypto';
import {
  getNamedType,
  isAbstractType,
  isCompositeType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  parse,
  print,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { Counter, type Registry } from 'prom-client';
import { FIELD_HINTS, INHERITING_TYPES, TYPE_HINTS } from './cache-hints';
import { entityTag, selectionOf, stableJson, subgraphTag, type CachedAnswer, type EntityCache } from './entity-cache';

/** What the cache knows of one root fetch's text, once per subgraph and text (and supergraph). */
interface RootPlan {
  /** How long its answer may be kept: 0 when it may not (a private or unhinted field, a directive, a fragment). */
  ttlMs: number;
  /** The root fields it asks for, as the metrics label them. */
  fields: string[];
  /** The text sent to the subgraph: the query with the ids of every object (`EntityCache.shapeOf`), or as it came when it has them. */
  shaped: string;
  shapedOp?: OperationDefinitionNode;
  /** The client's selection, onto which the answer to `shaped` is cut back when the two differ. */
  op?: OperationDefinitionNode;
  /** The tag (`Type[]`) of every list its selection holds, whatever the answer: an empty list is dropped by a new element too. */
  lists: string[];
  /** Root fields returning one object: null in an answer, the entry is tagged with the ids its `id` argument names. */
  singles: { key: string; types: string[]; id?: ValueNode }[];
}

interface RootRequest {
  query: string;
  variables?: Record<string, unknown> | null;
  operationName?: string;
}

/**
 * Root-field fetches (Query fields, never a mutation) kept whole, per subgraph, visibility (the
 * entity cache's rule: `visibilityOf`), selection (the fetch's text without its operation name) and
 * variables: the same page of `actors(territoryId, first, after)` asked again is answered without
 * the subgraph. How long an answer is kept comes from the cache hints its root fields, types and
 * fields meet (cache-hints.ts: a root field takes its type's hint), capped by the entity cache's
 * `maxTtlMs`; a selection meeting a private or unhinted field is never kept, nor an answer with
 * errors or extensions.
 *
 * Entries live in the entity cache's store, tagged as its entities are, so the same invalidations
 * (mutations through this gateway, the change feeds, peers) drop them: `Type:id` of every entity in
 * the answer (the fetch asks for every object's id and visibility dependencies, `shapeOf`), `Type[]`
 * of every list its selection holds (an entity of that type created, renamed or moved may enter,
 * leave or move in it), the ids a null single root names (`actor(id: X)` answered null is dropped
 * when X is created), and `@subgraph`. A fetch answered after an invalidation of a tag it holds,
 * and started before it, is not kept; nor is anything of a subgraph whose change log is behind.
 *
 * The caller gets the answer to the query it sent, byte for byte as the subgraph would give it: the
 * fields added for the tags are cut from the answer before it is kept. So a one-fetch query the
 * pass-through answers with the subgraph's data as it came (pass-through.ts) is served from here too.
 */
export class RootFieldCache {
  private readonly plans = new WeakMap<GraphQLSchema, Map<string, RootPlan>>();
  private readonly lookups?: Counter<'subgraph' | 'field' | 'outcome'>;

  constructor(
    private readonly entities: EntityCache,
    registry?: Registry,
  ) {
    if (registry)
      this.lookups = new Counter({
        name: 'maillage_gateway_root_cache_lookups_total',
        help: 'Root fields asked of a subgraph through the root-field cache, by subgraph, field and outcome (hit, miss, uncacheable, unvouched: its change log not followed up to its head).',
        labelNames: ['subgraph', 'field', 'outcome'] as const,
        registers: [registry],
      });
  }

  /** A root fetch through the cache: `send` posts a body to the subgraph (signed for that body). */
  async fetch(subgraph: string, visibility: string, body: string, send: (body: string) => Promise<CachedAnswer>): Promise<CachedAnswer> {
    const schema = this.entities.supergraph;
    if (!schema) return send(body);
    let request: RootRequest;
    try {
      request = JSON.parse(body) as RootRequest;
    } catch {
      return send(body);
    }
    if (typeof request?.query !== 'string') return send(body);
    const plan = this.planOf(schema, subgraph, request.query);
    if (!plan.ttlMs || !this.entities.vouches(subgraph)) {
      this.count(subgraph, plan, plan.ttlMs ? 'unvouched' : 'uncacheable');
      return send(body);
    }
    const variables = request.variables ?? {};
    const key = `root:${createHash('sha1')
      .update(`${subgraph}\n${visibility}\n${selectionOf(request.query)}\n${stableJson(variables)}`)
      .digest('base64url')}`;
    const [hit] = await this.entities.store.get([key]);
    // Root answers are kept as the subgraph's JSON text (the store keeps any value; entities are objects).
    if (typeof hit === 'string') {
      this.count(subgraph, plan, 'hit');
      return { status: 200, headers: { 'content-type': 'application/json' }, body: hit };
    }
    this.count(subgraph, plan, 'miss');
    const started = this.entities.sequence;
    const shaped = plan.shaped !== request.query;
    const answer = await send(shaped ? JSON.stringify({ ...request, query: plan.shaped }) : body);
    let result: { data?: unknown; errors?: unknown; extensions?: unknown } | undefined;
    try {
      result = answer.status === 200 ? JSON.parse(answer.body) : undefined;
    } catch {
      result = undefined;
    }
    const data = result?.data;
    // Errors (a failure, a field refused) and extensions are this request's: never kept. When the
    // cache asked for more than the caller, the caller gets the answer to its own text.
    if (!result || !data || typeof data !== 'object' || Object.keys(result).length !== 1) return shaped ? send(body) : answer;
    const tags = this.tagsOf(schema, subgraph, plan, data, variables);
    const value = shaped
      ? JSON.stringify({ data: this.project(schema, data, schema.getQueryType()!, [plan.op!.selectionSet]) })
      : answer.body;
    // Fetched before an invalidation of something it holds, answered after: it may hold what the change replaced.
    if (tags && !this.entities.invalidatedSince(tags, started)) await this.entities.store.set([{ key, value, ttlMs: plan.ttlMs, tags }]);
    return shaped ? { status: 200, headers: answer.headers, body: value } : answer;
  }

  /** The tags of an answer, or undefined when it may not be kept (a null single root whose id is not known). */
  private tagsOf(
    schema: GraphQLSchema,
    subgraph: string,
    plan: RootPlan,
    data: object,
    variables: Record<string, unknown>,
  ): string[] | undefined {
    const tags = new Set([subgraphTag(subgraph), ...plan.lists]);
    this.entities.tagsOf(data, schema.getQueryType()!, plan.shapedOp!.selectionSet, tags);
    for (const single of plan.singles) {
      if ((data as Record<string, unknown>)[single.key] != null) continue;
      const id =
        single.id?.kind === Kind.VARIABLE ? variables[single.id.name.value] : single.id?.kind === Kind.STRING ? single.id.value : undefined;
      // Absent now, present once created: only its id names the change that creates it.
      if (typeof id !== 'string') return undefined;
      for (const t of single.types) tags.add(entityTag(t, id));
    }
    return [...tags];
  }

  private planOf(schema: GraphQLSchema, subgraph: string, query: string): RootPlan {
    let bySchema = this.plans.get(schema);
    if (!bySchema) this.plans.set(schema, (bySchema = new Map()));
    const memo = `${subgraph}\n${query}`;
    let plan = bySchema.get(memo);
    if (!plan) {
      plan = this.plan(schema, subgraph, query);
      if (bySchema.size >= 1000) bySchema.delete(bySchema.keys().next().value as string);
      bySchema.set(memo, plan);
    }
    return plan;
  }

  private plan(schema: GraphQLSchema, subgraph: string, query: string): RootPlan {
    const none: RootPlan = { ttlMs: 0, fields: [], shaped: query, lists: [], singles: [] };
    const queryType = schema.getQueryType();
    let op: OperationDefinitionNode | undefined;
    let printed: string;
    try {
      const doc = parse(query, { noLocation: true });
      printed = print(doc);
      // One operation and nothing else: a named fragment would need a second walk everywhere (the planner writes none here).
      if (doc.definitions.length === 1 && doc.definitions[0].kind === Kind.OPERATION_DEFINITION) op = doc.definitions[0];
    } catch {
      return none;
    }
    if (!op || op.operation !== 'query' || !queryType || op.directives?.length) return none;
    const fields = op.selectionSet.selections.flatMap((s) =>
      s.kind === Kind.FIELD && !s.name.value.startsWith('__') ? [s.name.value] : [],
    );
    const uncacheable = { ...none, fields };
    // Root fields take their type's hint (none: not kept), as Apollo's cache-control plugin gives them.
    let maxAge = Infinity;
    const singles: RootPlan['singles'] = [];
    for (const sel of op.selectionSet.selections) {
      if (sel.kind !== Kind.FIELD) return uncacheable;
      if (sel.name.value === '__typename') continue;
      const field = queryType.getFields()[sel.name.value];
      if (!field || sel.directives?.length) return uncacheable;
      const type = getNamedType(field.type);
      const hint = FIELD_HINTS[`Query.${field.name}`] ?? TYPE_HINTS[type.name];
      if (!hint || hint.scope === 'PRIVATE') return uncacheable;
      maxAge = Math.min(maxAge, hint.maxAge);
      if (!isCompositeType(type)) return uncacheable;
      if (!sel.selectionSet || !this.hinted(schema, type, sel.selectionSet, (m) => (maxAge = Math.min(maxAge, m)))) return uncacheable;
      const unwrapped = isNonNullType(field.type) ? field.type.ofType : field.type;
      if (!isNonNullType(field.type) && !isListType(unwrapped))
        singles.push({
          key: (sel.alias ?? sel.name).value,
          types: isAbstractType(type) ? schema.getPossibleTypes(type).map((t) => t.name) : [type.name],
          id: sel.arguments?.find((a) => a.name.value === 'id')?.value,
        });
    }
    const ttlMs = maxAge === Infinity ? 0 : Math.min(maxAge * 1000, this.entities.maxTtlMs);
    if (!ttlMs) return uncacheable;
    // The text as it came when the cache needs nothing more of it (shapeOf prints it whatever it adds).
    const shapedText = this.entities.shapeOf(query, subgraph);
    const shaped = shapedText === printed ? query : shapedText;
    let shapedOp: OperationDefinitionNode | undefined;
    try {
      const d = parse(shaped, { noLocation: true }).definitions[0];
      if (d?.kind === Kind.OPERATION_DEFINITION) shapedOp = d;
    } catch {
      return uncacheable;
    }
    if (!shapedOp) return uncacheable;
    const lists = new Set<string>();
    this.listsIn(schema, queryType, op.selectionSet, lists);
    return { ttlMs, fields, shaped, shapedOp, op, lists: [...lists].map((t) => this.entities.listTagFor(t)), singles };
  }

  /**
   * Whether every field under a composite type is known and hinted public (cache-hints.ts: a field
   * hint over its type's, an object type without one not kept, value types taking their parent's),
   * calling `min` with each max-age met. False on a directive or a named fragment, and on an alias
   * `id` or `__typename` of another field (the tags read the ids under those names).
   */
  private hinted(schema: GraphQLSchema, type: GraphQLCompositeType, set: SelectionSetNode, min: (maxAge: number) => void): boolean {
    for (const sel of set.selections) {
      if (sel.directives?.length) return false;
      if (sel.kind === Kind.FRAGMENT_SPREAD) return false;
      if (sel.kind === Kind.INLINE_FRAGMENT) {
        const cond = sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : type;
        if (!cond || !isCompositeType(cond) || !this.hinted(schema, cond, sel.selectionSet, min)) return false;
        continue;
      }
      const name = sel.name.value;
      const responseKey = (sel.alias ?? sel.name).value;
      if ((responseKey === 'id' || responseKey === '__typename') && responseKey !== name) return false;
      if (name === '__typename') continue;
      if (name.startsWith('__')) return false;
      const field = 'getFields' in type ? type.getFields()[name] : undefined;
      if (!field) return false;
      const fieldType = getNamedType(field.type);
      const hint =
        FIELD_HINTS[`${type.name}.${name}`] ??
        (isCompositeType(fieldType)
          ? (TYPE_HINTS[fieldType.name] ?? (INHERITING_TYPES.has(fieldType.name) ? undefined : { maxAge: 0 }))
          : undefined);
      if (hint) {
        if (hint.scope === 'PRIVATE' || hint.maxAge <= 0) return false;
        min(hint.maxAge);
      }
      if (isCompositeType(fieldType) && (!sel.selectionSet || !this.hinted(schema, fieldType, sel.selectionSet, min))) return false;
    }
    return true;
  }

  /** The object types of every list the selection holds (a connection's nodes or edges, an abstract list's possible types). */
  private listsIn(schema: GraphQLSchema, type: GraphQLCompositeType, set: SelectionSetNode, lists: Set<string>) {
    for (const sel of set.selections) {
      if (sel.kind === Kind.INLINE_FRAGMENT) {
        const cond = sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : type;
        if (cond && isCompositeType(cond)) this.listsIn(schema, cond, sel.selectionSet, lists);
        continue;
      }
      if (sel.kind !== Kind.FIELD || !sel.selectionSet) continue;
      const field = 'getFields' in type ? type.getFields()[sel.name.value] : undefined;
      if (!field) continue;
      for (const t of listedBy(schema, field)) lists.add(t);
      const named = getNamedType(field.type);
      if (isCompositeType(named)) this.listsIn(schema, named, sel.selectionSet, lists);
    }
  }

  /**
   * The answer to the caller's selection cut from the answer to the shaped one: at each object, the
   * keys the caller's selection gives its type, in the order the subgraph wrote them (the shaped
   * text only adds fields after the caller's, so the order is the caller's answer's).
   */
  private project(schema: GraphQLSchema, value: unknown, type: GraphQLCompositeType | undefined, sets: SelectionSetNode[]): unknown {
    if (Array.isArray(value)) return value.map((v) => this.project(schema, v, type, sets));
    if (!value || typeof value !== 'object') return value;
    const obj = value as Record<string, unknown>;
    const named = typeof obj.__typename === 'string' ? schema.getType(obj.__typename) : type;
    const here = named && isCompositeType(named) ? named : type;
    const keys = new Map<string, { name: string; sets: SelectionSetNode[] }>();
    const collect = (set: SelectionSetNode) => {
      for (const sel of set.selections) {
        if (sel.kind === Kind.INLINE_FRAGMENT) {
          const cond = sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : undefined;
          if (!cond || applies(schema, cond as GraphQLCompositeType, here)) collect(sel.selectionSet);
        } else if (sel.kind === Kind.FIELD) {
          const k = (sel.alias ?? sel.name).value;
          let entry = keys.get(k);
          if (!entry) keys.set(k, (entry = { name: sel.name.value, sets: [] }));
          if (sel.selectionSet) entry.sets.push(sel.selectionSet);
        }
      }
    };
    sets.forEach(collect);
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(obj)) {
      const entry = keys.get(k);
      if (!entry) continue;
      if (!entry.sets.length) {
        out[k] = obj[k];
        continue;
      }
      const field = here && 'getFields' in here ? here.getFields()[entry.name] : undefined;
      const t = field ? getNamedType(field.type) : undefined;
      out[k] = this.project(schema, obj[k], t && isCompositeType(t) ? t : undefined, entry.sets);
    }
    return out;
  }

  private count(subgraph: string, plan: RootPlan, outcome: string) {
    for (const field of plan.fields) this.lookups?.inc({ subgraph, field, outcome });
  }
}

/** Whether a fragment on `cond` applies to an object of `type` (unknown: it may). */
function applies(schema: GraphQLSchema, cond: GraphQLCompositeType, type: GraphQLCompositeType | undefined): boolean {
  if (!type || cond === type) return true;
  if (isAbstractType(cond) && isObjectType(type)) return schema.isSubType(cond, type);
  return false;
}

/** The object types a field lists: its element type (an edge's node), a connection's (`nodes`, `edges`), every possible type of an abstract one. */
function listedBy(schema: GraphQLSchema, field: GraphQLField<unknown, unknown>): string[] {
  const objects = (named: GraphQLCompositeType): GraphQLObjectType[] =>
    isAbstractType(named) ? [...schema.getPossibleTypes(named)] : isObjectType(named) ? [named] : [];
  const of = (type: GraphQLOutputType): string[] => {
    const t = isNonNullType(type) ? type.ofType : type;
    const named = getNamedType(t);
    if (!isCompositeType(named)) return [];
    if (isListType(t)) {
      const node = isObjectType(named) ? named.getFields().node : undefined;
      const nodeType = node && getNamedType(node.type);
      return (nodeType && isCompositeType(nodeType) ? objects(nodeType) : objects(named)).map((o) => o.name);
    }
    if (!isObjectType(named)) return [];
    const fields = named.getFields();
    const list = fields.nodes ?? fields.edges;
    return list && isListType(isNonNullType(list.type) ? list.type.ofType : list.type) ? of(list.type) : [];
  };
  return of(field.type);
}
