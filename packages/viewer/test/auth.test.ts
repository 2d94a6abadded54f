import { buildSubgraphSchema } from '@apollo/subgraph';
import { graphql, parse } from 'graphql';
import {
  ANONYMOUS,
  BINDING_HEADER,
  bindRequest,
  DEV_SIGNING_SECRET,
  enforceAuthDirectives,
  gatewayHeaders,
  hasScopes,
  OPERATION_HEADER,
  signViewer,
  supergraphForGateway,
  VIEWER_HEADER,
  ViewerVerifier,
  viewerOf,
} from '../src';

const body = (query: string, variables: Record<string, unknown> = {}) => JSON.stringify({ query, variables });

/** What a subgraph named `to` (with `secret`) says of a request signed by the gateway for `signedFor`, then changed by `tamper`. */
async function verifyAt(
  verifier: ViewerVerifier,
  signed: { viewer?: typeof editor; secret?: string; subgraph?: string; body?: string; operation?: string },
  sent: { body?: string; operation?: string; viewer?: string } = {},
) {
  const original = signed.body ?? body('{ a }');
  const headers = await gatewayHeaders(
    signed.viewer ?? editor,
    signed.secret ?? DEV_SIGNING_SECRET,
    signed.subgraph ?? 'clubs',
    original,
    signed.operation,
  );
  return verifier.verify({
    viewer: sent.viewer ?? headers[VIEWER_HEADER],
    binding: headers[BINDING_HEADER],
    operation: sent.operation ?? headers[OPERATION_HEADER],
    body: sent.body ?? original,
  });
}

const editor = viewerOf({ scopes: ['network:edit', 'made-up'], networks: ['cb-reseau-1234'], subject: 'alice' });

test('a viewer is derived from its scopes; unknown scopes are dropped, networks kept for editors only', () => {
  expect(editor).toEqual({ role: 'editor', scopes: ['network:edit'], networks: ['cb-reseau-1234'], subject: 'alice' });
  expect(viewerOf({ scopes: ['analyst'], networks: ['cb-x'] })).toEqual({ role: 'analyst', scopes: ['analyst'], networks: [] });
  expect(hasScopes(editor, [['analyst'], ['admin']])).toBe(false);
  expect(hasScopes(viewerOf({ scopes: ['admin'] }), [['analyst']])).toBe(true);
});

test('the forwarded viewer verifies with the same secret, for this subgraph and this very request only', async () => {
  const fresh = () => new ViewerVerifier(DEV_SIGNING_SECRET, 'clubs');
  const refused = { extensions: { code: 'UNAUTHENTICATED' } };
  await expect(verifyAt(fresh(), { operation: 'ActorCard' })).resolves.toEqual({ viewer: editor, operation: 'ActorCard' });
  // Another query, other variables, another subgraph, another operation label: refused.
  await expect(verifyAt(fresh(), {}, { body: body('{ b }') })).rejects.toMatchObject(refused);
  await expect(verifyAt(fresh(), { body: body('{ a }', { id: 'x' }) }, { body: body('{ a }', { id: 'y' }) })).rejects.toMatchObject(
    refused,
  );
  await expect(verifyAt(fresh(), { subgraph: 'directory' })).rejects.toMatchObject(refused);
  await expect(verifyAt(fresh(), { operation: 'other' }, { operation: 'ActorCard' })).rejects.toMatchObject(refused);
  // Another secret, no statement, a statement of another viewer with this binding, a forged payload.
  await expect(verifyAt(fresh(), { secret: 'another-secret-of-at-least-32-characters' })).rejects.toMatchObject(refused);
  await expect(fresh().verify({ viewer: undefined, binding: undefined, operation: undefined, body: body('{ a }') })).rejects.toMatchObject(
    refused,
  );
  const admin = await signViewer(viewerOf({ scopes: ['admin'] }), DEV_SIGNING_SECRET, 'clubs');
  await expect(verifyAt(fresh(), {}, { viewer: admin })).rejects.toMatchObject(refused);
  const header = await signViewer(editor, DEV_SIGNING_SECRET, 'clubs');
  const [h, p, s] = header.split('.');
  const forged = `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), scopes: ['admin'] })).toString('base64url')}.${s}`;
  const b = body('{ a }');
  await expect(
    fresh().verify({ viewer: forged, binding: bindRequest(DEV_SIGNING_SECRET, forged, 'clubs', 'other', b), operation: 'other', body: b }),
  ).rejects.toMatchObject(refused);
});

