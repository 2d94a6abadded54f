import { FEED_READ, countStatements, requestStatements, totalStatements } from '../src/statements';

// The counter wraps whatever adapter factory it is given: here one whose statements do nothing.
const adapter = countStatements('feed-test', {
  queryRaw: async (_q?: unknown) => ({ rows: [] }),
  connect: async () => ({ queryRaw: async (_q?: unknown) => ({ rows: [] }) }),
});

test('reads of the change log count in the total but not among the requests’ statements', async () => {
  const total = totalStatements();
  const requests = requestStatements();
  await adapter.queryRaw();
  const connection = await adapter.connect();
  await connection.queryRaw();
  // A follower's reads (readChanges), on the factory and on a connection, their SQL headed by FEED_READ.
  await adapter.queryRaw({ sql: `${FEED_READ} SELECT 1`, args: [] });
  await connection.queryRaw({ sql: `${FEED_READ} SELECT 2`, args: [] });
  // The mark counts only at the head: a request's statement may name the log anywhere else.
  await adapter.queryRaw({ sql: `SELECT 3 ${FEED_READ}`, args: [] });
  expect(totalStatements() - total).toBe(5);
  expect(requestStatements() - requests).toBe(3);
});
