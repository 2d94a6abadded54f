import { readFileSync } from 'node:fs';
import path from 'node:path';
import { service as directory } from '@maillage/directory';
import { VIEWER_HEADER } from '@maillage/viewer';
import { postGraphQL, startSupergraph, tokenFor, type Harness } from '@maillage/testing';
import { DEV_TOKENS } from '../src/auth';
import { startCoprocessor, VIEWER_ENTRY, type CoprocessorPayload } from '../src/coprocessor/server';
import { loadPersistedOperations } from '../src/operations';
import { startGateway } from '../src/server';

// Apollo Router cannot be installed here, so its side is played by hand: payloads shaped as its
// coprocessor protocol (version 1) documents them, POSTed to the coprocessor over HTTP, and each
// subgraph request the coprocessor signed sent to the real directory subgraph as the router would.
const MANIFEST = path.join(__dirname, '../../schema/operations/manifest.json');
const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8')) as { operations: { id: string; name: string }[] };
const ACTOR_CARD = manifest.operations.find((o) => o.name === 'ActorCard')!.id;

let h: Harness;
let copro: Awaited<ReturnType<typeof startCoprocessor>>;
beforeAll(async () => {
  h = await startSupergraph([directory as never], startGateway);
  copro = await startCoprocessor({
    port: 0,
    host: '127.0.0.1',
    directoryUrl: h.subgraphUrls.directory,
    signingSecret: 'maillage-development-only-gateway-signing-secret',
    tokens: DEV_TOKENS,
    operations: loadPersistedOperations(MANIFEST),
  });
}, 120_000);
afterAll(async () => {
  await copro?.stop();
  await h?.stop();
});

let seq = 0;
async function call(payload: Partial<CoprocessorPayload>): Promise<{ status: number; body: CoprocessorPayload }> {
  const res = await fetch(copro.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });
  return { status: res.status, body: (await res.json()) as CoprocessorPayload };
}

const routerRequest = (
  headers: Record<string, string[]>,
  body: unknown,
  extra: Partial<CoprocessorPayload> = {},
): Partial<CoprocessorPayload> => ({
  version: 1,
  stage: 'RouterRequest',
  control: 'continue',
  id: `req-${++seq}`,
  headers: { 'content-type': ['application/json'], ...headers },
  body: body === undefined ? undefined : JSON.stringify(body),
  context: { entries: { 'accepts-json': true } },
  method: 'POST',
  path: '/graphql',
  ...extra,
});

const subgraphRequest = (id: string, context: CoprocessorPayload['context'], query: string): Partial<CoprocessorPayload> => ({
  version: 1,
  stage: 'SubgraphRequest',
  control: 'continue',
  id,
  subgraphRequestId: `sub-${++seq}`,
  headers: { [VIEWER_HEADER]: ['forged by the client'] },
  body: { query, operationName: 'Q__directory__0', variables: {} },
  context,
  serviceName: 'directory',
  uri: h.subgraphUrls.directory,
  method: 'POST',
});

