// The soak's writes (`--soak-writes N`): N a second while the reads go on, so that the entity cache
// is invalidated as it is filled, by both paths: half through the gateway (the mutation's own
// invalidation, then its change-log entry), half straight at a subgraph, signed as a gateway would
// sign, which only the change feed tells the cache of. In turn: an actor renamed and renamed back,
// a club membership added then ended, a club's member list made private then public again.
const { devToken, gatewayHeaders, viewerOf, SCOPES_OF_ROLE, DEV_SIGNING_SECRET } = require('@maillage/viewer');
const { zipf } = require('./queries');

const RENAME = `mutation SoakRename($id: ID!, $name: String!) { updateActor(id: $id, input: { name: $name }) { id name } }`;
const ADD = `mutation SoakAdd($input: AddClubMembershipInput!) { addClubMembership(input: $input) { id } }`;
const END = `mutation SoakEnd($id: ID!) { endClubMembership(id: $id, endDate: "2026-06-30") { id } }`;
const VISIBILITY = `mutation SoakVisibility($id: ID!, $v: MemberListVisibility!) { setClubMemberListVisibility(id: $id, visibility: $v) { id } }`;
const SUFFIX = ' (soak)';

/**
 * Starts writing `rate` times a second; `stop()` resolves with the counts once the last write is
 * answered and every change is undone (names back, memberships ended, lists public).
 */
async function startWrites({ gatewayUrl, subgraphs, actors, rate, log }) {
  const admin = await devToken('admin', { subject: 'bench-writer', expiresIn: '24h' });
  const viewer = viewerOf({ scopes: SCOPES_OF_ROLE.admin, subject: 'bench-writer' });
  const viaGateway = async (query, variables) => {
    const res = await fetch(gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
      body: JSON.stringify({ query, variables }),
    });
    return res.json();
  };
  const straight = async (subgraph, query, variables) => {
    const body = JSON.stringify({ query, variables });
    const res = await fetch(subgraphs[subgraph].url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await gatewayHeaders(viewer, DEV_SIGNING_SECRET, subgraph, body)) },
      body,
    });
    return res.json();
  };
  // Hot actors come back (Zipf over the table, in a fixed shuffle), as the reads' pages do.
  const draw = zipf(actors, 1.1, 2028);
  const actorAt = () => `syn-a-${String((draw() * 7919) % actors).padStart(6, '0')}`;
  const clubs = (await viaGateway(`{ clubs(first: 50) { nodes { id } } }`)).data.clubs.nodes.map((n) => n.id);
  const counts = { writes: 0, refused: 0, failed: 0, viaGateway: 0, straight: 0, ms: [] };
  const renamed = new Map(); // id -> original name
  const added = [];
  const privateClubs = new Set();
  let i = 0;
  const one = async () => {
    const through = i % 2 === 0;
    const send = (subgraph, query, variables) => {
      counts[through ? 'viaGateway' : 'straight']++;
      return through ? viaGateway(query, variables) : straight(subgraph, query, variables);
    };
    const kind = i++ % 6;
    let answer;
    if (kind <= 1) {
      const id = actorAt();
      const name = renamed.get(id) ?? (await viaGateway(`query($id: ID!) { actor(id: $id) { name } }`, { id })).data?.actor?.name;
      if (!name) return;
      if (renamed.has(id)) renamed.delete(id);
      else renamed.set(id, name);
      answer = await send('directory', RENAME, { id, name: renamed.has(id) ? name + SUFFIX : name });
    } else if (kind <= 3) {
      if (kind === 2 || !added.length) {
        const input = { clubId: clubs[i % clubs.length], actorId: actorAt(), category: 'MEMBER', startDate: '2026-01-01' };
        answer = await send('clubs', ADD, { input });
        if (answer.data?.addClubMembership) added.push(answer.data.addClubMembership.id);
      } else answer = await send('clubs', END, { id: added.shift() });
    } else {
      const id = clubs[(i * 7) % clubs.length];
      const v = privateClubs.has(id) ? 'PUBLIC' : 'PRIVATE';
      answer = await send('clubs', VISIBILITY, { id, v });
      if (!answer.errors) v === 'PRIVATE' ? privateClubs.add(id) : privateClubs.delete(id);
    }
    counts.writes++;
    // A refused write (a membership that would overlap one of the actor's) is an answer, not a failure.
    if (answer?.errors) counts[answer.errors.some((e) => e.extensions?.code === 'INTERNAL_SERVER_ERROR') ? 'failed' : 'refused']++;
  };
  let stopping = false;
  const loop = (async () => {
    while (!stopping) {
      const t = performance.now();
      await one().catch((err) => {
        counts.failed++;
        log(`soak write failed: ${err.message}`);
      });
      counts.ms.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, Math.max(0, 1000 / rate - (performance.now() - t))));
    }
  })();
  return {
    counts,
    async stop() {
      stopping = true;
      await loop;
      // Leave the data as it was found.
      for (const [id, name] of renamed) await viaGateway(RENAME, { id, name });
      for (const id of added) await viaGateway(END, { id });
      for (const id of privateClubs) await viaGateway(VISIBILITY, { id, v: 'PUBLIC' });
      return counts;
    },
  };
}

module.exports = { startWrites };
