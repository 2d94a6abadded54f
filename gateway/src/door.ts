import { ErrorCode } from '@maillage/errors';
import { ANONYMOUS, viewerOf, type Viewer } from '@maillage/viewer';
import express, { type Request, type RequestHandler, type Response } from 'express';
import { Kind, visit, type DocumentNode, type GraphQLError, type GraphQLSchema } from 'graphql';
import { DoorError, type PartnerAccess, type PartnerKeys } from './auth';
import type { CostModel } from './cost';
import { chargeOperation, type CostAdmission } from './demand-control';
import { checkLimits, LIMITS } from './limits';
import type { PersistedOperation } from './operations';
import type { CostRateLimiter } from './rate-limit';
import { carriesAmbientCredentials } from './csrf';
import { mediaTypeOf, statusFor } from './statuses';

export interface DoorOptions {
  verifyToken(token: string): Promise<Viewer>;
  partnerKeys: PartnerKeys;
  operations: Map<string, PersistedOperation>;
  /** The API schema the gateway serves now (undefined until the supergraph has loaded). */
  schema(): GraphQLSchema | undefined;
  /** Largest body accepted, e.g. `100kb`. */
  bodyLimit: string;
  /** The @cost/@listSize of the supergraph the gateway serves now. */
  costModel(): CostModel | undefined;
  /** Cost points per caller and minute; partner keys' requests per minute too. */
  limiter: CostRateLimiter;
}

/** What the door hands to Apollo's context through `res.locals`. */
export interface Admitted {
  viewer: Viewer;
  /**
   * A persisted query over GET without a bearer token (anonymous, or a partner key): the same for
   * everyone, so a CDN may keep it. A partner key is a public-page credential: it identifies a
   * site (rate limit, allowed operations) and reads public data only, so its answers stay public.
   * A bearer token, whatever its scopes, makes the answer private (`no-store`, never in the shared cache).
   */
  publicCacheable: boolean;
  /** What the operation was charged (absent before the supergraph has loaded). */
  cost?: CostAdmission;
  /** The metrics label: the persisted operation's name, else `other`. */
  operationLabel: string;
  /** The operation as admitted (a persisted one's text in place of its id), over GET and POST alike. */
  request: {
    query: string;
    variables?: Record<string, unknown> | null;
    operationName?: string | null;
    /** What Apollo is given of the request's extensions: none over GET (the URL is rewritten without them). */
    extensions?: Record<string, unknown>;
  };
}

interface Params {
  query?: string;
  id?: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
  extensions?: Record<string, unknown> | null;
}

/** A request-level refusal, shaped as the GraphQL-over-HTTP spec wants: a status and `{ errors }`. */
export function sendDoorError(
  req: Request,
  res: Response,
  err:
    DoorError | { status: number; code: string; message: string; headers?: Record<string, string>; extensions?: Record<string, unknown> },
) {
  const type = mediaTypeOf(req);
  res
    .status(statusFor(type, err.status, err.code))
    .set(err.headers ?? {})
    .type(type)
    .send(JSON.stringify({ errors: [{ message: err.message, extensions: { code: err.code, ...err.extensions } }] }));
}

const badRequest = (message: string) => new DoorError(400, ErrorCode.BAD_REQUEST, message);

/** The operation a request runs, as GraphQL-over-HTTP picks it: the one named, or the only one. */
function checkOperationName(document: DocumentNode, operationName: string | null | undefined) {
  const names = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION).map((d) => d.name?.value);
  if (operationName) {
    if (!names.includes(operationName)) {
      throw new DoorError(
        400,
        ErrorCode.OPERATION_RESOLUTION_FAILURE,
        `The document has no operation named "${operationName.slice(0, 100)}"`,
      );
    }
  } else if (names.length > 1) {
    throw new DoorError(400, ErrorCode.OPERATION_RESOLUTION_FAILURE, 'The document has several operations: give operationName to pick one');
  }
}
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function jsonParam(raw: unknown, name: string): Record<string, unknown> | null | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (typeof raw !== 'string') throw badRequest(`${name} must be given once, as JSON`);
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw badRequest(`${name} is not valid JSON`);
  }
  if (value !== null && !isObject(value)) throw badRequest(`${name} must be a JSON object`);
  return value as Record<string, unknown> | null;
}

function stringParam(raw: unknown, name: string): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'string') throw badRequest(`${name} must be a string`);
  return raw;
}

