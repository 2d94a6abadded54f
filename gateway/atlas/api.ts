// The atlas speaks to the public API only: persisted operations by id (schema/operations/Atlas*.graphql),
// typed by packages/client's codegen, with the analyst's bearer token.
import { persistedOperationIds, type PersistedOperations } from '../../packages/client/src/operations';

export interface ApiError {
  message: string;
  extensions?: { code?: string; [key: string]: unknown };
}

/** Why the atlas cannot show what it was asked: each has its own message on the page. */
export type Failure = 'SIGNED_OUT' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'SNAPSHOT_UNAVAILABLE' | 'RATE_LIMITED' | 'OTHER';

export class AtlasError extends Error {
  constructor(
    readonly failure: Failure,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export interface Cost {
  requested: number;
  actual: number;
  budget?: { limit: number | null; remaining: number | null };
}

/** The last cost the gateway reported (`extensions.cost`), shown in the footer and read by the tests. */
export const lastCost: { value?: Cost } = {};

function failureOf(status: number, errors: ApiError[]): Failure {
  const codes = errors.map((e) => e.extensions?.code);
  if (codes.includes('SNAPSHOT_UNAVAILABLE')) return 'SNAPSHOT_UNAVAILABLE';
  if (status === 403 || codes.includes('FORBIDDEN')) return 'FORBIDDEN';
  if (status === 401 || codes.includes('UNAUTHENTICATED')) return 'UNAUTHENTICATED';
  if (status === 429 || codes.includes('RATE_LIMITED')) return 'RATE_LIMITED';
  return 'OTHER';
}

/** Runs a persisted operation by id over GET; any error of the answer is an AtlasError. */
export async function run<N extends keyof PersistedOperations>(
  name: N,
  variables: PersistedOperations[N]['variables'],
  token: string | null,
): Promise<PersistedOperations[N]['result']> {
  if (!token) throw new AtlasError('SIGNED_OUT', 'signed out', 0);
  const url = new URL('/graphql', location.href);
  url.searchParams.set('id', persistedOperationIds[name]);
  url.searchParams.set('variables', JSON.stringify(variables));
  const res = await fetch(url, {
    headers: { accept: 'application/graphql-response+json, application/json', authorization: `Bearer ${token}` },
  });
  let body: { data?: PersistedOperations[N]['result'] | null; errors?: ApiError[]; extensions?: { cost?: Cost } };
  try {
    body = (await res.json()) as typeof body;
  } catch {
    throw new AtlasError('OTHER', `HTTP ${res.status}`, res.status);
  }
  if (body.extensions?.cost) lastCost.value = body.extensions.cost;
  const errors = body.errors ?? [];
  if (errors.length || !body.data)
    throw new AtlasError(failureOf(res.status, errors), errors[0]?.message ?? `HTTP ${res.status}`, res.status);
  return body.data;
}
