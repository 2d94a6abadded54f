import { createHash } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { ErrorCode } from '@maillage/errors';

/** Who is asking. The gateway works it out (token, partner key or nobody) and signs it to the subgraphs. */
export type Role = 'anonymous' | 'partner' | 'editor' | 'analyst' | 'admin';

export interface Viewer {
  role: Role;
  /** Scopes granted (see `Scope`); admin passes every scope check. */
  scopes: string[];
  /** Ids of the networks an editor may edit (`ch-…`, `cl-…`, `co-…`, `cb-…`). */
  networks: string[];
  /** The token's `sub`: who the person is, as the identity provider names them. */
  subject?: string;
  /** The partner key's id, for a partner site. */
  partnerId?: string;
}

/** Scope names, as tokens carry them (`scope` claim, space separated) and `@requiresScopes` names them. */
export const Scope = {
  /** Reads every field, including non-public ones, and the synergy queries. */
  analyst: 'analyst',
  /** Everything, including partner keys. */
  admin: 'admin',
  /** Writes memberships and initiatives of the networks in the `networks` claim, and actors it created. */
  networkEdit: 'network:edit',
  /** A partner site, identified by its API key. */
  partner: 'partner',
} as const;

export const ANONYMOUS: Viewer = Object.freeze({ role: 'anonymous', scopes: [], networks: [] }) as Viewer;

/** The role a set of scopes amounts to: the strongest wins. */
export function roleOfScopes(scopes: readonly string[]): Role {
  if (scopes.includes(Scope.admin)) return 'admin';
  if (scopes.includes(Scope.analyst)) return 'analyst';
  if (scopes.includes(Scope.networkEdit)) return 'editor';
  if (scopes.includes(Scope.partner)) return 'partner';
  return 'anonymous';
}

/** A viewer from verified claims; the role is derived from the scopes, never taken on trust. */
export function viewerOf(claims: { scopes: readonly string[]; networks?: readonly string[]; subject?: string; partnerId?: string }): Viewer {
  const scopes = [...new Set(claims.scopes.filter((s) => Object.values(Scope).includes(s as never)))].sort();
  const role = roleOfScopes(scopes);
  return {
    role,
    scopes,
    networks: role === 'editor' || role === 'admin' ? [...new Set(claims.networks ?? [])].sort() : [],
    ...(claims.subject ? { subject: claims.subject } : {}),
    ...(claims.partnerId ? { partnerId: claims.partnerId } : {}),
  };
}

/** The scopes a role's development token carries. */
export const SCOPES_OF_ROLE: Record<Role, string[]> = {
  anonymous: [],
  partner: [Scope.partner],
  editor: [Scope.networkEdit],
  analyst: [Scope.analyst],
  admin: [Scope.admin],
};

export const isAuthenticated = (viewer: Viewer) => viewer.role !== 'anonymous' || !!viewer.subject;

/**
 * True when the viewer holds every scope of at least one alternative (`[["analyst"], ["admin"]]`
 * reads "analyst, or admin"), as `@requiresScopes` means it. Admin holds every scope.
 */
export function hasScopes(viewer: Viewer, alternatives: readonly (readonly string[])[]): boolean {
  if (viewer.scopes.includes(Scope.admin)) return true;
  return alternatives.some((all) => all.every((s) => viewer.scopes.includes(s)));
}

export const unauthenticated = (message = 'Sign in to do this: send a bearer token') =>
  new GraphQLError(message, { extensions: { code: ErrorCode.UNAUTHENTICATED } });
export const forbidden = (message: string) => new GraphQLError(message, { extensions: { code: ErrorCode.FORBIDDEN } });

export function requireAuthenticated(viewer: Viewer): void {
  if (!isAuthenticated(viewer)) throw unauthenticated();
}

/** Throws UNAUTHENTICATED for an anonymous viewer and FORBIDDEN for one that holds none of `scopes`. */
export function requireScope(viewer: Viewer, ...scopes: string[]): void {
  if (hasScopes(viewer, scopes.map((s) => [s]))) return;
  if (!isAuthenticated(viewer)) throw unauthenticated();
  throw forbidden(`This needs the ${scopes.map((s) => `"${s}"`).join(' or ')} scope`);
}

/** An editor may write a network's memberships and initiatives when its token names that network. */
export const mayEditNetwork = (viewer: Viewer, networkId: string) =>
  viewer.role === 'admin' || (viewer.scopes.includes(Scope.networkEdit) && viewer.networks.includes(networkId));

export function requireNetworkEditor(viewer: Viewer, networkId: string): void {
  requireScope(viewer, Scope.networkEdit, Scope.admin);
  if (!mayEditNetwork(viewer, networkId)) throw forbidden(`Your token does not name network ${networkId}`);
}

/** Analysts and admins read non-public fields (people's contact details, private member lists). */
export const mayReadPrivate = (viewer: Viewer) => hasScopes(viewer, [[Scope.analyst]]);

// --- what the gateway forwards -------------------------------------------------------------------

/** Header that carries the gateway's signed statement of the viewer to a subgraph. */
export const VIEWER_HEADER = 'x-maillage-viewer';
const FORWARD_ISSUER = 'maillage-gateway';
const FORWARD_AUDIENCE = 'maillage-subgraph';
/** Long enough for a slow plan's last fetch, short enough that a captured header soon dies. */
const FORWARD_TTL_SECONDS = 60;

