import { recordChanges } from '@maillage/db';
import { changesUrlOf, HttpChangeSource, type ChangePost, type FeedPage } from '@maillage/subgraph-server';
import { startSubgraphAlone, subgraphForFile } from '@maillage/testing';
import { DEV_SIGNING_SECRET, gatewayHeaders, viewerOf } from '@maillage/viewer';
import { service } from '../src/server';

// `POST /changes` with `waitMs`, a long poll woken by the NOTIFY that recordChanges sends at commit,
// on the suite's database (PostgreSQL with TEST_DATABASE_URL, else in-process PGlite), read with the
// client the followers use.
const s = subgraphForFile(service);

/** What the last post answered, for the refusals' codes. */
let answered: { status: number; body: unknown } | undefined;
const recording: ChangePost = async (url, { headers, body, timeoutMs, signal }) => {
  const res = await fetch(url, { method: 'POST', headers, body, signal: signal ?? AbortSignal.timeout(timeoutMs) });
  const json = (await res.json()) as unknown;
  answered = { status: res.status, body: json };
  return { status: res.status, json: async () => json };
};
const sourceAt = (url: string) =>
  new HttpChangeSource(
    'directory',
    () => changesUrlOf(url),
    () => DEV_SIGNING_SECRET,
    { reader: 'service:test', post: recording },
  );

const rename = (id: string, name: string) =>
  s.execute(`mutation($id: ID!, $name: String!) { updateActor(id: $id, input: { name: $name }) { id } }`, { id, name }, { as: 'admin' });

async function anActor(): Promise<string> {
  const created = await s.execute(`mutation { createActor(input: { kind: PERSON, name: "Lou Attente" }) { id } }`, {}, { as: 'admin' });
  return created.data!.createActor.id as string;
}

/** Reads with a wait; resolves with the page and how long it took. */
async function timed(read: Promise<FeedPage>) {
  const t0 = performance.now();
  const page = await read;
  return { page, ms: performance.now() - t0 };
}

test('a wait is answered at once when changes follow the position, and after waitMs when none come', async () => {
  const source = sourceAt(await s.serve());
  const id = await anActor();
  const { head } = await source.read('0', 1);
  const pending = await timed(source.read(String(BigInt(head) - 1n), 100, { waitMs: 20_000 }));
  expect(pending.page.changes.map((c) => c.entityId)).toEqual([id]);
  // Far below the wait: it did not wait.
  expect(pending.ms).toBeLessThan(10_000);
  const empty = await timed(source.read(head, 100, { waitMs: 600 }));
  console.log(`/changes: a wait with nothing to tell answered empty after ${empty.ms.toFixed(0)} ms (waitMs 600)`);
  expect(empty.page).toMatchObject({ changes: [], last: head, head });
  expect(empty.ms).toBeGreaterThanOrEqual(550);
});

test('a change committed during a wait answers it; a write rolled back wakes nobody with rows', async () => {
  const source = sourceAt(await s.serve());
  const id = await anActor();
  const { head } = await source.read('0', 1);
  const waiting = timed(source.read(head, 100, { waitMs: 20_000 }));
  await new Promise((r) => setTimeout(r, 200)); // the request is waiting
  const t0 = performance.now();
  await rename(id, 'Lou Attente (renommée)');
  const { page } = await waiting;
  const delay = performance.now() - t0;
  console.log(`/changes: a change committed during a wait answered it ${delay.toFixed(0)} ms after the write began`);
  expect(page.changes.map((c) => [c.entityId, (c.payload as { name: string }).name])).toEqual([[id, 'Lou Attente (renommée)']]);
  expect(delay).toBeLessThan(10_000);

  // Rolled back: no row, no notification; the wait runs its course and answers empty.
  const rolledBack = timed(source.read(page.last, 100, { waitMs: 1_500 }));
  await new Promise((r) => setTimeout(r, 200));
  await expect(
    s.client.$transaction(async (tx) => {
      await recordChanges(tx, [{ entityType: 'Actor', entityId: id, op: 'UPSERT', payload: { id } }]);
      throw new Error('rolled back on purpose');
    }),
  ).rejects.toThrow('rolled back on purpose');
  const after = await rolledBack;
  expect(after.page.changes).toEqual([]);
  expect(after.ms).toBeGreaterThanOrEqual(1_400);
});

test('a bad waitMs is refused with BAD_USER_INPUT', async () => {
  const source = sourceAt(await s.serve());
  for (const waitMs of [-1, 30_001]) {
    await expect(source.read('0', 1, { waitMs })).rejects.toThrow('HTTP 400');
    expect(answered).toMatchObject({ status: 400, body: { errors: [{ extensions: { code: 'BAD_USER_INPUT' } }] } });
  }
  // Not an integer: the client would not send it, a hand-made (signed) body might.
  for (const body of ['{"after":"0","first":5,"waitMs":"soon"}', '{"after":"0","first":5,"waitMs":1.5}']) {
    const admin = viewerOf({ scopes: ['admin'], subject: 'test' });
    const res = await fetch(changesUrlOf(await s.serve()), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await gatewayHeaders(admin, DEV_SIGNING_SECRET, 'directory', body)) },
      body,
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      errors: [{ message: expect.stringContaining('waitMs'), extensions: { code: 'BAD_USER_INPUT' } }],
    });
  }
});

test('stopping the server answers its pending waits at once, empty', async () => {
  const alone = await startSubgraphAlone(service);
  const source = sourceAt(await alone.serve());
  const { head } = await source.read('0', 1);
  const waits = [timed(source.read(head, 100, { waitMs: 30_000 })), timed(source.read(head, 100, { waitMs: 30_000 }))];
  await new Promise((r) => setTimeout(r, 300));
  const t0 = performance.now();
  await alone.stop();
  const stopMs = performance.now() - t0;
  const answers = await Promise.all(waits);
  console.log(
    `/changes: server stopped in ${stopMs.toFixed(0)} ms with two waits of 30 s pending, answered after ${answers.map((a) => a.ms.toFixed(0)).join(', ')} ms`,
  );
  for (const a of answers) expect(a.page.changes).toEqual([]);
  for (const a of answers) expect(a.ms).toBeLessThan(10_000); // not the 30 s they asked for
});
