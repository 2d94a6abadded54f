import {
  getNamedType,
  getNullableType,
  isAbstractType,
  isCompositeType,
  isListType,
  isObjectType,
  isInterfaceType,
  Kind,
  parse,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type SelectionSetNode,
  visit,
} from 'graphql';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';

/**
 * Demand control after the GraphQL cost directive specification (IBM's `@cost` and `@listSize`,
 * composed by Federation 2.9+ into the supergraph): each object a field returns weighs 1, a
 * scalar or enum 0, a root mutation field 10, a field or type with `@cost(weight:)` that weight;
 * a list multiplies what it holds by its size: the value of its slicing argument (`first`, after
 * variable coercion and argument defaults), else its `assumedSize`, else {@link DEFAULT_LIST_SIZE}.
 * A connection (`@listSize(sizedFields: ["edges", "nodes"])`) multiplies only those fields.
 */
export interface ListSize {
  slicingArguments: string[];
  assumedSize?: number;
  sizedFields: string[];
}

export interface CostModel {
  /** `Type.field` → its @listSize. */
  listSizes: Map<string, ListSize>;
  /** `Type.field` or `Type` → its @cost weight. */
  weights: Map<string, number>;
  /** `Type.field` of the fields named by a parent's sizedFields: sized by the parent, not by themselves. */
  sizedByParent: Set<string>;
}

/** What a list of unknown size is taken to hold: every list field of the graph should say (a test checks it does). */
export const DEFAULT_LIST_SIZE = 10;
/** The specification's default weight of a root mutation field. */
export const MUTATION_WEIGHT = 10;
/** Bounds the estimator's walk: fragments are expanded at each spread, so a fragment bomb stops here. */
export const MAX_COST_NODES = 20_000;

/** Reads `@listSize` and `@cost` off the supergraph SDL (the API schema the gateway builds keeps no directives). */
export function costModelOf(supergraphSdl: string): CostModel {
  const listSizes = new Map<string, ListSize>();
  const weights = new Map<string, number>();
  const sizedByParent = new Set<string>();
  const returns = new Map<string, string>();
  const doc = parse(supergraphSdl, { noLocation: true });
  const intArg = (d: { arguments?: readonly { name: { value: string }; value: { kind: string } }[] }, name: string) => {
    const v = d.arguments?.find((a) => a.name.value === name)?.value as { kind: string; value?: string } | undefined;
    return v?.kind === Kind.INT ? Number(v.value) : undefined;
  };
  const listArg = (d: { arguments?: readonly { name: { value: string }; value: unknown }[] }, name: string): string[] => {
    const v = d.arguments?.find((a) => a.name.value === name)?.value as
      { kind: string; values?: { kind: string; value: string }[] } | undefined;
    return v?.kind === Kind.LIST ? v.values!.filter((x) => x.kind === Kind.STRING).map((x) => x.value) : [];
  };
  for (const def of doc.definitions) {
    if (!('fields' in def) || !def.fields || !('name' in def) || !def.name) continue;
    const typeName = def.name.value;
    const typeCost = def.directives?.find((d) => d.name.value === 'cost');
    if (typeCost) weights.set(typeName, intArg(typeCost, 'weight') ?? 0);
    for (const field of def.fields) {
      const key = `${typeName}.${field.name.value}`;
      let t = field.type;
      while (t.kind !== Kind.NAMED_TYPE) t = t.type;
      returns.set(key, t.name.value);
      for (const d of field.directives ?? []) {
        if (d.name.value === 'cost') weights.set(key, intArg(d, 'weight') ?? 0);
        if (d.name.value === 'listSize') {
          listSizes.set(key, {
            slicingArguments: listArg(d, 'slicingArguments'),
            assumedSize: intArg(d, 'assumedSize'),
            sizedFields: listArg(d, 'sizedFields'),
          });
        }
      }
    }
  }
  for (const [key, size] of listSizes) for (const f of size.sizedFields) sizedByParent.add(`${returns.get(key)}.${f}`);
  return { listSizes, weights, sizedByParent };
}

interface EstimateContext {
  fragments: Record<string, FragmentDefinitionNode>;
  /** The latest cost of each sized field node, read (and cleared) by its connection just after. */
  sized: Map<FieldNode, number>;
  mutationType?: GraphQLObjectType | null;
}