/** Only for development and tests: every process outside production agrees on it without configuration. */
export const DEV_SIGNING_SECRET = 'maillage-development-only-gateway-signing-secret';

export const queryHash = (query: string) => createHash('sha256').update(query).digest('base64url');

const secretKey = (secret: string) => new TextEncoder().encode(secret);

/**
 * The gateway's signature over the viewer it verified, bound to the one operation it forwards
 * (`qh`, sha256 of the query text): a captured header cannot carry another query.
 */
export async function signViewer(viewer: Viewer, secret: string, query: string): Promise<string> {
  return new SignJWT({ role: viewer.role, scopes: viewer.scopes, networks: viewer.networks, pid: viewer.partnerId, qh: queryHash(query) })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(FORWARD_ISSUER)
    .setAudience(FORWARD_AUDIENCE)
    .setSubject(viewer.subject ?? '')
    .setIssuedAt()
    .setExpirationTime(`${FORWARD_TTL_SECONDS}s`)
    .sign(secretKey(secret));
}

const forwardedClaims = z.object({
  scopes: z.array(z.string()),
  networks: z.array(z.string()),
  sub: z.string().optional(),
  pid: z.string().optional(),
  qh: z.string(),
});

const notForThisOperation = () => unauthenticated('This service answers the gateway only: the signature is not for this operation');

async function verifySignature(header: string | undefined, secret: string): Promise<{ viewer: Viewer; qh: string; expiresAt: number }> {
  if (!header) throw unauthenticated('This service answers the gateway only: the request is not signed');
  let payload: { exp?: number };
  try {
    ({ payload } = await jwtVerify(header, secretKey(secret), { issuer: FORWARD_ISSUER, audience: FORWARD_AUDIENCE, algorithms: ['HS256'] }));
  } catch {
    throw unauthenticated('This service answers the gateway only: the signature is invalid or expired');
  }
  const claims = forwardedClaims.safeParse(payload);
  if (!claims.success) throw notForThisOperation();
  // Frozen: a remembered viewer serves many requests.
  const viewer = Object.freeze(viewerOf({ scopes: claims.data.scopes, networks: claims.data.networks, subject: claims.data.sub || undefined, partnerId: claims.data.pid }));
  return { viewer, qh: claims.data.qh, expiresAt: (payload.exp ?? 0) * 1000 };
}

/**
 * Checks the gateway's signature and that it was made for this query (UNAUTHENTICATED otherwise),
 * remembering the headers it has verified until they expire.
 * The gateway reuses one header for the same viewer and query text for 30 s, so most fetches carry
 * a header already checked: the same bytes under the same secret verify the same way, and only the
 * expiry and the query binding need checking again. A header that failed is never remembered.
 */
export class ViewerVerifier {
  private readonly verified = new Map<string, { viewer: Viewer; qh: string; expiresAt: number }>();

  constructor(
    private readonly secret: string,
    private readonly max = 2000,
  ) {}

  async verify(header: string | undefined, query: string): Promise<Viewer> {
    let hit = header ? this.verified.get(header) : undefined;
    if (hit && hit.expiresAt <= Date.now()) {
      this.verified.delete(header!);
      hit = undefined;
    }
    if (!hit) {
      hit = await verifySignature(header, this.secret);
      if (this.verified.size >= this.max) this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(header!, hit);
    }
    if (hit.qh !== queryHash(query)) throw notForThisOperation();
    return hit.viewer;
  }
}

// --- access tokens (what callers send the gateway) -----------------------------------------------

/** Only for development and tests: the HS256 key `scripts/dev-token.js` signs with and the gateway accepts outside production. */
export const DEV_TOKEN_SECRET = 'maillage-development-only-access-token-secret';
export const DEV_TOKEN_ISSUER = 'maillage-dev';
export const TOKEN_AUDIENCE = 'maillage';

export interface AccessTokenClaims {
  scopes: string[];
  networks?: string[];
  subject: string;
}

/** Signs an access token as an identity provider would (HS256); for development tokens and tests. */
export async function signAccessToken(
  claims: AccessTokenClaims,
  opts: { secret?: string; issuer?: string; audience?: string; expiresIn?: string | number } = {},
): Promise<string> {
  return new SignJWT({ scope: claims.scopes.join(' '), ...(claims.networks?.length ? { networks: claims.networks } : {}) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(opts.issuer ?? DEV_TOKEN_ISSUER)
    .setAudience(opts.audience ?? TOKEN_AUDIENCE)
    .setSubject(claims.subject)
    .setIssuedAt()
    .setExpirationTime(opts.expiresIn ?? '1h')
    .sign(secretKey(opts.secret ?? DEV_TOKEN_SECRET));
}

/** A development token for a role, signed with the development key. */
export function devToken(role: Exclude<Role, 'anonymous' | 'partner'>, opts: { networks?: string[]; subject?: string; expiresIn?: string | number } = {}) {
  return signAccessToken({ scopes: SCOPES_OF_ROLE[role], networks: opts.networks, subject: opts.subject ?? `dev-${role}` }, { expiresIn: opts.expiresIn });
}