function paramsOf(req: Request): Params {
  if (req.method === 'GET') {
    const q = req.query as Record<string, unknown>;
    const extensions = jsonParam(q.extensions, 'extensions');
    return {
      query: stringParam(q.query, 'query'),
      id: stringParam(q.id, 'id') ?? persistedHash(extensions),
      variables: jsonParam(q.variables, 'variables'),
      operationName: stringParam(q.operationName, 'operationName'),
      extensions,
    };
  }
  const body: unknown = req.body;
  if (Array.isArray(body)) throw badRequest('Batched requests are not supported: send one operation per request');
  if (!isObject(body)) throw badRequest('The body must be a JSON object with a query (or a persisted operation id)');
  if (body.variables !== undefined && body.variables !== null && !isObject(body.variables))
    throw badRequest('variables must be a JSON object');
  if (body.extensions !== undefined && body.extensions !== null && !isObject(body.extensions))
    throw badRequest('extensions must be a JSON object');
  const extensions = body.extensions as Record<string, unknown> | null | undefined;
  return {
    query: stringParam(body.query, 'query'),
    id: stringParam(body.id, 'id') ?? persistedHash(extensions),
    variables: body.variables as Params['variables'],
    operationName: stringParam(body.operationName, 'operationName') ?? null,
    extensions,
  };
}

/** Apollo clients send a persisted operation as `extensions.persistedQuery.sha256Hash`. */
function persistedHash(extensions: Record<string, unknown> | null | undefined): string | undefined {
  const pq = extensions?.persistedQuery;
  return isObject(pq) && typeof pq.sha256Hash === 'string' ? pq.sha256Hash : undefined;
}

/** Works out who is asking: a bearer token, a partner key, or nobody. */
async function identify(
  req: Request,
  res: Response,
  params: Params,
  opts: DoorOptions,
): Promise<{ viewer: Viewer; partner?: PartnerAccess }> {
  const authorization = req.get('authorization');
  if (authorization !== undefined) {
    const m = /^Bearer ([A-Za-z0-9._~+/=-]{1,4096})$/.exec(authorization);
    if (!m)
      throw new DoorError(401, ErrorCode.UNAUTHENTICATED, 'The Authorization header must be "Bearer <token>"', {
        'www-authenticate': 'Bearer',
      });
    return { viewer: await opts.verifyToken(m[1]) };
  }
  const key = req.get('x-api-key') ?? (req.query as Record<string, unknown>).key;
  if (key === undefined) return { viewer: ANONYMOUS };
  const partner = typeof key === 'string' && key.length <= 200 ? await opts.partnerKeys.check(key) : null;
  if (!partner) throw new DoorError(401, ErrorCode.UNAUTHENTICATED, 'Unknown or revoked partner key');
  // Pages of other sites may not use the key. A request without Origin is not a browser's
  // cross-site request (a CDN, a server): the key, public in the partner's pages, identifies only.
  const origin = req.get('origin');
  if (origin !== undefined && !partner.origins.includes(origin.toLowerCase())) {
    // The refusal itself is readable by the page (CORS), so a partner widget can say why it shows nothing.
    throw new DoorError(403, ErrorCode.ORIGIN_NOT_ALLOWED, `This partner key may not be used from ${origin.slice(0, 200)}`, {
      'access-control-allow-origin': origin,
      vary: 'Origin',
    });
  }
  if (req.method !== 'GET') {
    throw new DoorError(405, ErrorCode.METHOD_NOT_ALLOWED, 'Partner keys run persisted operations by id over GET', { allow: 'GET' });
  }
  if (!params.id || params.query)
    throw new DoorError(403, ErrorCode.OPERATION_NOT_ALLOWED, 'Partner keys run only their registered persisted operations, by id');
  if (!partner.operationIds.includes(params.id)) {
    throw new DoorError(403, ErrorCode.OPERATION_NOT_ALLOWED, `Operation ${params.id.slice(0, 64)} is not registered for this partner key`);
  }
  // Requests a minute, per key and counted where the cost budgets are (shared by every replica with Redis).
  const taken = await opts.limiter.take(`requests:${partner.id}`, partner.rateLimitPerMinute, 1);
  if (!taken.ok) {
    throw new DoorError(429, ErrorCode.RATE_LIMITED, `Rate limit of ${partner.rateLimitPerMinute} requests a minute reached`, {
      'retry-after': String(taken.retryAfterSeconds),
    });
  }
  if (origin !== undefined) res.set({ 'access-control-allow-origin': origin, vary: 'Origin' });
  return { viewer: viewerOf({ scopes: ['partner'], partnerId: partner.id }), partner };
}

