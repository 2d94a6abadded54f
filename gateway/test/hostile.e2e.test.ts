import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  DEV_SIGNING_SECRET,
  DEV_TOKEN_SECRET,
  devToken,
  gatewayHeaders,
  signAccessToken,
  supergraphForGateway,
  viewerOf,
} from '@maillage/viewer';
import { createLogger } from '@maillage/observability';
import { postGraphQL, repoRoot, startSupergraph, type Harness } from '@maillage/testing';
import { Supergraph } from '@apollo/federation-internals';
import {
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isCompositeType,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import { startGateway, type RunningGateway } from '../src/server';
import { subgraphs } from './subgraphs';

// The corpus of bad and hostile inputs in test/hostile/*.json, sent to the real gateway over HTTP.
// Each must get its status and stable code; refused writes leave every database as it was; and
// the services keep serving afterwards.

interface Case {
  name: string;
  method?: string;
  headers?: Record<string, string>;
  /** Raw body, or a generator ({ generate: "padding", n }). */
  body?: string | Generated;
  json?: unknown;
  /** Query string parameters (GET, OPTIONS); `@Name` stands for a persisted operation's id. */
  params?: Record<string, string>;
  query?: string | Generated;
  variables?: Record<string, unknown>;
  as?: 'anonymous' | 'admin' | 'analyst' | 'partner' | 'unknownKey' | 'wrongSecret';
  origin?: string;
  token?: string;
  /** The subgraph whose database must not change. */
  writes?: string;
  /** Another path than /graphql on the gateway's public port. */
  path?: string;
  /** Sent through a gateway whose signing secret the subgraphs do not share (every fetch gets their 401). */
  gateway?: 'misconfigured';
  /** Sent first, anonymously, so that a public answer to the same URL is in the cache. */
  warm?: boolean;
  /** Straight to subgraph `to`, the case's `json` with the headers the gateway made for the body `signed` to subgraph `signedFor` (a captured header, replayed). */
  replay?: { signed: unknown; signedFor: string; to: string };
  /** Before the case itself, this many ad hoc operations, each with a name of its own. */
  flood?: number;
  /**
   * `cors`: the Access-Control-Allow-Origin expected (a refusal may be readable, so a widget can say why); `noData`: no data at all;
   * `notFromCache`: not the shared cache's answer; `seriesAtMost`: request series per service after the flood.
   */
  expect: {
    status: number;
    code?: string;
    cors?: string | null;
    cache?: string;
    noData?: boolean;
    notFromCache?: boolean;
    seriesAtMost?: number;
  };
}
interface Generated {
  generate: 'padding' | 'deep' | 'aliases' | 'fragmentBomb' | 'directives' | 'tokens';
  n: number;
}

const corpus = (file: string) => JSON.parse(readFileSync(path.join(__dirname, 'hostile', file), 'utf8'));
const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'schema/operations/manifest.json'), 'utf8')) as {
  operations: { id: string; name: string }[];
};
/** `@ActorCard` → the id of the persisted operation ActorCard, anywhere in a string. */
const ids = (s: string) => s.replace(/@([A-Z]\w+)/g, (m, name) => manifest.operations.find((o) => o.name === name)?.id ?? m);

function generate(g: Generated): string {
  const n = g.n;
  switch (g.generate) {
    case 'padding':
      return 'x'.repeat(n);
    case 'deep':
      return `{ territory(id: "REG-76") { ${'departement { region { '.repeat(n / 2)} id ${'} } '.repeat(n / 2)} } }`;
    case 'aliases':
      return `{ ${Array.from({ length: n }, (_, i) => `a${i}: __typename`).join(' ')} }`;
    case 'fragmentBomb':
      // F0 is two fields; each F(i) spreads F(i-1) under two aliased fields: 2^n fields in all.
      return [
        `query { territory(id: "REG-76") { ...F${n} } }`,
        'fragment F0 on Territory { id name }',
        ...Array.from({ length: n }, (_, i) => `fragment F${i + 1} on Territory { a: region { ...F${i} } b: departement { ...F${i} } }`),
      ].join('\n');
    case 'directives':
      return `{ __typename ${'@skip(if: false) '.repeat(n)}}`;
    case 'tokens':
      return `{ ${'x '.repeat(n)}}`;
  }
}
const text = (v: string | Generated | undefined) => (v === undefined ? undefined : typeof v === 'string' ? ids(v) : generate(v));
const materialise = (v: unknown): unknown =>
  v && typeof v === 'object' && 'generate' in v
    ? generate(v as Generated)
    : typeof v === 'string'
      ? ids(v)
      : Array.isArray(v)
        ? v.map(materialise)
        : v && typeof v === 'object'
          ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, materialise(x)]))
          : v;

