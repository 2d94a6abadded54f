import { service as clubs } from '@maillage/clubs';
import { service as directory } from '@maillage/directory';
import { postAsGateway, postGraphQL, startSupergraph, tokenFor, type Harness } from '@maillage/testing';
import { startGateway, type RunningGateway } from '../src/server';
import { caughtUp } from './change-feed';

// The root-field cache behind a real gateway following the subgraphs' change logs: a page of
// actors (what (b2) and (c2) start from) is served from it when asked again, and dropped when the
// log delivers a change to an actor in it, or an actor entering it; a private member list stays
// with its viewers; mutations and errors are never kept. Bounds are measured and printed.

/** Generous: the follower reads each log every 100 ms; this is no timing test. */
const FRESH_WITHIN_MS = 2000;
const CLUB = 'cb-reseau-1234';
const REGION = 'REG-76';

let h: Harness;
let g: RunningGateway;

beforeAll(async () => {
  h = await startSupergraph(
    [directory, clubs] as never[],
    async (o) => (g = await startGateway({ ...o, entityCache: { feed: { subgraphs: ['directory', 'clubs'], pollMs: 100 } } })),
    { persistent: true },
  );
}, 180_000);
afterAll(() => h?.stop());
beforeEach(() => caughtUp(g, h.subgraphUrls));

async function metric(pattern: RegExp): Promise<number> {
  const text = await fetch(g.metricsUrl).then((r) => r.text());
  return [...text.matchAll(new RegExp(pattern.source, 'gm'))].reduce((sum, m) => sum + Number(m[1]), 0);
}
const rootLookups = (outcome: string, field = '[^"]+') =>
  metric(new RegExp(`^maillage_gateway_root_cache_lookups_total\\{[^}]*field="${field}"[^}]*outcome="${outcome}"[^}]*\\} (\\S+)$`));
/** Root-field hits and misses of one read. */
async function looked<T>(read: () => Promise<T>) {
  const [h0, m0] = [await rootLookups('hit'), await rootLookups('miss')];
  const result = await read();
  return { result, hit: (await rootLookups('hit')) - h0, miss: (await rootLookups('miss')) - m0 };
}

