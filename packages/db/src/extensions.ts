import type { Extension } from '@electric-sql/pglite';

/**
 * The extensions the migrations create (the exclusion constraint on memberships needs btree_gist).
 * PGlite ships them as contrib bundles, to be passed at every open of a database. A module of its
 * own, with no dependency: the embedded server (embedded-main.ts) needs it and nothing else of
 * connect.ts, whose imports (zod through @maillage/env, the metrics) cost that process 20 MiB.
 */
export async function pgliteExtensions(): Promise<{ btree_gist: Extension }> {
  // By a variable: the repository's TypeScript resolution ("node") does not read packages' "exports" subpaths.
  const contrib: string = '@electric-sql/pglite/contrib/btree_gist';
  const { btree_gist } = (await import(contrib)) as { btree_gist: Extension };
  return { btree_gist };
}
