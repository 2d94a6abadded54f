const { openDatabase } = require('@maillage/db');
const { service } = require('@maillage/clubs');
(async () => {
  const db = await openDatabase({ service: 'clubs', url: `postgres://postgres@127.0.0.1:5432/maillage_bench_10000_clubs`, migrationsDir: service.migrationsDir });
  const c = service.createClient(db.adapter);
  const ids = (p) => Array.from({ length: 50 }, (_, i) => `syn-a-${String(((p * 50 + i) * 7919) % 10000).padStart(6, '0')}`);
  const bench = async (label, f, n = 300) => {
    for (let i = 0; i < 30; i++) await f(i);
    const c0 = process.cpuUsage(); let rows = 0;
    for (let i = 0; i < n; i++) rows += (await f(i)).length;
    const u = process.cpuUsage(c0);
    console.log(`${label}: ${((u.user + u.system) / 1000 / n).toFixed(3)} ms CPU a call, ${(rows / n).toFixed(1)} rows`);
  };
  await bench('membership.findMany actorId in 50', (p) => c.membership.findMany({ where: { actorId: { in: ids(p) } }, orderBy: [{ startDate: 'asc' }, { id: 'asc' }] }));
  await bench('membership.findMany select 4', (p) => c.membership.findMany({ where: { actorId: { in: ids(p) } }, orderBy: [{ startDate: 'asc' }, { id: 'asc' }], select: { id: true, networkId: true, actorId: true, startDate: true, endDate: true } }));
  await bench('network.findMany id in 20', async (p) => c.network.findMany({ where: { id: { in: Array.from({ length: 20 }, (_, i) => `syn-club-${String((p + i * 5) % 100).padStart(4, '0')}`) } } }));
  await bench('network.findMany id in 20 select', async (p) => c.network.findMany({ where: { id: { in: Array.from({ length: 20 }, (_, i) => `syn-club-${String((p + i * 5) % 100).padStart(4, '0')}`) } }, select: { id: true, name: true, membersPublic: true } }));
  await bench('$queryRaw memberships', (p) => c.$queryRaw`SELECT id, network_id AS "networkId", actor_id AS "actorId", category::text AS category, role, start_date AS "startDate", end_date AS "endDate", sources FROM membership WHERE actor_id = ANY(${ids(p)}::text[]) ORDER BY start_date, id`);
  await bench('$queryRaw SELECT 1', () => c.$queryRaw`SELECT 1`);
  await c.$disconnect(); await db.close();
})();
