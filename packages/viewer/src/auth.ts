import { createHmac, timingSafeEqual } from 'node:crypto';
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
export function viewerOf(claims: {
  scopes: readonly string[];
  networks?: readonly string[];
  subject?: string;
  partnerId?: string;
}): Viewer {
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
  if (
    hasScopes(
      viewer,
      scopes.map((s) => [s]),
    )
  )
    return;
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

/** Header that carries the gateway's signed statement of the viewer to a subgraph (a JWT). */
export const VIEWER_HEADER = 'x-maillage-viewer';
/** Header that binds that statement to one request: this body, this subgraph, this operation label. */
export const BINDING_HEADER = 'x-maillage-binding';
/** The bounded metrics label of the client's operation (a persisted operation's name, else `other`), bound too. */
export const OPERATION_HEADER = 'x-maillage-operation';
/**
 * Batches of query fetches (gateway/src/fetch-batch.ts): a request whose body is a JSON array of
 * operations, signed over that array, answered with the operations' bodies in one JSON array.
 * The request names each operation's request id in BATCH_IDS_HEADER (comma separated, in order);
 * the answer says each one's HTTP status and length in BATCH_HEADER (`status:length`, comma
 * separated), so that each is read back as its own fetch would have been answered.
 */
export const BATCH_HEADER = 'x-maillage-batch';
export const BATCH_IDS_HEADER = 'x-maillage-batch-ids';
/** Most operations in one batch: a subgraph refuses more (400). */
export const MAX_BATCH_OPERATIONS = 32;
const FORWARD_ISSUER = 'maillage-gateway';
const FORWARD_AUDIENCE = 'maillage-subgraph';
/**
 * Long enough for a fetch and its retry to arrive (the gateway hands out a statement for 3 s at
 * most, so each arrives with 7 s or more to live), short enough that a captured one soon dies.
 */
export const FORWARD_TTL_SECONDS = 10;

/** Only for development and tests: every process outside production agrees on it without configuration. */
export const DEV_SIGNING_SECRET = 'maillage-development-only-gateway-signing-secret';

const secretKey = (secret: string) => new TextEncoder().encode(secret);

/**
 * The gateway's statement of the viewer it verified, for one subgraph (`sg`), valid 10 s. Alone it
 * proves nothing: each request also carries `bindRequest` over its own body, so a captured
 * statement cannot carry another query, other variables, or go to another subgraph.
 */
export async function signViewer(viewer: Viewer, secret: string, subgraph: string): Promise<string> {
  return new SignJWT({ role: viewer.role, scopes: viewer.scopes, networks: viewer.networks, pid: viewer.partnerId, sg: subgraph })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(FORWARD_ISSUER)
    .setAudience(FORWARD_AUDIENCE)
    .setSubject(viewer.subject ?? '')
    .setIssuedAt()
    .setExpirationTime(`${FORWARD_TTL_SECONDS}s`)
    .sign(secretKey(secret));
}

// A key of its own for bindings, derived once per secret: a binding is never a valid JWT signature.
const bindingKeys = new Map<string, Buffer>();
function bindingKey(secret: string): Buffer {
  let key = bindingKeys.get(secret);
  if (!key) {
    key = createHmac('sha256', secret).update('maillage request binding v1').digest();
    if (bindingKeys.size >= 16) bindingKeys.clear();
    bindingKeys.set(secret, key);
  }
  return key;
}

/**
 * HMAC-SHA256 over the exact request a subgraph receives: its body (query, variables, operation
 * name, as sent), the subgraph it is for, the operation label, and the viewer statement it goes with.
 * One synchronous HMAC over bytes already in hand, per fetch: no JSON, no JWT, no promise.
 */
export function bindRequest(secret: string, viewerHeader: string, subgraph: string, operation: string, body: string | Uint8Array): string {
  return createHmac('sha256', bindingKey(secret))
    .update(subgraph)
    .update('\n')
    .update(operation)
    .update('\n')
    .update(viewerHeader)
    .update('\n')
    .update(body)
    .digest('base64url');
}

/** The headers the gateway sends with a request to `subgraph`, for callers that sign one request alone (partner key checks, tests). */
export async function gatewayHeaders(
  viewer: Viewer,
  secret: string,
  subgraph: string,
  body: string,
  operation = 'other',
): Promise<Record<string, string>> {
  const header = await signViewer(viewer, secret, subgraph);
  return {
    [VIEWER_HEADER]: header,
    [OPERATION_HEADER]: operation,
    [BINDING_HEADER]: bindRequest(secret, header, subgraph, operation, body),
  };
}

const forwardedClaims = z.object({
  scopes: z.array(z.string()),
  networks: z.array(z.string()),
  sub: z.string().optional(),
  pid: z.string().optional(),
  sg: z.string(),
});

const notForThisRequest = () => unauthenticated('This service answers the gateway only: the signature is not for this request');

interface Statement {
  viewer: Viewer;
  subgraph: string;
  expiresAt: number;
}

async function verifyStatement(header: string | undefined, secret: string): Promise<Statement> {
  if (!header) throw unauthenticated('This service answers the gateway only: the request is not signed');
  let payload: { exp?: number };
  try {
    ({ payload } = await jwtVerify(header, secretKey(secret), {
      issuer: FORWARD_ISSUER,
      audience: FORWARD_AUDIENCE,
      algorithms: ['HS256'],
    }));
  } catch {
    throw unauthenticated('This service answers the gateway only: the signature is invalid or expired');
  }
  const claims = forwardedClaims.safeParse(payload);
  if (!claims.success) throw notForThisRequest();
  // Frozen: a remembered viewer serves many requests.
  const viewer = Object.freeze(
    viewerOf({
      scopes: claims.data.scopes,
      networks: claims.data.networks,
      subject: claims.data.sub || undefined,
      partnerId: claims.data.pid,
    }),
  );
  return { viewer, subgraph: claims.data.sg, expiresAt: (payload.exp ?? 0) * 1000 };
}

/** What a subgraph checks on each request. */
export interface SignedRequest {
  viewer: string | undefined;
  binding: string | undefined;
  /** The operation label header; `other` when absent. */
  operation: string | undefined;
  /** The body as received (POST), or the URL's query string (GET). */
  body: string | Uint8Array;
}

/**
 * Checks the gateway's signature: a statement made for this subgraph, unexpired, and a binding
 * over this very request (UNAUTHENTICATED otherwise). The gateway reuses one statement per viewer
 * for 3 s, so most requests carry one already checked: the same bytes under the same secret verify
 * the same way, so a verified statement is remembered until it expires and only its binding (one
 * HMAC) is computed per request. A statement that failed is never remembered.
 */
export class ViewerVerifier {
  private readonly verified = new Map<string, Statement>();

  constructor(
    private readonly secret: string,
    /** This subgraph's name, as the supergraph names it. */
    private readonly subgraph: string,
    private readonly max = 2000,
  ) {}

  async verify(request: SignedRequest): Promise<{ viewer: Viewer; operation: string }> {
    const header = request.viewer;
    let hit = header ? this.verified.get(header) : undefined;
    if (hit && hit.expiresAt <= Date.now()) {
      this.verified.delete(header!);
      hit = undefined;
    }
    if (!hit) {
      hit = await verifyStatement(header, this.secret);
      if (this.verified.size >= this.max) this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(header!, hit);
    }
    if (hit.subgraph !== this.subgraph) throw notForThisRequest();
    const operation = request.operation ?? 'other';
    const expected = Buffer.from(bindRequest(this.secret, header!, this.subgraph, operation, request.body));
    const given = Buffer.from(request.binding ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw notForThisRequest();
    return { viewer: hit.viewer, operation };
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
export function devToken(
  role: Exclude<Role, 'anonymous' | 'partner'>,
  opts: { networks?: string[]; subject?: string; expiresIn?: string | number } = {},
) {
  return signAccessToken(
    { scopes: SCOPES_OF_ROLE[role], networks: opts.networks, subject: opts.subject ?? `dev-${role}` },
    { expiresIn: opts.expiresIn },
  );
}
