import net from 'node:net';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createLogger } from '@maillage/observability';
import { postGraphQL, repoRoot, startSupergraph, type Harness } from '@maillage/testing';
import { startGateway, type RunningGateway } from '../src/server';
import { subgraphs } from './subgraphs';

// A subgraph that is down or hangs costs the answer its own fields only, within a bounded time;
// the circuit breaker answers at once while it stays down; service comes back by itself. (The fault
// test against separate processes, with SIGSTOP and kill -9, is faults-processes.e2e.test.ts.)
const QUERY = `query($siren: String!) { actorBySiren(siren: $siren) { name region { name } councilMemberships { totalCount } clusterMemberships { totalCount } } }`;
const supergraphSdl = readFileSync(path.join(repoRoot, 'schema/supergraph.graphql'), 'utf8');

let h: Harness;
let gateway: RunningGateway;
let hang: net.Server;
const sockets = new Set<net.Socket>();
let requestsSeen = 0;

beforeAll(async () => {
  h = await startSupergraph(subgraphs, startGateway);
  gateway = await startGateway({
    port: 0,
    host: '127.0.0.1',
    supergraphSdl,
    subgraphUrls: h.subgraphUrls,
    resilience: { timeoutMs: 400, queryRetries: 1, breakerFailures: 3, breakerProbeMs: 300 },
    log: () => undefined,
    logger: createLogger('gateway', 'silent'),
  });
  // Accepts connections and never answers: a hung subgraph.
  hang = net.createServer((s) => {
    sockets.add(s);
    s.on('data', (chunk) => (requestsSeen += chunk.toString().split('POST /graphql').length - 1));
  });
  await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
}, 180_000);

afterAll(async () => {
  for (const s of sockets) s.destroy();
  hang?.close();
  await gateway?.stop();
  await h?.stop();
});

const ask = (url = gateway.url) => postGraphQL<any>(url, QUERY, { siren: '552081317' });

test('with every subgraph up, the whole answer', async () => {
  const res = await ask();
  expect(res.errors).toBeUndefined();
  expect(res.data!.actorBySiren).toEqual({
    name: 'EDF',
    region: { name: 'Île-de-France' },
    councilMemberships: { totalCount: 1 },
    clusterMemberships: { totalCount: 0 },
  });
});

test('a dead subgraph: partial data, an error naming it, a fast circuit, and recovery', async () => {
  await h.stopSubgraph('clusters');
  const down = await ask();
  expect(down.status).toBe(200);
  expect(down.data!.actorBySiren).toEqual({
    name: 'EDF',
    region: { name: 'Île-de-France' },
    councilMemberships: { totalCount: 1 },
    clusterMemberships: null,
  });
  expect(down.errors).toHaveLength(1);
  expect(down.errors![0].extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'clusters' });
  expect(down.errors![0].message).not.toMatch(/127\.0\.0\.1|http:/);

  // Three consecutive failures, one caller at a time: the circuit opens without any traffic volume.
  for (let i = 0; i < 2; i++) expect((await ask()).errors![0].message).not.toContain('circuit open');
  const open = await ask();
  expect(open.errors![0].message).toContain('circuit open');
  expect(open.data!.actorBySiren.name).toBe('EDF');
  const ready = await fetch(gateway.url.replace(/graphql$/, 'ready'));
  expect(ready.status).toBe(503);
  expect(((await ready.json()) as any).subgraphs.clusters).toEqual({ ready: false, breaker: expect.stringMatching(/^(open|half-open)$/) });

  await h.restartSubgraph('clusters');
  // The breaker's own probe finds it back; no client request is spent on a trial.
  let back = await ask();
  for (let i = 0; i < 60 && back.errors; i++) {
    await new Promise((r) => setTimeout(r, 100));
    back = await ask();
  }
  expect(back.errors).toBeUndefined();
  expect(back.data!.actorBySiren.clusterMemberships).toEqual({ totalCount: 0 });
  expect(((await (await fetch(gateway.url.replace(/graphql$/, 'ready'))).json()) as any).subgraphs.clusters).toEqual({
    ready: true,
    breaker: 'closed',
  });
});

// Each subgraph in turn: the fields it owns go missing with an error naming it, the rest flows,
// and the answer is whole again once it is back.
const VIEW = `{ actorBySiren(siren: "552081317") {
  name region { name }
  chamberMemberships { totalCount } clusterMemberships { totalCount } councilMemberships { totalCount } clubMemberships { totalCount }
} }`;
const OWNED: Record<string, string> = {
  chambers: 'chamberMemberships',
  clusters: 'clusterMemberships',
  councils: 'councilMemberships',
  clubs: 'clubMemberships',
};

/** Keeps `n` requests in flight until stopped; collects every answer. */
function load(n: number) {
  const answers: { status: number; errors?: { extensions?: Record<string, unknown> }[] }[] = [];
  let running = true;
  const workers = Array.from({ length: n }, async () => {
    while (running) answers.push(await postGraphQL<any>(h.gatewayUrl, VIEW));
  });
  return { answers, stop: async () => ((running = false), await Promise.all(workers), answers) };
}

