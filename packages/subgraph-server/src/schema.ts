import { readFileSync } from 'node:fs';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { concatAST, parse, type DocumentNode } from 'graphql';

/**
 * Reads a subgraph's SDL-first schema, the same files composition reads: its `schema.graphql` and,
 * where that is hand-written (the directory, the synergies), the `shared.graphql` that
 * `npm run networks` writes beside it.
 */
export function loadSchema(files: string | readonly string[]): DocumentNode {
  return concatAST((typeof files === 'string' ? [files] : files).map((file) => parse(readFileSync(file, 'utf8'))));
}

/**
 * A subgraph's generated `Resolvers` (graphql-codegen typescript-resolvers) as the resolver map
 * @apollo/subgraph takes. Its `GraphQLResolverMap` types every entry as a field resolver, so a
 * `__resolveReference(reference, context)` never fits it (apollographql/federation#1076): the
 * map is checked against the schema by its generated type, and converted here, once.
 */
export const resolverMap = <Ctx>(resolvers: { [typeName: string]: object | undefined }) => resolvers as GraphQLResolverMap<Ctx>;
