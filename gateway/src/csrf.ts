import type { Request } from 'express';

/**
 * Cross-site request forgery needs a credential the browser attaches on its own to a request
 * another site makes: a cookie (or HTTP Basic / client-certificate authentication, which the
 * gateway never asks for: it answers a non-Bearer Authorization with 401). Maillage's credentials
 * are a bearer token, which a page must set itself, and a partner key, public and only good for
 * its registered read-only operations. So a GET query carrying no cookie can do nothing a forger
 * could not do by sending it himself, and needs no preflight header; mutations over GET stay
 * refused (405) whatever the headers. Should a cookie ever reach the gateway (a proxy in front
 * adding session cookies, a future sign-in), Apollo's CSRF prevention applies again in full.
 */
export const carriesAmbientCredentials = (req: Request) => req.headers.cookie !== undefined;