test.each(Object.keys(OWNED))('killing and restarting %s under load', async (name) => {
  const traffic = load(4);
  await new Promise((r) => setTimeout(r, 100));
  await h.stopSubgraph(name);
  await new Promise((r) => setTimeout(r, 200));
  const down = await postGraphQL<any>(h.gatewayUrl, VIEW);
  expect(down.data!.actorBySiren.name).toBe('EDF');
  expect(down.data!.actorBySiren[OWNED[name]]).toBeNull();
  for (const other of Object.values(OWNED).filter((f) => f !== OWNED[name])) expect(down.data!.actorBySiren[other]).not.toBeNull();
  expect(down.errors!.every((e) => e.extensions!.code === 'SUBGRAPH_UNAVAILABLE' && e.extensions!.subgraph === name)).toBe(true);
  await h.restartSubgraph(name);
  const answers = await traffic.stop();
  // Every answer under load was a 200, whole or missing only this subgraph's fields.
  expect(answers.length).toBeGreaterThan(5);
  expect(answers.every((a) => a.status === 200 && (a.errors ?? []).every((e) => e.extensions!.subgraph === name))).toBe(true);
  let back = await postGraphQL<any>(h.gatewayUrl, VIEW);
  // The circuit may still be open from the failures under load: it lets a trial through after its reset time.
  for (let i = 0; i < 80 && back.errors; i++) {
    await new Promise((r) => setTimeout(r, 100));
    back = await postGraphQL<any>(h.gatewayUrl, VIEW);
  }
  expect(back.errors).toBeUndefined();
});

test('killing the directory: the root field it owns errors, nothing hangs, and it recovers', async () => {
  await h.stopSubgraph('directory');
  const down = await postGraphQL<any>(h.gatewayUrl, VIEW);
  expect(down.status).toBe(200);
  expect(down.data?.actorBySiren ?? null).toBeNull();
  expect(down.errors![0].extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'directory' });
  await h.restartSubgraph('directory');
  const back = await postGraphQL<any>(h.gatewayUrl, VIEW);
  expect(back.data!.actorBySiren.name).toBe('EDF');
});

test('a hung subgraph costs at most its timeout, with no retry after a timeout', async () => {
  const hung = await startGateway({
    port: 0,
    host: '127.0.0.1',
    supergraphSdl,
    subgraphUrls: { ...h.subgraphUrls, councils: `http://127.0.0.1:${(hang.address() as net.AddressInfo).port}/graphql` },
    resilience: { timeoutMs: 300, queryRetries: 1 },
    log: () => undefined,
    logger: createLogger('gateway', 'silent'),
  });
  try {
    const before = requestsSeen;
    const res = await ask(hung.url);
    expect(res.data!.actorBySiren).toMatchObject({ name: 'EDF', councilMemberships: null, clusterMemberships: { totalCount: 0 } });
    expect(res.errors![0].extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'councils' });
    // The answer came from the timeout, not from the jest timeout: one try, cut at 300 ms, and no
    // retry, since a subgraph that did not answer in time would not answer a retry either.
    expect(res.errors![0].message).toContain('no answer within 300 ms');
    expect(requestsSeen - before).toBe(1);
  } finally {
    await hung.stop();
  }
});

test('a subgraph answering garbage is a failing subgraph, not a crash', async () => {
  const garbage = (await import('node:http')).createServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'text/html' }).end('<html>502 Bad Gateway</html>'),
  );
  await new Promise<void>((r) => garbage.listen(0, '127.0.0.1', r));
  const gw = await startGateway({
    port: 0,
    host: '127.0.0.1',
    supergraphSdl,
    subgraphUrls: { ...h.subgraphUrls, councils: `http://127.0.0.1:${(garbage.address() as net.AddressInfo).port}/graphql` },
    logger: createLogger('gateway', 'silent'),
  });
  try {
    const res = await ask(gw.url);
    expect(res.status).toBe(200);
    expect(res.data!.actorBySiren).toMatchObject({ name: 'EDF', councilMemberships: null });
    expect(res.errors![0].extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'councils' });
    expect(res.errors![0].message).toContain('not a GraphQL response');
  } finally {
    await gw.stop();
    garbage.close();
  }
});

test('mutations are not retried', async () => {
  const hung = await startGateway({
    port: 0,
    host: '127.0.0.1',
    supergraphSdl,
    subgraphUrls: { ...h.subgraphUrls, clubs: `http://127.0.0.1:${(hang.address() as net.AddressInfo).port}/graphql` },
    resilience: { timeoutMs: 300, queryRetries: 3 },
    log: () => undefined,
    logger: createLogger('gateway', 'silent'),
  });
  try {
    const before = requestsSeen;
    const res = await postGraphQL<any>(hung.url, `mutation { endClubMembership(id: "cb-m-brengues-club", endDate: "2030-01-01") { id } }`);
    expect(res.errors![0].extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'clubs' });
    await new Promise((r) => setTimeout(r, 200));
    expect(requestsSeen - before).toBe(1);
  } finally {
    await hung.stop();
  }
});

