#!/usr/bin/env node
// Freshness of the synergy measures: how long after a write's answer the measures show it, over N
// writes, under a read load. The six subgraphs and the gateway run in this process (port 0, the
// test harness: PostgreSQL when TEST_DATABASE_URL is set, else embedded PGlite); the synergies
// service follows the five change logs (SYNERGIES_FEED_POLL_MS, 200 ms unless set).
//
// The writes go round three kinds, through the gateway as an admin: add a membership of Orange to
// CCI Hérault starting yesterday, end it yesterday (an empty period, so the next add does not
// overlap), and update a club initiative of the bench's (updateClubInitiative), naming the
// metropolitan council as co-organiser or no longer naming it. After each, one client asks through
// the gateway as an analyst until what the write changes shows: for a membership CCI Hérault's
// active member count in `networkOverlap` (a synergy measure) and Orange's chamber memberships (a
// cross-kind field); for the initiative the club's joint initiatives (the cross-kind `initiatives`)
// and the club and council's `coParticipation` (a measure). `--mix memberships` writes memberships
// only (the mix of the figures recorded before the update existed). Meanwhile `--readers` clients
// ask the région's synergy report in a loop. Prints p50/p90/p99/max of the delay, overall and per
// kind of write, the reads served (failures by code), and the feed's apply times.
//
//   node tools/bench/freshness.js [--writes 1000] [--readers 4] [--mix all|memberships]
const { performance } = require('node:perf_hooks');

const { startSupergraph } = require('@maillage/testing');
const gateway = require('@maillage/gateway');

// The readers are load, not callers to limit: an analyst's cost budget a minute runs out within
// seconds of report reads, and each read past it was refused at the door (RATE_LIMITED, in a few
// milliseconds): the "failed" reads of earlier runs. RATE_LIMIT_EXEMPT_SUBJECTS is read by the
// gateway's entry point only (src/index.ts), not by `startGateway`, so setting it here did nothing:
// the exemption is passed to the gateway itself (with the synergies service's own, the default).
const startGateway = (opts) =>
  gateway.startGateway({ ...opts, rateLimits: { exemptSubjects: ['service:synergies', 'bench-reader', 'bench-probe'] } });
const synergiesPackage = require('@maillage/synergies');

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const WRITES = Number(arg('writes', '1000'));
const READERS = Number(arg('readers', '4'));
const MIX = arg('mix', 'all');
if (!['all', 'memberships'].includes(MIX)) throw new Error(`--mix is all or memberships, not ${MIX}`);
const POLL_ASK_MS = 5;

let store;
const synergies = {
  ...synergiesPackage.service,
  definition: (client, logger) => {
    const def = synergiesPackage.createServer(client, (m) => logger.info(m));
    store = def.store;
    return def;
  },
};

const services = ['directory', 'chambers', 'clusters', 'councils', 'clubs'].map((n) => require(`@maillage/${n}`).service);
const pct = (xs, p) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

