import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ANONYMOUS, viewerOf, type Viewer } from '@maillage/viewer';
import { DoorError } from '../auth';
import { callerIdentifier, type CallerOptions } from '../front/caller';
import { fetchSigner } from '../front/sign';

/**
 * One coprocessor request of Apollo Router's protocol (version 1): control properties, then the
 * data properties router.yaml asks for. Headers are lists of values by name.
 */
export interface CoprocessorPayload {
  version: number;
  stage: string;
  control: 'continue' | { break: number };
  id: string;
  subgraphRequestId?: string;
  headers?: Record<string, string[]>;
  /** A JSON string at the RouterRequest stage, an object at SubgraphRequest. */
  body?: unknown;
  context?: { entries: Record<string, unknown> };
  method?: string;
  path?: string;
  serviceName?: string;
  uri?: string;
}

/** Where the RouterRequest stage leaves the viewer it verified, for the SubgraphRequest stages of the same request. */
export const VIEWER_ENTRY = 'maillage::viewer';

const MAX_BODY = 1_000_000;

/**
 * Apollo Router's coprocessor for Maillage: at `RouterRequest` it verifies the caller (bearer token
 * or partner key, with Maillage's own code) and refuses as Maillage's gateway does; at
 * `SubgraphRequest` it signs the fetch for the viewer it verified, with the shared secret.
 *
 * The viewer travels between the two stages in the router's request context, which a client cannot
 * write; it is MACed with the signing secret and bound to the router's request id anyway, so that
 * whoever reaches the coprocessor directly cannot have it sign for a viewer it did not verify.
 */
export function coprocessor(opts: CallerOptions): (payload: CoprocessorPayload) => Promise<CoprocessorPayload> {
  const identify = callerIdentifier(opts);
  const sign = fetchSigner(opts.signingSecret);
  const mac = (id: string, viewer: Viewer) =>
    createHmac('sha256', opts.signingSecret)
      .update(`${id}\n${JSON.stringify(viewer)}`)
      .digest('base64url');

  async function routerRequest(p: CoprocessorPayload): Promise<CoprocessorPayload> {
    const header = (name: string) =>
      p.headers?.[name]?.[0] ?? p.headers?.[Object.keys(p.headers).find((k) => k.toLowerCase() === name) ?? '']?.[0] ?? null;
    const url = new URL(p.path ?? '/', 'http://router.invalid');
    let params: { query?: string; extensions?: Record<string, unknown> } = {};
    if (typeof p.body === 'string' && p.body.trim()) {
      try {
        params = JSON.parse(p.body) as typeof params;
      } catch {
        // Not JSON: the router refuses the body itself.
      }
    } else {
      const extensions = url.searchParams.get('extensions');
      params = { query: url.searchParams.get('query') ?? undefined, extensions: extensions ? safeJson(extensions) : undefined };
    }
    try {
      const { viewer } = await identify({
        method: (p.method ?? 'POST').toUpperCase(),
        header,
        search: url.searchParams,
        query: params.query,
        extensions: params.extensions,
      });
      return {
        ...p,
        control: 'continue',
        context: { entries: { ...p.context?.entries, [VIEWER_ENTRY]: { viewer, mac: mac(p.id, viewer) } } },
      };
    } catch (err) {
      if (!(err instanceof DoorError)) throw err;
      const headers = Object.fromEntries(Object.entries(err.headers).map(([k, v]) => [k, [v]]));
      return {
        ...p,
        control: { break: err.status },
        headers: { 'content-type': ['application/json'], ...headers },
        body: JSON.stringify({ errors: [{ message: err.message, extensions: { code: err.code } }] }),
      };
    }
  }

  async function subgraphRequest(p: CoprocessorPayload): Promise<CoprocessorPayload> {
    const body = (p.body ?? {}) as { query?: string; variables?: Record<string, unknown> };
    const entry = p.context?.entries?.[VIEWER_ENTRY] as { viewer?: Viewer; mac?: string } | undefined;
    let viewer: Viewer = ANONYMOUS;
    if (entry?.viewer && typeof entry.mac === 'string') {
      const claimed = viewerOf(entry.viewer);
      const expected = Buffer.from(mac(p.id, entry.viewer));
      const given = Buffer.from(entry.mac);
      if (expected.length === given.length && timingSafeEqual(expected, given)) viewer = claimed;
    }
    // The binding covers the body as serialised here; Router must send these very bytes (its own
    // serialisation of the same JSON is compact and keeps key order, as JSON.stringify does).
    const signed = await sign(viewer, { subgraph: p.serviceName ?? '', body: JSON.stringify(body) });
    // Whatever the client sent under the signed headers is replaced, never passed on.
    const ours = new Set(Object.keys(signed));
    const headers = Object.fromEntries(Object.entries(p.headers ?? {}).filter(([k]) => !ours.has(k.toLowerCase())));
    return { ...p, control: 'continue', headers: { ...headers, ...Object.fromEntries(Object.entries(signed).map(([k, v]) => [k, [v]])) } };
  }

  return async (p) => {
    if (p.stage === 'RouterRequest') return routerRequest(p);
    if (p.stage === 'SubgraphRequest') return subgraphRequest(p);
    return { ...p, control: 'continue' };
  };
}

function safeJson(text: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The coprocessor over HTTP: the router POSTs each stage's payload as JSON and reads the answer as JSON. */
export async function startCoprocessor(opts: CallerOptions & { port: number; host: string; log?: (msg: string) => void }) {
  const handle = coprocessor(opts);
  const server = http.createServer((req, res) => {
    const answer = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.method !== 'POST') return answer(405, { error: 'POST coprocessor payloads' });
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) req.destroy();
      else chunks.push(c);
    });
    // The listener itself returns nothing: its work settles every failure into an answer.
    req.on('end', () => void onEnd());
    const onEnd = async () => {
      let payload: CoprocessorPayload;
      try {
        payload = JSON.parse(Buffer.concat(chunks).toString('utf8')) as CoprocessorPayload;
      } catch {
        return answer(400, { error: 'not JSON' });
      }
      // A non-2xx answer makes the router fail the client request: what a payload we do not understand must do.
      if (payload?.version !== 1 || typeof payload.stage !== 'string' || typeof payload.id !== 'string')
        return answer(400, { error: 'not a version 1 coprocessor payload' });
      try {
        answer(200, await handle(payload));
      } catch (err) {
        opts.log?.(`coprocessor: ${(err as Error).message}`);
        answer(500, { error: 'coprocessor failure' });
      }
    };
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${opts.host}:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