/**
 * Everything a request must pass before Apollo sees it: method and media type, body size and
 * JSON, identity (token or partner key, origin, rate limit), persisted operation lookup, and the
 * role's depth, alias, directive, token and cost limits. A refusal is a 4xx with a stable code.
 */
export function door(opts: DoorOptions): (RequestHandler | express.ErrorRequestHandler)[] {
  const mediaTypes: RequestHandler = (req, res, next) => {
    if (req.method === 'OPTIONS') return void preflight(req, res, opts).catch(next);
    if (req.method !== 'GET' && req.method !== 'POST') {
      return sendDoorError(req, res, new DoorError(405, ErrorCode.METHOD_NOT_ALLOWED, 'Use GET (queries) or POST', { allow: 'GET, POST' }));
    }
    if (req.method === 'POST' && !req.is('application/json')) {
      return sendDoorError(
        req,
        res,
        new DoorError(415, ErrorCode.UNSUPPORTED_MEDIA_TYPE, 'POST a JSON body with Content-Type: application/json'),
      );
    }
    next();
  };
  const json = express.json({ limit: opts.bodyLimit, strict: true });
  const jsonErrors: express.ErrorRequestHandler = (err: { type?: string; status?: number }, req, res, next) => {
    if (err.type === 'entity.too.large')
      return sendDoorError(req, res, new DoorError(413, ErrorCode.PAYLOAD_TOO_LARGE, `The body is larger than ${opts.bodyLimit}`));
    if (err.type === 'entity.parse.failed') return sendDoorError(req, res, badRequest('The body is not valid JSON'));
    if (err.type === 'encoding.unsupported' || err.type === 'charset.unsupported') {
      return sendDoorError(req, res, new DoorError(415, ErrorCode.UNSUPPORTED_MEDIA_TYPE, 'The body must be UTF-8 JSON'));
    }
    if (err instanceof DoorError) return sendDoorError(req, res, err);
    if (err.status && err.status >= 400 && err.status < 500) return sendDoorError(req, res, badRequest('The request could not be read'));
    next(err);
  };
  const admit: RequestHandler = async (req, res, next) => {
    // The lean front (lean-front.ts) admitted it already, refused it with this error, or failed
    // where this middleware would have (handed on to the same error handling).
    if (res.locals.frontError) return next(res.locals.frontError);
    if (res.locals.admitted) return next();
    if (res.locals.doorError) return sendDoorError(req, res, res.locals.doorError as DoorError);
    try {
      res.locals.admitted = await admitRequest(req, res, opts);
      next();
    } catch (err) {
      if (err instanceof DoorError) return sendDoorError(req, res, err);
      next(err);
    }
  };
  return [mediaTypes, json, jsonErrors, admit];
}

/**
 * The door's verdict on one request whose body, if any, is read (`req.body`): who asks, the
 * persisted operation, the limits and the cost charged. Throws a DoorError to refuse. Rewrites the
 * request as Apollo reads it (GET: the URL with the operation's text; POST: the body), and returns
 * what it admitted. Shared by the door's middleware and the lean front (lean-front.ts).
 */
