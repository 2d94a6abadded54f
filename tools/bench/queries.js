// The benchmark's operations. Every field is public: the peers' requests reach the subgraphs
// unsigned, as anonymous, and every synthetic member list is public.
const { readFileSync } = require('node:fs');
const path = require('node:path');
// Cursors are signed by the subgraphs (development secret here): the bench pages ahead as a client
// that has read the earlier pages would.
const { encodeCursor, encodeKeyCursor } = require('@maillage/subgraph-server');

const TERRITORY = 'DEP-34';

/** (a) one subgraph: an actor by id. */
const lookup = {
  name: 'a',
  label: '(a) lookup, one subgraph',
  query: `query Lookup($id: ID!) { actor(id: $id) { id name kind sector { code } } }`,
  variables: { id: 'syn-a-000042' },
};

/**
 * (a2) the same lookup, a different actor at every request (a stride through the whole table): what
 * the gateway costs when sharing in-flight fetches cannot help, since no two requests ask the same.
 */
function lookupEach(actors) {
  let n = 0;
  return {
    ...lookup,
    name: 'a2',
    label: '(a2) lookup, one subgraph, a different actor each request',
    // 7919 is prime, so the stride visits every actor before it repeats one.
    vary: () => ({ id: `syn-a-${String((n++ * 7919) % actors).padStart(6, '0')}` }),
  };
}

const membershipsOf = `
      chamberMemberships { nodes { chamber { name } } }
      clusterMemberships { nodes { cluster { name } } }
      councilMemberships { nodes { council { name } } }
      clubMemberships { nodes { club { name } } }`;

/** (b) fan-out: `first` actors (pages of 100 at most, as aliases) with their memberships in the four kinds of network. */
function fanOut(actors = 50) {
  const pages = [];
  for (let offset = 0; offset < actors; offset += 100) {
    const after = offset ? `, after: "${encodeCursor(offset - 1)}"` : '';
    pages.push(
      `p${offset / 100}: actors(territoryId: $territoryId, first: ${Math.min(100, actors - offset)}${after}) { nodes { id name${membershipsOf} } }`,
    );
  }
  return {
    name: 'b',
    label: `(b) ${actors} actors, fan-out to 5 subgraphs`,
    query: `query FanOut($territoryId: ID!) {\n  ${pages.join('\n  ')}\n}`,
    variables: { territoryId: TERRITORY },
    // About 165 points an actor (four membership pages of 20): past 60 actors, above the 10,000 an
    // anonymous operation may cost at Maillage's door.
    signedIn: actors > 60,
  };
}

/**
 * Ranks drawn from a Zipf law, P(rank k) ∝ 1 / k^s over 1..n, from a seeded generator (mulberry32):
 * a few hot items come back often, most are rare, and two runs with one seed draw the same sequence.
 */
function zipf(n, s = 1.1, seed = 2026) {
  const cdf = new Float64Array(n);
  let total = 0;
  for (let k = 1; k <= n; k++) cdf[k - 1] = total += 1 / k ** s;
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => {
    const u = random() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

/** The whole région: every actor is on one of its pages. */
const REGION = 'REG-76';
// Which page a rank is: a fixed shuffle (7919 is prime), so that the hot pages are spread over the région, not its first actors.
const pageOfRank = (rank, pages) => (rank * 7919) % pages;
const offsetCursors = (page, size) => (page ? encodeCursor(page * size - 1) : null);

/**
 * The cursors a client paging the région by `size` holds: the key cursor (name and id, as the
 * directory signs them) of the last actor of every page, read from the directory's database in one
 * statement, in the lists' order. `offsets: true` gives the offset cursors issued before the lists
 * were keyed (still served, by OFFSET): what paging cost before, in the same run.
 */
async function regionCursors(directoryUrl, { offsets = false } = {}) {
  if (offsets) return offsetCursors;
  const pg = require('pg');
  const client = new pg.Client({ connectionString: directoryUrl });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT search_name, id FROM actor WHERE reach @> ARRAY[$1::text] ORDER BY search_name, id', [
      REGION,
    ]);
    return (page, size) => {
      if (!page) return null;
      const at = rows[page * size - 1];
      return encodeKeyCursor('actors', page * size - 1, [at.search_name, at.id]);
    };
  } finally {
    await client.end();
  }
}

/**
 * (b2) the fan-out of (b), 50 actors with their memberships, over a different page of the région's
 * actors at each request: page ranks drawn Zipf s=1.1 over every page (seeded), so some pages (and
 * their actors, and the networks they belong to) are hot and most are not.
 */
