import { operationFromDocument, Supergraph } from '@apollo/federation-internals';
import { QueryPlanner, type FetchNode } from '@apollo/query-planner';
import { trace } from '@opentelemetry/api';
import type { Request, RequestHandler, Response } from 'express';
import {
  BREAK,
  getNamedType,
  isEnumType,
  isObjectType,
  isScalarType,
  Kind,
  parse,
  print,
  TypeInfo,
  validate,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { getVariableValues } from 'graphql/execution/values';
import { Counter, type Registry } from 'prom-client';
import type { CostModel } from './cost';
import { settleCost, type CostAdmission } from './demand-control';
import type { Admitted } from './door';
import { answerMediaType } from './statuses';
import type { GatewayContext, ResilientDataSource } from './subgraphs';

/** An operation the gateway can answer with its one subgraph fetch's data as it came. */
interface Prepared {
  subgraph: string;
  /** The fetch the query planner writes for it: its text, name and the variables it uses. */
  query: string;
  operationName?: string;
  variableUsages: string[];
  operation: OperationDefinitionNode;
  document: DocumentNode;
}

/** The pass-through as Express middleware, and as the lean front (front-door.ts) calls it. */
export type PassThrough = RequestHandler & { answer(req: Request, res: Response): Promise<boolean> };

export interface PassThroughOptions {
  served(): { sdl: string; apiSchema: GraphQLSchema } | undefined;
  sources: Map<string, ResilientDataSource>;
  costModel(): CostModel | undefined;
  /** The context Apollo's requests get (server.ts), so that both paths sign, time and label alike. */
  context(req: Request, res: Response): GatewayContext & { cost?: CostAdmission };
  /** The request's log line and metrics, as observabilityPlugin writes them. */
  observe(context: GatewayContext, operationName: string | null, started: number): void;
  registry?: Registry;
}

/**
 * A query planned as one fetch to one subgraph, whose answer needs no shaping, answered without
 * Apollo Server's and Apollo Gateway's per-request pipeline: the subgraph's `data` is what the
 * gateway would have answered, byte for byte, when the fetch selects exactly what the client
 * selected, every type on the way is an object, scalar or enum that the subgraph serves as the API
 * schema declares it (no field retyped by composition, nothing @inaccessible, nothing abstract, no
 * directive, no introspection), and the subgraph answers 200 with `data` and nothing else.
 *
 * The door has run first (identity, limits, cost charged); the fetch is the one Apollo would make
 * (same planner, same body, same data source: signature, deadline, breaker, entity cache), and the
 * answer gets what Apollo's plugins give it (`extensions.cost` with its refund, `no-store`, the log
 * line and metrics). Anything else goes on to Apollo: before the fetch when the operation or its
 * variables do not fit (Apollo reports variables that do not coerce), after it when the answer
 * holds errors or extensions, and then Apollo's fetch of the same body takes this answer instead of
 * asking the subgraph again (`prefetched`). Off when spans are recorded (a tracing exporter is set):
 * Apollo Gateway's spans of plan, fetch and post-processing would be missing.
 */
export function passThrough(opts: PassThroughOptions): PassThrough {
  const prepared = new WeakMap<GraphQLSchema, Map<string, Prepared | null>>();
  let planner: { sdl: string; supergraph: Supergraph; planner: QueryPlanner; unchanged: Set<string> } | undefined;
  const plannerFor = (sdl: string) => {
    if (planner?.sdl !== sdl) {
      const supergraph = Supergraph.build(sdl, { supportedFeatures: null });
      planner = { sdl, supergraph, planner: new QueryPlanner(supergraph), unchanged: servedAsDeclared(sdl) };
    }
    return planner;
  };
  const prepare = (apiSchema: GraphQLSchema, sdl: string, query: string, operationName: string | undefined): Prepared | null => {
    let document: DocumentNode;
    try {
      document = parse(query, { noLocation: true });
    } catch {
      return null;
    }
    if (document.definitions.length !== 1) return null;
    const operation = document.definitions[0];
    if (operation.kind !== Kind.OPERATION_DEFINITION || operation.operation !== 'query') return null;
    if (operationName && operation.name?.value !== operationName) return null;
    if (validate(apiSchema, document).length) return null;
    const p = plannerFor(sdl);
    // Every field on an object type, returning an object, scalar or enum as the subgraph declares it.
    const types = new TypeInfo(apiSchema);
    let fits = true;
    visit(
      document,
      visitWithTypeInfo(types, {
        Directive: () => ((fits = false), BREAK),
        FragmentSpread: () => ((fits = false), BREAK),
        InlineFragment: () => ((fits = false), BREAK),
        Field: (node) => {
          const parent = types.getParentType();
          const field = types.getFieldDef();
          const named = field ? getNamedType(field.type) : undefined;
          if (
            node.name.value.startsWith('__') ||
            !parent ||
            !isObjectType(parent) ||
            !named ||
            !(isObjectType(named) || isScalarType(named) || isEnumType(named)) ||
            !p.unchanged.has(`${parent.name}.${node.name.value}`) ||
            !p.unchanged.has(named.name)
          ) {
            fits = false;
            return BREAK;
          }
          return undefined;
        },
      }),
    );
    if (!fits) return null;
    let node;
    try {
      node = p.planner.buildQueryPlan(operationFromDocument(p.supergraph.apiSchema(), document, { operationName })).node;
    } catch {
      return null;
    }
    if (node?.kind !== 'Fetch') return null;
    const fetch = node as FetchNode;
    if (fetch.requires || fetch.inputRewrites?.length || fetch.outputRewrites?.length || fetch.contextRewrites?.length) return null;
    const sent = parse(fetch.operation).definitions[0];
    // The fetch must select what the client selected, in the same order, under the same names.
    if (sent?.kind !== Kind.OPERATION_DEFINITION || print(sent.selectionSet) !== print(operation.selectionSet)) return null;
    if (!opts.sources.has(fetch.serviceName)) return null;
    return {
      subgraph: fetch.serviceName,
      query: fetch.operation,
      operationName: fetch.operationName,
      variableUsages: fetch.variableUsages ?? [],
      operation,
      document,
    };
  };
  const lookup = (apiSchema: GraphQLSchema, sdl: string, query: string, operationName: string | undefined) => {
    let bySchema = prepared.get(apiSchema);
    if (!bySchema) prepared.set(apiSchema, (bySchema = new Map()));
    const key = `${operationName ?? ''}\n${query}`;
    let found = bySchema.get(key);
    if (found === undefined) {
      found = query.length <= 20_000 ? prepare(apiSchema, sdl, query, operationName) : null;
      if (bySchema.size >= 1000) bySchema.delete(bySchema.keys().next().value!);
      bySchema.set(key, found);
    }
    return found;
  };

  const outcomes = opts.registry
    ? new Counter({
        name: 'maillage_gateway_pass_through_total',
        help: 'Queries of one fetch answered from it without Apollo (answered), or handed on to Apollo with that fetch made (handed_on: errors or extensions in the answer).',
        labelNames: ['outcome'] as const,
        registers: [opts.registry],
      })
    : undefined;
  /** Answers the request from its one fetch (true), or leaves it to Apollo untouched but for the context it began (false). */
  const answer = async (req: Request, res: Response): Promise<boolean> => {
    const started = performance.now();
    // Once per request: the lean front (lean-front.ts) may have asked before Express's turn.
    if (res.locals.passThroughAsked) return false;
    res.locals.passThroughAsked = true;
    const admitted = res.locals.admitted as Admitted | undefined;
    const current = opts.served();
    const model = opts.costModel();
    const asked = admitted?.request;
    if (
      !asked ||
      !admitted.cost ||
      !current ||
      !model ||
      res.locals.responseCache ||
      (asked.extensions && Object.keys(asked.extensions).length) ||
      // Over GET, Apollo's CSRF prevention refuses what the door did not mark (csrf.ts): Apollo says so.
      (req.method === 'GET' ? req.headers['apollo-require-preflight'] === undefined : req.method !== 'POST') ||
      trace.getActiveSpan()?.isRecording()
    )
      return false;
    // Apollo's answer with data and no errors is a 200 under either media type; only its content type differs.
    const mediaType = answerMediaType(req.headers.accept);
    const op = lookup(current.apiSchema, current.sdl, asked.query, asked.operationName ?? undefined);
    if (!op) return false;
    const given = asked.variables ?? {};
    if (getVariableValues(current.apiSchema, op.operation.variableDefinitions ?? [], given).errors) return false;
    const context = opts.context(req, res);
    res.locals.gatewayContext = context;
    // As Apollo Gateway's executeFetch picks them: the variables the fetch uses, as the client sent them.
    const variables = Object.create(null) as Record<string, unknown>;
    for (const name of op.variableUsages) if (given[name] !== undefined) variables[name] = given[name];
    const request = { query: op.query, variables, operationName: op.operationName };
    const source = opts.sources.get(op.subgraph)!;
    const sent = JSON.stringify(request);
    const response = source.send({ request: { ...request }, context }, sent);
    const got = await response.catch(() => undefined);
    const data = got?.data;
    if (
      !got ||
      got.errors !== undefined ||
      got.extensions !== undefined ||
      !data ||
      typeof data !== 'object' ||
      Object.keys(got).length !== 2
    ) {
      // Apollo answers it, from this very fetch.
      context.prefetched = { subgraph: op.subgraph, body: sent, response };
      outcomes?.inc({ outcome: 'handed_on' });
      return false;
    }
    const cost = settleCost(context.cost!, model, current.apiSchema, op.document, data, asked.operationName);
    res.statusCode = 200;
    res.setHeader('cache-control', 'no-store');
    res.setHeader('content-type', `${mediaType}; charset=utf-8`);
    const body = `${withExtensions(await rawText(got.http), data, { cost })}\n`;
    res.setHeader('content-length', Buffer.byteLength(body));
    res.end(body);
    opts.observe(context, op.operation.name?.value ?? null, started);
    outcomes?.inc({ outcome: 'answered' });
    return true;
  };
  const handler: PassThrough = (req, res, next) => void answer(req, res).then((answered) => answered || next(), next);
  handler.answer = answer;
  return handler;
}

/** The subgraph's answer as it came: the data source's response is an AnswerResponse (subgraphs.ts), which keeps it. */
const rawText = (http: unknown): Promise<string | undefined> | undefined =>
  (http as { text?(): Promise<string> } | undefined)?.text?.().catch(() => undefined);

/**
 * `{ data, extensions }` as JSON.stringify writes it, `raw` being the text `data` was parsed from
 * (an object whose only key is `data`: checked by the caller). Maillage's subgraphs answer with
 * Apollo Server, whose text is JSON.stringify's own (`{"data":{…}}`, a newline), so those `data`
 * bytes are reused rather than written again from the parsed value; a text of another shape
 * (white space around `data`) has `data` written again.
 */
export function withExtensions(raw: string | undefined, data: object, extensions: object): string {
  const tail = `,"extensions":${JSON.stringify(extensions)}}`;
  if (raw !== undefined && raw.startsWith('{"data":{')) {
    let end = raw.length;
    while (end > 0 && (raw[end - 1] === '\n' || raw[end - 1] === ' ' || raw[end - 1] === '\r')) end--;
    if (raw[end - 1] === '}' && raw[end - 2] === '}') return raw.slice(0, end - 1) + tail;
  }
  return `{"data":${JSON.stringify(data)}${tail}`;
}

/**
 * Types (`Type`) and fields (`Type.field`) of the supergraph that every subgraph serves as the API
 * schema declares them: nothing @inaccessible on them (nor on an enum's values), and no
 * `@join__field(type:)` (composition gives a field another type than some subgraph's).
 */
export function servedAsDeclared(sdl: string): Set<string> {
  const unchanged = new Set<string>();
  const doc = parse(sdl, { noLocation: true });
  for (const def of doc.definitions) {
    if (!('name' in def) || !def.name || !('directives' in def)) continue;
    const inaccessible = (d: { directives?: readonly { name: { value: string } }[] }) =>
      !!d.directives?.some((x) => x.name.value === 'inaccessible');
    const typeName = def.name.value;
    if (inaccessible(def)) continue;
    if (def.kind === Kind.ENUM_TYPE_DEFINITION && def.values?.some(inaccessible)) continue;
    if (def.kind === Kind.OBJECT_TYPE_DEFINITION || def.kind === Kind.SCALAR_TYPE_DEFINITION || def.kind === Kind.ENUM_TYPE_DEFINITION)
      unchanged.add(typeName);
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION) continue;
    for (const field of def.fields ?? []) {
      const retyped = field.directives?.some((d) => d.name.value === 'join__field' && d.arguments?.some((a) => a.name.value === 'type'));
      if (!retyped && !inaccessible(field)) unchanged.add(`${typeName}.${field.name.value}`);
    }
  }
  for (const scalar of ['String', 'Int', 'Float', 'Boolean', 'ID']) unchanged.add(scalar);
  return unchanged;
}
