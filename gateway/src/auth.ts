import { createHash } from 'node:crypto';
import { GraphQLClient } from '@maillage/client';
import { ErrorCode } from '@maillage/errors';
import { DEV_TOKEN_ISSUER, DEV_TOKEN_SECRET, gatewayHeaders, TOKEN_AUDIENCE, viewerOf, type Viewer } from '@maillage/viewer';
import { createRemoteJWKSet, importSPKI, jwtVerify, type JWTVerifyGetKey, type KeyLike } from 'jose';
import type { GatewayEnv } from './env';

/** A refusal at the door, before any execution: an HTTP status and a GraphQL error with a stable code. */
export class DoorError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
    /** More of `extensions` than the code (the figures of a cost refusal). */
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** How access tokens are checked: one key source, an issuer and an audience. */
export interface TokenConfig {
  jwksUrl?: string;
  publicKeyPem?: string;
  /** @default RS256 */
  algorithm?: string;
  /** HS256 shared secret. */
  secret?: string;
  issuer: string;
  audience: string;
}

/** Development: tokens from scripts/dev-token.js (HS256 with the development secret). */
export const DEV_TOKENS: TokenConfig = { secret: DEV_TOKEN_SECRET, issuer: DEV_TOKEN_ISSUER, audience: TOKEN_AUDIENCE };

/** Token settings from the environment; the development ones outside production when none is set, never in production. */
export function tokenConfigFromEnv(env: GatewayEnv, warn: (m: string) => void): TokenConfig {
  const configured = env.AUTH_JWKS_URL || env.AUTH_JWT_PUBLIC_KEY || env.AUTH_JWT_SECRET;
  const production = env.NODE_ENV === 'production';
  if (production && (!configured || !env.AUTH_ISSUER)) {
    throw new Error('gateway: invalid configuration\n  AUTH_JWKS_URL, AUTH_JWT_PUBLIC_KEY or AUTH_JWT_SECRET, and AUTH_ISSUER: required in production');
  }
  if (!configured) {
    warn('gateway: no AUTH_JWKS_URL, AUTH_JWT_PUBLIC_KEY or AUTH_JWT_SECRET; accepting development tokens (scripts/dev-token.js), never do this in production');
    return { ...DEV_TOKENS, audience: env.AUTH_AUDIENCE };
  }
  return {
    jwksUrl: env.AUTH_JWKS_URL,
    publicKeyPem: env.AUTH_JWT_PUBLIC_KEY,
    algorithm: env.AUTH_JWT_ALGORITHM,
    secret: env.AUTH_JWT_SECRET,
    issuer: env.AUTH_ISSUER ?? DEV_TOKEN_ISSUER,
    audience: env.AUTH_AUDIENCE,
  };
}

const invalidToken = (why: string) =>
  new DoorError(401, ErrorCode.UNAUTHENTICATED, `Invalid bearer token: ${why}`, { 'www-authenticate': 'Bearer error="invalid_token"' });

/** Verifies bearer tokens (signature, expiry, issuer, audience) and turns their claims into a viewer. */
export function tokenVerifier(cfg: TokenConfig): (token: string) => Promise<Viewer> {
  let key: Promise<KeyLike | Uint8Array> | JWTVerifyGetKey;
  let algorithms: string[];
  if (cfg.jwksUrl) {
    key = createRemoteJWKSet(new URL(cfg.jwksUrl), { cooldownDuration: 30_000, cacheMaxAge: 600_000 });
    algorithms = ['RS256', 'PS256', 'ES256', 'EdDSA'];
  } else if (cfg.publicKeyPem) {
    const alg = cfg.algorithm ?? 'RS256';
    key = importSPKI(cfg.publicKeyPem, alg);
    algorithms = [alg];
  } else if (cfg.secret) {
    key = Promise.resolve(new TextEncoder().encode(cfg.secret));
    algorithms = ['HS256'];
  } else {
    throw new Error('no key to verify access tokens with');
  }
  return async (token) => {
    let payload: Record<string, unknown>;
    try {
      const options = { issuer: cfg.issuer, audience: cfg.audience, algorithms, requiredClaims: ['exp', 'sub'] };
      payload = (typeof key === 'function' ? await jwtVerify(token, key, options) : await jwtVerify(token, await key, options)).payload;
    } catch (err) {
      const code = (err as { code?: string }).code;
      throw invalidToken(code === 'ERR_JWT_EXPIRED' ? 'expired' : code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' ? (err as Error).message : 'signature or format not valid');
    }
    const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ') : Array.isArray(payload.scopes) ? payload.scopes.map(String) : [];
    const networks = Array.isArray(payload.networks) ? payload.networks.filter((n): n is string => typeof n === 'string') : [];
    const viewer = viewerOf({ scopes, networks, subject: String(payload.sub) });
    // A partner is a key, not a token: a token claiming the partner scope alone grants nothing more than anonymity.
    return viewer.role === 'partner' ? viewerOf({ scopes: [], subject: viewer.subject }) : viewer;
  };
}

/** What the directory says about a genuine, unrevoked partner key. */
export interface PartnerAccess {
  id: string;
  name: string;
  origins: string[];
  rateLimitPerMinute: number;
  operationIds: string[];
}

const GATEWAY_AS_ADMIN = viewerOf({ scopes: ['admin'], subject: 'maillage-gateway' });
const ACCESS_QUERY = 'query PartnerKeyAccess($key: String!) { partnerKeyAccess(key: $key) { id name origins rateLimitPerMinute operationIds } }';

/**
 * Partner keys live in the directory (hashed); the gateway asks it, over the same signed channel
 * as any fetch, and remembers each answer (genuine or not) for `cacheMs`, so a page view costs no
 * lookup and a flood of made-up keys costs one lookup per key per period.
 */
export class PartnerKeys {
  private readonly cache = new Map<string, { access: PartnerAccess | null; until: number }>();

  private readonly directory: GraphQLClient;

  constructor(
    directoryUrl: string,
    private readonly signingSecret: string,
    private readonly cacheMs: number,
  ) {
    this.directory = new GraphQLClient({ url: directoryUrl, timeoutMs: 5000 });
  }

  async check(key: string): Promise<PartnerAccess | null> {
    const cacheKey = createHash('sha256').update(key).digest('base64url');
    const hit = this.cache.get(cacheKey);
    if (hit && hit.until > Date.now()) return hit.access;
    const access = await this.lookup(key);
    if (this.cache.size >= 10_000) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(cacheKey, { access, until: Date.now() + this.cacheMs });
    return access;
  }

  private async lookup(key: string): Promise<PartnerAccess | null> {
    let data: { partnerKeyAccess: PartnerAccess | null } | null | undefined;
    try {
      const signBody = (body: string) => gatewayHeaders(GATEWAY_AS_ADMIN, this.signingSecret, 'directory', body);
      data = (await this.directory.execute<{ partnerKeyAccess: PartnerAccess | null }, { key: string }>(ACCESS_QUERY, { key }, { signBody })).data;
    } catch {
      data = undefined;
    }
    if (!data) throw new DoorError(503, 'SUBGRAPH_UNAVAILABLE', 'Partner keys cannot be checked right now (the directory subgraph is unavailable); retry later', { 'retry-after': '5' });
    return data.partnerKeyAccess;
  }

}