let h: Harness;
let partnerKey: string;
let strictGateway: RunningGateway;
let misconfiguredGateway: RunningGateway;
const USER_ERRORS = [
  'BAD_USER_INPUT',
  'INVALID_IDENTIFIER',
  'INVALID_CODE',
  'UNKNOWN_TERRITORY',
  'UNKNOWN_ACTOR',
  'UNKNOWN_NETWORK',
  'DUPLICATE_MEMBERSHIP',
  'DUPLICATE_IDENTIFIER',
  'NOT_FOUND',
  'INVALID_DATE_RANGE',
  'IDEMPOTENCY_KEY_REUSED',
];

async function admin(query: string, variables?: Record<string, unknown>) {
  const res = await h.as('admin').query(query, variables);
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data as any;
}

/** Row counts and latest changes of a subgraph's tables. */
async function state(subgraph: string) {
  const db = h.clients[subgraph];
  if (subgraph === 'directory') {
    const [actors, roles, keys, latest] = await Promise.all([
      db.actor.count(),
      db.role.count(),
      db.partnerKey.count(),
      db.actor.aggregate({ _max: { updatedAt: true } }),
    ]);
    return { actors, roles, keys, latest: latest._max.updatedAt };
  }
  const [memberships, initiatives, links, visibility, latest] = await Promise.all([
    db.membership.count(),
    db.initiative.count(),
    db.initiativeLink.count(),
    db.network.count({ where: { membersPublic: false } }),
    // An updated initiative is entered anew: a refused update leaves the latest entry as it was.
    db.initiative.aggregate({ _max: { enteredAt: true } }),
  ]);
  return { memberships, initiatives, links, visibility, latestInitiative: latest._max.enteredAt };
}

async function tokenFor(kind: string): Promise<string> {
  const base = { scopes: ['admin'], subject: 'hostile' };
  switch (kind) {
    case 'otherKey':
      return signAccessToken(base, { secret: 'a-secret-that-is-not-the-development-one-at-all' });
    case 'algNone': {
      const [, payload] = (await devToken('admin')).split('.');
      return `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
    }
    case 'expired':
      return signAccessToken(base, { expiresIn: Math.floor(Date.now() / 1000) - 3600 });
    case 'otherIssuer':
      return signAccessToken(base, { issuer: 'https://idp.evil.example' });
    case 'otherAudience':
      return signAccessToken(base, { audience: 'another-api' });
    case 'tampered': {
      const [header, payload, signature] = (await devToken('editor', { networks: ['cb-reseau-1234'] })).split('.');
      const claims = { ...JSON.parse(Buffer.from(payload, 'base64url').toString()), scope: 'admin' };
      return `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    }
    case 'noSubject': {
      const { SignJWT } = await import('jose');
      return new SignJWT({ scope: 'admin' })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer('maillage-dev')
        .setAudience('maillage')
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode(DEV_TOKEN_SECRET));
    }
    case 'garbage':
      return 'not.a.jwt';
    case 'partnerScope':
      return signAccessToken({ scopes: ['partner'], subject: 'hostile' });
    case 'noScope':
      return signAccessToken({ scopes: [], subject: 'hostile-no-scope' });
  }
  throw new Error(`unknown token kind ${kind}`);
}

async function send(c: Case, base = c.gateway === 'misconfigured' ? misconfiguredGateway.url : h.gatewayUrl): Promise<Response> {
  const method = c.method ?? 'POST';
  if (c.replay) return replay(c.replay, c.json);
  const url = new URL(c.path ? base.replace(/\/graphql$/, c.path) : base);
  for (const [k, v] of Object.entries(c.params ?? {})) url.searchParams.set(k, ids(v));
  const headers: Record<string, string> = { accept: 'application/graphql-response+json, application/json', ...c.headers };
  if (c.origin) headers.origin = c.origin;
  if (c.as === 'admin' || c.as === 'analyst') headers.authorization = `Bearer ${await devToken(c.as)}`;
  if (c.as === 'partner') url.searchParams.set('key', partnerKey);
  if (c.as === 'unknownKey') url.searchParams.set('key', 'mk_pk-0000000000000000_' + 'A'.repeat(43));
  if (c.as === 'wrongSecret') url.searchParams.set('key', partnerKey.replace(/_[^_]+$/, '_' + 'B'.repeat(43)));
  if (c.token) headers.authorization = `Bearer ${await tokenFor(c.token)}`;
  let body: string | undefined;
  if (c.body !== undefined) body = typeof c.body === 'string' ? c.body : JSON.stringify({ query: '{ __typename }', pad: generate(c.body) });
  else if (c.json !== undefined) body = JSON.stringify(materialise(c.json));
  else if (c.query !== undefined || c.token || c.headers?.authorization) {
    body = JSON.stringify({
      query: text(c.query) ?? 'mutation { createActor(input: { kind: COMPANY, name: "Token" }) { id } }',
      variables: materialise(c.variables),
    });
  }
  if (body !== undefined && c.json !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
  if (body !== undefined && c.body === undefined && c.json === undefined) headers['content-type'] = 'application/json';
  return fetch(url, { method, headers, body: method === 'GET' || method === 'OPTIONS' ? undefined : body });
}

/** Headers the gateway made for one request to one subgraph, sent with another body or to another subgraph. */
async function replay(r: NonNullable<Case['replay']>, json: unknown): Promise<Response> {
  const captured = await gatewayHeaders(
    viewerOf({ scopes: ['admin'], subject: 'hostile' }),
    DEV_SIGNING_SECRET,
    r.signedFor,
    JSON.stringify(materialise(r.signed)),
  );
  return fetch(h.subgraphUrls[r.to], {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...captured },
    body: JSON.stringify(materialise(json)),
  });
}

