import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LocalGraphQLDataSource } from '@apollo/gateway';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import type { CostAdmission } from './demand-control';

/** The name of the gateway's own subgraph in schema/supergraph.yaml. */
export const GATEWAY_SUBGRAPH = 'gateway';

const clamp = (n: number) => (Number.isFinite(n) ? Math.min(n, 2_147_483_647) : null);

/**
 * The gateway's own subgraph: `Query.rateLimit`, composed into the supergraph like any other field
 * (so clients see it in the schema, and queries mix it with the rest) and executed in this process
 * with the request's context, which holds what the door charged it. Nothing goes over the network.
 */
export function rateLimitSubgraph(): LocalGraphQLDataSource {
  const typeDefs = parse(readFileSync(path.resolve(__dirname, '../schema.graphql'), 'utf8'));
  const resolvers = {
    Query: {
      rateLimit: (_: unknown, __: unknown, context: unknown) => {
        const { cost } = context as { cost?: CostAdmission };
        return {
          limit: cost ? clamp(cost.budget.limit) : null,
          remaining: cost ? clamp(cost.budget.remaining) : null,
          resetAt: (cost?.budget.resetAt ?? new Date()).toISOString(),
          cost: cost?.requested ?? 0,
        };
      },
    },
  };
  return new LocalGraphQLDataSource(buildSubgraphSchema({ typeDefs, resolvers }));
}