async function freshWithin(read: () => Promise<boolean>, since: number, withinMs = FRESH_WITHIN_MS) {
  let stale = 0;
  for (;;) {
    if (await read()) return { ms: performance.now() - since, stale };
    stale++;
    if (performance.now() - since > withinMs) throw new Error(`still stale ${withinMs} ms after the write (${stale} stale reads)`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

// (b2)'s shape: a page of the région's actors, root field of the directory, with their clubs (entity fetches).
const PAGE = `query Page($t: ID!, $after: String) { p0: actors(territoryId: $t, first: 10, after: $after) { nodes { id name clubMemberships { nodes { club { name } } } } } }`;
type Page = { p0: { nodes: { id: string; name: string }[] } };
const page = async (headers: Record<string, string> = {}) => {
  const res = await postGraphQL<Page>(g.url, PAGE, { t: REGION, after: null }, undefined, headers);
  expect(res.errors).toBeUndefined();
  return res.data!.p0.nodes;
};
const admin = async () => ({ authorization: `Bearer ${await tokenFor('admin')}` });

test('a page of actors is a root-field hit the second time, and the same answer as the first', async () => {
  const first = await looked(page);
  expect(first.miss).toBe(1);
  const second = await looked(page);
  expect(second).toMatchObject({ hit: 1, miss: 0 });
  expect(second.result).toEqual(first.result);
});

test('an actor of the page renamed straight at the directory: fresh once its change log delivers it, and a hit again after', async () => {
  const [actor] = await page();
  await page();
  const renamed = `${actor.name} (racine)`;
  const t0 = performance.now();
  expect(
    (await postAsGateway(h.subgraphUrls.directory, `mutation { updateActor(id: "${actor.id}", input: { name: "${renamed}" }) { id } }`))
      .errors,
  ).toBeUndefined();
  try {
    const { ms, stale } = await freshWithin(async () => (await page()).some((a) => a.id === actor.id && a.name === renamed), t0);
    const waited = await caughtUp(g, h.subgraphUrls);
    for (let i = 0; i < 3; i++) expect((await page()).find((a) => a.id === actor.id)?.name).toBe(renamed);
    expect((await looked(page)).hit).toBe(1);
    console.log(
      `root-field cache, an actor of a cached page renamed straight at the directory: fresh ${ms.toFixed(0)} ms after the write (${stale} stale reads before); every log delivered ${waited.toFixed(0)} ms after that`,
    );
  } finally {
    await postAsGateway(h.subgraphUrls.directory, `mutation { updateActor(id: "${actor.id}", input: { name: "${actor.name}" }) { id } }`);
  }
});

test('an actor created through the gateway that enters the page: in it once the log delivers the new actor (its list type)', async () => {
  await page();
  expect((await looked(page)).hit).toBe(1);
  const t0 = performance.now();
  // First by name in the région (Montpellier): it enters the first page.
  const created = await postGraphQL<any>(
    g.url,
    `mutation { createActor(input: { kind: COMPANY, name: "AAA Atelier du cache", communeCode: "34172" }) { id } }`,
    {},
    undefined,
    await admin(),
  );
  expect(created.errors).toBeUndefined();
  const id = created.data.createActor.id as string;
  const { ms, stale } = await freshWithin(async () => (await page()).some((a) => a.id === id), t0);
  console.log(
    `root-field cache, an actor created through the gateway: in the cached page ${ms.toFixed(0)} ms after the mutation (${stale} stale reads before)`,
  );
  expect((await page())[0].id).toBe(id);
});

test('a mutation is never kept: asked twice, run twice', async () => {
  const headers = await admin();
  const ids = new Set<string>();
  for (let i = 0; i < 2; i++) {
    const res = await postGraphQL<any>(
      g.url,
      `mutation { createActor(input: { kind: COMPANY, name: "Zz twice", communeCode: "34172" }) { id name } }`,
      {},
      undefined,
      headers,
    );
    expect(res.errors).toBeUndefined();
    ids.add(res.data.createActor.id);
  }
  expect(ids.size).toBe(2);
  expect(await metric(/^maillage_gateway_root_cache_lookups_total\{[^}]*field="createActor"[^}]*\} (\S+)$/)).toBe(0);
});

test('an answer with errors is never kept: asked twice, the subgraph answers twice', async () => {
  const BAD = `query { actors(territoryId: "${REGION}", first: 5, after: "not-a-cursor") { nodes { id name clubMemberships { totalCount } } } }`;
  const r = await looked(async () => {
    for (let i = 0; i < 2; i++) {
      const res = await postGraphQL<any>(g.url, BAD);
      expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
  });
  expect(r).toMatchObject({ hit: 0, miss: 2 });
});

test("a member list made private: the analyst's root entry is read by analysts only, never by anonymous callers or another network's editor", async () => {
  // Root field of the clubs subgraph; the cache asks for each membership's network (its visibility dependency).
  const MEMBERS = `query($id: ID!) { club(id: $id) { name members(first: 50) { nodes { category actor { id } } } } }`;
  // A private list refuses anonymous callers (UNAUTHENTICATED) and other networks' editors (FORBIDDEN): their answers name no member.
  const count = async (headers: Record<string, string> = {}) => {
    const res = await postGraphQL<any>(g.url, MEMBERS, { id: CLUB }, undefined, headers);
    return (res.data?.club?.members?.nodes.length ?? res.errors?.[0]?.extensions?.code) as number | string;
  };
  const analyst = { authorization: `Bearer ${await tokenFor('analyst')}` };
  const editor = { authorization: `Bearer ${await tokenFor('editor', { networks: ['cb-other'] })}` };
  const publicBefore = await count();
  expect(publicBefore).toBeGreaterThan(0);
  await count();
  const visibility = (v: 'PUBLIC' | 'PRIVATE') =>
    postAsGateway(h.subgraphUrls.clubs, `mutation { setClubMemberListVisibility(id: "${CLUB}", visibility: ${v}) { id } }`);
  const t0 = performance.now();
  expect((await visibility('PRIVATE')).errors).toBeUndefined();
  try {
    const hidden = await freshWithin(async () => (await count()) === 'UNAUTHENTICATED', t0);
    await caughtUp(g, h.subgraphUrls);
    expect(await count(analyst)).toBe(publicBefore);
    expect(await looked(() => count(analyst))).toMatchObject({ hit: 1, result: publicBefore }); // from the analysts' entry
    expect(await count()).toBe('UNAUTHENTICATED');
    expect(await count(editor)).toBe('FORBIDDEN');
    console.log(
      `root-field cache, a member list made private straight at clubs: hidden from anonymous readers ${hidden.ms.toFixed(0)} ms after`,
    );
  } finally {
    await visibility('PUBLIC');
  }
  const shown = await freshWithin(async () => (await count()) === publicBefore, performance.now());
  console.log(`root-field cache, the member list public again: shown ${shown.ms.toFixed(0)} ms after`);
});
