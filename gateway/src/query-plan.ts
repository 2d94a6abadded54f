import { operationFromDocument, Supergraph } from '@apollo/federation-internals';
import { prettyFormatQueryPlan, QueryPlanner } from '@apollo/query-planner';
import express, { type Express } from 'express';
import { Kind, validate, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { checkLimits, LIMITS } from './limits';

/** The gateway's supergraph as it serves it now: the SDL the planner plans over, and its API schema. */
export interface ServedSupergraph {
  sdl: string;
  apiSchema: GraphQLSchema;
}

/**
 * `POST /ide-plan` `{ query }`: the query plan of each operation of the document, as the gateway's
 * planner (@apollo/query-planner, the one @apollo/gateway runs) would build it over the supergraph
 * it serves now, without running anything: which subgraph is fetched, in which order, with what.
 * For the playground's plan panel, in development only: a plan maps the subgraphs behind the door,
 * so a production gateway never mounts this (server.ts), as it serves no introspection.
 * The document passes validation and the admin's depth, alias, directive, token and cost limits
 * first, as it would to be run at all.
 */
export function mountQueryPlans(app: Express, served: () => ServedSupergraph | undefined): void {
  let planner: { sdl: string; supergraph: Supergraph; planner: QueryPlanner } | undefined;
  const plannerFor = (sdl: string) => {
    // Built on the first plan asked for, again only when the gateway swaps in a new supergraph.
    if (planner?.sdl !== sdl) {
      const supergraph = Supergraph.build(sdl, { supportedFeatures: null });
      planner = { sdl, supergraph, planner: new QueryPlanner(supergraph) };
    }
    return planner;
  };
  const refuse = (res: express.Response, status: number, code: string, message: string) =>
    void res.status(status).json({ errors: [{ message, extensions: { code } }] });
  app.post('/ide-plan', express.json({ limit: '100kb' }), (req, res) => {
    const current = served();
    if (!current) return refuse(res, 503, 'SCHEMA_NOT_LOADED', 'The supergraph is not loaded yet');
    const query: unknown = (req.body as { query?: unknown } | undefined)?.query;
    if (typeof query !== 'string' || !query.trim()) return refuse(res, 400, 'BAD_REQUEST', 'POST { "query": "<a GraphQL document>" }');
    const { error, document } = checkLimits(current.apiSchema, query, LIMITS.admin);
    if (error) return refuse(res, 400, String(error.extensions.code ?? 'GRAPHQL_VALIDATION_FAILED'), error.message);
    const invalid = validate(current.apiSchema, document!)[0];
    if (invalid) return refuse(res, 400, 'GRAPHQL_VALIDATION_FAILED', invalid.message);
    const { supergraph, planner: p } = plannerFor(current.sdl);
    const operations = document!.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    try {
      const plans = operations.map((op) => {
        const operationName = op.name?.value;
        const operation = operationFromDocument(supergraph.apiSchema(), document!, { operationName });
        return { operationName: operationName ?? null, plan: prettyFormatQueryPlan(p.buildQueryPlan(operation)) };
      });
      res.set('cache-control', 'no-store').json({ plans });
    } catch (err) {
      refuse(res, 400, 'QUERY_PLAN_FAILED', `No plan for this document: ${(err as Error).message.slice(0, 300)}`);
    }
  });
}
