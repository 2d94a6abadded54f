import { readFileSync } from 'node:fs';
import { parse, type DocumentNode } from 'graphql';

/** Reads a subgraph's SDL-first `schema.graphql`, the same file composition reads. */
export function loadSchema(path: string): DocumentNode {
  return parse(readFileSync(path, 'utf8'));
}
