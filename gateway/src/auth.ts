import { createHash } from 'node:crypto';
import { GraphQLClient } from '@maillage/client';
import { ErrorCode } from '@maillage/errors';
import { DEV_TOKEN_ISSUER, DEV_TOKEN_SECRET, gatewayHeaders, TOKEN_AUDIENCE, viewerOf, type Viewer } from '@maillage/viewer';
import { createRemoteJWKSet, importSPKI, jwtVerify, type JWTVerifyGetKey, type KeyLike } from 'jose';
import type { GatewayEnv } from './env';
import type { PartnerKeyRevocations } from './revocations';

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
    throw new Error(
      'gateway: invalid configuration\n  AUTH_JWKS_URL, AUTH_JWT_PUBLIC_KEY or AUTH_JWT_SECRET, and AUTH_ISSUER: required in production',
    );
  }
  if (!configured) {
    warn(
      'gateway: no AUTH_JWKS_URL, AUTH_JWT_PUBLIC_KEY or AUTH_JWT_SECRET; accepting development tokens (scripts/dev-token.js), never do this in production',
    );
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

/** How long a verified token's viewer is remembered at most (within its own expiry). */
export const VERIFIED_TOKEN_MS = 60_000;
const VERIFIED_KEPT = 10_000;

/**
 * Verifies bearer tokens (signature, expiry, issuer, audience) and turns their claims into a viewer.
 *
 * A client sends the same token with each request for its whole life, and its verification (a
 * signature through WebCrypto, awaited) gives the same viewer every time: a token verified once is
 * remembered, by its exact text, until it expires (`exp`, checked as jose checks it) and for a
 * minute at most, so a key taken out of the JWKS stops being honoured within a minute more than
 * jose's own key cache allows. Refused tokens are not remembered: each is verified, and refused, anew.
 */
export function tokenVerifier(cfg: TokenConfig, now: () => number = Date.now): (token: string) => Promise<Viewer> {
  const verify = signedTokenVerifier(cfg);
  const verified = new Map<string, { viewer: Viewer; exp: number; until: number }>();
  return async (token) => {
    const t = now();
    const hit = verified.get(token);
    if (hit && hit.exp > Math.floor(t / 1000) && hit.until > t) return hit.viewer;
    if (hit) verified.delete(token);
    const { viewer, exp } = await verify(token);
    if (verified.size >= VERIFIED_KEPT) verified.delete(verified.keys().next().value!);
    verified.set(token, { viewer, exp, until: t + VERIFIED_TOKEN_MS });
    return viewer;
  };
}

function signedTokenVerifier(cfg: TokenConfig): (token: string) => Promise<{ viewer: Viewer; exp: number }> {
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
      throw invalidToken(
        code === 'ERR_JWT_EXPIRED'
          ? 'expired'
          : code === 'ERR_JWT_CLAIM_VALIDATION_FAILED'
            ? (err as Error).message
            : 'signature or format not valid',
      );
    }
    const scopes =
      typeof payload.scope === 'string' ? payload.scope.split(' ') : Array.isArray(payload.scopes) ? payload.scopes.map(String) : [];
    const networks = Array.isArray(payload.networks) ? payload.networks.filter((n): n is string => typeof n === 'string') : [];
    const viewer = viewerOf({ scopes, networks, subject: String(payload.sub) });
    // exp is required (requiredClaims) and a number (jose checks it).
    const exp = payload.exp as number;
    // A partner is a key, not a token: a token claiming the partner scope alone grants nothing more than anonymity.
    return { viewer: viewer.role === 'partner' ? viewerOf({ scopes: [], subject: viewer.subject }) : viewer, exp };
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
const ACCESS_QUERY =
  'query PartnerKeyAccess($key: String!) { partnerKeyAccess(key: $key) { id name origins rateLimitPerMinute operationIds } }';

// `mk_<id>_<secret>` (services/directory PartnerKey.ts): the id is the key's public part, what a revocation names.
const KEY_ID = /^mk_(pk-[a-z0-9]{16})_/;

/**
 * Partner keys live in the directory (hashed); the gateway asks it, over the same signed channel
 * as any fetch, and remembers each answer (genuine or not) for `cacheMs`, so a page view costs no
 * lookup and a flood of made-up keys costs one lookup per key per period. A revocation heard on
 * `revocations` (revocations.ts: this process, and every gateway on the same Redis) forgets the
 * key's answers at once; `cacheMs` is then only the bound for revocations nobody announced.
 */
export class PartnerKeys {
  private readonly cache = new Map<string, { access: PartnerAccess | null; until: number; id?: string }>();
  /** Cache keys by the key id they were presented with, so that a revocation by id finds them. */
  private readonly byId = new Map<string, Set<string>>();
  /** Bumped by every forgetting: a lookup that started before one does not store its answer. */
  private revision = 0;

  private readonly directory: GraphQLClient;

  constructor(
    directoryUrl: string,
    private readonly signingSecret: string,
    private readonly cacheMs: number,
    revocations?: PartnerKeyRevocations,
  ) {
    this.directory = new GraphQLClient({ url: directoryUrl, timeoutMs: 5000 });
    revocations?.listen({ revoked: (id) => this.forget(id), missed: () => this.forgetAll() });
  }

  async check(key: string): Promise<PartnerAccess | null> {
    const cacheKey = createHash('sha256').update(key).digest('base64url');
    const hit = this.cache.get(cacheKey);
    if (hit && hit.until > Date.now()) return hit.access;
    const revision = this.revision;
    const access = await this.lookup(key);
    // A revocation heard while the directory was answering may have come after its answer.
    if (revision !== this.revision) return access;
    if (this.cache.size >= 10_000) this.drop(this.cache.keys().next().value!);
    const id = KEY_ID.exec(key)?.[1];
    this.drop(cacheKey);
    this.cache.set(cacheKey, { access, until: Date.now() + this.cacheMs, id });
    if (id) this.byId.set(id, (this.byId.get(id) ?? new Set()).add(cacheKey));
    return access;
  }

  /** Forgets what was remembered of a key id (every string presented with it, genuine or not). */
  forget(id: string): void {
    this.revision++;
    for (const cacheKey of this.byId.get(id) ?? []) this.cache.delete(cacheKey);
    this.byId.delete(id);
  }

  /** Forgets everything: revocations may have been missed (the channel was down). */
  forgetAll(): void {
    this.revision++;
    this.cache.clear();
    this.byId.clear();
  }

  private drop(cacheKey: string) {
    const old = this.cache.get(cacheKey);
    if (!old) return;
    this.cache.delete(cacheKey);
    const ids = old.id ? this.byId.get(old.id) : undefined;
    ids?.delete(cacheKey);
    if (old.id && ids?.size === 0) this.byId.delete(old.id);
  }

  private async lookup(key: string): Promise<PartnerAccess | null> {
    let data: { partnerKeyAccess: PartnerAccess | null } | null | undefined;
    try {
      const signBody = (body: string) => gatewayHeaders(GATEWAY_AS_ADMIN, this.signingSecret, 'directory', body);
      data = (
        await this.directory.execute<{ partnerKeyAccess: PartnerAccess | null }, { key: string }>(ACCESS_QUERY, { key }, { signBody })
      ).data;
    } catch {
      data = undefined;
    }
    if (!data)
      throw new DoorError(
        503,
        'SUBGRAPH_UNAVAILABLE',
        'Partner keys cannot be checked right now (the directory subgraph is unavailable); retry later',
        { 'retry-after': '5' },
      );
    return data.partnerKeyAccess;
  }
}
