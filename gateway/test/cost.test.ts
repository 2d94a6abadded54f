import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Supergraph } from '@apollo/federation-internals';
import { supergraphForGateway } from '@maillage/viewer';
import { repoRoot } from '@maillage/testing';
import {
  getNamedType,
  getNullableType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  parse,
  type GraphQLSchema,
} from 'graphql';
import { actualCost, costModelOf, estimateCost, CostEstimateError, type CostModel } from '../src/cost';

let api: GraphQLSchema;
let model: CostModel;
beforeAll(() => {
  const sdl = readFileSync(path.join(repoRoot, 'schema/supergraph.graphql'), 'utf8');
  api = Supergraph.build(supergraphForGateway(sdl), { supportedFeatures: null }).apiSchema().toGraphQLJSSchema();
  model = costModelOf(sdl);
});
const cost = (q: string, variables?: Record<string, unknown>, operationName?: string) =>
  estimateCost(api, model, parse(q), variables, operationName);

const THREE_LEVELS = (first: string) =>
  `territory(id: "REG-76") { clubs(first: ${first}) { nodes { members(first: ${first}) { nodes { actor { clubMemberships(first: ${first}) { nodes { club { name } } } } } } } } }`;

test('every list of objects in the graph says how long it gets (@listSize), or is sized by its connection', () => {
  const missing: string[] = [];
  for (const type of Object.values(api.getTypeMap())) {
    if (type.name.startsWith('__') || !(isObjectType(type) || isInterfaceType(type))) continue;
    for (const field of Object.values(type.getFields())) {
      const key = `${type.name}.${field.name}`;
      const listOfObjects = isListType(getNullableType(field.type)) && isCompositeType(getNamedType(field.type));
      const connection = /Connection$/.test(getNamedType(field.type).name);
      if ((listOfObjects || connection) && !model.listSizes.has(key) && !model.sizedByParent.has(key)) missing.push(key);
    }
  }
  expect(missing).toEqual([]);
});

test('a page size given as a variable weighs as the same size written inline', () => {
  const inline = cost(`{ ${THREE_LEVELS('100')} }`);
  expect(inline).toBeGreaterThan(1_000_000);
  expect(cost(`query($n: Int) { ${THREE_LEVELS('$n')} }`, { n: 100 })).toBe(inline);
  expect(cost(`query($n: Int = 100) { ${THREE_LEVELS('$n')} }`)).toBe(inline);
  // An omitted `first` is its default (20); `first: null` the assumed size.
  expect(cost(`query($n: Int) { ${THREE_LEVELS('$n')} }`, {})).toBe(cost(`{ ${THREE_LEVELS('20')} }`));
  expect(cost(`query($n: Int) { ${THREE_LEVELS('$n')} }`, { n: null })).toBe(inline);
});

test('the estimate is remembered per document and per value of the variables that size lists, not of the others', () => {
  const doc = parse(`query($n: Int, $t: ID) { actors(first: $n, territoryId: $t) { nodes { id } } }`);
  expect(estimateCost(api, model, doc, { n: 10, t: 'DEP-34' })).toBe(11);
  expect(estimateCost(api, model, doc, { n: 90, t: 'DEP-34' })).toBe(91);
  expect(estimateCost(api, model, doc, { n: 10, t: 'DEP-12' })).toBe(11);
  const skipped = parse(`query($s: Boolean!) { actors(first: 50) @skip(if: $s) { nodes { id } } }`);
  expect([estimateCost(api, model, skipped, { s: true }), estimateCost(api, model, skipped, { s: false })]).toEqual([0, 51]);
});

test('aliases and fragments are counted where they are spread', () => {
  const one = cost(`{ actors(first: 50) { nodes { name } } }`);
  expect(one).toBe(1 + 50 * 1);
  expect(cost(`{ a: actors(first: 50) { nodes { name } } b: actors(first: 50) { nodes { name } } }`)).toBe(2 * one);
  // A fragment spread twice at one place is counted twice: execution merges the two, so the estimate errs high, never low.
  expect(cost(`query { ...Q ...Q } fragment Q on Query { actors(first: 50) { nodes { name } } }`)).toBe(2 * one);
  expect(
    cost(`query { a: actors(first: 50) { ...N } b: actors(first: 50) { ...N } } fragment N on ActorConnection { nodes { name } }`),
  ).toBe(2 * one);
  // Only the sized fields of a connection are multiplied: totalCount and pageInfo are one each.
  expect(cost(`{ actors(first: 50) { totalCount pageInfo { hasNextPage } edges { node { id } } } }`)).toBe(1 + 1 + 1 + 50 * 2);
});

test('a fragment bomb stops the estimator; variables that do not coerce are refused', () => {
  const bomb = [
    'query { territory(id: "REG-76") { ...F20 } }',
    'fragment F0 on Territory { id name }',
    ...Array.from({ length: 20 }, (_, i) => `fragment F${i + 1} on Territory { a: region { ...F${i} } b: departement { ...F${i} } }`),
  ].join('\n');
  expect(() => cost(bomb)).toThrow(CostEstimateError);
  expect(() => cost(`query($n: Int) { actors(first: $n) { nodes { id } } }`, { n: 'many' })).toThrow(
    expect.objectContaining({ kind: 'input' }),
  );
});

test('@cost weights and mutations weigh what the schema says', () => {
  expect(cost(`{ synergySnapshot { takenAt } }`)).toBe(5);
  expect(cost(`mutation { endRole(id: "r", endDate: "2026-01-01") { id } }`)).toBe(10);
});

test('the actual cost counts what came back', () => {
  const q = parse(`{ actors(first: 50) { totalCount nodes { name clubMemberships { nodes { club { name } } } } } }`);
  const data = {
    actors: {
      totalCount: 2,
      nodes: [
        { name: 'A', clubMemberships: { nodes: [{ club: { name: 'x' } }, { club: null }] } },
        { name: 'B', clubMemberships: null },
      ],
    },
  };
  // actors 1 + totalCount 1 + 2 nodes + A's clubMemberships 1 + 2 membership nodes + 1 club
  expect(actualCost(api, model, q, data)).toBe(1 + 1 + 2 + 1 + 2 + 1);
  expect(actualCost(api, model, q, null)).toBe(0);
});