/** A gateway whose `councils` subgraph is at `url`, with quick timeouts. */
const gatewayWithCouncilsAt = (url: string, resilience: Parameters<typeof startGateway>[0]['resilience']) =>
  startGateway({
    port: 0,
    host: '127.0.0.1',
    supergraphSdl,
    subgraphUrls: { ...h.subgraphUrls, councils: url },
    resilience,
    log: () => undefined,
    logger: createLogger('gateway', 'silent'),
  });
const hangUrl = () => `http://127.0.0.1:${(hang.address() as net.AddressInfo).port}/graphql`;

test('one deadline for the whole request: a fetch waits for what is left of it, not its own timeout', async () => {
  const gw = await gatewayWithCouncilsAt(hangUrl(), { deadlineMs: 250, timeoutMs: 60_000, queryRetries: 3 });
  try {
    const before = requestsSeen;
    const res = await ask(gw.url);
    expect(res.data!.actorBySiren).toMatchObject({ name: 'EDF', councilMemberships: null });
    // Cut by the request's 250 ms budget (less what the directory fetch before it used), not the 60 s timeout.
    expect(res.errors![0].message).toMatch(/no answer within (\d+) ms/);
    expect(Number(res.errors![0].message.match(/within (\d+) ms/)![1])).toBeLessThanOrEqual(250);
    expect(requestsSeen - before).toBe(1);
  } finally {
    await gw.stop();
  }
});

test('a 503 is retried within the budget; a 500 is not', async () => {
  // Answers its first request with `status`, then passes requests on to the real councils subgraph.
  const flaky = async (status: number) => {
    let seen = 0;
    const answer = async (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      if (seen++ === 0) return void res.writeHead(status, { 'content-type': 'text/plain' }).end('try again');
      const upstream = await fetch(h.subgraphUrls.councils, {
        method: 'POST',
        headers: req.headers as Record<string, string>,
        body: Buffer.concat(chunks),
      });
      res
        .writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' })
        .end(await upstream.text());
    };
    // A relay that fails drops the connection: the gateway sees a subgraph failure, as it should.
    const server = (await import('node:http')).createServer((req, res) => void answer(req, res).catch(() => res.destroy()));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return { server, seen: () => seen, url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/graphql` };
  };
  for (const [status, retried] of [
    [503, true],
    [500, false],
  ] as const) {
    const upstream = await flaky(status);
    const gw = await gatewayWithCouncilsAt(upstream.url, { queryRetries: 1 });
    try {
      const res = await ask(gw.url);
      expect(upstream.seen()).toBe(retried ? 2 : 1);
      if (retried) expect(res.errors).toBeUndefined();
      else
        expect(res.errors![0]).toMatchObject({
          message: expect.stringContaining('HTTP 500'),
          extensions: { code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'councils' },
        });
      expect(res.data!.actorBySiren.councilMemberships).toEqual(retried ? { totalCount: 1 } : null);
    } finally {
      await gw.stop();
      upstream.server.close();
    }
  }
});

test('a hung subgraph opens the breaker after N timeouts: the next fetches never reach it', async () => {
  const gw = await gatewayWithCouncilsAt(hangUrl(), { timeoutMs: 200, breakerFailures: 2, breakerProbeMs: 60_000 });
  try {
    const before = requestsSeen;
    for (let i = 0; i < 2; i++) expect((await ask(gw.url)).errors![0].message).toContain('no answer within 200 ms');
    expect(requestsSeen - before).toBe(2);
    for (let i = 0; i < 5; i++) {
      const res = await ask(gw.url);
      expect(res.data!.actorBySiren).toMatchObject({ name: 'EDF', councilMemberships: null, clusterMemberships: { totalCount: 0 } });
      expect(res.errors![0]).toMatchObject({
        message: expect.stringContaining('circuit open'),
        extensions: { code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'councils' },
      });
    }
    // Refused in the gateway: the hung subgraph saw none of those five.
    expect(requestsSeen - before).toBe(2);
    const metrics = await (await fetch(gw.metricsUrl)).text();
    expect(metrics).toContain('maillage_gateway_subgraph_breaker_state{subgraph="councils",service="gateway"} 2');
    expect(metrics).toContain(
      'maillage_gateway_subgraph_breaker_transitions_total{subgraph="councils",from="closed",to="open",service="gateway"} 1',
    );
    expect(metrics).toContain('maillage_gateway_subgraph_breaker_state{subgraph="clusters",service="gateway"} 0');
  } finally {
    await gw.stop();
  }
});