test('a subgraph remembers a verified statement until it expires (10 s), still binding each request, and never remembers a bad one', async () => {
  jest.useFakeTimers({ now: new Date('2026-11-26T12:00:00Z'), doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
  try {
    const verifier = new ViewerVerifier(DEV_SIGNING_SECRET, 'clubs');
    const header = await signViewer(editor, DEV_SIGNING_SECRET, 'clubs');
    const request = (b: string) => ({
      viewer: header,
      binding: bindRequest(DEV_SIGNING_SECRET, header, 'clubs', 'other', b),
      operation: 'other',
      body: b,
    });
    await expect(verifier.verify(request(body('{ a }')))).resolves.toEqual({ viewer: editor, operation: 'other' });
    // Remembered: another request with the same statement and its own binding passes...
    await expect(verifier.verify(request(body('{ b }')))).resolves.toEqual({ viewer: editor, operation: 'other' });
    // ...and the remembered statement is still refused with the binding of another body.
    await expect(verifier.verify({ ...request(body('{ a }')), body: body('{ c }') })).rejects.toMatchObject({
      extensions: { code: 'UNAUTHENTICATED' },
    });
    // A statement made with another secret fails every time.
    const other = await signViewer(editor, 'another-secret-of-at-least-32-characters', 'clubs');
    for (let i = 0; i < 2; i++) {
      await expect(verifier.verify({ ...request(body('{ a }')), viewer: other })).rejects.toMatchObject({
        extensions: { code: 'UNAUTHENTICATED' },
      });
    }
    // 11 s later the remembered statement has expired with its 10 s lifetime.
    jest.setSystemTime(new Date('2026-11-26T12:00:11Z'));
    await expect(verifier.verify(request(body('{ a }')))).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
  } finally {
    jest.useRealTimers();
  }
});

test('@authenticated and @requiresScopes in a subgraph schema are enforced on fields and types', async () => {
  const schema = buildSubgraphSchema({
    typeDefs: parse(`
      extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@authenticated", "@requiresScopes"])
      type Query {
        open: String
        me: String @authenticated
        report: Report @requiresScopes(scopes: [["analyst"], ["admin"]])
      }
      type Report @requiresScopes(scopes: [["analyst"]]) { total: Int }
    `),
    resolvers: { Query: { open: () => 'o', me: () => 'm', report: () => ({ total: 3 }) } } as never,
  });
  const rules = enforceAuthDirectives(schema);
  expect([...rules.keys()].sort()).toEqual(['Query.me', 'Query.report', 'Report.total']);
  const run = async (viewer: unknown, source: string) => {
    const r = await graphql({ schema, source, contextValue: { viewer } });
    return r.errors ? r.errors.map((e) => e.extensions.code) : r.data;
  };
  expect(await run(ANONYMOUS, '{ open }')).toEqual({ open: 'o' });
  expect(await run(ANONYMOUS, '{ me }')).toEqual(['UNAUTHENTICATED']);
  expect(await run(undefined, '{ me }')).toEqual(['UNAUTHENTICATED']);
  expect(await run(editor, '{ me }')).toEqual({ me: 'm' });
  expect(await run(editor, '{ report { total } }')).toEqual(['FORBIDDEN']);
  expect(await run(viewerOf({ scopes: ['analyst'] }), '{ report { total } }')).toEqual({ report: { total: 3 } });
  expect(await run(viewerOf({ scopes: ['admin'] }), '{ report { total } }')).toEqual({ report: { total: 3 } });
});

test('the gateway may route the authorization features the subgraphs enforce, and no other SECURITY feature', () => {
  const sdl =
    '@link(url: "https://specs.apollo.dev/requiresScopes/v0.1", for: SECURITY)\n@link(url: "https://specs.apollo.dev/policy/v0.1", for: SECURITY)';
  expect(supergraphForGateway(sdl)).toBe(
    '@link(url: "https://specs.apollo.dev/requiresScopes/v0.1")\n@link(url: "https://specs.apollo.dev/policy/v0.1", for: SECURITY)',
  );
});
