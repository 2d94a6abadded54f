import { BATCH_HEADER, BATCH_IDS_HEADER, BINDING_HEADER, VIEWER_HEADER } from '@maillage/viewer';
import { FetchBatcher, splitBatch, type Answer } from '../src/fetch-batch';

// The batcher's grouping and splitting, against a sender that answers as a batching subgraph does
// (packages/subgraph-server answerBatch): each operation's body, and its status and length in a header.
const far = () => performance.now() + 60_000;
const headersOf = (viewer: string, id: string) => ({
  'content-type': 'application/json',
  'x-request-id': id,
  [VIEWER_HEADER]: viewer,
  [BINDING_HEADER]: `binding-of-${id}`,
});
const bodyOf = (id: string) => JSON.stringify({ query: 'query($id: ID!) { actor(id: $id) { name } }', variables: { id } });
/** What a subgraph answers to one operation: its name back, or an error for `bad`. */
const answerTo = (body: string): { status: number; text: string } => {
  const { variables } = JSON.parse(body) as { variables: { id: string } };
  return variables.id === 'bad'
    ? { status: 400, text: `${JSON.stringify({ errors: [{ message: 'no', path: ['actor'] }] })}\n` }
    : { status: 200, text: `${JSON.stringify({ data: { actor: { name: `name of ${variables.id} é` } } })}\n` };
};
const subgraphHeaders = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

function harness(batchAnswer?: (members: string[]) => Promise<Answer>) {
  const batches: { body: string; headers: Record<string, string> }[] = [];
  const alone: string[] = [];
  const batcher = new FetchBatcher(async (body, headers) => {
    batches.push({ body, headers });
    const members = (JSON.parse(body) as unknown[]).map((m) => JSON.stringify(m));
    if (batchAnswer) return batchAnswer(members);
    const answers = members.map(answerTo);
    return {
      status: 200,
      headers: { ...subgraphHeaders, [BATCH_HEADER]: answers.map((a) => `${a.status}:${a.text.length}`).join(',') },
      body: `[${answers.map((a) => a.text).join(',')}]`,
    };
  }, 4);
  const fetch = (viewer: string, id: string) => {
    const body = bodyOf(id);
    return batcher.fetch(headersOf(viewer, `req-${id}`), body, far(), async () => {
      alone.push(id);
      const a = answerTo(body);
      return { status: a.status, headers: { ...subgraphHeaders, 'content-length': String(Buffer.byteLength(a.text)) }, body: a.text };
    });
  };
  return { batches, alone, fetch };
}

test('fetches of one turn with the same viewer go as one request; each gets what its own fetch would have', async () => {
  const h = harness();
  const ids = ['a', 'b', 'bad', 'c'];
  const batched = await Promise.all(ids.map((id) => h.fetch('anonymous', id)));
  expect(h.batches).toHaveLength(1);
  expect(h.batches[0].body).toBe(`[${ids.map(bodyOf).join(',')}]`);
  // The members' own bindings and ids are not the batch's; their ids go along, in order.
  expect(h.batches[0].headers[BINDING_HEADER]).toBeUndefined();
  expect(h.batches[0].headers[BATCH_IDS_HEADER]).toBe('req-a,req-b,req-bad,req-c');
  expect(h.alone).toEqual([]);
  const unbatched = await Promise.all(ids.map((id) => harness().fetch('anonymous', id)));
  // Unbatched, each goes alone (one per turn): same statuses, headers, bodies, the error with its path included.
  expect(batched).toEqual(unbatched);
  expect(batched[2]).toMatchObject({ status: 400 });
});

test('different viewers are never merged', async () => {
  const h = harness();
  await Promise.all([h.fetch('anonymous', 'a'), h.fetch('analyst', 'b'), h.fetch('anonymous', 'c'), h.fetch('analyst', 'd')]);
  expect(h.batches.map((b) => [b.headers[VIEWER_HEADER], b.body])).toEqual([
    ['anonymous', `[${bodyOf('a')},${bodyOf('c')}]`],
    ['analyst', `[${bodyOf('b')},${bodyOf('d')}]`],
  ]);
});

test('a fetch alone in its turn goes as it would have; a batch is capped', async () => {
  const h = harness();
  await h.fetch('anonymous', 'a');
  expect(h.batches).toEqual([]);
  expect(h.alone).toEqual(['a']);
  await Promise.all(['b', 'c', 'd', 'e', 'f'].map((id) => h.fetch('anonymous', id)));
  // Four at most: the fifth is alone in the next group.
  expect(h.batches.map((b) => (JSON.parse(b.body) as unknown[]).length)).toEqual([4]);
  expect(h.alone).toEqual(['a', 'f']);
});

test('a batch that fails fails each member with its failure', async () => {
  const failure = new Error('HTTP 503');
  const h = harness(() => Promise.reject(failure));
  const settled = await Promise.allSettled(['a', 'b'].map((id) => h.fetch('anonymous', id)));
  expect(settled).toEqual([
    { status: 'rejected', reason: failure },
    { status: 'rejected', reason: failure },
  ]);
  expect(h.alone).toEqual([]);
});

test('a subgraph that does not batch, or a member withheld or failing, is asked again alone', async () => {
  // Apollo without batching refuses the array with a 400 and no batch header.
  const refused = harness(async () => ({
    status: 400,
    headers: subgraphHeaders,
    body: '{"errors":[{"message":"Operation batching disabled."}]}',
  }));
  const answers = await Promise.all(['a', 'b'].map((id) => refused.fetch('anonymous', id)));
  expect(refused.alone).toEqual(['a', 'b']);
  expect(answers.map((a) => a.body)).toEqual(['a', 'b'].map((id) => answerTo(bodyOf(id)).text));
  const partial = harness(async (members) => {
    const a = answerTo(members[0]);
    return {
      status: 200,
      headers: { ...subgraphHeaders, [BATCH_HEADER]: `${a.status}:${a.text.length},0:0,503:2` },
      body: `[${a.text},,{}]`,
    };
  });
  await Promise.all(['a', 'b', 'c'].map((id) => partial.fetch('anonymous', id)));
  expect(partial.alone).toEqual(['b', 'c']);
});

test('splitBatch refuses what is not a batch of that many members', () => {
  const text = '{"data":{}}\n';
  const ok = { status: 200, headers: { [BATCH_HEADER]: `200:${text.length},200:${text.length}` }, body: `[${text},${text}]` };
  expect(splitBatch(ok, 2)?.map((p) => p?.body)).toEqual([text, text]);
  expect(splitBatch(ok, 3)).toBeUndefined();
  expect(splitBatch({ ...ok, body: `[${text},${text}x]` }, 2)).toBeUndefined();
  expect(splitBatch({ ...ok, headers: { [BATCH_HEADER]: `200:${text.length + 1},200:${text.length - 1}` } }, 2)).toBeUndefined();
  expect(splitBatch({ ...ok, status: 500 }, 2)).toBeUndefined();
  expect(splitBatch({ ...ok, headers: {} }, 2)).toBeUndefined();
});
