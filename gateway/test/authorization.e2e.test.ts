import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEV_SIGNING_SECRET, gatewayHeaders, signViewer, VIEWER_HEADER, viewerOf } from '@maillage/viewer';
import { postAsGateway, postGraphQL, repoRoot, startSupergraph, type GraphQLResponse, type Harness } from '@maillage/testing';
import { startGateway } from '../src/server';
import { subgraphs } from './subgraphs';

// Every role against every mutation and every protected field, through the real gateway over HTTP.
// A refusal must name itself (UNAUTHENTICATED or FORBIDDEN) and leave the owning database as it was.
// Partners are keys that run registered operations only: through the gateway they never reach a
// subgraph with an arbitrary operation, so the table also sends each operation straight to the
// owning subgraph, signed as the gateway would for a partner, to show the subgraph refuses it too.

type Outcome = 'ok' | 'UNAUTHENTICATED' | 'FORBIDDEN';
const ROLES = ['anonymous', 'partner', 'editor', 'otherEditor', 'analyst', 'admin'] as const;
type RoleName = (typeof ROLES)[number];
type Expect = Record<RoleName, Outcome>;

const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'schema/operations/manifest.json'), 'utf8')) as {
  operations: { id: string; name: string }[];
};
const ACTOR_CARD = manifest.operations.find((o) => o.name === 'ActorCard')!.id;

// Networks the table writes to, and networks kept private for the read rows.
const WRITE = { Chamber: 'ch-cci-herault', Cluster: 'cl-aerospace-valley', Council: 'co-cmip', Club: 'cb-reseau-1234' } as const;
const PRIVATE = {
  Chamber: 'ch-cma-occitanie',
  Cluster: 'cl-digital-place',
  Council: 'co-think-tank-industrie',
  Club: 'cb-club-entrepreneurs-millavois',
} as const;
const CATEGORY = { Chamber: 'PARTNER', Cluster: 'COMPANY', Council: 'MEMBER', Club: 'MEMBER' } as const;
const SUBGRAPH = { Chamber: 'chambers', Cluster: 'clusters', Council: 'councils', Club: 'clubs' } as const;
type Kind = keyof typeof WRITE;
const KINDS = Object.keys(WRITE) as Kind[];
const field = (k: Kind) => k.toLowerCase();

const writeForEditors: Expect = {
  anonymous: 'UNAUTHENTICATED',
  partner: 'FORBIDDEN',
  editor: 'ok',
  otherEditor: 'FORBIDDEN',
  analyst: 'FORBIDDEN',
  admin: 'ok',
};
const createForEditors: Expect = { ...writeForEditors, otherEditor: 'ok' };
const adminOnly: Expect = {
  anonymous: 'UNAUTHENTICATED',
  partner: 'FORBIDDEN',
  editor: 'FORBIDDEN',
  otherEditor: 'FORBIDDEN',
  analyst: 'FORBIDDEN',
  admin: 'ok',
};
const privateRead: Expect = { ...adminOnly, analyst: 'ok' };
const privateMembers: Expect = { ...privateRead, editor: 'ok' };
const signedIn: Expect = { anonymous: 'UNAUTHENTICATED', partner: 'ok', editor: 'ok', otherEditor: 'ok', analyst: 'ok', admin: 'ok' };

let h: Harness;
let partnerKey: string;
const EDITOR = { subject: 'editor-a', networks: [...Object.values(WRITE), ...Object.values(PRIVATE)] };
const OTHER_EDITOR = { subject: 'editor-b', networks: ['cb-not-mine'] };

