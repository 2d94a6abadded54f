import { CostRateLimiter, DEFAULT_BUDGETS } from '../rate-limit';
import { ErrorCode } from '@maillage/errors';
import { ANONYMOUS, viewerOf, type Viewer } from '@maillage/viewer';
import { DoorError, PartnerKeys, tokenVerifier, type TokenConfig } from '../auth';
import type { PersistedOperation } from '../operations';
import type { PartnerKeyRevocations } from '../revocations';

/** What another gateway in front (Hive Gateway, Apollo Router) tells us of a client request. */
export interface CallerRequest {
  method: string;
  /** A header by its lower-case name, or null. */
  header(name: string): string | null;
  /** The URL's query parameters (`?key=`, `?id=`). */
  search: URLSearchParams;
  query?: string;
  extensions?: Record<string, unknown> | null;
}

export interface CallerOptions {
  /** How bearer tokens are verified (the same settings as Maillage's gateway: AUTH_*). */
  tokens: TokenConfig;
  /** The directory subgraph's URL, where partner keys are checked. */
  directoryUrl: string;
  /** The secret shared with every subgraph: partner keys are looked up over the signed channel. */
  signingSecret: string;
  /** The persisted operations manifest, by id (partner keys run those only). */
  operations: Map<string, PersistedOperation>;
  /** How long partner key checks are remembered. @default 30000 ms */
  partnerKeyCacheMs?: number;
  /** Where partner keys' requests a minute are counted. @default this process's memory */
  limiter?: CostRateLimiter;
  /** Revocations announced by Maillage's gateways (on their Redis), forgotten here at once too. @default none: verdicts expire after partnerKeyCacheMs */
  revocations?: PartnerKeyRevocations;
}

/**
 * Who is asking, by the rules of Maillage's door (door.ts), for a gateway in front of the
 * subgraphs: a bearer token verified by auth.ts, a partner key (known to the directory, from one
 * of its origins, over GET, for one of its registered operations, within its rate limit), or nobody.
 * A refusal is a DoorError (status, stable code, headers). A partner's answer names the operation
 * text it may run.
 */
export function callerIdentifier(opts: CallerOptions): (req: CallerRequest) => Promise<{ viewer: Viewer; operation?: PersistedOperation }> {
  const verifyToken = tokenVerifier(opts.tokens);
  const partnerKeys = new PartnerKeys(opts.directoryUrl, opts.signingSecret, opts.partnerKeyCacheMs ?? 30_000, opts.revocations);
  const limiter = opts.limiter ?? new CostRateLimiter({ budgets: DEFAULT_BUDGETS });
  return async (req) => {
    const authorization = req.header('authorization');
    if (authorization !== null) {
      const m = /^Bearer ([A-Za-z0-9._~+/=-]{1,4096})$/.exec(authorization);
      if (!m)
        throw new DoorError(401, ErrorCode.UNAUTHENTICATED, 'The Authorization header must be "Bearer <token>"', {
          'www-authenticate': 'Bearer',
        });
      return { viewer: await verifyToken(m[1]) };
    }
    const key = req.header('x-api-key') ?? req.search.get('key');
    if (key === null) return { viewer: ANONYMOUS };
    const partner = key.length <= 200 ? await partnerKeys.check(key) : null;
    if (!partner) throw new DoorError(401, ErrorCode.UNAUTHENTICATED, 'Unknown or revoked partner key');
    const origin = req.header('origin');
    if (origin !== null && !partner.origins.includes(origin.toLowerCase())) {
      throw new DoorError(403, ErrorCode.ORIGIN_NOT_ALLOWED, `This partner key may not be used from ${origin.slice(0, 200)}`);
    }
    if (req.method !== 'GET')
      throw new DoorError(405, ErrorCode.METHOD_NOT_ALLOWED, 'Partner keys run persisted operations by id over GET', { allow: 'GET' });
    const pq = req.extensions?.persistedQuery as { sha256Hash?: unknown } | undefined;
    const id = req.search.get('id') ?? (typeof pq?.sha256Hash === 'string' ? pq.sha256Hash : null);
    if (!id || req.query)
      throw new DoorError(403, ErrorCode.OPERATION_NOT_ALLOWED, 'Partner keys run only their registered persisted operations, by id');
    const operation = opts.operations.get(id);
    if (!operation || !partner.operationIds.includes(id)) {
      throw new DoorError(403, ErrorCode.OPERATION_NOT_ALLOWED, `Operation ${id.slice(0, 64)} is not registered for this partner key`);
    }
    // Requests a minute, per key, as Maillage's door counts them (door.ts).
    const taken = await limiter.take(`requests:${partner.id}`, partner.rateLimitPerMinute, 1);
    if (!taken.ok) {
      throw new DoorError(429, ErrorCode.RATE_LIMITED, `Rate limit of ${partner.rateLimitPerMinute} requests a minute reached`, {
        'retry-after': String(taken.retryAfterSeconds),
      });
    }
    return { viewer: viewerOf({ scopes: ['partner'], partnerId: partner.id }), operation };
  };
}
