import { persistedOperationIds, type PersistedOperations } from './operations';

export * from './operations';
export * from './http';

/** How to reach the gateway, and as whom. */
export interface PersistedClientOptions {
  /** The gateway's GraphQL endpoint, e.g. `https://api.maillage.example/graphql`. */
  endpoint: string;
  /** A partner key (`mk_…`): sent as `?key=`, so a browser's request stays a simple one (no preflight). */
  partnerKey?: string;
  /** A bearer token (editors, analysts, admins). */
  token?: string;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  signal?: AbortSignal;
}

/** A GraphQL error as the gateway sends it: a stable `extensions.code`. */
export interface MaillageError {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; [key: string]: unknown };
}

export interface PersistedResult<R> {
  status: number;
  data: R | null;
  errors: MaillageError[];
}

/**
 * Runs a persisted operation by id over GET, typed by its generated variables and result. Partner
 * keys run only the operations registered for them; the gateway answers others with
 * OPERATION_NOT_ALLOWED.
 */
export async function runPersisted<N extends keyof PersistedOperations>(
  name: N,
  variables: PersistedOperations[N]['variables'],
  opts: PersistedClientOptions,
): Promise<PersistedResult<PersistedOperations[N]['result']>> {
  const url = new URL(opts.endpoint);
  url.searchParams.set('id', persistedOperationIds[name]);
  url.searchParams.set('variables', JSON.stringify(variables));
  if (opts.partnerKey) url.searchParams.set('key', opts.partnerKey);
  const headers: Record<string, string> = { accept: 'application/graphql-response+json, application/json' };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const res = await (opts.fetch ?? fetch)(url, { headers, signal: opts.signal });
  const body = (await res.json()) as { data?: PersistedOperations[N]['result'] | null; errors?: MaillageError[] };
  return { status: res.status, data: body.data ?? null, errors: body.errors ?? [] };
}