function request(role: Exclude<RoleName, 'partner'>, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse> {
  if (role === 'anonymous') return h.query(query, variables);
  if (role === 'editor') return h.as('editor', EDITOR).query(query, variables);
  if (role === 'otherEditor') return h.as('editor', OTHER_EDITOR).query(query, variables);
  return h.as(role).query(query, variables);
}

async function admin<D = any>(query: string, variables?: Record<string, unknown>): Promise<D> {
  const res = await h.as('admin').query(query, variables);
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data as D;
}

const outcome = (res: GraphQLResponse): string => (res.errors?.length ? String(res.errors[0].extensions?.code) : 'ok');

let seq = 0;
const newCompany = async (as: 'admin' | 'editor' = 'admin') => {
  const res = await request(as, `mutation($n: String!) { createActor(input: { kind: COMPANY, name: $n, communeCode: "34172" }) { id } }`, {
    n: `Authz ${++seq}`,
  });
  return res.data!.createActor.id as string;
};

const KIND_ENUM = { Chamber: 'CHAMBER', Cluster: 'CLUSTER', Council: 'COUNCIL', Club: 'CLUB' } as const;
const otherKind = (k: Kind) => KINDS[(KINDS.indexOf(k) + 1) % KINDS.length];

/** An initiative of the kind's WRITE network naming others, created by an editor of that network alone: proposals. */
async function proposal(k: Kind, names: Record<string, unknown>): Promise<string> {
  const res = await h
    .as('editor', { subject: 'editor-lead', networks: [WRITE[k]] })
    .query(`mutation($input: Create${k}InitiativeInput!) { create${k}Initiative(input: $input) { id } }`, {
      input: { [`${field(k)}Id`]: WRITE[k], kind: 'MEETING', status: 'PLANNED', name: 'Proposition', ...names },
    });
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return (res.data as Record<string, { id: string }>)[`create${k}Initiative`].id;
}

/** What a refused write must not change: row counts and the latest change of each table the rows touch. */
async function state(subgraph: string) {
  const db = h.clients[subgraph];
  if (subgraph === 'directory') {
    const [actors, roles, openRoles, keys, revoked, latest] = await Promise.all([
      db.actor.count(),
      db.role.count(),
      db.role.count({ where: { endDate: null } }),
      db.partnerKey.count(),
      db.partnerKey.count({ where: { revokedAt: { not: null } } }),
      db.actor.aggregate({ _max: { updatedAt: true } }),
    ]);
    return { actors, roles, openRoles, keys, revoked, latest: latest._max.updatedAt };
  }
  const [memberships, open, initiatives, privateLists, proposedLinks, latest] = await Promise.all([
    db.membership.count(),
    db.membership.count({ where: { endDate: null } }),
    db.initiative.count(),
    db.network.count({ where: { membersPublic: false } }),
    db.initiativeLink.count({ where: { status: 'PROPOSED' } }),
    // An initiative updated is entered anew: a refused update leaves the latest entry as it was.
    db.initiative.aggregate({ _max: { enteredAt: true } }),
  ]);
  return { memberships, open, initiatives, privateLists, proposedLinks, latestInitiative: latest._max.enteredAt };
}

interface Row {
  name: string;
  subgraph: string;
  query: string;
  expect: Expect;
  /** Fresh variables for one attempt (a row to end, an actor to update...). */
  prepare?: () => Promise<Record<string, unknown>>;
}

const rows: Row[] = [
  {
    name: 'createActor',
    subgraph: 'directory',
    expect: createForEditors,
    query: `mutation { createActor(input: { kind: COMPANY, name: "Authz SAS" }) { id } }`,
  },
  {
    name: 'updateActor (an actor the editor created)',
    subgraph: 'directory',
    expect: writeForEditors,
    prepare: async () => ({ id: await newCompany('editor') }),
    query: `mutation($id: ID!) { updateActor(id: $id, input: { website: "https://www.example.fr" }) { id } }`,
  },
  {
    name: 'updateActor (a seeded actor)',
    subgraph: 'directory',
    expect: adminOnly,
    query: `mutation { updateActor(id: "act-edf", input: { website: "https://www.edf.fr" }) { id } }`,
  },
  {
    name: 'addRole',
    subgraph: 'directory',
    expect: writeForEditors,
    prepare: async () => ({ org: await newCompany('editor') }),
    query: `mutation($org: ID!) { addRole(input: { personId: "act-damien-andre", organisationId: $org, title: "membre" }) { id } }`,
  },
  {
    name: 'endRole',
    subgraph: 'directory',
    expect: writeForEditors,
    prepare: async () => {
      const org = await newCompany('editor');
      const d = await admin(
        `mutation($org: ID!) { addRole(input: { personId: "act-damien-andre", organisationId: $org, title: "membre" }) { id } }`,
        { org },
      );
      return { id: d.addRole.id };
    },
    query: `mutation($id: ID!) { endRole(id: $id, endDate: "2030-01-01") { id } }`,
  },
  {
    name: 'createPartnerKey',
    subgraph: 'directory',
    expect: adminOnly,
    query: `mutation { createPartnerKey(input: { name: "Site", origins: ["https://site.example"], rateLimitPerMinute: 10, operationIds: ["${ACTOR_CARD}"] }) { key } }`,
  },
  {
    name: 'revokePartnerKey',
    subgraph: 'directory',
    expect: adminOnly,
    prepare: async () => {
      const d = await admin(
        `mutation { createPartnerKey(input: { name: "To revoke", origins: ["https://site.example"], rateLimitPerMinute: 10, operationIds: ["${ACTOR_CARD}"] }) { partnerKey { id } } }`,
      );
      return { id: d.createPartnerKey.partnerKey.id };
    },
    query: `mutation($id: ID!) { revokePartnerKey(id: $id) { id } }`,
  },
  { name: 'Query.partnerKeys', subgraph: 'directory', expect: adminOnly, query: `{ partnerKeys { totalCount } }` },
  {
    name: 'Actor.email and Actor.phone',
    subgraph: 'directory',
    expect: privateRead,
    query: `query($id: ID!) { actor(id: $id) { name email phone } }`,
    prepare: async () => ({ id: contactActorId }),
  },
  { name: 'Query.viewer', subgraph: 'directory', expect: signedIn, query: `{ viewer { role } }` },
  ...KINDS.flatMap((k): Row[] => [
    {
      name: `add${k}Membership`,
      subgraph: SUBGRAPH[k],
      expect: writeForEditors,
      prepare: async () => ({ a: await newCompany() }),
      query: `mutation($a: ID!) { add${k}Membership(input: { ${field(k)}Id: "${WRITE[k]}", actorId: $a, category: ${CATEGORY[k]} }) { id } }`,
    },
    {
      name: `end${k}Membership`,
      subgraph: SUBGRAPH[k],
      expect: writeForEditors,
      prepare: async () => {
        const a = await newCompany();
        const d = await admin(
          `mutation($a: ID!) { add${k}Membership(input: { ${field(k)}Id: "${WRITE[k]}", actorId: $a, category: ${CATEGORY[k]} }) { id } }`,
          { a },
        );
        return { id: d[`add${k}Membership`].id };
      },
      query: `mutation($id: ID!) { end${k}Membership(id: $id, endDate: "2030-01-01") { id } }`,
    },
    {
      name: `create${k}Initiative`,
      subgraph: SUBGRAPH[k],
      expect: writeForEditors,
      query: `mutation { create${k}Initiative(input: { ${field(k)}Id: "${WRITE[k]}", kind: MEETING, status: PLANNED, name: "Réunion" }) { id } }`,
    },
    {
      name: `update${k}Initiative`,
      subgraph: SUBGRAPH[k],
      expect: writeForEditors,
      prepare: async () => ({ i: await proposal(k, {}) }),
      query: `mutation($i: ID!) { update${k}Initiative(id: $i, input: { status: HELD, name: "Réunion tenue" }) { id } }`,
    },
    {
      name: `set${k}MemberListVisibility`,
      subgraph: SUBGRAPH[k],
      expect: writeForEditors,
      query: `mutation { set${k}MemberListVisibility(id: "${WRITE[k]}", visibility: PRIVATE) { id } }`,
    },
    // Agreed links: only who speaks for the one named decides (docs/architecture.md, "Agreed links").
    ...(['confirm', 'decline'] as const).flatMap((verb): Row[] => [
      {
        name: `${verb}${k}CoOrganisation`,
        subgraph: SUBGRAPH[k],
        expect: writeForEditors,
        prepare: async () => ({
          i: await proposal(k, { coOrganisers: [{ kind: KIND_ENUM[otherKind(k)], id: WRITE[otherKind(k)] }] }),
          n: WRITE[otherKind(k)],
        }),
        query: `mutation($i: ID!, $n: ID!) { ${verb}${k}CoOrganisation(initiativeId: $i, networkId: $n) { id } }`,
      },
      {
        name: `${verb}${k}Participation`,
        subgraph: SUBGRAPH[k],
        expect: writeForEditors,
        prepare: async () => {
          // A member of a network of the editor's (not of the lead's): the editor speaks for it.
          const a = await newCompany();
          await admin(
            `mutation($a: ID!) { add${k}Membership(input: { ${field(k)}Id: "${PRIVATE[k]}", actorId: $a, category: ${CATEGORY[k]} }) { id } }`,
            { a },
          );
          return { i: await proposal(k, { parties: [{ actorId: a, role: 'PARTICIPANT' }] }), a };
        },
        query: `mutation($i: ID!, $a: ID!) { ${verb}${k}Participation(initiativeId: $i, actorId: $a) { id } }`,
      },
    ]),
    {
      name: `${k}.members of a private list`,
      subgraph: SUBGRAPH[k],
      expect: privateMembers,
      query: `{ ${field(k)}(id: "${PRIVATE[k]}") { name members { totalCount } } }`,
    },
  ]),
];

let contactActorId: string;

beforeAll(async () => {
  h = await startSupergraph(subgraphs, startGateway);
  // Contact details of an organisation (no person's data is invented), and lists kept private.
  contactActorId = (
    await admin(
      `mutation { createActor(input: { kind: ASSOCIATION, name: "Contact Test", email: "contact@example.org", phone: "+33 4 00 00 00 00" }) { id } }`,
    )
  ).createActor.id;
  for (const k of KINDS) await admin(`mutation { set${k}MemberListVisibility(id: "${PRIVATE[k]}", visibility: PRIVATE) { id } }`);
  partnerKey = (
    await admin(
      `mutation { createPartnerKey(input: { name: "Partner", origins: ["https://partner.example"], rateLimitPerMinute: 10000, operationIds: ["${ACTOR_CARD}"] }) { key } }`,
    )
  ).createPartnerKey.key;
}, 180_000);

afterAll(async () => h?.stop());

// Written rows must be put back so that the next role starts from the same place.
afterEach(async () => {
  for (const k of KINDS) await admin(`mutation { set${k}MemberListVisibility(id: "${WRITE[k]}", visibility: PUBLIC) { id } }`);
});

const cases = rows.flatMap((row) => ROLES.map((role) => [row.name, role, row.expect[role], row] as const));

test.each(cases)('%s as %s: %s', async (_name, role, expected, row) => {
  const variables = (await row.prepare?.()) ?? {};
  const before = await state(row.subgraph);
  let res: GraphQLResponse;
  if (role === 'partner') {
    // Through the gateway: a partner key runs registered operations only.
    const url = new URL(h.gatewayUrl);
    url.searchParams.set('query', row.query);
    url.searchParams.set('variables', JSON.stringify(variables));
    url.searchParams.set('key', partnerKey);
    const viaGateway = await fetch(url, { headers: { accept: 'application/graphql-response+json', origin: 'https://partner.example' } });
    expect(viaGateway.status).toBe(403);
    expect(((await viaGateway.json()) as GraphQLResponse).errors![0].extensions!.code).toBe('OPERATION_NOT_ALLOWED');
    // Had it reached the owning subgraph, the subgraph would refuse it as well.
    res = await postAsGateway(h.subgraphUrls[row.subgraph], row.query, variables, 'partner');
  } else {
    res = await request(role, row.query, variables);
  }
  expect(outcome(res)).toBe(expected);
  if (expected === 'ok') {
    expect(res.status).toBe(200);
    expect(res.data).toBeTruthy();
  } else {
    expect(res.errors![0].message).not.toMatch(/internal|stack|select|prisma/i);
    expect(await state(row.subgraph)).toEqual(before);
  }
});

test('the viewer the subgraph sees is the one the token names', async () => {
  const res = await h
    .as('editor', { subject: 'editor-z', networks: ['cb-reseau-1234'] })
    .query(`{ viewer { role scopes networks subject partnerId } }`);
  expect(res.data!.viewer).toEqual({
    role: 'editor',
    scopes: ['network:edit'],
    networks: ['cb-reseau-1234'],
    subject: 'editor-z',
    partnerId: null,
  });
});

test('direct calls to a subgraph without the gateway’s signature are refused', async () => {
  const query = `mutation { createActor(input: { kind: COMPANY, name: "Around the gateway" }) { id } }`;
  const before = await state('directory');
  for (const [name, url] of Object.entries(h.subgraphUrls)) {
    const unsigned = await postGraphQL(url, '{ __typename }');
    expect([name, unsigned.status, unsigned.errors?.[0].extensions?.code]).toEqual([name, 401, 'UNAUTHENTICATED']);
  }
  const unsigned = await postGraphQL(h.subgraphUrls.directory, query);
  // Signed with another secret, or signed for another query (a replayed header): both refused.
  const forged = await postAsGateway(h.subgraphUrls.directory, query, undefined, 'admin', 'not-the-secret-the-gateway-and-subgraphs-share');
  const signedFor = await postAsGateway<any>(h.subgraphUrls.directory, '{ __typename }', undefined, 'admin');
  expect(signedFor.status).toBe(200);
  const captured = await gatewayHeaders(
    viewerOf({ scopes: ['admin'], subject: 'x' }),
    DEV_SIGNING_SECRET,
    'directory',
    JSON.stringify({ query: '{ __typename }' }),
  );
  const replayed = await postGraphQL(h.subgraphUrls.directory, query, undefined, undefined, captured);
  // A statement alone, without the binding of its request.
  const unbound = await postGraphQL(h.subgraphUrls.directory, query, undefined, undefined, {
    [VIEWER_HEADER]: await signViewer(viewerOf({ scopes: ['admin'], subject: 'x' }), DEV_SIGNING_SECRET, 'directory'),
  });
  for (const res of [unsigned, forged, replayed, unbound]) {
    expect(res.status).toBe(401);
    expect(res.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
  }
  expect(await state('directory')).toEqual(before);
  expect((await h.query(`{ actor(id: "act-edf") { name } }`)).data!.actor.name).toBe('EDF');
});
