import type { ApolloServerPlugin } from '@apollo/server';
import { ErrorCode } from '@maillage/errors';
import { type Viewer } from '@maillage/viewer';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import { DoorError } from './auth';
import { actualCost, CostEstimateError, estimateCost, type CostModel } from './cost';
import { callerKey, type Budget, type CostRateLimiter } from './rate-limit';

/** What the door charged a request, handed on to the response (extensions.cost) and to the `rateLimit` field. */
export interface CostAdmission {
  key: string;
  requested: number;
  charged: number;
  budget: Budget;
  limiter: CostRateLimiter;
}

/** `extensions.cost` of every answer, Shopify's and GitHub's way: what was asked, what it cost, what is left. */
export interface CostExtension {
  requested: number;
  actual: number;
  budget: { limit: number | null; remaining: number | null; resetAt: string };
}

const finite = (n: number) => (Number.isFinite(n) ? n : null);
export const budgetJson = (b: Budget) => ({ limit: finite(b.limit), remaining: finite(b.remaining), resetAt: b.resetAt.toISOString() });

/**
 * Estimates the operation on its coerced variables and charges it to the caller: refused with
 * `QUERY_TOO_COMPLEX` (400) above the operation limit of the caller's role, with `RATE_LIMITED`
 * (429, Retry-After) when the caller's budget for the minute cannot pay for it.
 */
export async function chargeOperation(args: {
  schema: GraphQLSchema;
  model: CostModel;
  document: DocumentNode;
  variables: Record<string, unknown> | null | undefined;
  operationName: string | null | undefined;
  operationLimit: number;
  viewer: Viewer;
  address: string | undefined;
  limiter: CostRateLimiter;
}): Promise<CostAdmission> {
  let requested: number;
  try {
    requested = estimateCost(args.schema, args.model, args.document, args.variables, args.operationName);
  } catch (err) {
    if (err instanceof CostEstimateError && err.kind === 'nodes')
      throw new DoorError(400, 'QUERY_TOO_COMPLEX', err.message, {}, { limit: 'nodes' });
    // Arguments or variables that do not coerce: Apollo refuses the operation before it runs, with
    // its own codes (GRAPHQL_VALIDATION_FAILED for a literal, BAD_USER_INPUT for a variable).
    requested = 1;
  }
  if (requested > args.operationLimit) {
    throw new DoorError(
      400,
      'QUERY_TOO_COMPLEX',
      `The operation costs ${requested} points, above the ${args.operationLimit} an operation may cost for this caller: ask for smaller pages (first) or fewer nested lists`,
      {},
      {
        limit: 'cost',
        cost: { requested, limit: args.operationLimit },
      },
    );
  }
  const key = callerKey(args.viewer, args.address);
  const limit = args.limiter.limitOf(args.viewer);
  const taken = await args.limiter.take(key, limit, requested);
  if (!taken.ok) {
    throw new DoorError(
      429,
      ErrorCode.RATE_LIMITED,
      `Rate limit reached: the operation costs ${requested} points and ${taken.budget.remaining} of ${taken.budget.limit} are left until ${taken.budget.resetAt.toISOString()}`,
      { 'retry-after': String(taken.retryAfterSeconds) },
      { cost: { requested, budget: budgetJson(taken.budget) } },
    );
  }
  return { key, requested, charged: taken.charged, budget: taken.budget, limiter: args.limiter };
}

/**
 * Adds `extensions.cost` to every answer and gives back what the request was charged beyond its
 * actual cost (the answer's real list lengths), so a page that came back short costs less.
 */
export function costPlugin(model: () => CostModel | undefined): ApolloServerPlugin<{ cost?: CostAdmission }> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response, document, schema, operationName }) {
          const admission = contextValue.cost;
          const m = model();
          if (!admission || !m || response.body.kind !== 'single') return;
          const single = response.body.singleResult;
          single.extensions = { ...single.extensions, cost: settleCost(admission, m, schema, document, single.data, operationName) };
        },
      };
    },
  };
}

/** What the answer actually cost: the refund of what was charged beyond it, and the `extensions.cost` that says so. */
export function settleCost(
  admission: CostAdmission,
  model: CostModel,
  schema: GraphQLSchema,
  document: DocumentNode | undefined,
  data: unknown,
  operationName: string | null | undefined,
): CostExtension {
  const actual = document ? actualCost(schema, model, document, data, operationName) : 0;
  const refund = admission.charged - Math.max(1, Math.ceil(actual));
  if (refund > 0) void admission.limiter.refund(admission.key, refund);
  const remaining = Math.min(admission.budget.limit, admission.budget.remaining + Math.max(0, refund));
  return { requested: admission.requested, actual, budget: budgetJson({ ...admission.budget, remaining }) };
}