function fanOutEach(actors, { seed = 2026, s = 1.1, cursors = offsetCursors } = {}) {
  const size = 50;
  const pages = Math.max(1, Math.floor(actors / size));
  const draw = zipf(pages, s, seed);
  return {
    name: 'b2',
    label: `(b2) ${size} actors, fan-out to 5 subgraphs, a page drawn Zipf s=${s} over ${pages} pages each request`,
    query: `query FanOutPage($territoryId: ID!, $after: String) {\n  p0: actors(territoryId: $territoryId, first: ${size}, after: $after) { nodes { id name${membershipsOf} } }\n}`,
    variables: { territoryId: REGION, after: null },
    vary: () => ({ territoryId: REGION, after: cursors(pageOfRank(draw(), pages), size) }),
  };
}

/** (c) deep, as in the public benchmark: actors -> memberships -> network -> members -> actor -> territory. */
const deep = {
  name: 'c',
  label: '(c) deep, actors > memberships > network > members > actor > territory',
  query: `query Deep($territoryId: ID!) {
  actors(territoryId: $territoryId, first: 17) {
    nodes {
      id name
      clubMemberships(first: 2) { nodes { club { id name members(first: 8) { nodes { actor { id name kind commune { name } departement { name } } } } } } }
      clusterMemberships(first: 2) { nodes { cluster { id name members(first: 8) { nodes { actor { id name kind commune { name } departement { name } } } } } } }
    }
  }
}`,
  variables: { territoryId: TERRITORY },
  // Maillage gets it from a signed-in analyst (a bearer token verified per request, as in the
  // earlier runs); its cost (2,432 points, tools/bench/demand-control.js) would pass anonymously too.
  signedIn: true,
};

/**
 * (c2) the deep query of (c) from a different starting set at each request: its 17 actors are a page
 * of the région's, page ranks drawn Zipf s=1.1 over every page (seeded). The networks and members
 * it reaches are as hot as they are in the data: big networks come back from many starting sets.
 */
function deepEach(actors, { seed = 2027, s = 1.1, cursors = offsetCursors } = {}) {
  const size = 17;
  const pages = Math.max(1, Math.floor(actors / size));
  const draw = zipf(pages, s, seed);
  return {
    ...deep,
    name: 'c2',
    label: `(c2) deep, a starting page of ${size} actors drawn Zipf s=${s} over ${pages} pages each request`,
    query: deep.query
      .replace('query Deep($territoryId: ID!)', 'query DeepPage($territoryId: ID!, $after: String)')
      .replace('first: 17)', 'first: 17, after: $after)'),
    variables: { territoryId: REGION, after: null },
    vary: () => ({ territoryId: REGION, after: cursors(pageOfRank(draw(), pages), size) }),
  };
}

/** (d) the public persisted query a partner page sends: GET, by id (schema/operations). */
function persisted() {
  const manifest = JSON.parse(readFileSync(path.resolve(__dirname, '../../schema/operations/manifest.json'), 'utf8'));
  const op = manifest.operations.find((o) => o.name === 'NetworksInTerritory');
  return { name: 'd', label: '(d) persisted query over GET, public', id: op.id, query: op.body, variables: { territoryId: TERRITORY } };
}

/** The autocannon request of an operation: POST JSON, or GET by persisted id (the peers, which have no manifest, get the text). */
function request(op, { byId = false, token } = {}) {
  const headers = {
    'content-type': 'application/json',
    accept: 'application/json',
    ...(op.signedIn && token ? { authorization: `Bearer ${token}` } : {}),
  };
  if (op.name === 'd') {
    const params = new URLSearchParams(byId ? { id: op.id } : { query: op.query });
    params.set('variables', JSON.stringify(op.variables));
    // Apollo's CSRF prevention wants a non-simple header on GET; Maillage's door sets it for registered operations.
    return {
      method: 'GET',
      path: `?${params}`,
      headers: byId ? { accept: 'application/json' } : { accept: 'application/json', 'apollo-require-preflight': 'true' },
    };
  }
  const body = (variables) => JSON.stringify({ query: op.query, variables });
  return { method: 'POST', path: '', headers, body: body(op.variables), ...(op.vary ? { nextBody: () => body(op.vary()) } : {}) };
}

module.exports = {
  offsetCursors,
  lookup,
  lookupEach,
  fanOut,
  fanOutEach,
  deep,
  deepEach,
  persisted,
  request,
  zipf,
  regionCursors,
  TERRITORY,
};
