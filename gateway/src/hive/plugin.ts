import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { ANONYMOUS, ErrorCode, VIEWER_HEADER, viewerOf, type Viewer } from '@maillage/kit';
import { GraphQLError } from 'graphql';
import { DoorError, PartnerKeys, tokenVerifier, type TokenConfig } from '../auth';
import type { PersistedOperation } from '../operations';
import { ViewerSignatures } from '../signatures';

/** What the plugin needs to vouch for callers to Maillage's subgraphs, as Maillage's own gateway does. */
export interface MaillagePluginOptions {
  /** The secret shared with every subgraph (GATEWAY_SIGNING_SECRET). */
  signingSecret: string;
  /** How bearer tokens are verified (the same settings as Maillage's gateway: AUTH_*). */
  tokens: TokenConfig;
  /** The directory subgraph's URL, where partner keys are checked. */
  directoryUrl: string;
  /** Subgraph name -> URL the gateway fetches: tells the signer which subgraph a fetch is for. */
  subgraphUrls: Record<string, string>;
  /** The persisted operations manifest, by id (partner keys run those only). */
  operations: Map<string, PersistedOperation>;
  /** How long partner key checks are remembered. @default 30000 ms */
  partnerKeyCacheMs?: number;
}

/** A door refusal as Yoga renders it: the status and headers under `extensions.http`, which it strips from the answer. */
const asGraphQLError = (err: DoorError) => new GraphQLError(err.message, { extensions: { code: err.code, http: { status: err.status, headers: err.headers } } });

/**
 * Hive Gateway in front of Maillage's subgraphs: the caller's bearer token or partner key is
 * checked with Maillage's own code (auth.ts), and each subgraph fetch carries the viewer signed
 * with the shared secret (signatures.ts), exactly what the subgraphs accept from Maillage's gateway.
 * Subgraphs enforce every authorization rule themselves, so this is all a gateway in front must do.
 */
export function useMaillage(opts: MaillagePluginOptions): GatewayPlugin {
  const verifyToken = tokenVerifier(opts.tokens);
  const partnerKeys = new PartnerKeys(opts.directoryUrl, opts.signingSecret, opts.partnerKeyCacheMs ?? 30_000);
  const signatures = new ViewerSignatures(opts.signingSecret);
  const viewers = new WeakMap<Request, Viewer>();
  const subgraphOfUrl = new Map(Object.entries(opts.subgraphUrls).map(([name, url]) => [url, name]));

  async function identify(request: Request, params: { query?: string; extensions?: Record<string, unknown> }): Promise<{ viewer: Viewer; query?: string }> {
    const authorization = request.headers.get('authorization');
    if (authorization !== null) {
      const m = /^Bearer ([A-Za-z0-9._~+/=-]{1,4096})$/.exec(authorization);
      if (!m) throw new DoorError(401, ErrorCode.UNAUTHENTICATED, 'The Authorization header must be "Bearer <token>"', { 'www-authenticate': 'Bearer' });
      return { viewer: await verifyToken(m[1]) };
    }
    const url = new URL(request.url);
    const key = request.headers.get('x-api-key') ?? url.searchParams.get('key');
    if (key === null) return { viewer: ANONYMOUS };
    const partner = key.length <= 200 ? await partnerKeys.check(key) : null;
    if (!partner) throw new DoorError(401, ErrorCode.UNAUTHENTICATED, 'Unknown or revoked partner key');
    const origin = request.headers.get('origin');
    if (origin !== null && !partner.origins.includes(origin.toLowerCase())) {
      throw new DoorError(403, ErrorCode.ORIGIN_NOT_ALLOWED, `This partner key may not be used from ${origin.slice(0, 200)}`);
    }
    if (request.method !== 'GET') throw new DoorError(405, ErrorCode.METHOD_NOT_ALLOWED, 'Partner keys run persisted operations by id over GET', { allow: 'GET' });
    const pq = params.extensions?.persistedQuery as { sha256Hash?: unknown } | undefined;
    const id = url.searchParams.get('id') ?? (typeof pq?.sha256Hash === 'string' ? pq.sha256Hash : null);
    if (!id || params.query) throw new DoorError(403, ErrorCode.OPERATION_NOT_ALLOWED, 'Partner keys run only their registered persisted operations, by id');
    const operation = opts.operations.get(id);
    if (!operation || !partner.operationIds.includes(id)) {
      throw new DoorError(403, ErrorCode.OPERATION_NOT_ALLOWED, `Operation ${id.slice(0, 64)} is not registered for this partner key`);
    }
    const wait = partnerKeys.take(partner);
    if (wait !== undefined) throw new DoorError(429, ErrorCode.RATE_LIMITED, `Rate limit of ${partner.rateLimitPerMinute} requests a minute reached`, { 'retry-after': String(wait) });
    return { viewer: viewerOf({ scopes: ['partner'], partnerId: partner.id }), query: operation.body };
  }

  return {
    async onParams({ request, params, setParams }) {
      try {
        const { viewer, query } = await identify(request, params);
        viewers.set(request, viewer);
        if (query) {
          const { persistedQuery: _, ...extensions } = params.extensions ?? {};
          setParams({ ...params, query, extensions });
        }
      } catch (err) {
        throw err instanceof DoorError ? asGraphQLError(err) : err;
      }
    },
    onFetch({ context, url, options, setOptions }) {
      // Fetches outside a request (none with a supergraph file) carry no viewer and are not signed.
      const request = 'request' in context ? (context.request as Request) : undefined;
      if (!request || typeof options.body !== 'string') return;
      const viewer = viewers.get(request) ?? ANONYMOUS;
      const { query, variables } = JSON.parse(options.body) as { query?: string; variables?: Record<string, unknown> };
      return signFetch(signatures, viewer, { subgraph: subgraphOfUrl.get(url), query: query ?? '', variables }).then((header) =>
        setOptions({ ...options, headers: { ...(options.headers as Record<string, string>), [VIEWER_HEADER]: header } }),
      );
    },
  };
}

/**
 * The one place a subgraph fetch is signed, with everything a signature may bind: the viewer,
 * the query text, its variables and the subgraph it goes to. Today's signature binds the query;
 * when it binds more, only this call changes.
 */
function signFetch(signatures: ViewerSignatures, viewer: Viewer, fetch: { subgraph?: string; query: string; variables?: Record<string, unknown> }): Promise<string> {
  return signatures.sign(viewer, fetch.query);
}
