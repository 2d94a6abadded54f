import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode } from '@maillage/errors';
import { openServerSpan } from '@maillage/observability';
import type { Express, Request, Response } from 'express';
import { DoorError } from './auth';
import { admitRequest, sendDoorError, type DoorOptions } from './door';
import type { PassThrough } from './pass-through';

export interface LeanFrontOptions {
  /** Where every request the lean front does not answer goes, as it would have without it. */
  app: Express;
  door: DoorOptions;
  /** Largest body, in bytes (the door's `bodyLimit`). */
  bodyLimit: number;
  passThrough: PassThrough;
}

// What body-parser reads as UTF-8 JSON, and type-is as application/json: the media type, and at most a UTF-8 charset.
const JSON_TYPE = /^application\/json[ \t]*(;[ \t]*charset=("?)utf-8\2[ \t]*)?$/i;

/**
 * The gateway's one hot path without Express's router, body parser and response helpers: a
 * `POST /graphql` with a plain JSON body, or a `GET /graphql` (a persisted operation by id), whose
 * operation the pass-through answers from one subgraph fetch (pass-through.ts). The request goes
 * through the same door (admitRequest: identity, persisted operation, limits, cost, rate limit) on
 * Express's own request and response objects, and gets the same answer, status and headers (but
 * the ETag Express computes for `no-store` answers nobody revalidates).
 *
 * Whatever it does not answer goes on to Express (`app`) with what was done carried along, never
 * done twice: before the body is read when the request does not fit (another path, method, media
 * type, encoding, a body of unknown or too large a size, a recorded trace); after it with the body
 * parsed (`req.body`, which body-parser then leaves alone), the door's verdict (`res.locals.admitted`
 * or `doorError`, which the door's middleware takes instead of deciding again), the trace context,
 * and the pass-through's fetch (`res.locals.gatewayContext`). An unexpected failure is handed to
 * Express's error handling where the door would have raised it (`res.locals.frontError`).
 */
export function leanFront(opts: LeanFrontOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { app } = opts;
  return (req, res) => {
    const url = req.url ?? '';
    const get = req.method === 'GET';
    if (!(url === '/graphql' || (get && url.startsWith('/graphql?'))) || !(get || req.method === 'POST')) return void app(req, res);
    if (!get) {
      const length = Number(req.headers['content-length']);
      const encoding = req.headers['content-encoding'];
      if (
        !JSON_TYPE.test(req.headers['content-type'] ?? '') ||
        (encoding !== undefined && encoding.toLowerCase() !== 'identity') ||
        req.headers['transfer-encoding'] !== undefined ||
        !(length > 0 && length <= opts.bodyLimit)
      )
        return void app(req, res);
    }
    // Express's request and response, as app.handle makes them, without its router.
    const request = req as Request;
    const response = res as Response;
    Object.setPrototypeOf(req, app.request);
    Object.setPrototypeOf(res, app.response);
    request.res = response;
    response.req = request;
    response.locals = Object.create(null) as Response['locals'];
    if (app.enabled('x-powered-by')) res.setHeader('X-Powered-By', 'Express');
    if (openServerSpan('gateway', req, response, '/graphql').isRecording()) return void app(req, res);
    void serve(request, response).catch((err: unknown) => {
      if (res.headersSent) return void res.destroy(err as Error);
      response.locals.frontError = err;
      app(req, res);
    });
  };

  async function serve(req: Request, res: Response) {
    if (req.method === 'POST') {
      const text = await readBody(req);
      // As body-parser's strict JSON: an object or an array, else the door's 400.
      let body: unknown;
      try {
        body = /^[\s]*[{[]/.test(text) ? JSON.parse(text) : BAD_JSON;
      } catch {
        body = BAD_JSON;
      }
      if (body === BAD_JSON) return sendDoorError(req, res, new DoorError(400, ErrorCode.BAD_REQUEST, 'The body is not valid JSON'));
      req.body = body;
    }
    try {
      res.locals.admitted = await admitRequest(req, res, opts.door);
    } catch (err) {
      if (err instanceof DoorError) return sendDoorError(req, res, err);
      throw err;
    }
    // The response cache's requests (serveFromCache) and everything the pass-through leaves go through Express.
    if (res.locals.admitted.publicCacheable || !(await opts.passThrough.answer(req, res))) opts.app(req, res);
  }
}

const BAD_JSON = Symbol('bad json');

/** The whole body as UTF-8 text, without a byte order mark (as body-parser decodes it). */
function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', reject);
    req.on('end', () => {
      const text = (chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)).toString('utf8');
      resolve(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    });
  });
}
