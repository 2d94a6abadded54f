import pg from 'pg';
import { createLogger } from '@maillage/observability';
import { openDatabase } from '@maillage/db';
import { createSubgraphApollo } from '@maillage/subgraph-server';
import { createDatabases, describeOnPostgres, testViewer } from '@maillage/testing';
import { service } from '../src/server';

// DATABASE_POOL_SIZE bounds the connections a service opens, and a request that finds no free
// connection in time is told to retry (DATABASE_UNAVAILABLE), never an internal error.
describeOnPostgres('the clubs pool on PostgreSQL', (server) => {
  test('a pool of 2 never opens a third connection; requests it cannot serve in time answer DATABASE_UNAVAILABLE', async () => {
    const dbs = await createDatabases(server, ['pool']);
    const db = await openDatabase({ service: 'clubs', url: dbs.urls.pool, migrationsDir: service.migrationsDir, poolSize: 2 });
    const client = service.createClient(db.adapter);
    const admin = new pg.Client({ connectionString: server });
    await admin.connect();
    const definition = service.definition(client, createLogger('clubs', 'silent'));
    const apollo = createSubgraphApollo(definition);
    await apollo.start();
    try {
      await service.seed(client, () => undefined);
      const dbName = new URL(dbs.urls.pool).pathname.slice(1);
      const viewer = testViewer('admin');
      const add = async (i: number): Promise<{ data?: any; errors?: readonly any[] }> => {
        const res = await apollo.executeOperation(
          {
            query: `mutation { addClubMembership(input: { clubId: "cb-reseau-1234", actorId: "act-pool-${i}", category: MEMBER }) { id } }`,
          },
          { contextValue: { ...(await definition.context({ viewer })), viewer } },
        );
        if (res.body.kind !== 'single') throw new Error('incremental delivery not expected');
        return res.body.singleResult;
      };
      let most = 0;
      let running = true;
      const sampler = (async () => {
        while (running) {
          const { rows } = await admin.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1`, [dbName]);
          most = Math.max(most, rows[0].n);
          await new Promise((r) => setTimeout(r, 5));
        }
      })();
      const results = await Promise.all(Array.from({ length: 150 }, (_, i) => add(i)));
      running = false;
      await sampler;
      const ok = results.filter((r) => r.data?.addClubMembership);
      const codes = new Set(results.flatMap((r) => (r.errors ?? []).map((e: any) => e.extensions?.code)));
      expect(most).toBeGreaterThan(0);
      expect(most).toBeLessThanOrEqual(2);
      expect([...codes].filter((c) => c !== 'DATABASE_UNAVAILABLE')).toEqual([]);
      expect(await client.membership.count({ where: { actorId: { startsWith: 'act-pool-' } } })).toBe(ok.length);
    } finally {
      await apollo.stop();
      await client.$disconnect();
      await db.close();
      await admin.end();
      await dbs.drop();
    }
  });
});
