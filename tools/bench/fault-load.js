#!/usr/bin/env node
// Load with faults: the five subgraphs and the gateway in this process, a steady read load from
// autocannon and a writer creating actors with idempotency keys, while each subgraph in turn is
// killed and restarted. Prints, per phase, requests served, errors by code and p50/p99 latency, then
// the count of acknowledged writes found after recovery (must equal those acknowledged).
//   npm run fault-load        (PHASE_SECONDS=5 by default; uses TEST_DATABASE_URL when set)
const autocannon = require('autocannon');
const { startSupergraph, postGraphQL } = require('@maillage/testing');
const { createLogger } = require('@maillage/observability');
const { startGateway } = require('@maillage/gateway');

const names = ['directory', 'chambers', 'clusters', 'councils', 'clubs'];
const services = names.map((n) => require(`@maillage/${n}`).service);
const PHASE_SECONDS = Number(process.env.PHASE_SECONDS ?? 5);
const CONNECTIONS = 8;
const QUERY = `{ actorBySiren(siren: "552081317") { name region { name }
  chamberMemberships { totalCount } clusterMemberships { totalCount } councilMemberships { totalCount } clubMemberships { totalCount } } }`;

async function phase(url, label) {
  const errorsByCode = {};
  let partial = 0;
  const result = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: QUERY }),
    connections: CONNECTIONS,
    duration: PHASE_SECONDS,
    requests: [
      {
        onResponse: (_status, body) => {
          try {
            const json = JSON.parse(body);
            if (json.errors) partial++;
            for (const e of json.errors ?? []) {
              const key = `${e.extensions?.code}${e.extensions?.subgraph ? `:${e.extensions.subgraph}` : ''}`;
              errorsByCode[key] = (errorsByCode[key] ?? 0) + 1;
            }
          } catch {
            errorsByCode.INVALID_JSON = (errorsByCode.INVALID_JSON ?? 0) + 1;
          }
        },
      },
    ],
  });
  return {
    phase: label,
    requests: result.requests.total,
    'req/s': Math.round(result.requests.average),
    'p50 ms': result.latency.p50,
    'p99 ms': result.latency.p99,
    'non-2xx': result.non2xx,
    timeouts: result.timeouts,
    'with errors': partial,
    errors: Object.entries(errorsByCode).map(([k, v]) => `${k}×${v}`).join(' ') || '-',
  };
}

async function main() {
  const h = await startSupergraph(services, startGateway, { persistent: true, logger: (s) => createLogger(s, 'silent') });
  const acknowledged = [];
  let writing = true;
  let attempts = 0;
  const writer = (async () => {
    for (let i = 0; writing; i++) {
      attempts++;
      const res = await postGraphQL(h.gatewayUrl, `mutation($n: String!, $k: String!) { createActor(input: { kind: COMPANY, name: $n }, idempotencyKey: $k) { id } }`, {
        n: `Fault load writer ${i}`,
        k: `fault-load-${i}`,
      }).catch(() => null);
      const id = res?.data?.createActor?.id;
      if (id) acknowledged.push(id);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();

  const rows = [await phase(h.gatewayUrl, 'all up')];
  for (const name of names) {
    await h.stopSubgraph(name);
    rows.push(await phase(h.gatewayUrl, `${name} down`));
    await h.restartSubgraph(name);
    rows.push(await phase(h.gatewayUrl, `${name} back`));
  }
  writing = false;
  await writer;

  const found = new Set();
  for (let after = null; ; ) {
    const res = await postGraphQL(h.gatewayUrl, `query($a: String) { actors(search: "fault load writer", first: 100, after: $a) { nodes { id } pageInfo { hasNextPage endCursor } } }`, { a: after });
    for (const n of res.data.actors.nodes) found.add(n.id);
    if (!res.data.actors.pageInfo.hasNextPage) break;
    after = res.data.actors.pageInfo.endCursor;
  }
  const lost = acknowledged.filter((id) => !found.has(id));

  console.log(`\nLoad with faults: ${CONNECTIONS} connections, ${PHASE_SECONDS} s a phase, database ${process.env.TEST_DATABASE_URL || process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite on disk'}`);
  console.table(rows);
  console.log(`writes: ${attempts} attempted, ${acknowledged.length} acknowledged, ${acknowledged.length - lost.length} found after recovery, ${lost.length} lost`);
  await h.stop();
  process.exit(lost.length ? 1 : 0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
