import { asFeedRead, countStatements, requestStatements, totalStatements } from '../src/statements';

// The counter wraps whatever adapter factory it is given: here one whose statements do nothing.
const adapter = countStatements('feed-test', {
  queryRaw: async () => ({ rows: [] }),
  connect: async () => ({ queryRaw: async () => ({ rows: [] }) }),
});

test('reads of the change log count in the total but not among the requests’ statements', async () => {
  const total = totalStatements();
  const requests = requestStatements();
  await adapter.queryRaw();
  const connection = await adapter.connect();
  await connection.queryRaw();
  // A follower's read, its statements awaited in turn as a loader's would be.
  await asFeedRead(async () => {
    await adapter.queryRaw();
    await new Promise((r) => setImmediate(r));
    await connection.queryRaw();
  });
  expect(totalStatements() - total).toBe(4);
  expect(requestStatements() - requests).toBe(2);
});
