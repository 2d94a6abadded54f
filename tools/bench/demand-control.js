#!/usr/bin/env node
// CPU per request of demand control on the bench's queries (a) and (c), before and after issue 13:
//   before: graphql-armor's cost rule (a validation pass over the document, literal integers only)
//   after:  the @cost/@listSize estimate on the coerced variables (graphql-query-complexity), the
//           charge and refund in the in-memory limiter, and the actual cost of a full answer.
// Each is run N times in this process on the already parsed documents; prints µs per request.
//
//   npm run build -w @maillage/gateway && node tools/bench/demand-control.js [--n 20000]
const { readFileSync } = require('node:fs');
const path = require('node:path');
const { Supergraph } = require('@apollo/federation-internals');
const { costLimitRule } = require('@escape.tech/graphql-armor-cost-limit');
const { supergraphForGateway } = require('@maillage/viewer');
const {
  getNamedType,
  getNullableType,
  isListType,
  isCompositeType,
  parse,
  validate,
  Kind,
  getArgumentValues,
  getVariableValues,
} = require('graphql');
const { costModelOf, estimateCost, estimateOnce, actualCost, DEFAULT_LIST_SIZE } = require('@maillage/gateway/dist/cost');
const { CostRateLimiter, DEFAULT_BUDGETS, callerKey } = require('@maillage/gateway/dist/rate-limit');
const Q = require('./queries');

const argv = process.argv.slice(2);
const N = Number(argv[argv.indexOf('--n') + 1] || 20_000);
const sdl = readFileSync(path.resolve(__dirname, '../../schema/supergraph.graphql'), 'utf8');
const schema = Supergraph.build(supergraphForGateway(sdl), { supportedFeatures: null }).apiSchema().toGraphQLJSSchema();
const model = costModelOf(sdl);

/** A full answer to the operation: every list as long as it may be, so the actual cost is the worst case. */
function fullAnswer(document, variables) {
  const op = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  const { coerced } = getVariableValues(schema, op.variableDefinitions ?? [], variables);
  const fill = (type, set) => {
    const out = { __typename: type.name };
    for (const s of set.selections) {
      const def = type.getFields()[s.name.value];
      const named = getNamedType(def.type);
      const args = getArgumentValues(def, s, coerced);
      const item = () => (s.selectionSet ? fill(named, s.selectionSet) : 'x');
      const size = model.listSizes.get(`${type.name}.${def.name}`);
      const n = typeof args.first === 'number' ? args.first : (size?.assumedSize ?? DEFAULT_LIST_SIZE);
      if (isListType(getNullableType(def.type))) out[s.alias?.value ?? s.name.value] = Array.from({ length: n }, item);
      else if (isCompositeType(named) && size?.sizedFields.length) {
        const conn = fill(named, s.selectionSet);
        for (const f of size.sizedFields) if (Array.isArray(conn[f])) conn[f] = Array.from({ length: n }, () => conn[f][0]);
        out[s.alias?.value ?? s.name.value] = conn;
      } else out[s.alias?.value ?? s.name.value] = item();
    }
    return out;
  };
  return fill(schema.getQueryType(), op.selectionSet);
}

async function time(label, fn) {
  for (let i = 0; i < Math.min(2000, N); i++) await fn();
  const cpu = process.cpuUsage();
  for (let i = 0; i < N; i++) await fn();
  const used = process.cpuUsage(cpu);
  return +((used.user + used.system) / N).toFixed(1);
}

async function main() {
  const rows = [];
  const limiter = new CostRateLimiter({ budgets: { ...DEFAULT_BUDGETS, anonymous: 2 ** 31 - 1, analyst: 2 ** 31 - 1 } });
  const armor = costLimitRule({ maxCost: 5_000_000, exposeLimits: true, propagateOnRejection: true, ignoreIntrospection: false });
  for (const op of [Q.lookup, Q.deep]) {
    const document = parse(op.query);
    const viewer = { role: op.signedIn ? 'analyst' : 'anonymous', scopes: [], networks: [], subject: op.signedIn ? 'bench' : undefined };
    const key = callerKey(viewer, '127.0.0.1');
    const data = fullAnswer(document, op.variables);
    const before = await time('armor', () => validate(schema, document, [armor]));
    const fresh = await time('estimate', () => estimateOnce(schema, model, document, op.variables));
    const estimate = await time('estimate', () => estimateCost(schema, model, document, op.variables));
    const charge = await time('charge', async () => {
      const taken = await limiter.take(key, limiter.limitOf(viewer), 100);
      await limiter.refund(key, taken.charged - 1);
    });
    const actual = await time('actual', () => actualCost(schema, model, document, data));
    rows.push({
      query: op.label,
      'requested cost': estimateCost(schema, model, document, op.variables),
      'actual cost (full answer)': actualCost(schema, model, document, data),
      'before µs (armor rule)': before,
      'after µs: estimate (first time)': fresh,
      'estimate (remembered)': estimate,
      'charge + refund': charge,
      'actual cost': actual,
      'after µs total (remembered)': +(estimate + charge + actual).toFixed(1),
      'after µs total (first time)': +(fresh + charge + actual).toFixed(1),
    });
  }
  console.log(`node ${process.version}, ${N} runs each, CPU (user + system) per request`);
  console.table(rows);
  await limiter.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
