import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { ANONYMOUS, type Viewer } from '@maillage/viewer';
import { GraphQLError } from 'graphql';
import { DoorError } from '../auth';
import { callerIdentifier, type CallerOptions } from '../front/caller';
import { fetchSigner } from '../front/sign';

/** What the plugin needs to vouch for callers to Maillage's subgraphs, as Maillage's own gateway does. */
export interface MaillagePluginOptions extends CallerOptions {
  /** Subgraph name -> URL the gateway fetches: tells the signer which subgraph a fetch is for. */
  subgraphUrls: Record<string, string>;
}

/** A door refusal as Yoga renders it: the status and headers under `extensions.http`, which it strips from the answer. */
const asGraphQLError = (err: DoorError) =>
  new GraphQLError(err.message, { extensions: { code: err.code, http: { status: err.status, headers: err.headers } } });

/**
 * Hive Gateway in front of Maillage's subgraphs: the caller's bearer token or partner key is
 * checked with Maillage's own code (auth.ts, through front/caller.ts), and each subgraph fetch
 * carries the viewer signed with the shared secret (front/sign.ts), exactly what the subgraphs
 * accept from Maillage's gateway. Subgraphs enforce every authorization rule themselves, so this is
 * all a gateway in front must do.
 */
export function useMaillage(opts: MaillagePluginOptions): GatewayPlugin {
  const identify = callerIdentifier(opts);
  const sign = fetchSigner(opts.signingSecret);
  const viewers = new WeakMap<Request, Viewer>();
  const subgraphOfUrl = new Map(Object.entries(opts.subgraphUrls).map(([name, url]) => [url, name]));

  return {
    async onParams({ request, params, setParams }) {
      try {
        const { viewer, operation } = await identify({
          method: request.method,
          header: (name) => request.headers.get(name),
          search: new URL(request.url).searchParams,
          query: params.query,
          extensions: params.extensions,
        });
        viewers.set(request, viewer);
        if (operation) {
          const { persistedQuery: _, ...extensions } = params.extensions ?? {};
          setParams({ ...params, query: operation.body, extensions });
        }
      } catch (err) {
        throw err instanceof DoorError ? asGraphQLError(err) : err;
      }
    },
    onFetch({ context, url, options, setOptions }) {
      // Fetches outside a request (none with a supergraph file) carry no viewer and are not signed.
      const request = 'request' in context ? (context.request as Request) : undefined;
      if (!request || typeof options.body !== 'string') return;
      // A fetch to a URL outside the supergraph gets a statement for no subgraph, which none accepts.
      return sign(viewers.get(request) ?? ANONYMOUS, { subgraph: subgraphOfUrl.get(url) ?? '', body: options.body }).then((signed) =>
        setOptions({ ...options, headers: { ...(options.headers as Record<string, string>), ...signed } }),
      );
    },
  };
}
