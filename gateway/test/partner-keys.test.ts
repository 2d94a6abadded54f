import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEV_SIGNING_SECRET, VIEWER_HEADER } from '@maillage/viewer';
import { DoorError, PartnerKeys } from '../src/auth';
import { PartnerKeyRevocations } from '../src/revocations';

// The partner-key lookup against a stand-in directory on port 0: what the gateway sends, and that
// a directory that fails or does not answer is a 503 the partner may retry, never a 500.
let server: Server;
let url: string;
let answer: (body: { query: string; variables: { key: string } }) => { status: number; body: string } | undefined;
const seen: { headers: Record<string, unknown>; body: { query: string; variables: { key: string } } }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as (typeof seen)[number]['body'];
      seen.push({ headers: req.headers, body });
      const a = answer(body);
      if (!a) return; // hangs
      res.writeHead(a.status, { 'content-type': 'application/json' });
      res.end(a.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(resolve));
});

const access = { id: 'pk-1', name: 'Agenda', origins: ['https://agenda.example'], rateLimitPerMinute: 60, operationIds: [] };

test('a key is looked up once, signed as the gateway, and remembered', async () => {
  answer = ({ variables }) => ({
    status: 200,
    body: JSON.stringify({ data: { partnerKeyAccess: variables.key === 'mk_good' ? access : null } }),
  });
  const keys = new PartnerKeys(url, DEV_SIGNING_SECRET, 60_000);
  seen.length = 0;
  expect(await keys.check('mk_good')).toEqual(access);
  expect(await keys.check('mk_good')).toEqual(access);
  expect(await keys.check('mk_made_up')).toBeNull();
  expect(seen).toHaveLength(2);
  expect(seen[0].body.query).toContain('partnerKeyAccess(key: $key)');
  expect(typeof seen[0].headers[VIEWER_HEADER]).toBe('string');
});

test.each([
  ['answers errors', () => ({ status: 200, body: JSON.stringify({ errors: [{ message: 'boom' }] }) })],
  ['answers something that is not GraphQL', () => ({ status: 502, body: '<h1>Bad gateway</h1>' })],
  ['does not answer within 5 s', () => undefined],
])(
  'a directory that %s: 503 SUBGRAPH_UNAVAILABLE, retry in 5 s',
  async (_what, a) => {
    answer = a;
    const err = await new PartnerKeys(url, DEV_SIGNING_SECRET, 60_000).check('mk_any').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DoorError);
    expect(err).toMatchObject({ status: 503, code: 'SUBGRAPH_UNAVAILABLE', headers: { 'retry-after': '5' } });
  },
  15_000,
);

test('a revocation heard forgets the key id at once, and a lookup in flight then does not store its answer', async () => {
  const revocations = new PartnerKeyRevocations();
  const keys = new PartnerKeys(url, DEV_SIGNING_SECRET, 600_000, revocations);
  const good = 'mk_pk-0123456789abcdef_' + 'a'.repeat(43);
  const other = 'mk_pk-fedcba9876543210_' + 'b'.repeat(43);
  answer = () => ({ status: 200, body: JSON.stringify({ data: { partnerKeyAccess: access } }) });
  seen.length = 0;
  await keys.check(good);
  await keys.check(other);
  await keys.check(good);
  expect(seen).toHaveLength(2);
  await revocations.announce('pk-0123456789abcdef');
  await keys.check(good);
  await keys.check(other);
  // The revoked id is asked again; the other key is still remembered.
  expect(seen.map((s) => s.body.variables.key)).toEqual([good, other, good]);

  // The directory answers "genuine" for a lookup that started before the revocation was heard.
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  const slow = createServer((req, res) => {
    req.resume();
    req.on(
      'end',
      () =>
        void held.then(() =>
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: { partnerKeyAccess: access } })),
        ),
    );
  });
  await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
  const racing = new PartnerKeys(
    `http://127.0.0.1:${(slow.address() as AddressInfo).port}/graphql`,
    DEV_SIGNING_SECRET,
    600_000,
    revocations,
  );
  const inFlight = racing.check(good);
  await new Promise((r) => setTimeout(r, 50));
  await revocations.announce('pk-0123456789abcdef');
  release();
  expect(await inFlight).toEqual(access);
  // Not remembered: the next check asks again (and is answered at once now).
  let asked = 0;
  slow.on('request', () => asked++);
  await racing.check(good);
  expect(asked).toBe(1);
  slow.closeAllConnections();
  await new Promise((r) => slow.close(r));
});
