import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { postGraphQL, startSupergraph, tokenFor, type Harness } from '@maillage/testing';
import { parse, type OperationDefinitionNode } from 'graphql';
import { startHiveGateway } from '../src/hive/server';
import { startGateway } from '../src/server';
import { subgraphs } from './subgraphs';

// The playground's example operations through Hive Gateway with the Maillage plugin, on the same
// subgraphs as Maillage's gateway: every read answers the same data through both, and the
// mutations of example 6 write through Hive (signed as the caller) and read back through Maillage's.
const EXAMPLES = path.join(__dirname, '../examples');
const operationsOf = (file: string) =>
  parse(readFileSync(path.join(EXAMPLES, file), 'utf8')).definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === 'OperationDefinition',
  );

let h: Harness;
let hive: Awaited<ReturnType<typeof startHiveGateway>>;
let analyst: Record<string, string>;
let admin: Record<string, string>;

beforeAll(async () => {
  h = await startSupergraph(subgraphs, startGateway);
  hive = await startHiveGateway({
    port: 0,
    host: '127.0.0.1',
    supergraphSdl: readFileSync(path.join(__dirname, '../../schema/supergraph.graphql'), 'utf8'),
    subgraphUrls: h.subgraphUrls,
  });
  analyst = { authorization: `Bearer ${await tokenFor('analyst')}` };
  admin = { authorization: `Bearer ${await tokenFor('admin')}` };
}, 180_000);
afterAll(async () => {
  await hive?.stop();
  await h?.stop();
});

const reads = readdirSync(EXAMPLES)
  .filter((f) => f.endsWith('.graphql') && !f.startsWith('6-'))
  .flatMap((f) => operationsOf(f).map((op) => [f, op.name!.value] as const));

const sameAnswer = async (file: string, name: string) => {
  // The whole file, as the playground sends it: operations share its fragments.
  const query = readFileSync(path.join(EXAMPLES, file), 'utf8');
  const viaHive = await postGraphQL(hive.url, query, undefined, name, analyst);
  const viaMaillage = await postGraphQL(h.gatewayUrl, query, undefined, name, analyst);
  expect(viaHive.errors).toBeUndefined();
  expect(viaHive.status).toBe(200);
  expect(viaHive.data).toEqual(viaMaillage.data);
  expect(viaMaillage.errors).toBeUndefined();
};
// Example 5 reads co-organisers (`[Network]`) from the lead's subgraph, where the other kinds are
// placeholders: Hive Gateway plans it because a network subgraph's `Network` declares only `id`
// (templates/shared/sdl/node-interfaces.graphql says why; test/hive-planner.inprocess.test.ts shows the shape it refuses).
test.each(reads)('%s %s: the same answer through Hive Gateway as through Maillage’s', sameAnswer);

test('co-organisers of another kind, every way a client reads them: the same answer through Hive Gateway as through Maillage’s', async () => {
  // Each read that Hive Gateway refused while the network subgraphs declared the interface's fields
  // @external on the other kinds' placeholders: on the interface, in a fragment per kind, and through
  // the agreements (`coOrganisations`).
  const query = `{ initiatives(jointOnly: true) { nodes { id organiser { kind }
    coOrganisers { __typename kind name shortName active memberCount scope { id } ... on Chamber { subtype } ... on Cluster { name } }
    coOrganisations { status network { __typename id name ... on Council { name } } } } } }`;
  const viaHive = await postGraphQL<any>(hive.url, query, undefined, undefined, analyst);
  const viaMaillage = await postGraphQL<any>(h.gatewayUrl, query, undefined, undefined, analyst);
  expect(viaHive.errors).toBeUndefined();
  expect(viaMaillage.errors).toBeUndefined();
  expect(viaHive.data).toEqual(viaMaillage.data);
  // Not an empty list compared with itself: a co-organiser of another kind than its lead, named.
  const crossKind = viaHive.data.initiatives.nodes.flatMap((n: any) => n.coOrganisers.filter((c: any) => c.kind !== n.organiser.kind));
  expect(crossKind.length).toBeGreaterThan(0);
  expect(crossKind.every((c: any) => typeof c.name === 'string' && c.name.length > 0)).toBe(true);
});