/** `maillage_*_requests_total` series of each service's /metrics (gateway, directory). */
async function requestSeries(): Promise<string[][]> {
  return Promise.all(
    ['gateway', 'directory'].map(async (name) =>
      (await (await fetch(h.metricsUrls[name])).text()).split('\n').filter((l) => /^maillage_(gateway|subgraph)_requests_total\{/.test(l)),
    ),
  );
}

async function flood(n: number) {
  const tag = `r${Date.now().toString(36)}`;
  for (let i = 0; i < n; i += 20) {
    await Promise.all(
      Array.from({ length: Math.min(20, n - i) }, (_, j) => h.query(`query ${tag}_${i + j} { actor(id: "act-edf") { id } }`)),
    );
  }
  return tag;
}

beforeAll(async () => {
  h = await startSupergraph(subgraphs, startGateway);
  const actorCard = manifest.operations.find((o) => o.name === 'ActorCard')!.id;
  partnerKey = (
    await admin(
      `mutation { createPartnerKey(input: { name: "Partner", origins: ["https://partner.example"], rateLimitPerMinute: 10000, operationIds: ["${actorCard}"] }) { key } }`,
    )
  ).createPartnerKey.key;
  // A second gateway over the same subgraphs, in production mode, that remembers no partner key
  // check: revocation bites at once.
  strictGateway = await startGateway({
    port: 0,
    host: '127.0.0.1',
    supergraphSdl: readFileSync(path.join(repoRoot, 'schema/supergraph.graphql'), 'utf8'),
    subgraphUrls: h.subgraphUrls,
    production: true,
    log: () => undefined,
    logger: createLogger('gateway', 'silent'),
    auth: { partnerKeyCacheMs: 0 },
  });
  // And one whose signing secret is not the subgraphs': each of its fetches is refused with a 401.
  misconfiguredGateway = await startGateway({
    port: 0,
    host: '127.0.0.1',
    supergraphSdl: readFileSync(path.join(repoRoot, 'schema/supergraph.graphql'), 'utf8'),
    subgraphUrls: h.subgraphUrls,
    log: () => undefined,
    logger: createLogger('gateway', 'silent'),
    auth: { signingSecret: 'a-signing-secret-the-subgraphs-do-not-share' },
  });
}, 180_000);

afterAll(async () => {
  await misconfiguredGateway?.stop();
  await strictGateway?.stop();
  await h?.stop();
});

const files = ['http.json', 'complexity.json', 'variables.json', 'tokens.json', 'partners.json', 'cost.json', 'door.json'];
const cases = files.flatMap((f) => (corpus(f) as Case[]).map((c) => [`${f.replace('.json', '')}: ${c.name}`, c] as const));

test.each(cases)('%s', async (_name, c) => {
  const watched = [...new Set(['directory', c.writes ?? 'directory'])];
  const before = await Promise.all(watched.map(state));
  const tag = c.flood ? await flood(c.flood) : undefined;
  if (c.warm) expect((await send({ ...c, token: undefined, as: undefined })).headers.get('cache-control')).toMatch(/^public/);
  const res = await send(c);
  const raw = await res.text();
  expect(res.status).toBe(c.expect.status);
  // No internal address, in any answer: not the subgraphs' URLs, not Apollo's `extensions.response`.
  for (const url of Object.values(h.subgraphUrls)) expect(raw).not.toContain(new URL(url).host);
  expect(raw).not.toMatch(/"response":\{|localhost:\d/);
  if (c.expect.notFromCache) {
    expect(res.headers.get('age')).toBeNull();
    expect(res.headers.get('cache-control')).not.toMatch(/public/);
  }
  if (c.expect.seriesAtMost !== undefined) {
    for (const series of await requestSeries()) {
      expect(series.length).toBeLessThanOrEqual(c.expect.seriesAtMost);
      expect(series.join('\n')).not.toContain(tag);
    }
  }
  if (c.expect.code || res.status >= 400) {
    expect(res.headers.get('content-type')).toMatch(/^application\/(graphql-response\+)?json/);
    const body = JSON.parse(raw) as { errors?: { message: string; extensions?: { code?: string } }[] };
    if (c.expect.code) expect(body.errors?.map((e) => e.extensions?.code)).toContain(c.expect.code);
    if (c.expect.noData) expect(body).not.toHaveProperty('data');
    expect(raw).not.toMatch(/at \S+ \(|node_modules|SELECT |prisma|127\.0\.0\.1|ECONNREFUSED/);
  }
  if (c.expect.cors !== undefined) expect(res.headers.get('access-control-allow-origin')).toBe(c.expect.cors);
  if (c.expect.cache) expect(res.headers.get('cache-control')).toBe(c.expect.cache);
  if (res.status !== 200 || c.expect.code) expect(await Promise.all(watched.map(state))).toEqual(before);
});

describe('injection strings in every text argument', () => {
  const injection = corpus('injection.json') as {
    strings: string[];
    mutations: { field: string; subgraph: string; args: string; input: Record<string, unknown>; inputType: string }[];
  };
  let api: GraphQLSchema;
  beforeAll(() => {
    api = Supergraph.build(supergraphForGateway(readFileSync(path.join(repoRoot, 'schema/supergraph.graphql'), 'utf8')), {
      supportedFeatures: null,
    })
      .apiSchema()
      .toGraphQLJSSchema();
  });

  const isText = (t: GraphQLInputType) => ['String', 'ID'].includes(getNamedType(t).name);
  const sample = (t: GraphQLInputType): unknown => {
    const named = getNamedType(t);
    const v = named.name === 'Int' ? 1 : named.name === 'Boolean' ? false : isEnumType(named) ? named.getValues()[0].value : 'act-edf';
    return isListType(getNullableType(t)) ? [v] : v;
  };

  test('queries: every String or ID argument of every root field, anonymously', async () => {
    const fields = Object.values(api.getQueryType()!.getFields()).filter((f) => f.args.some((a) => isText(a.type)));
    expect(fields.length).toBeGreaterThan(10);
    for (const f of fields) {
      // Objects, interfaces (node, network) and unions need a selection; scalars none.
      const selection = isCompositeType(getNamedType(f.type)) ? '{ __typename }' : '';
      for (const arg of f.args.filter((a) => isText(a.type))) {
        const others = f.args.filter((a) => a !== arg && isNonNullType(a.type));
        const decl = [`$v: ${arg.type}`, ...others.map((a) => `$${a.name}: ${a.type}`)].join(', ');
        const args = [`${arg.name}: $v`, ...others.map((a) => `${a.name}: $${a.name}`)].join(', ');
        for (const s of injection.strings) {
          const variables = {
            v: isListType(getNullableType(arg.type)) ? [s] : s,
            ...Object.fromEntries(others.map((a) => [a.name, sample(a.type)])),
          };
          const res = await h.query(`query(${decl}) { ${f.name}(${args}) ${selection} }`, variables);
          const codes = (res.errors ?? []).map((e) => e.extensions?.code);
          expect([f.name, arg.name, s, res.status]).toEqual([
            f.name,
            arg.name,
            s,
            codes.includes('BAD_USER_INPUT') && res.status === 400 ? 400 : 200,
          ]);
          for (const code of codes)
            expect([f.name, s, code]).toEqual([
              f.name,
              s,
              expect.stringMatching(new RegExp(`^(${[...USER_ERRORS, 'UNAUTHENTICATED', 'FORBIDDEN'].join('|')})$`)),
            ]);
        }
      }
    }
  }, 120_000);

  test('mutations: every text field of every write input, as an admin; refused writes change nothing, accepted ones store the text verbatim', async () => {
    let fieldsTried = 0;
    for (const m of injection.mutations) {
      const inputType = getNullableType(
        api
          .getMutationType()!
          .getFields()
          [m.field].args.find((a) => a.name === 'input')!.type,
      );
      if (!isInputObjectType(inputType)) throw new Error(`${m.field} has no input object`);
      const textFields = Object.values(inputType.getFields()).filter((f) => getNamedType(f.type).name === 'String');
      for (const f of textFields) {
        fieldsTried++;
        for (const s of injection.strings) {
          const input = materialise(m.input) as Record<string, unknown>;
          if (input.actorId === '@newActor')
            input.actorId = (await admin(`mutation { createActor(input: { kind: COMPANY, name: "Cible" }) { id } }`)).createActor.id;
          input[f.name] = isListType(getNullableType(f.type)) ? [s] : s;
          const before = await state(m.subgraph);
          const res = await h
            .as('admin')
            .query(
              `mutation($input: ${m.inputType}) { ${m.field}(${m.args}) { __typename ${m.field === 'createPartnerKey' ? '' : 'id'} } }`,
              { input },
            );
          const code = res.errors?.[0]?.extensions?.code;
          expect([m.field, f.name, s, res.status < 500, code ?? 'ok']).toEqual([
            m.field,
            f.name,
            s,
            true,
            code ? expect.stringMatching(new RegExp(`^(${USER_ERRORS.join('|')})$`)) : 'ok',
          ]);
          if (code) expect([m.field, f.name, s, await state(m.subgraph)]).toEqual([m.field, f.name, s, before]);
          else if (typeof input[f.name] === 'string' && m.field === 'createActor' && ['name', 'description'].includes(f.name)) {
            const row = await h.clients.directory.actor.findUnique({ where: { id: res.data!.createActor.id } });
            expect(row[f.name]).toBe(s.trim());
          } else if (typeof input[f.name] === 'string' && m.field === 'updateClubInitiative') {
            const row = await h.clients.clubs.initiative.findUnique({ where: { id: res.data!.updateClubInitiative.id } });
            expect(row[f.name]).toBe(s.trim() || null);
          }
        }
      }
    }
    expect(fieldsTried).toBeGreaterThan(30);
  }, 300_000);
});

test('a revoked key is refused at once by a gateway without a key cache; a key over its rate limit gets 429', async () => {
  const actorCard = manifest.operations.find((o) => o.name === 'ActorCard')!.id;
  const created = await admin(
    `mutation { createPartnerKey(input: { name: "Short-lived", origins: ["https://p.example"], rateLimitPerMinute: 2, operationIds: ["${actorCard}"] }) { key partnerKey { id } } }`,
  );
  const c: Case = { name: 'x', method: 'GET', params: { id: '@ActorCard', variables: '{"siren":"552081317"}' }, expect: { status: 200 } };
  const get = async () => {
    const url = new URL(strictGateway.url);
    for (const [k, v] of Object.entries(c.params!)) url.searchParams.set(k, ids(v));
    url.searchParams.set('key', created.createPartnerKey.key);
    return fetch(url);
  };
  expect((await get()).status).toBe(200);
  expect((await get()).status).toBe(200);
  const limited = await get();
  expect(limited.status).toBe(429);
  expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(((await limited.json()) as any).errors[0].extensions.code).toBe('RATE_LIMITED');
  await admin(`mutation($id: ID!) { revokePartnerKey(id: $id) { active } }`, { id: created.createPartnerKey.partnerKey.id });
  const revoked = await get();
  expect(revoked.status).toBe(401);
  expect(((await revoked.json()) as any).errors[0].extensions.code).toBe('UNAUTHENTICATED');
});

test('in production: no introspection, no field suggestions', async () => {
  const introspection = await postGraphQL(strictGateway.url, '{ __schema { queryType { name } } }');
  expect(introspection.status).toBe(400);
  expect(introspection.errors![0].extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
  const typo = '{ actr(id: "act-edf") { name } }';
  expect((await h.query(typo)).errors![0].message).toMatch(/Did you mean "actor"/);
  const production = await postGraphQL(strictGateway.url, typo);
  expect(production.status).toBe(400);
  expect(production.errors![0].message).not.toMatch(/Did you mean/);
});

test('after all that, every service still serves', async () => {
  const ready = await fetch(h.gatewayUrl.replace(/\/graphql$/, '/ready'));
  expect(ready.status).toBe(200);
  const res = await h.query(
    `{ actorBySiren(siren: "552081317") { name councilMemberships { totalCount } } club(id: "cb-reseau-1234") { name } chamber(id: "ch-cci-herault") { name } }`,
  );
  expect(res.errors).toBeUndefined();
  expect(res.data!.actorBySiren.name).toBe('EDF');
  expect(await h.clients.directory.$queryRaw`SELECT count(*)::int AS n FROM actor`).toEqual([{ n: expect.any(Number) }]);
});