export async function admitRequest(req: Request, res: Response, opts: DoorOptions): Promise<Admitted> {
  const params = paramsOf(req);
  const { viewer } = await identify(req, res, params, opts);
  let persisted: PersistedOperation | undefined;
  if (params.id) {
    persisted = opts.operations.get(params.id);
    if (!persisted) throw new DoorError(400, ErrorCode.PERSISTED_QUERY_NOT_FOUND, 'No persisted operation has this id');
    if (params.query && params.query !== persisted.body) throw badRequest('The query does not match the persisted operation id');
    params.query = persisted.body;
  }
  if (!params.query) throw badRequest('Give a query, or the id of a persisted operation');
  const schema = opts.schema();
  let cost: CostAdmission | undefined;
  if (schema) {
    const { error, document } = checkLimits(schema, params.query, persisted ? LIMITS.registered : LIMITS[viewer.role]);
    if (error) throw fromGraphQLError(error);
    // Apollo Gateway turns an unknown operationName into a 500; it is the caller's mistake.
    checkOperationName(document!, params.operationName);
    // PostgreSQL text cannot hold U+0000: refused here as bad input rather than failing in a database.
    if (hasNul(document!, params.variables))
      throw new DoorError(400, ErrorCode.BAD_USER_INPUT, 'Text may not contain the NUL character (U+0000)');
    const model = opts.costModel();
    if (model) {
      cost = await chargeOperation({
        schema,
        model,
        document: document!,
        variables: params.variables,
        operationName: params.operationName,
        operationLimit: (persisted ? LIMITS.registered : LIMITS[viewer.role]).cost,
        viewer,
        address: req.ip,
        limiter: opts.limiter,
      });
    }
  }
  let extensions: Record<string, unknown> | undefined;
  if (req.method === 'GET') {
    const search = new URLSearchParams({ query: params.query });
    if (params.variables) search.set('variables', JSON.stringify(params.variables));
    if (params.operationName) search.set('operationName', params.operationName);
    req.url = `${req.path}?${search}`;
    // A registered query is no cross-site request forgery: it was reviewed, reads only and
    // carries no ambient credentials. Partner pages may then fetch it as a simple request.
    // Nor is any GET without a cookie (csrf.ts): Apollo's preflight check is for those that have one.
    if (persisted || !carriesAmbientCredentials(req)) req.headers['apollo-require-preflight'] = 'true';
  } else {
    const { persistedQuery: _, ...rest } = params.extensions ?? {};
    extensions = rest;
    // Only the keys given: Apollo reads a present-but-undefined key as a malformed one.
    req.body = Object.fromEntries(
      Object.entries({ query: params.query, variables: params.variables, operationName: params.operationName, extensions }).filter(
        ([, v]) => v !== undefined,
      ),
    );
  }
  const admitted: Admitted = {
    viewer,
    cost,
    publicCacheable:
      !!persisted &&
      req.method === 'GET' &&
      req.get('authorization') === undefined &&
      (viewer.role === 'anonymous' || viewer.role === 'partner'),
    operationLabel: persisted?.name ?? 'other',
    request: { query: params.query, variables: params.variables, operationName: params.operationName, extensions },
  };
  return admitted;
}

function hasNul(document: DocumentNode, variables: unknown): boolean {
  const inValue = (v: unknown): boolean =>
    typeof v === 'string'
      ? v.includes('\u0000')
      : Array.isArray(v)
        ? v.some(inValue)
        : isObject(v)
          ? Object.entries(v).some(([k, x]) => inValue(k) || inValue(x))
          : false;
  if (inValue(variables)) return true;
  let found = literalNul.get(document);
  if (found === undefined) {
    found = false;
    visit(document, { StringValue: (node) => void (found ||= node.value.includes('\u0000')) });
    literalNul.set(document, found);
  }
  return found;
}

// Whether a document's own string literals hold a NUL: the door's documents are remembered per text (limits.ts), so this is asked once per text.
const literalNul = new WeakMap<DocumentNode, boolean>();

const fromGraphQLError = (e: GraphQLError) =>
  new DoorError(
    400,
    String(e.extensions.code ?? ErrorCode.BAD_REQUEST),
    e.message,
    {},
    e.extensions.limit ? { limit: e.extensions.limit } : {},
  );

/** CORS preflight: only a partner key in the URL (`?key=`) with one of its origins is answered with CORS headers. */
async function preflight(req: Request, res: Response, opts: DoorOptions) {
  const origin = req.get('origin');
  const key = (req.query as Record<string, unknown>).key;
  const partner = typeof key === 'string' && key.length <= 200 ? await opts.partnerKeys.check(key) : null;
  if (!origin || !partner || !partner.origins.includes(origin.toLowerCase())) {
    return sendDoorError(
      req,
      res,
      new DoorError(403, ErrorCode.ORIGIN_NOT_ALLOWED, 'Cross-origin requests need a partner key for this origin'),
    );
  }
  res
    .status(204)
    .set({
      'access-control-allow-origin': origin,
      'access-control-allow-methods': 'GET',
      'access-control-allow-headers': 'content-type, x-api-key, apollo-require-preflight, x-apollo-operation-name',
      'access-control-max-age': '600',
      vary: 'Origin',
    })
    .end();
}
