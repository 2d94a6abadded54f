import pg from 'pg';
import { startSupergraph, testServerUrl, type Harness } from '@maillage/testing';
import { startGateway } from '../src/server';
import { subgraphs } from './subgraphs';

// A subgraph whose database goes away answers with a clear error naming it, writes nothing, keeps
// serving, and recovers when the database comes back. Cutting a database off needs a PostgreSQL
// server (TEST_DATABASE_URL, as in CI); the embedded database has no connection to cut.
const server = testServerUrl();
const withServer = server ? describe : describe.skip;

withServer('the clubs database lost mid-service', () => {
  let h: Harness;
  let admin: pg.Client;
  let clubsDb: string;
  beforeAll(async () => {
    h = await startSupergraph(subgraphs, startGateway);
    admin = new pg.Client({ connectionString: server });
    await admin.connect();
    // This harness's own clubs database (other test files create theirs at the same time).
    const [{ db }] = (await h.clients.clubs.$queryRaw`SELECT current_database() AS db`) as { db: string }[];
    clubsDb = db;
  }, 180_000);
  afterAll(async () => {
    await admin?.query(`ALTER DATABASE ${clubsDb} ALLOW_CONNECTIONS true`).catch(() => undefined);
    await admin?.end();
    await h?.stop();
  });

  const count = async () => Number((await h.clients.clubs.membership.count()) as number);

  test('clear error, nothing written, other subgraphs unaffected, recovery', async () => {
    const before = await count();
    await admin.query(`ALTER DATABASE ${clubsDb} ALLOW_CONNECTIONS false`);
    await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, [clubsDb]);

    const write = await h
      .as('admin')
      .query(`mutation { addClubMembership(input: { clubId: "cb-reseau-1234", actorId: "act-edf", category: MEMBER }) { id } }`);
    expect(write.errors![0].extensions).toMatchObject({ code: 'DATABASE_UNAVAILABLE', subgraph: 'clubs' });
    expect(write.errors![0].message).not.toMatch(/127\.0\.0\.1|postgres:|SELECT|INSERT/);

    const read = await h.query(
      `{ actorBySiren(siren: "552081317") { name clubMemberships { totalCount } councilMemberships { totalCount } } }`,
    );
    expect(read.data!.actorBySiren).toMatchObject({ name: 'EDF', clubMemberships: null, councilMemberships: { totalCount: 1 } });

    await admin.query(`ALTER DATABASE ${clubsDb} ALLOW_CONNECTIONS true`);
    expect(await count()).toBe(before);
    let recovered = false;
    for (let i = 0; i < 50 && !recovered; i++) {
      const again = await h.query(`{ club(id: "cb-reseau-1234") { name } }`);
      recovered = again.data?.club?.name === 'Réseau 1234';
      if (!recovered) await new Promise((r) => setTimeout(r, 100));
    }
    expect(recovered).toBe(true);
  });
});
