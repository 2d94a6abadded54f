#!/usr/bin/env node
// Load with faults, against the supergraph as `npm start` runs it (scripts/start.js with
// MAILLAGE_PROCESSES=separate: the six subgraphs and the gateway as separate processes, on fresh databases): a steady read load from
// autocannon and a writer creating actors with idempotency keys, while the clubs subgraph is frozen
// (SIGSTOP) and thawed, then each subgraph in turn is killed (kill -9) and restarted by start.js.
// Prints, per phase, requests, errors by code, p50/p99/max latency and the circuit breakers' state
// changes (from the gateway's metrics), how long each killed subgraph took to be back, then the
// count of acknowledged writes found after recovery (must equal those acknowledged).
//   npm run fault-load
//   PHASE_SECONDS=5 by default; GATEWAY_REQUEST_DEADLINE_MS (5000) and the other gateway settings
//   pass through; PostgreSQL when TEST_DATABASE_URL is set, else PGlite in a temporary folder.
const autocannon = require('autocannon');
const { startProcesses, postGraphQL, tokenFor, SERVICE_NAMES } = require('@maillage/testing');

const PHASE_SECONDS = Number(process.env.PHASE_SECONDS ?? 5);
const CONNECTIONS = 8;
const FROZEN = 'clubs';
const QUERY = `{ actorBySiren(siren: "552081317") { name region { name }
  chamberMemberships { totalCount } clusterMemberships { totalCount } councilMemberships { totalCount } clubMemberships { totalCount } } }`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * From the gateway's metrics: breaker transitions counted so far ("subgraph from>to" -> count), and
 * fetches the open breaker refused, in all and within 5 ms (the histogram's first bucket).
 */
async function transitions(metricsUrl) {
  const text = await (await fetch(metricsUrl)).text();
  const out = { refused: 0, refusedFast: 0 };
  for (const m of text.matchAll(
    /^maillage_gateway_subgraph_breaker_transitions_total\{subgraph="(\w+)",from="([\w-]+)",to="([\w-]+)"[^}]*\} (\d+)/gm,
  ))
    out[`${m[1]} ${m[2]}>${m[3]}`] = Number(m[4]);
  for (const m of text.matchAll(
    /^maillage_gateway_subgraph_fetch_duration_seconds_bucket\{le="(0\.005|\+Inf)",[^}]*outcome="rejected"\} (\d+)/gm,
  ))
    out[m[1] === '+Inf' ? 'refused' : 'refusedFast'] += Number(m[2]);
  return out;
}

async function phase(stack, label, during = async () => undefined, seconds = PHASE_SECONDS) {
  const errorsByCode = {};
  let partial = 0;
  const before = await transitions(stack.gatewayMetricsUrl);
  const load = autocannon({
    url: stack.gatewayUrl,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: QUERY }),
    connections: CONNECTIONS,
    duration: seconds,
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
  const note = await during();
  const result = await load;
  const after = await transitions(stack.gatewayMetricsUrl);
  const { refused, refusedFast, ...counts } = after;
  const changes = Object.entries(counts)
    .map(([k, v]) => [k, v - (before[k] ?? 0)])
    .filter(([, v]) => v > 0)
    .map(([k, v]) => `${k}×${v}`);
  return {
    phase: label,
    requests: result.requests.total,
    'p50 ms': result.latency.p50,
    'p99 ms': result.latency.p99,
    'max ms': result.latency.max,
    'non-2xx': result.non2xx,
    'with errors': partial,
    errors:
      Object.entries(errorsByCode)
        .map(([k, v]) => `${k}×${v}`)
        .join(' ') || '-',
    'refused ≤5 ms': `${refusedFast - before.refusedFast}/${refused - before.refused}`,
    breaker: changes.join(' ') || '-',
    ...(note ? { note } : {}),
  };
}

/** Polls until `ok`; returns the ms it took (or null after `ms`). */
async function within(ok, ms) {
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    if (await ok().catch(() => false)) return Math.round(performance.now() - t0);
    await sleep(50);
  }
  return null;
}