/** The size a list field is given: its largest slicing argument, else its assumed size. */
function sizeOf(listSize: ListSize | undefined, args: Record<string, unknown>): number {
  if (!listSize) return DEFAULT_LIST_SIZE;
  let size: number | undefined;
  for (const name of listSize.slicingArguments) {
    const v = args[name];
    if (typeof v === 'number' && Number.isFinite(v)) size = Math.max(size ?? 0, v);
  }
  return Math.max(0, size ?? listSize.assumedSize ?? DEFAULT_LIST_SIZE);
}

function weightOf(model: CostModel, parent: GraphQLNamedType, field: GraphQLField<unknown, unknown>, ctx: EstimateContext): number {
  const own = model.weights.get(`${parent.name}.${field.name}`);
  if (own !== undefined) return own;
  if (parent === ctx.mutationType) return MUTATION_WEIGHT;
  const type = getNamedType(field.type);
  return model.weights.get(type.name) ?? (isCompositeType(type) ? 1 : 0);
}

/** The sized children (by name) selected directly under a connection field, through fragments. */
function sizedChildren(
  set: SelectionSetNode | undefined,
  names: string[],
  ctx: EstimateContext,
  out: FieldNode[] = [],
  seen = new Set<string>(),
): FieldNode[] {
  for (const s of set?.selections ?? []) {
    if (s.kind === Kind.FIELD) {
      if (names.includes(s.name.value)) out.push(s);
    } else if (s.kind === Kind.INLINE_FRAGMENT) sizedChildren(s.selectionSet, names, ctx, out, seen);
    else if (!seen.has(s.name.value)) {
      seen.add(s.name.value);
      sizedChildren(ctx.fragments[s.name.value]?.selectionSet, names, ctx, out, seen);
    }
  }
  return out;
}

/** The graphql-query-complexity estimator of the model. */
export function directiveEstimator(model: CostModel): ComplexityEstimator {
  return ({ type, field, node, args, childComplexity, context }) => {
    const ctx = context as EstimateContext;
    // Introspection is metadata, not data: weighed by its depth and token limits only.
    if (type.name.startsWith('__') || field.name.startsWith('__')) return 0;
    const key = `${type.name}.${field.name}`;
    const weight = weightOf(model, type, field, ctx);
    const listSize = model.listSizes.get(key);
    if (model.sizedByParent.has(key)) {
      const cost = weight + childComplexity;
      ctx.sized.set(node, cost);
      return cost;
    }
    if (listSize?.sizedFields.length) {
      const size = sizeOf(listSize, args);
      let sized = 0;
      for (const child of sizedChildren(node.selectionSet, listSize.sizedFields, ctx)) {
        sized += ctx.sized.get(child) ?? 0;
        ctx.sized.delete(child);
      }
      return weight + (childComplexity - sized) + size * sized;
    }
    if (isListType(getNullableType(field.type))) return sizeOf(listSize, args) * (weight + childComplexity);
    return weight + childComplexity;
  };
}

export class CostEstimateError extends Error {
  constructor(
    message: string,
    /** `nodes`: the document expands past {@link MAX_COST_NODES}; `input`: its variables or arguments do not coerce. */
    readonly kind: 'nodes' | 'input',
  ) {
    super(message);
  }
}

/**
 * The requested cost of an operation, computed on the coerced variables (so `first: $n` weighs as
 * `first: 100` when n is 100, and an omitted `first` as its default), fragments expanded at each
 * spread and aliases counted each. Remembered per document and per value of the variables that
 * can change it (those given to a slicing argument or to @skip/@include): the `$id` of a lookup
 * does not make each request estimate anew.
 */
export function estimateCost(
  schema: GraphQLSchema,
  model: CostModel,
  document: DocumentNode,
  variables: Record<string, unknown> | null | undefined,
  operationName?: string | null,
): number {
  let byDocument = memo.get(model);
  if (!byDocument) memo.set(model, (byDocument = new WeakMap()));
  let known = byDocument.get(document);
  if (!known || known.schema !== schema)
    byDocument.set(document, (known = { schema, relevant: relevantVariables(model, document), costs: new Map() }));
  const key = `${operationName ?? ''}\n${JSON.stringify(known.relevant.map((v) => variables?.[v] ?? null))}`;
  const hit = known.costs.get(key);
  if (hit !== undefined) return hit;
  const cost = estimateOnce(schema, model, document, variables, operationName);
  if (known.costs.size >= 64) known.costs.delete(known.costs.keys().next().value!);
  known.costs.set(key, cost);
  return cost;
}

