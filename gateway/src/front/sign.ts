import { BINDING_HEADER, bindRequest, OPERATION_HEADER, VIEWER_HEADER, type Viewer } from '@maillage/viewer';
import { ViewerSignatures } from '../signatures';

/** One subgraph fetch as a gateway in front sees it. */
export interface SubgraphFetch {
  /** The subgraph's name in the supergraph: the signature is valid for that subgraph only. */
  subgraph: string;
  /** The exact body sent to the subgraph (query, variables, operation name): the binding covers it. */
  body: string;
}

/**
 * The one place a gateway in front signs a subgraph fetch, with Maillage's gateway's own signer:
 * a viewer statement for the target subgraph (reused a few seconds per viewer, as the gateway does)
 * and a binding of that statement to the fetch's exact body, so a captured header cannot be
 * replayed with other variables or against another subgraph.
 */
export function fetchSigner(secret: string): (viewer: Viewer, fetch: SubgraphFetch) => Promise<Record<string, string>> {
  const bySubgraph = new Map<string, ViewerSignatures>();
  return async (viewer, { subgraph, body }) => {
    let signatures = bySubgraph.get(subgraph);
    if (!signatures) bySubgraph.set(subgraph, (signatures = new ViewerSignatures(secret, subgraph)));
    const statement = await signatures.sign(viewer);
    return {
      [VIEWER_HEADER]: statement,
      [OPERATION_HEADER]: 'other',
      [BINDING_HEADER]: bindRequest(secret, statement, subgraph, 'other', body),
    };
  };
}
