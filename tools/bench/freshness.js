#!/usr/bin/env node
// Freshness of the synergy measures: how long after a write's answer the measures show it, over N
// writes, under a read load. The six subgraphs and the gateway run in this process (port 0, the
// test harness: PostgreSQL when TEST_DATABASE_URL is set, else embedded PGlite); the synergies
// service follows the five change logs (SYNERGIES_FEED_POLL_MS, 200 ms unless set).
//
// Each write alternately adds a membership of Orange to CCI Hérault starting yesterday and ends it
// yesterday (an empty period, so the next add does not overlap), through the gateway as an admin; after
// each, one client asks through the gateway as an analyst until both CCI Hérault's active member
// count in `networkOverlap` (a synergy measure) and Orange's chamber memberships (a cross-kind
// field) say so. Meanwhile `--readers` clients ask the région's synergy report in a loop. Prints
// p50/p90/p99/max of the delay, the reads served (failures by code), and the feed's apply times.
//
//   node tools/bench/freshness.js [--writes 1000] [--readers 4]
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
  // and a cross-kind field (Orange's active chamber memberships), answered from the same index.
  const members = async () => {
    const res = await analyst(
      `{ networkOverlap(networkA: "co-cmip", networkB: "ch-cci-herault") { membersB } actor(id: "act-orange") { memberships(kind: CHAMBER) { totalCount } } }`,
    );
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return [res.data.networkOverlap.membersB, res.data.actor.memberships.totalCount];
  };
  const shows = (got, want) => got[0] === want[0] && got[1] === want[1];
  let reading = true;
  let stopReaders = async () => {
    reading = false;
  };
  try {
    const base = await members(); // the first full read
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
    let open = null;
    const t0 = performance.now();
    for (let i = 0; i < WRITES; i++) {
      let expected;
      if (!open) {
        const res = await write(
          `mutation($input: AddChamberMembershipInput!, $k: String) { addChamberMembership(input: $input, idempotencyKey: $k) { id } }`,
          {
            input: { chamberId: 'ch-cci-herault', actorId: 'act-orange', category: 'PARTNER', startDate: today },
            k: `freshness-${process.pid}-${i}`,
          },
        );
        open = res.data.addChamberMembership.id;
        expected = [base[0] + 1, base[1] + 1];
      } else {
        await write(`mutation($id: ID!, $end: Date!) { endChamberMembership(id: $id, endDate: $end) { id } }`, { id: open, end: today });
        open = null;
        expected = base;
      }
      const written = performance.now();
      while (!shows(await members(), expected)) {
        if (performance.now() - written > 10_000) throw new Error(`write ${i} not shown after 10 s`);
        await new Promise((r) => setTimeout(r, POLL_ASK_MS));
      }
      delays.push(performance.now() - written);
    }
    const seconds = (performance.now() - t0) / 1000;
    await stopReaders();
    delays.sort((a, b) => a - b);
    const f = (ms) => `${ms.toFixed(0)} ms`;
    console.log(`freshness over ${WRITES} writes (add/end a membership) with ${READERS} clients reading the région's synergy report:`);
    console.log(
      `  delay from the write's answer to the measure: p50 ${f(pct(delays, 50))}, p90 ${f(pct(delays, 90))}, p99 ${f(pct(delays, 99))}, max ${f(delays[delays.length - 1])}`,
    );
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
