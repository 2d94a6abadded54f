import { readFileSync } from 'node:fs';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { parse, type DocumentNode } from 'graphql';

/** Reads a subgraph's SDL-first `schema.graphql`, the same file composition reads. */
export function loadSchema(path: string): DocumentNode {
  return parse(readFileSync(path, 'utf8'));
}

/**
 * A subgraph's generated `Resolvers` (graphql-codegen typescript-resolvers) as the resolver map
 * @apollo/subgraph takes. Its `GraphQLResolverMap` types every entry as a field resolver, so a
 * `__resolveReference(reference, context)` never fits it (apollographql/federation#1076): the
 * map is checked against the schema by its generated type, and converted here, once.
 */
export const resolverMap = <Ctx>(resolvers: { [typeName: string]: object | undefined }) => resolvers as GraphQLResolverMap<Ctx>;
