import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { getOperationAST, print } from 'graphql';
import type { MaillageError } from './index';

/** An operation: a typed document (generated from a `.graphql` file) or, in tests, its text. */
export type Operation<D, V> = TypedDocumentNode<D, V> | string;

export interface GraphQLClientOptions {
  /** The GraphQL endpoint; a function when it is known only at each call (a port chosen at start). */
  url: string | (() => string);
  /** Headers for every request (a bearer token, a signed viewer); called once per request. */
  headers?: () => Record<string, string> | Promise<Record<string, string>>;
  /** Abort a request that has not answered by then. @default 30000 */
  timeoutMs?: number;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
}

/** What came back, errors included: for callers (tests) that look at the errors themselves. */
export interface GraphQLResult<D> {
  status: number;
  data?: D | null;
  errors?: MaillageError[];
  headers: Headers;
}

export type GraphQLFailure = 'UNREACHABLE' | 'TIMEOUT' | 'NOT_GRAPHQL' | 'GRAPHQL_ERRORS' | 'NO_DATA';

/**
 * A request that brought no data back: the endpoint could not be reached or did not answer in time,
 * it answered something that is not a GraphQL response (with its HTTP status), or it answered
 * GraphQL errors (each with its `extensions.code`).
 */
export class GraphQLRequestError extends Error {
  constructor(
    message: string,
    readonly failure: GraphQLFailure,
    readonly status: number | null = null,
    readonly errors: MaillageError[] = [],
  ) {
    super(message);
    this.name = 'GraphQLRequestError';
  }

  /** The first error's stable code, else what failed (`HTTP_502`, `UNREACHABLE`, `TIMEOUT`). */
  get code(): string {
    const code = this.errors[0]?.extensions?.code;
    if (typeof code === 'string') return code;
    return this.failure === 'UNREACHABLE' || this.failure === 'TIMEOUT' ? this.failure : `HTTP_${this.status}`;
  }
}

const DEFAULT_TIMEOUT_MS = 30_000;
const texts = new WeakMap<object, { query: string; operationName?: string }>();

function textOf<D, V>(op: Operation<D, V>): { query: string; operationName?: string } {
  if (typeof op === 'string') return { query: op };
  let t = texts.get(op);
  if (!t) texts.set(op, (t = { query: print(op), operationName: getOperationAST(op)?.name?.value }));
  return t;
}

/** Per-request additions to what the client sends. */
export interface RequestExtras {
  operationName?: string;
  headers?: Record<string, string>;
  /**
   * Headers computed from the exact body sent: the gateway's signed viewer binds the request body
   * (query, variables, operation name), so it can only be made once the body is serialised.
   */
  signBody?: (body: string) => Promise<Record<string, string>>;
}

/**
 * One GraphQL-over-HTTP client (POST, JSON) for every Maillage tool that talks to a GraphQL endpoint:
 * the CLI, the synergies subgraph's reader of the gateway, the test harness.
 */
export class GraphQLClient {
  constructor(private readonly opts: GraphQLClientOptions) {}

  get url(): string {
    return typeof this.opts.url === 'function' ? this.opts.url() : this.opts.url;
  }

  /** Sends the operation and returns status, data and errors as they came; throws only when no GraphQL response came back. */
  async execute<D, V>(op: Operation<D, V>, variables?: V, extra: RequestExtras = {}): Promise<GraphQLResult<D>> {
    const url = this.url;
    const { query, operationName } = textOf(op);
    const timeoutMs = this.opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const body = JSON.stringify({ query, variables, operationName: extra.operationName ?? operationName });
    let res: Response;
    try {
      res = await (this.opts.fetch ?? fetch)(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json',
          ...(await this.opts.headers?.()),
          ...extra.headers,
          ...(await extra.signBody?.(body)),
        },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      const timedOut = (err as Error).name === 'TimeoutError';
      if (timedOut) throw new GraphQLRequestError(`${url} did not answer within ${timeoutMs} ms`, 'TIMEOUT');
      throw new GraphQLRequestError(`cannot reach ${url}: ${(err as Error).message}`, 'UNREACHABLE');
    }
    let answer: { data?: D | null; errors?: MaillageError[] };
    try {
      answer = JSON.parse(await res.text()) as typeof answer;
    } catch {
      throw new GraphQLRequestError(`${url} answered HTTP ${res.status} with no GraphQL response`, 'NOT_GRAPHQL', res.status);
    }
    return { status: res.status, data: answer.data, errors: answer.errors, headers: res.headers };
  }

  /** Sends the operation and returns its data; throws a GraphQLRequestError on any error in the answer. */
  async request<D, V>(op: Operation<D, V>, variables?: V, extra?: RequestExtras): Promise<D> {
    const res = await this.execute(op, variables, extra);
    if (res.errors?.length) {
      const list = res.errors.map((e) => `${e.message} (${e.extensions?.code ?? 'no code'})`).join('; ');
      throw new GraphQLRequestError(`${this.url} answered errors: ${list}`, 'GRAPHQL_ERRORS', res.status, res.errors);
    }
    if (!res.data) throw new GraphQLRequestError(`${this.url} answered HTTP ${res.status} without data`, 'NO_DATA', res.status);
    return res.data;
  }
}