const memo = new WeakMap<CostModel, WeakMap<DocumentNode, { schema: GraphQLSchema; relevant: string[]; costs: Map<string, number> }>>();

/** Variables passed to an argument that slices some list of the graph, or to a directive: the only ones the cost depends on. */
function relevantVariables(model: CostModel, document: DocumentNode): string[] {
  const slicing = new Set<string>();
  for (const size of model.listSizes.values()) for (const a of size.slicingArguments) slicing.add(a);
  const found = new Set<string>();
  const collect = (value: unknown) => {
    visit(value as DocumentNode, { Variable: (v) => void found.add(v.name.value) });
  };
  visit(document, {
    Argument: (arg) => {
      if (slicing.has(arg.name.value)) collect(arg.value);
    },
    Directive: (d) => {
      for (const arg of d.arguments ?? []) collect(arg.value);
    },
  });
  // Defaults of those variables are in the document itself; every other variable only reaches
  // arguments that size nothing.
  return [...found].sort();
}

/** The estimate without the memo: what a document's first request, or a new page size, costs to estimate. */
export function estimateOnce(
  schema: GraphQLSchema,
  model: CostModel,
  document: DocumentNode,
  variables: Record<string, unknown> | null | undefined,
  operationName?: string | null,
): number {
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
  const context: EstimateContext = { fragments, sized: new Map(), mutationType: schema.getMutationType() };
  try {
    return getComplexity({
      schema,
      query: document,
      variables: variables ?? {},
      operationName: operationName ?? undefined,
      estimators: [estimator(model)],
      context,
      maxQueryNodes: MAX_COST_NODES,
    });
  } catch (err) {
    const message = (err as Error).message;
    if (/maximum allowed number of nodes/.test(message))
      throw new CostEstimateError(`The operation expands to more than ${MAX_COST_NODES} fields`, 'nodes');
    throw new CostEstimateError(message, 'input');
  }
}

const estimators = new WeakMap<CostModel, ComplexityEstimator>();
function estimator(model: CostModel): ComplexityEstimator {
  let e = estimators.get(model);
  if (!e) estimators.set(model, (e = directiveEstimator(model)));
  return e;
}

/** How one field of an object is counted in an answer: the plan is made once per selection and runtime type. */
interface PlannedField {
  responseName: string;
  weight: number;
  type: GraphQLNamedType;
  sets: SelectionSetNode[];
  /** Plans of the objects it returns, by their __typename ('' when the answer does not say). */
  plans: Map<string, PlannedField[]>;
}

/**
 * The actual cost of an answer, by the same weights as the estimate but with each list's real
 * length: what the subgraphs were made to return. Fields the answer lacks (null parents, errors,
 * skipped) cost nothing. Linear in the answer; the plans are remembered per document.
 */
export function actualCost(
  schema: GraphQLSchema,
  model: CostModel,
  document: DocumentNode,
  data: unknown,
  operationName?: string | null,
): number {
  if (!data || typeof data !== 'object') return 0;
  const root = rootPlans(schema, model, document, operationName);
  if (!root) return 0;
  return objectCost(schema, model, root.fragments, root.type, root.sets, root.plans, data as Record<string, unknown>);
}

interface RootPlan {
  type: GraphQLObjectType;
  sets: SelectionSetNode[];
  plans: Map<string, PlannedField[]>;
  fragments: Record<string, FragmentDefinitionNode>;
}
const rootMemo = new WeakMap<CostModel, WeakMap<DocumentNode, { schema: GraphQLSchema; byOperation: Map<string, RootPlan | undefined> }>>();

function rootPlans(schema: GraphQLSchema, model: CostModel, document: DocumentNode, operationName?: string | null): RootPlan | undefined {
  let byDocument = rootMemo.get(model);
  if (!byDocument) rootMemo.set(model, (byDocument = new WeakMap()));
  let known = byDocument.get(document);
  if (!known || known.schema !== schema) byDocument.set(document, (known = { schema, byOperation: new Map() }));
  const name = operationName ?? '';
  if (known.byOperation.has(name)) return known.byOperation.get(name);
  const operation = document.definitions.find(
    (d) => d.kind === Kind.OPERATION_DEFINITION && (!operationName || d.name?.value === operationName),
  );
  let plan: RootPlan | undefined;
  if (operation?.kind === Kind.OPERATION_DEFINITION) {
    const type = operation.operation === 'mutation' ? schema.getMutationType() : schema.getQueryType();
    const fragments: Record<string, FragmentDefinitionNode> = {};
    for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
    if (type) plan = { type, sets: [operation.selectionSet], plans: new Map(), fragments };
  }
  if (known.byOperation.size < 16) known.byOperation.set(name, plan);
  return plan;
}

