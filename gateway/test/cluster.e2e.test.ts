import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { service as directory } from '@maillage/directory';
import { startSupergraph, type Harness } from '@maillage/testing';
import { startGateway } from '../src/server';

// The built gateway (dist/index.js) with GATEWAY_WORKERS=2: two workers on one port, a worker that
// dies is replaced while the other serves, and SIGTERM lets the requests in flight finish.
// Between the gateway and the directory subgraph, a pass-through that can hold each fetch a while,
// so that requests are surely in flight when the signal comes.
const QUERY = JSON.stringify({ query: '{ actor(id: "act-edf") { name } }' });

let h: Harness;
let relay: http.Server;
let holdMs = 0;
let gateway: ChildProcess;
const lines: Record<string, any>[] = [];

/** One POST on a connection of its own, so that no kept-alive socket outlives a worker. */
function post(url: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: 'POST', agent: false, headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' } },
      (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(body) }));
      },
    );
    req.on('error', reject);
    req.end(QUERY);
  });
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; log:\n${lines.map((l) => JSON.stringify(l)).join('\n')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const readyLines = () => lines.filter((l) => typeof l.msg === 'string' && l.msg.startsWith('ready at'));

beforeAll(async () => {
  h = await startSupergraph([directory as never], startGateway);
  relay = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    const relayOn = async () => {
      await new Promise((r) => setTimeout(r, holdMs));
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(([k]) => !['host', 'content-length', 'connection'].includes(k)),
      ) as Record<string, string>;
      const answer = await fetch(h.subgraphUrls.directory, { method: 'POST', headers, body: Buffer.concat(chunks) });
      res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' }).end(await answer.text());
    };
    // A relay that fails drops the connection: the gateway sees a subgraph failure, as it should.
    req.on('end', () => void relayOn().catch(() => res.destroy()));
  });
  await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
  gateway = spawn(process.execPath, [path.join(__dirname, '../dist/index.js')], {
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      GATEWAY_WORKERS: '2',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      SUPERGRAPH_WATCH: 'false',
      DIRECTORY_URL: `http://127.0.0.1:${(relay.address() as AddressInfo).port}/graphql`,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let buf = '';
  gateway.stdout!.on('data', (d) => {
    buf += d;
    const parts = buf.split('\n');
    buf = parts.pop()!;
    for (const p of parts) {
      try {
        lines.push(JSON.parse(p));
      } catch {
        lines.push({ msg: p });
      }
    }
  });
  gateway.stderr!.on('data', (d) => lines.push({ stderr: String(d) }));
  await until('two workers ready', () => (readyLines().length >= 2 ? true : undefined));
}, 180_000);

afterAll(async () => {
  if (gateway && gateway.exitCode === null) gateway.kill('SIGKILL');
  await new Promise<void>((r) => relay?.close(() => r()));
  await h?.stop();
});

test('two workers, two processes, one port', () => {
  const ready = readyLines();
  expect(new Set(ready.map((l) => l.url)).size).toBe(1);
  expect(new Set(ready.map((l) => l.pid)).size).toBe(2);
  expect(ready.every((l) => l.pid !== gateway.pid)).toBe(true);
  expect(lines.find((l) => l.workers === 2)?.pid).toBe(gateway.pid);
});

test('a worker that dies is replaced, and the other serves meanwhile', async () => {
  const url = readyLines()[0].url as string;
  const [victim, survivor] = readyLines().map((l) => l.pid as number);
  process.kill(victim, 'SIGKILL');
  await until('the primary to see the death', () => lines.find((l) => l.pid === victim && /worker exited/.test(l.msg ?? '')));
  const during = await Promise.all(Array.from({ length: 6 }, () => post(url)));
  expect(during.map((r) => [r.status, r.body.data?.actor?.name])).toEqual(Array(6).fill([200, 'EDF']));
  const replacement = await until('a replacement worker', () => readyLines().find((l) => l.pid !== victim && l.pid !== survivor));
  expect(replacement.url).toBe(url);
  const after = await Promise.all(Array.from({ length: 6 }, () => post(url)));
  expect(after.every((r) => r.status === 200 && r.body.data.actor.name === 'EDF')).toBe(true);
});

test('SIGTERM drains: requests in flight are answered, then every process exits 0', async () => {
  const url = readyLines()[0].url as string;
  holdMs = 1000;
  const inFlight = Array.from({ length: 8 }, () => post(url));
  await new Promise((r) => setTimeout(r, 300));
  const exited = new Promise<number | null>((r) => gateway.on('exit', (code) => r(code)));
  gateway.kill('SIGTERM');
  const answers = await Promise.all(inFlight);
  expect(answers.map((r) => [r.status, r.body.data?.actor?.name])).toEqual(Array(8).fill([200, 'EDF']));
  expect(await exited).toBe(0);
  await expect(post(url)).rejects.toThrow(/ECONNREFUSED/);
}, 30_000);