/** What the router would then send the subgraph: the body, with the headers the coprocessor returned. */
/** What Router does next: the subgraph request as the coprocessor left it, headers and body. */
async function toSubgraph(p: CoprocessorPayload) {
  const headers = Object.fromEntries(Object.entries(p.headers ?? {}).map(([k, v]) => [k, v[0]]));
  const res = await fetch(p.uri!, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify(p.body),
  });
  return (await res.json()) as { data?: any; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

const VIEWER_QUERY = 'query Q__directory__0 { viewer { role subject networks } }';

test('a bearer token is verified at RouterRequest and each subgraph request is signed for that viewer', async () => {
  const token = await tokenFor('editor', { subject: 'editor-r', networks: ['cb-reseau-1234'] });
  const first = await call(routerRequest({ authorization: [`Bearer ${token}`] }, { query: '{ viewer { role } }' }));
  expect(first.status).toBe(200);
  expect(first.body.control).toBe('continue');
  expect(first.body.context!.entries['accepts-json']).toBe(true);
  expect((first.body.context!.entries[VIEWER_ENTRY] as any).viewer).toMatchObject({ role: 'editor', subject: 'editor-r' });
  const signed = await call(subgraphRequest(first.body.id, first.body.context, VIEWER_QUERY));
  expect(signed.status).toBe(200);
  expect(signed.body).toMatchObject({
    version: 1,
    stage: 'SubgraphRequest',
    control: 'continue',
    id: first.body.id,
    serviceName: 'directory',
  });
  expect(signed.body.headers![VIEWER_HEADER]).toHaveLength(1);
  expect(signed.body.headers![VIEWER_HEADER][0]).not.toBe('forged by the client');
  const res = await toSubgraph(signed.body);
  expect(res.errors).toBeUndefined();
  expect(res.data.viewer).toEqual({ role: 'editor', subject: 'editor-r', networks: ['cb-reseau-1234'] });
});

test('anonymous callers are signed as anonymous: the subgraph applies its own rules', async () => {
  const first = await call(routerRequest({}, { query: '{ viewer { role } }' }));
  const signed = await call(subgraphRequest(first.body.id, first.body.context, VIEWER_QUERY));
  const res = await toSubgraph(signed.body);
  expect(res.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
  const pub = await call(subgraphRequest(first.body.id, first.body.context, 'query Q__directory__0 { actor(id: "act-edf") { name } }'));
  expect((await toSubgraph(pub.body)).data.actor.name).toBe('EDF');
});

test('a bad token breaks the request with 401 and a GraphQL error, as Maillage’s gateway answers', async () => {
  const res = await call(routerRequest({ authorization: ['Bearer not.a.token'] }, { query: '{ viewer { role } }' }));
  expect(res.status).toBe(200);
  expect(res.body.control).toEqual({ break: 401 });
  expect(res.body.headers!['www-authenticate']).toEqual(['Bearer error="invalid_token"']);
  expect(JSON.parse(res.body.body as string).errors[0].extensions.code).toBe('UNAUTHENTICATED');
});

test('a viewer written into the context by anyone but the coprocessor, or for another request, signs as anonymous', async () => {
  const token = await tokenFor('admin');
  const first = await call(routerRequest({ authorization: [`Bearer ${token}`] }, { query: '{ viewer { role } }' }));
  const entry = first.body.context!.entries[VIEWER_ENTRY] as { viewer: object; mac: string };
  const forged = {
    entries: { [VIEWER_ENTRY]: { viewer: { ...entry.viewer, role: 'admin', scopes: ['admin'], subject: 'mallory' }, mac: entry.mac } },
  };
  const otherRequest = { entries: { [VIEWER_ENTRY]: entry } };
  for (const [id, context] of [
    [first.body.id, forged],
    ['another-request', otherRequest],
  ] as const) {
    const signed = await call(subgraphRequest(id, context, VIEWER_QUERY));
    expect((await toSubgraph(signed.body)).errors![0].extensions!.code).toBe('UNAUTHENTICATED');
  }
});

test('a partner key: its registered operation by id over GET continues; anything else breaks with the door’s code', async () => {
  const admin = { authorization: `Bearer ${await tokenFor('admin')}` };
  const created = await postGraphQL<any>(
    h.gatewayUrl,
    `mutation($op: String!) { createPartnerKey(input: { name: "Router partner", origins: ["https://partner.example"], rateLimitPerMinute: 100, operationIds: [$op] }) { key } }`,
    { op: ACTOR_CARD },
    undefined,
    admin,
  );
  const key = created.data.createPartnerKey.key as string;
  const get = (search: Record<string, string>, origin = 'https://partner.example') =>
    call(routerRequest({ origin: [origin] }, undefined, { method: 'GET', path: `/graphql?${new URLSearchParams({ key, ...search })}` }));
  const byId = await get({
    extensions: JSON.stringify({ persistedQuery: { version: 1, sha256Hash: ACTOR_CARD } }),
    variables: '{"siren":"552081317"}',
  });
  expect(byId.body.control).toBe('continue');
  expect((byId.body.context!.entries[VIEWER_ENTRY] as any).viewer).toMatchObject({ role: 'partner' });
  const cases: [Promise<{ body: CoprocessorPayload }>, number, string][] = [
    [get({ query: '{ partnerKeys { totalCount } }' }), 403, 'OPERATION_NOT_ALLOWED'],
    [get({ id: ACTOR_CARD }, 'https://evil.example'), 403, 'ORIGIN_NOT_ALLOWED'],
    [call(routerRequest({ 'x-api-key': [key] }, { query: '{ __typename }' })), 405, 'METHOD_NOT_ALLOWED'],
    [get({ id: ACTOR_CARD, key: 'mk_unknown_key' }), 401, 'UNAUTHENTICATED'],
  ];
  for (const [pending, status, code] of cases) {
    const { body } = await pending;
    expect([body.control, JSON.parse(body.body as string).errors[0].extensions.code]).toEqual([{ break: status }, code]);
  }
});

test('what is not a version 1 payload is refused with 400, so the router fails the request rather than run it unchecked', async () => {
  expect((await call({ version: 2, stage: 'RouterRequest', id: 'x', control: 'continue' })).status).toBe(400);
  const garbage = await fetch(copro.url, { method: 'POST', body: 'not json' });
  expect(garbage.status).toBe(400);
  // Other stages pass through untouched.
  const other = await call({ version: 1, stage: 'SupergraphRequest', id: 'y', control: 'continue', body: { query: '{ __typename }' } });
  expect(other.body).toMatchObject({ stage: 'SupergraphRequest', control: 'continue', body: { query: '{ __typename }' } });
});