function objectCost(
  schema: GraphQLSchema,
  model: CostModel,
  fragments: Record<string, FragmentDefinitionNode>,
  type: GraphQLNamedType,
  sets: SelectionSetNode[],
  plans: Map<string, PlannedField[]>,
  value: Record<string, unknown>,
): number {
  const typename = typeof value.__typename === 'string' ? value.__typename : '';
  let plan = plans.get(typename);
  if (!plan) {
    plan = planFields(schema, model, fragments, type, sets, typename);
    if (plans.size < 64) plans.set(typename, plan);
  }
  let total = 0;
  for (const field of plan) {
    const v = value[field.responseName];
    if (v !== undefined && v !== null) total += valueCost(schema, model, fragments, field, v);
  }
  return total;
}

function valueCost(
  schema: GraphQLSchema,
  model: CostModel,
  fragments: Record<string, FragmentDefinitionNode>,
  field: PlannedField,
  v: unknown,
): number {
  if (v === null || v === undefined) return 0;
  if (Array.isArray(v)) {
    let sum = 0;
    for (const item of v) sum += valueCost(schema, model, fragments, field, item);
    return sum;
  }
  // A list of scalars weighs its items' weight; an object its own and its fields'.
  return (
    field.weight +
    (field.sets.length && typeof v === 'object'
      ? objectCost(schema, model, fragments, field.type, field.sets, field.plans, v as Record<string, unknown>)
      : 0)
  );
}

/**
 * graphql-js's field collection, keyed by response name: aliases count each, a field selected
 * twice under one name once, fragments whose type condition cannot match the runtime type skipped.
 */
function planFields(
  schema: GraphQLSchema,
  model: CostModel,
  fragments: Record<string, FragmentDefinitionNode>,
  type: GraphQLNamedType,
  sets: SelectionSetNode[],
  typename: string,
): PlannedField[] {
  const runtime = typename ? schema.getType(typename) : undefined;
  const parent = runtime && isObjectType(runtime) ? runtime : type;
  const byName = new Map<string, FieldNode[]>();
  const seen = new Set<string>();
  const collect = (set: SelectionSetNode) => {
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) {
        const name = s.alias?.value ?? s.name.value;
        const list = byName.get(name);
        if (list) list.push(s);
        else byName.set(name, [s]);
        continue;
      }
      if (s.kind === Kind.FRAGMENT_SPREAD) {
        if (seen.has(s.name.value)) continue;
        seen.add(s.name.value);
      }
      const fragment = s.kind === Kind.INLINE_FRAGMENT ? s : fragments[s.name.value];
      if (!fragment) continue;
      const condition = fragment.typeCondition?.name.value;
      if (condition && typename && condition !== typename) {
        const abstract = schema.getType(condition);
        if (!abstract || !isAbstractType(abstract) || !isObjectType(runtime) || !schema.isSubType(abstract, runtime)) continue;
      }
      collect(fragment.selectionSet);
    }
  };
  for (const set of sets) collect(set);
  const mutationType = schema.getMutationType();
  const planned: PlannedField[] = [];
  for (const [responseName, nodes] of byName) {
    const fieldName = nodes[0].name.value;
    if (fieldName.startsWith('__')) continue;
    // Without a __typename, a field of an abstract parent is looked up on the fragment types that declare it.
    let owner: GraphQLNamedType | undefined = parent;
    let def = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[fieldName] : undefined;
    if (!def && isAbstractType(parent)) {
      owner = schema.getPossibleTypes(parent).find((t) => t.getFields()[fieldName]);
      def = owner && isObjectType(owner) ? owner.getFields()[fieldName] : undefined;
    }
    if (!def || !owner) continue;
    const named = getNamedType(def.type);
    const own = model.weights.get(`${owner.name}.${fieldName}`);
    const weight = own ?? (owner === mutationType ? MUTATION_WEIGHT : (model.weights.get(named.name) ?? (isCompositeType(named) ? 1 : 0)));
    planned.push({
      responseName,
      weight,
      type: named,
      sets: nodes.map((n) => n.selectionSet).filter((x): x is SelectionSetNode => !!x),
      plans: new Map(),
    });
  }
  return planned;
}
