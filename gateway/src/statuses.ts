import type { ApolloServerPlugin } from '@apollo/server';
import type { Request } from 'express';

// Apollo Server's own negotiation library, over the same list in the same order, so that the door's
// refusals and Apollo's answers pick the same type. It ships no types, hence require and a cast.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Negotiator = require('negotiator') as new (req: { headers: { accept: string } }) => {
  mediaType(types: string[]): string | undefined;
};

const JSON_TYPE = 'application/json';
const GRAPHQL_RESPONSE_TYPE = 'application/graphql-response+json';

/**
 * The media type of the answer, as Apollo Server picks it: application/json without an Accept
 * header or for `*\/*` (legacy clients), application/graphql-response+json when the client asks for
 * it first. The door's refusals and Apollo's answers must agree.
 */
export function answerMediaType(accept: string | undefined | null): string {
  if (!accept) return JSON_TYPE;
  // Clients send the same few Accept headers again and again: each is negotiated once.
  let type = negotiated.get(accept);
  if (type === undefined) {
    type = new Negotiator({ headers: { accept } }).mediaType([JSON_TYPE, GRAPHQL_RESPONSE_TYPE]) ?? JSON_TYPE;
    if (negotiated.size >= 256) negotiated.delete(negotiated.keys().next().value!);
    if (accept.length <= 512) negotiated.set(accept, type);
  }
  return type;
}
const negotiated = new Map<string, string>();

export const mediaTypeOf = (req: Request) => answerMediaType(req.get('accept'));

/**
 * Errors of a well-formed GraphQL-over-HTTP request: the document does not parse, does not
 * validate (the role's limits are validation rules), its variables do not coerce, or no operation
 * of the document can be chosen. Under application/graphql-response+json these are 4xx; under
 * application/json the spec wants 200, since legacy clients read a 4xx as a transport failure and
 * never look at `errors`.
 */
export const REQUEST_ERROR_CODES: ReadonlySet<string> = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'QUERY_TOO_COMPLEX',
  'OPERATION_RESOLUTION_FAILURE',
]);

/**
 * The one rule for the status of a request error, by the media type of the answer (GraphQL over
 * HTTP, "Status codes"): what the gateway would answer 4xx is 200 under application/json when it
 * is an error of the GraphQL request itself. Refusals of the HTTP request (method, media type, size,
 * JSON, identity, rate) keep their status under either type.
 */
export function statusFor(mediaType: string, status: number, code: string | undefined): number {
  return mediaType === JSON_TYPE && status >= 400 && status < 500 && code !== undefined && REQUEST_ERROR_CODES.has(code) ? 200 : status;
}

/** Applies statusFor to Apollo Server's own answers (parse, validation and coercion errors it finds). */
export function requestErrorStatusPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ request, response }) {
          if (response.body.kind !== 'single' || response.body.singleResult.data !== undefined || !response.http.status) return;
          const code = response.body.singleResult.errors?.[0]?.extensions?.code;
          const type = answerMediaType(request.http?.headers.get('accept'));
          response.http.status = statusFor(type, response.http.status, typeof code === 'string' ? code : undefined);
        },
      };
    },
  };
}
