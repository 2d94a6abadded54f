import { buildSubgraphSchema } from '@apollo/subgraph';
import { graphql, parse } from 'graphql';
import { ANONYMOUS, DEV_SIGNING_SECRET, enforceAuthDirectives, hasScopes, signViewer, supergraphForGateway, ViewerVerifier, viewerOf } from '../src';

// A verifier that has remembered nothing yet.
const verifyViewer = (header: string | undefined, secret: string, query: string) => new ViewerVerifier(secret).verify(header, query);

const editor = viewerOf({ scopes: ['network:edit', 'made-up'], networks: ['cb-reseau-1234'], subject: 'alice' });

test('a viewer is derived from its scopes; unknown scopes are dropped, networks kept for editors only', () => {
  expect(editor).toEqual({ role: 'editor', scopes: ['network:edit'], networks: ['cb-reseau-1234'], subject: 'alice' });
  expect(viewerOf({ scopes: ['analyst'], networks: ['cb-x'] })).toEqual({ role: 'analyst', scopes: ['analyst'], networks: [] });
  expect(hasScopes(editor, [['analyst'], ['admin']])).toBe(false);
  expect(hasScopes(viewerOf({ scopes: ['admin'] }), [['analyst']])).toBe(true);
});

test('the forwarded viewer verifies with the same secret and for the same query only', async () => {
  const header = await signViewer(editor, DEV_SIGNING_SECRET, '{ a }');
  await expect(verifyViewer(header, DEV_SIGNING_SECRET, '{ a }')).resolves.toEqual(editor);
  await expect(verifyViewer(header, DEV_SIGNING_SECRET, '{ b }')).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
  await expect(verifyViewer(header, 'another-secret-of-at-least-32-characters', '{ a }')).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
  await expect(verifyViewer(undefined, DEV_SIGNING_SECRET, '{ a }')).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
  const [h, p, s] = header.split('.');
  const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), scopes: ['admin'] })).toString('base64url');
  await expect(verifyViewer(`${h}.${forged}.${s}`, DEV_SIGNING_SECRET, '{ a }')).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
});

test('a subgraph remembers a verified header until it expires, still bound to its query, and never remembers a bad one', async () => {
  jest.useFakeTimers({ now: new Date('2026-11-26T12:00:00Z'), doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
  try {
    const verifier = new ViewerVerifier(DEV_SIGNING_SECRET);
    const header = await signViewer(editor, DEV_SIGNING_SECRET, '{ a }');
    await expect(verifier.verify(header, '{ a }')).resolves.toEqual(editor);
    // Remembered, and still refused for another query.
    await expect(verifier.verify(header, '{ a }')).resolves.toEqual(editor);
    await expect(verifier.verify(header, '{ b }')).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    // A header made with another secret fails every time.
    const other = await signViewer(editor, 'another-secret-of-at-least-32-characters', '{ a }');
    for (let i = 0; i < 2; i++) await expect(verifier.verify(other, '{ a }')).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    // 61 s later the remembered header has expired with its 60 s lifetime.
    jest.setSystemTime(new Date('2026-11-26T12:01:01Z'));
    await expect(verifier.verify(header, '{ a }')).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    await expect(verifier.verify(undefined, '{ a }')).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
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
  const sdl = '@link(url: "https://specs.apollo.dev/requiresScopes/v0.1", for: SECURITY)\n@link(url: "https://specs.apollo.dev/policy/v0.1", for: SECURITY)';
  expect(supergraphForGateway(sdl)).toBe('@link(url: "https://specs.apollo.dev/requiresScopes/v0.1")\n@link(url: "https://specs.apollo.dev/policy/v0.1", for: SECURITY)');
});
