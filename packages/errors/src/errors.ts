import { GraphQLError } from 'graphql';

/**
 * Stable `extensions.code` values a client may branch on. Adding one is fine; renaming one is a
 * breaking change for partner sites.
 */
export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  INVALID_IDENTIFIER: 'INVALID_IDENTIFIER',
  UNKNOWN_TERRITORY: 'UNKNOWN_TERRITORY',
  UNKNOWN_NETWORK: 'UNKNOWN_NETWORK',
  UNKNOWN_ACTOR: 'UNKNOWN_ACTOR',
  INVALID_DATE_RANGE: 'INVALID_DATE_RANGE',
  DUPLICATE_MEMBERSHIP: 'DUPLICATE_MEMBERSHIP',
  DUPLICATE_IDENTIFIER: 'DUPLICATE_IDENTIFIER',
  NOT_FOUND: 'NOT_FOUND',
  ALREADY_ENDED: 'ALREADY_ENDED',
  /** A confirmation or decline of a link that is no longer a proposal: already confirmed or declined. */
  NOT_PROPOSED: 'NOT_PROPOSED',
  INVALID_CODE: 'INVALID_CODE',
  /**
   * Another subgraph the answer depends on did not answer (the gateway's fetch to it failed, or a
   * network subgraph asked it whether the viewer speaks for an actor): nothing was done; retry later.
   * `extensions.subgraph` names it.
   */
  SUBGRAPH_UNAVAILABLE: 'SUBGRAPH_UNAVAILABLE',
  IDEMPOTENCY_KEY_REUSED: 'IDEMPOTENCY_KEY_REUSED',
  /** No identity, or one that failed verification (forged, expired, revoked): HTTP 401 at the door. */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** A known identity without the right to this field or write. */
  FORBIDDEN: 'FORBIDDEN',
  /** A partner key used from an origin it does not list. */
  ORIGIN_NOT_ALLOWED: 'ORIGIN_NOT_ALLOWED',
  /** A partner key asking for an operation not registered for it, or for a non-persisted one. */
  OPERATION_NOT_ALLOWED: 'OPERATION_NOT_ALLOWED',
  PERSISTED_QUERY_NOT_FOUND: 'PERSISTED_QUERY_NOT_FOUND',
  RATE_LIMITED: 'RATE_LIMITED',
  /** Over a depth, alias, directive, token or cost limit of the caller's role. */
  QUERY_TOO_COMPLEX: 'QUERY_TOO_COMPLEX',
  /** `operationName` names no operation of the document, or a document of several operations names none: HTTP 400. */
  OPERATION_RESOLUTION_FAILURE: 'OPERATION_RESOLUTION_FAILURE',
  /** The HTTP request itself is malformed (bad JSON, missing query, bad parameters). */
  BAD_REQUEST: 'BAD_REQUEST',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** A refusal of the caller's input: the message is meant for the caller, `field` names the input. */
export function userError(code: ErrorCode, message: string, field?: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...(field ? { field } : {}) } });
}

/** Throws a user error unless `start <= end` (both optional ISO dates). */
export function assertDateRange(start: Date | null | undefined, end: Date | null | undefined, field = 'endDate'): void {
  if (start && end && end.getTime() < start.getTime()) {
    throw userError(ErrorCode.INVALID_DATE_RANGE, `${field} (${isoDate(end)}) is before the start date (${isoDate(start)})`, field);
  }
}

export function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}
