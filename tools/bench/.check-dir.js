const { openDatabase } = require('@maillage/db');
const { ANONYMOUS } = require('@maillage/viewer');
const { service } = require('@maillage/directory');
(async () => {
  const db = await openDatabase({ service: 'directory', url: `postgres://postgres@127.0.0.1:5432/maillage_bench_10000_directory`, migrationsDir: service.migrationsDir });
  const client = service.createClient(db.adapter);
  const L = service.definition(client).context({ viewer: ANONYMOUS }).loaders;
  let bad = 0;
  const ids = Array.from({ length: 600 }, (_, i) => `syn-a-${String(i * 17).padStart(6, '0')}`);
  const got = await L.actor.loadMany([...ids, 'nope']);
  const want = await client.actor.findMany({ where: { id: { in: ids } } });
  const byId = new Map(want.map((a) => [a.id, a]));
  ids.forEach((id, i) => { if (JSON.stringify(byId.get(id) ?? null) !== JSON.stringify(got[i])) { bad++; if (bad < 3) console.log(JSON.stringify(byId.get(id)), '\n', JSON.stringify(got[i])); } });
  const seeded = await client.actor.findMany({ where: { NOT: { id: { startsWith: 'syn-' } } }, take: 300 });
  const got2 = await L.actor.loadMany(seeded.map((a) => a.id));
  seeded.forEach((a, i) => { if (JSON.stringify(a) !== JSON.stringify(got2[i])) { bad++; if (bad < 5) console.log(JSON.stringify(a), '\n', JSON.stringify(got2[i])); } });
  for (const where of [{ reach: { has: 'REG-76' } }, { reach: { has: 'DEP-34' }, kind: 'COMPANY' }, {}]) for (const [offset, limit] of [[0, 50], [4950, 50], [100, 17]]) {
    const a = await L.actorPages.load({ where, offset, limit });
    const b = await client.actor.findMany({ where, orderBy: [{ searchName: 'asc' }, { id: 'asc' }], skip: offset, take: limit });
    if (JSON.stringify(a) !== JSON.stringify(b)) { bad++; console.log('PAGE', JSON.stringify(where), offset, a.length, b.length); }
  }
  console.log(`directory: ${ids.length + seeded.length} actors, 9 pages compared, ${bad} differ (${seeded.length} seeded actors)`);
  await client.$disconnect(); await db.close();
})();
