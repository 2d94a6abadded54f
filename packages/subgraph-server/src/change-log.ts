import { gatewayHeaders, viewerOf } from '@maillage/viewer';

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

/** A subgraph's change log, read from a position. */
export interface ChangeSource {
  readonly name: string;
  read(after: string, first: number): Promise<FeedPage>;
}

/** The subgraph answered 404 at `/changes`: it keeps no change log (it writes nothing to follow). */
export class NoChangeLog extends Error {}

export interface HttpChangeSourceOptions {
  /** Who reads, in the admin statement the subgraph checks (`service:synergies`, `service:gateway`). */
  reader: string;
  /** @default 5000 ms */
  timeoutMs?: number;
}

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

  constructor(
    readonly name: string,
    private readonly url: () => string,
    private readonly secret: () => string,
    opts: HttpChangeSourceOptions,
  ) {
    this.viewer = viewerOf({ scopes: ['admin'], subject: opts.reader });
    this.timeoutMs = opts.timeoutMs ?? 5000;
  }

  async read(after: string, first: number): Promise<FeedPage> {
    const body = JSON.stringify({ after, first });
    const res = await fetch(this.url(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await gatewayHeaders(this.viewer, this.secret(), this.name, body)) },
      body,
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (res.status === 404) throw new NoChangeLog(`${this.name} keeps no change log (404 at ${new URL(this.url()).pathname})`);
    if (!res.ok) throw new Error(`${this.name} change log answered HTTP ${res.status}`);
    return (await res.json()) as FeedPage;
  }
}

/** A subgraph's `/changes` URL beside its GraphQL endpoint. */
export const changesUrlOf = (graphqlUrl: string) => graphqlUrl.replace(/\/graphql\/?$/, '/changes');
