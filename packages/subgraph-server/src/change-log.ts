import { BINDING_HEADER, bindRequest, FORWARD_TTL_SECONDS, OPERATION_HEADER, signViewer, VIEWER_HEADER, viewerOf } from '@maillage/viewer';

/** One entry of a subgraph's change log (packages/db `LoggedChange`), as `POST /changes` serves it. */
export interface FeedChange {
  seq: string;
  entityType: string;
  entityId: string;
  op: 'UPSERT' | 'DELETE' | 'RESEED';
  payload: Record<string, unknown> | null;
  at: string;
}

export interface FeedPage {
  changes: FeedChange[];
  last: string;
  head: string;
}

/** How one read of a change log may wait. */
export interface ReadOptions {
  /**
   * When nothing follows `after`, the subgraph may hold the answer up to this long for the next
   * change (`POST /changes` `waitMs`, a long poll). A subgraph that does not wait answers at once.
   * @default 0
   */
  waitMs?: number;
  /** Aborts the read (a follower stopping while a long poll is pending). */
  signal?: AbortSignal;
}

/** A subgraph's change log, read from a position. */
export interface ChangeSource {
  readonly name: string;
  read(after: string, first: number, opts?: ReadOptions): Promise<FeedPage>;
}

/** The subgraph answered 404 at `/changes`: it keeps no change log (it writes nothing to follow). */
export class NoChangeLog extends Error {}

export interface HttpChangeSourceOptions {
  /** Who reads, in the admin statement the subgraph checks (`service:synergies`, `service:gateway`). */
  reader: string;
  /** How long a read may take, beyond the wait it asks for (`ReadOptions.waitMs`). @default 5000 ms */
  timeoutMs?: number;
  /**
   * How a read is posted. @default the global `fetch`; the gateway passes its own keep-alive
   * client (a poll every 200 ms per subgraph through WHATWG fetch is CPU spent on every poll).
   */
  post?: ChangePost;
}

/** Posts one read of a change log: JSON body, headers given, answered within `timeoutMs` unless `signal` aborts it first. */
export type ChangePost = (
  url: string,
  init: { headers: Record<string, string>; body: string; timeoutMs: number; signal?: AbortSignal },
) => Promise<{ status: number; json(): Promise<unknown> }>;

/** The signal a post gives up on: its timeout, or the caller's abort, whichever comes first. */
export const postSignal = (timeoutMs: number, signal?: AbortSignal): AbortSignal =>
  signal ? AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs);

const fetchPost: ChangePost = (url, { headers, body, timeoutMs, signal }) =>
  fetch(url, { method: 'POST', headers, body, signal: postSignal(timeoutMs, signal) });

/** A statement is reused while at least 7 s of its 10 s life are left (as the gateway's fetches do, signatures.ts). */
const REUSE_MS = FORWARD_TTL_SECONDS * 1000 - 7_000;

/**
 * A subgraph's log over HTTP, straight to the subgraph (`POST /changes`, served by `serveChanges`
 * in server.ts), signed as the gateway signs: a statement for that subgraph bound to this body,
 * with the shared secret every service of the deployment holds already (each verifies the
 * gateway's statements with it). Not through the gateway: the log is no part of the graph, the
 * gateway routes only GraphQL, and a poll every 200 ms would cost the gateway's door, planner and
 * rate limits for nothing. The one reader of the logs for every follower (the synergies index,
 * the gateway's entity cache). `url` and `secret` are read at each call: tests learn ports late.
 */
export class HttpChangeSource implements ChangeSource {
  private readonly viewer;
  private readonly timeoutMs: number;
  private readonly post: ChangePost;
  /**
   * The signed statement of the last reads, reused for a few seconds: the subgraph remembers a
   * statement it has verified, so a poll then costs both ends one HMAC (the body's binding) instead
   * of a JWT signed and verified every 200 ms.
   */
  private statement?: { secret: string; header: Promise<string>; until: number };

  constructor(
    readonly name: string,
    private readonly url: () => string,
    private readonly secret: () => string,
    opts: HttpChangeSourceOptions,
  ) {
    this.viewer = viewerOf({ scopes: ['admin'], subject: opts.reader });
    this.timeoutMs = opts.timeoutMs ?? 5000;
    this.post = opts.post ?? fetchPost;
  }

  private signed(secret: string): Promise<string> {
    const now = Date.now();
    const kept = this.statement;
    if (kept && kept.secret === secret && kept.until > now) return kept.header;
    const header = signViewer(this.viewer, secret, this.name);
    this.statement = { secret, header, until: now + REUSE_MS };
    header.catch(() => (this.statement = undefined));
    return header;
  }

  async read(after: string, first: number, opts: ReadOptions = {}): Promise<FeedPage> {
    const waitMs = opts.waitMs ?? 0;
    // `waitMs` only when asked: a plain read's body stays what every subgraph always took.
    const body = JSON.stringify(waitMs ? { after, first, waitMs } : { after, first });
    const secret = this.secret();
    const header = await this.signed(secret);
    const res = await this.post(this.url(), {
      headers: {
        'content-type': 'application/json',
        [VIEWER_HEADER]: header,
        [OPERATION_HEADER]: 'other',
        [BINDING_HEADER]: bindRequest(secret, header, this.name, 'other', body),
      },
      body,
      timeoutMs: this.timeoutMs + waitMs,
      signal: opts.signal,
    });
    if (res.status === 404) throw new NoChangeLog(`${this.name} keeps no change log (404 at ${new URL(this.url()).pathname})`);
    if (res.status < 200 || res.status > 299) throw new Error(`${this.name} change log answered HTTP ${res.status}`);
    return (await res.json()) as FeedPage;
  }
}

/** A subgraph's `/changes` URL beside its GraphQL endpoint. */
export const changesUrlOf = (graphqlUrl: string) => graphqlUrl.replace(/\/graphql\/?$/, '/changes');
