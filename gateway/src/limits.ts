import type { Role } from '@maillage/viewer';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { GraphQLError, parse, validate, type DocumentNode, type GraphQLSchema, type ValidationRule } from 'graphql';

/** What one operation may weigh. */
export interface Limits {
  /** Nesting of selections (fragments counted). */
  depth: number;
  aliases: number;
  directives: number;
  /** Lexical tokens of the document: bounds parsing itself. */
  tokens: number;
  /**
   * Most cost points one operation may request (cost.ts: the @cost/@listSize of the supergraph,
   * on the coerced variables); checked per request, after this file's per-text checks.
   */
  cost: number;
}

/**
 * Per role. Anonymous arbitrary queries get the tightest room (the examples in gateway/examples fit);
 * signed callers get more; persisted operations are reviewed in the repository and run under
 * `registered`, whoever asks.
 */
export const LIMITS: Record<Role | 'registered', Limits> = {
  anonymous: { depth: 10, aliases: 15, directives: 10, tokens: 1_000, cost: 10_000 },
  partner: { depth: 10, aliases: 15, directives: 10, tokens: 1_000, cost: 10_000 },
  editor: { depth: 15, aliases: 50, directives: 30, tokens: 5_000, cost: 100_000 },
  analyst: { depth: 15, aliases: 50, directives: 30, tokens: 5_000, cost: 200_000 },
  admin: { depth: 20, aliases: 100, directives: 50, tokens: 10_000, cost: 1_000_000 },
  registered: { depth: 15, aliases: 50, directives: 30, tokens: 5_000, cost: 100_000 },
};

/** The largest token count of any role: what the server's own parser accepts at most. */
export const MAX_TOKENS = Math.max(...Object.values(LIMITS).map((l) => l.tokens));

const rulesCache = new Map<Limits, ValidationRule[]>();
function rules(limits: Limits): ValidationRule[] {
  let r = rulesCache.get(limits);
  if (!r) {
    const common = { exposeLimits: true, propagateOnRejection: true };
    r = [
      maxDepthRule({ ...common, n: limits.depth, ignoreIntrospection: false }),
      // No free aliases, not even of __typename: each is work for the gateway.
      maxAliasesRule({ ...common, n: limits.aliases, allowList: [] }),
      maxDirectivesRule({ ...common, n: limits.directives }),
    ] as unknown as ValidationRule[];
    rulesCache.set(limits, r);
  }
  return r;
}

const tooComplex = (message: string, limit: string) =>
  new GraphQLError(message.replace(/^Syntax Error: /, ''), { extensions: { code: 'QUERY_TOO_COMPLEX', limit } });

/**
 * Parses with the role's token limit and checks depth, aliases and directives, each
 * linear in the document (graphql-armor counts a fragment once, however often it is spread), so
 * a hostile document is refused before the server's own validation, which is not linear, sees it.
 */
export function checkLimits(schema: GraphQLSchema, query: string, limits: Limits): { document?: DocumentNode; error?: GraphQLError } {
  // The verdict depends on the schema, the text and the limits only: clients repeat the same few
  // operations, so each is parsed and checked once (per schema: a reloaded supergraph starts afresh).
  let verdicts = checked.get(schema)?.get(limits);
  const known = verdicts?.get(query);
  if (known) return known;
  const verdict = checkLimitsOnce(schema, query, limits);
  if (!verdicts) {
    const bySchema = checked.get(schema) ?? new Map<Limits, Map<string, Verdict>>();
    checked.set(schema, bySchema);
    bySchema.set(limits, (verdicts = new Map()));
  }
  // Bounded: past this many distinct texts, the oldest verdict goes first.
  if (verdicts.size >= VERDICTS_KEPT) verdicts.delete(verdicts.keys().next().value!);
  if (query.length <= 20_000) verdicts.set(query, verdict);
  return verdict;
}

type Verdict = { document?: DocumentNode; error?: GraphQLError };
const VERDICTS_KEPT = 1000;
const checked = new WeakMap<GraphQLSchema, Map<Limits, Map<string, Verdict>>>();

function checkLimitsOnce(schema: GraphQLSchema, query: string, limits: Limits): Verdict {
  let document: DocumentNode;
  try {
    document = parse(query, { maxTokens: limits.tokens });
  } catch (err) {
    const message = (err as Error).message;
    if (/more tha[nt] \d+ tokens/.test(message))
      return { error: tooComplex(`The operation has more than ${limits.tokens} tokens`, 'tokens') };
    return { error: new GraphQLError(message, { extensions: { code: 'GRAPHQL_PARSE_FAILED' } }) };
  }
  try {
    const errors = validate(schema, document, rules(limits));
    if (errors.length) return { error: tooComplex(errors[0].message, limitOf(errors[0].message)) };
  } catch (err) {
    return { error: tooComplex((err as Error).message, limitOf((err as Error).message)) };
  }
  return { document };
}

const limitOf = (message: string) => (/depth/i.test(message) ? 'depth' : /alias/i.test(message) ? 'aliases' : 'directives');
