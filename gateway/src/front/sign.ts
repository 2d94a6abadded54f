import type { Viewer } from '@maillage/kit';
import { ViewerSignatures } from '../signatures';

/** One subgraph fetch as a gateway in front sees it. */
export interface SubgraphFetch {
  /** The subgraph's name in the supergraph. */
  subgraph?: string;
  query: string;
  variables?: Record<string, unknown>;
}

/**
 * The one place a gateway in front signs a subgraph fetch, with Maillage's gateway's own signer and
 * everything a signature may bind: the viewer, the query text, its variables and the subgraph it
 * goes to. Today's signature binds the query; when it binds more, only this function changes.
 */
export function fetchSigner(secret: string): (viewer: Viewer, fetch: SubgraphFetch) => Promise<string> {
  const signatures = new ViewerSignatures(secret);
  return (viewer, fetch) => signatures.sign(viewer, fetch.query);
}