async function main() {
  // Entity cache off: its figures (errors by code, breaker transitions) are the subgraphs' failures, not what the cache hid of them.
  // A process per subgraph: each is frozen or killed alone (start.js would host five in one on PGlite).
  const stack = await startProcesses({ processes: 'separate', env: { LOG_LEVEL: 'warn', ENTITY_CACHE: 'false' } });
  const auth = { authorization: `Bearer ${await tokenFor('admin')}` };
  const acknowledged = [];
  let writing = true;
  let attempts = 0;
  const writer = (async () => {
    for (let i = 0; writing; i++) {
      // A client retry: the same idempotency key until the write is acknowledged.
      for (let tries = 0; writing && tries < 1000; tries++) {
        attempts++;
        const res = await postGraphQL(
          stack.gatewayUrl,
          `mutation($n: String!, $k: String!) { createActor(input: { kind: COMPANY, name: $n }, idempotencyKey: $k) { id } }`,
          { n: `Fault load writer ${i}`, k: `fault-load-${i}` },
          undefined,
          auth,
        ).catch(() => null);
        const id = res?.data?.createActor?.id;
        if (id) {
          acknowledged.push(id);
          break;
        }
        await sleep(50);
      }
      await sleep(20);
    }
  })();
  // The synergies subgraph reads its snapshot at its first query: before any fault.
  await within(async () => !(await postGraphQL(stack.gatewayUrl, `{ searchActors(text: "EDF", first: 1) { totalCount } }`)).errors, 30_000);

  const whole = async (query = QUERY) => {
    const res = await postGraphQL(stack.gatewayUrl, query);
    return res.status === 200 && !res.errors;
  };
  const rows = [await phase(stack, 'all up')];
  // Frozen for longer than a request's deadline, so that the requests it hung are answered (and
  // counted) within the phase, and the breaker's fast answers after them.
  const deadlineSeconds = Number(process.env.GATEWAY_REQUEST_DEADLINE_MS ?? 5000) / 1000;
  rows.push(
    await phase(
      stack,
      `${FROZEN} frozen`,
      async () => {
        await sleep(300);
        stack.signal(FROZEN, 'SIGSTOP');
      },
      Math.ceil(deadlineSeconds + PHASE_SECONDS),
    ),
  );
  rows.push(
    await phase(stack, `${FROZEN} thawed`, async () => {
      stack.signal(FROZEN, 'SIGCONT');
      return `whole answers ${await within(whole, 10_000)} ms after SIGCONT`;
    }),
  );
  for (const name of SERVICE_NAMES) {
    const probe =
      name === 'synergies'
        ? `{ searchActors(text: "EDF", first: 1) { totalCount } }`
        : name === 'directory'
          ? `{ actorBySiren(siren: "552081317") { name } }`
          : QUERY;
    rows.push(
      await phase(stack, `${name} killed`, async () => {
        await sleep(300);
        const before = stack.pid(name);
        stack.signal(name, 'SIGKILL');
        const ready = await within(
          async () =>
            stack.pid(name) !== before &&
            (await fetch(`http://127.0.0.1:${stack.ports[name]}/ready`, { signal: AbortSignal.timeout(1000) })).ok,
          60_000,
        );
        const served = ready === null ? null : await within(() => whole(probe), 30_000);
        return `restarted and ready ${ready} ms after kill -9, served through the gateway ${served === null ? 'never' : `${ready + served} ms`} after`;
      }),
    );
    rows.push(await phase(stack, `${name} back`));
  }
  writing = false;
  await writer;

  const found = new Set();
  for (let i = 0; i < acknowledged.length; i += 20) {
    const batch = acknowledged.slice(i, i + 20);
    const res = await postGraphQL(
      stack.gatewayUrl,
      `{ ${batch.map((id, j) => `a${j}: actor(id: ${JSON.stringify(id)}) { id }`).join(' ')} }`,
      undefined,
      undefined,
      auth,
    );
    for (const v of Object.values(res.data ?? {})) if (v) found.add(v.id);
  }
  const lost = acknowledged.filter((id) => !found.has(id));

  const env = (k, d) => process.env[k] ?? d;
  console.log(
    `\nLoad with faults: ${CONNECTIONS} connections on one query touching the directory and the four network subgraphs, ${PHASE_SECONDS} s a phase; ` +
      `scripts/start.js processes on ${process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite on disk'}; ` +
      `deadline ${env('GATEWAY_REQUEST_DEADLINE_MS', 5000)} ms, subgraph timeout ${env('SUBGRAPH_TIMEOUT_MS', 5000)} ms, breaker after ${env('SUBGRAPH_BREAKER_FAILURES', 3)} failures, first probe ${env('SUBGRAPH_BREAKER_PROBE_MS', 500)} ms`,
  );
  console.table(rows.map(({ note, ...r }) => r));
  for (const r of rows) if (r.note) console.log(`${r.phase}: ${r.note}`);
  console.log(
    `writes: ${attempts} attempted, ${acknowledged.length} acknowledged, ${acknowledged.length - lost.length} found after recovery, ${lost.length} lost`,
  );
  await stack.stop();
  process.exit(lost.length ? 1 : 0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