async function main() {
  const h = await startSupergraph([...services, synergies], startGateway, { quiet: true });
  const admin = h.as('admin').query;
  const analyst = h.as('analyst', { subject: 'bench-probe' }).query;
  const reader = h.as('analyst', { subject: 'bench-reader' }).query;
  // Starting and ending the day before today: the ended period holds no day, so the next add does not overlap it.
  const today = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  // Both places a membership shows: a synergy measure (CCI Hérault's active members in an overlap)
  // and a cross-kind field (Orange's active chamber memberships), answered from the same index; and
  // both places the initiative's co-organiser shows: the club's joint initiatives (a cross-kind
  // field) and the club and council's co-participation (a measure).
  const PAIR = ['cb-reseau-1234', 'co-cmip'].sort().join();
  const members = async () => {
    const res = await analyst(
      `{ networkOverlap(networkA: "co-cmip", networkB: "ch-cci-herault") { membersB } actor(id: "act-orange") { memberships(kind: CHAMBER) { totalCount } }` +
        (MIX === 'all'
          ? ` initiatives(kind: CLUB, jointOnly: true) { totalCount } coParticipation(first: 100) { networkA { ... on Club { id } ... on Council { id } } networkB { ... on Club { id } ... on Council { id } } count } }`
          : ' }'),
    );
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    const seen = [res.data.networkOverlap.membersB, res.data.actor.memberships.totalCount];
    if (MIX === 'all') {
      const pair = res.data.coParticipation.find((p) => [p.networkA.id, p.networkB.id].sort().join() === PAIR);
      seen.push(res.data.initiatives.totalCount, pair?.count ?? 0);
    }
    return seen;
  };
  const shows = (got, want) => got.every((v, i) => v === want[i]);
  // The bench's initiative: the club's, dated in the past (the measures' default period ends today), not joint yet.
  const started = new Date(Date.now() - 10 * 86_400_000).toISOString().slice(0, 10);
  const initiative =
    MIX === 'all'
      ? (
          await admin(`mutation($input: CreateClubInitiativeInput!) { createClubInitiative(input: $input) { id } }`, {
            input: {
              clubId: 'cb-reseau-1234',
              kind: 'MEETING',
              status: 'PLANNED',
              name: 'Rencontre du banc de fraîcheur',
              startDate: started,
            },
          })
        ).data.createClubInitiative.id
      : null;
  let reading = true;
  let stopReaders = async () => {
    reading = false;
  };
  try {
    // The first full read. (The bench's initiative, not joint, changes none of what is probed.)
    const base = await members();
    let reads = 0;
    let readFailures = 0;
    /** Failed reads by their error code: a refusal says why. */
    const failures = new Map();
    const readers = Array.from({ length: READERS }, async () => {
      while (reading) {
        const res = await reader(`{ synergyReport(scope: { territoryId: "REG-76" }, first: 5) { networkCount pairs { score } } }`).catch(
          () => ({ errors: [{}] }),
        );
        if (res.errors) {
          readFailures++;
          const code = res.errors[0]?.extensions?.code ?? 'NO_CODE';
          failures.set(code, (failures.get(code) ?? 0) + 1);
        } else reads++;
      }
    });
    stopReaders = () => {
      reading = false;
      return Promise.all(readers);
    };
    // A write the gateway could not carry (a subgraph starved of CPU past the deadline) is sent
    // again: an add with its idempotency key, an end whose retry may find it ended already.
    let retried = 0;
    const write = async (query, variables) => {
      for (let attempt = 0; ; attempt++) {
        const res = await admin(query, variables);
        if (!res.errors) return res;
        if (res.errors[0].extensions?.code === 'ALREADY_ENDED' && attempt > 0) return res;
        if (res.errors[0].extensions?.code !== 'SUBGRAPH_UNAVAILABLE' || attempt >= 5) throw new Error(JSON.stringify(res.errors));
        retried++;
        await new Promise((r) => setTimeout(r, 500));
      }
    };
    const delays = [];
    /** Delays by kind of write. */
    const byKind = new Map();
    let open = null;
    let joint = false;
    const kinds = MIX === 'all' ? ['add', 'end', 'update'] : ['add', 'end'];
    const t0 = performance.now();
    for (let i = 0; i < WRITES; i++) {
      const kind = kinds[i % kinds.length];
      if (kind === 'update') {
        // Admins speak for every network: the council named is a confirmed co-organiser at once.
        joint = !joint;
        await write(`mutation($id: ID!, $input: UpdateClubInitiativeInput!) { updateClubInitiative(id: $id, input: $input) { id } }`, {
          id: initiative,
          input: { status: joint ? 'HELD' : 'PLANNED', coOrganisers: joint ? [{ kind: 'COUNCIL', id: 'co-cmip' }] : [] },
        });
      } else if (!open) {
        const res = await write(
          `mutation($input: AddChamberMembershipInput!, $k: String) { addChamberMembership(input: $input, idempotencyKey: $k) { id } }`,
          {
            input: { chamberId: 'ch-cci-herault', actorId: 'act-orange', category: 'PARTNER', startDate: today },
            k: `freshness-${process.pid}-${i}`,
          },
        );
        open = res.data.addChamberMembership.id;
      } else {
        await write(`mutation($id: ID!, $end: Date!) { endChamberMembership(id: $id, endDate: $end) { id } }`, { id: open, end: today });
        open = null;
      }
      const expected = base.map((v, k) => v + (k < 2 ? (open ? 1 : 0) : joint ? 1 : 0));
      const written = performance.now();
      while (!shows(await members(), expected)) {
        if (performance.now() - written > 10_000) throw new Error(`write ${i} not shown after 10 s`);
        await new Promise((r) => setTimeout(r, POLL_ASK_MS));
      }
      const delay = performance.now() - written;
      delays.push(delay);
      if (!byKind.has(kind)) byKind.set(kind, []);
      byKind.get(kind).push(delay);
    }
    const seconds = (performance.now() - t0) / 1000;
    await stopReaders();
    delays.sort((a, b) => a - b);
    const f = (ms) => `${ms.toFixed(0)} ms`;
    const what = MIX === 'all' ? 'add/end a membership, update an initiative' : 'add/end a membership';
    console.log(`freshness over ${WRITES} writes (${what}) with ${READERS} clients reading the région's synergy report:`);
    console.log(
      `  delay from the write's answer to the measure: p50 ${f(pct(delays, 50))}, p90 ${f(pct(delays, 90))}, p99 ${f(pct(delays, 99))}, max ${f(delays[delays.length - 1])}`,
    );
    for (const [kind, xs] of byKind) {
      xs.sort((a, b) => a - b);
      console.log(`    ${kind} (${xs.length}): p50 ${f(pct(xs, 50))}, p99 ${f(pct(xs, 99))}, max ${f(xs[xs.length - 1])}`);
    }
    console.log(
      `  ${(WRITES / seconds).toFixed(1)} writes/s, ${(reads / seconds).toFixed(1)} report reads/s meanwhile (${readFailures} failed${readFailures ? `: ${[...failures].map(([c, n]) => `${n} ${c}`).join(', ')}` : ''}), ${retried} writes retried`,
    );
    const st = store.status();
    console.log(
      `  feed: ${st.applied} changes applied, ${st.indexChanges} to the index in place (slowest ${st.maxChangeMs.toFixed(2)} ms; the last poll's ${st.lastApplyMs.toFixed(2)} ms); index built in ${st.buildMs.toFixed(0)} ms, search in ${st.searchBuildMs?.toFixed(0)} ms`,
    );
  } finally {
    await stopReaders();
    await h.stop();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