test('6. the mutations, through Hive Gateway, signed as the admin who sent them', async () => {
  const file = readFileSync(path.join(EXAMPLES, '6-mutations.graphql'), 'utf8');
  const run = (name: string, variables?: Record<string, unknown>, headers = admin) =>
    postGraphQL<any>(hive.url, file, variables, name, headers);
  const created = await run('CreateActor');
  expect(created.errors).toBeUndefined();
  const actor = created.data.createActor;
  expect(actor).toMatchObject({ name: 'Exemple SARL', commune: { name: 'Millau' }, departement: { name: 'Aveyron' } });
  const added = await run('AddMembership', { actorId: actor.id });
  expect(added.errors).toBeUndefined();
  expect(added.data.addClubMembership).toMatchObject({ active: true, club: { name: 'Réseau 1234' } });
  // Written through Hive, read through Maillage's gateway.
  const back = await h.query<any>(`query($id: ID!) { actor(id: $id) { name clubMemberships { nodes { club { id } } } } }`, {
    id: actor.id,
  });
  expect(back.data!.actor).toEqual({ name: 'Exemple SARL', clubMemberships: { nodes: [{ club: { id: 'cb-reseau-1234' } }] } });
  // Anonymous through Hive: the subgraph refuses, as behind Maillage's gateway.
  const anonymous = await run('CreateActor', undefined, {});
  expect(anonymous.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
});

test('6. a joint initiative created through Hive Gateway, its co-organiser of another kind read back', async () => {
  const file = readFileSync(path.join(EXAMPLES, '6-mutations.graphql'), 'utf8');
  const initiative = await postGraphQL<any>(hive.url, file, undefined, 'CreateJointInitiative', admin);
  expect(initiative.errors).toBeUndefined();
  expect(initiative.data.createClubInitiative).toMatchObject({
    joint: true,
    coOrganisers: [{ __typename: 'Chamber', name: 'CCI Hérault' }],
  });
});

test('a bad token is refused by the plugin with 401, before any subgraph fetch', async () => {
  const res = await postGraphQL(hive.url, '{ viewer { role } }', undefined, undefined, { authorization: 'Bearer not.a.token' });
  expect(res.status).toBe(401);
  expect(res.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
  expect(res.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
});

test('a partner key runs its registered operation by id over GET, and nothing else', async () => {
  const manifest = JSON.parse(readFileSync(path.join(__dirname, '../../schema/operations/manifest.json'), 'utf8')) as {
    operations: { id: string; name: string }[];
  };
  const actorCard = manifest.operations.find((o) => o.name === 'ActorCard')!.id;
  const created = await postGraphQL<any>(
    h.gatewayUrl,
    `mutation($op: String!) { createPartnerKey(input: { name: "Hive partner", origins: ["https://partner.example"], rateLimitPerMinute: 2, operationIds: [$op] }) { key } }`,
    { op: actorCard },
    undefined,
    admin,
  );
  const key = created.data.createPartnerKey.key as string;
  const get = (params: Record<string, string>, origin = 'https://partner.example') =>
    fetch(`${hive.url}?${new URLSearchParams({ key, ...params })}`, { headers: { accept: 'application/graphql-response+json', origin } });
  const ok = await get({ id: actorCard, variables: JSON.stringify({ siren: '552081317' }) });
  expect(ok.status).toBe(200);
  expect(((await ok.json()) as any).data.actorBySiren.name).toBe('EDF');
  const elsewhere = await get({ id: actorCard, variables: JSON.stringify({ siren: '552081317' }) }, 'https://evil.example');
  expect([elsewhere.status, ((await elsewhere.json()) as any).errors[0].extensions.code]).toEqual([403, 'ORIGIN_NOT_ALLOWED']);
  const arbitrary = await get({ query: '{ partnerKeys { totalCount } }' });
  expect([arbitrary.status, ((await arbitrary.json()) as any).errors[0].extensions.code]).toEqual([403, 'OPERATION_NOT_ALLOWED']);
  await get({ id: actorCard, variables: JSON.stringify({ siren: '552081317' }) });
  const over = await get({ id: actorCard, variables: JSON.stringify({ siren: '552081317' }) });
  expect([over.status, ((await over.json()) as any).errors[0].extensions.code]).toEqual([429, 'RATE_LIMITED']);
  expect(over.headers.get('retry-after')).toMatch(/^\d+$/);
});
