// The typed statements against Prisma's findMany and the old in-memory path, on the bench data.
const { openDatabase } = require('@maillage/db');
const { ANONYMOUS } = require('@maillage/viewer');
const { activeUnless, activeMemberIds } = require('@maillage/networks/dist/fields/common');
const name = process.argv[2] ?? 'clubs';
const { service } = require(`@maillage/${name}`);
const strip = ({ createdAt, updatedAt, ...r }) => r;
(async () => {
  const db = await openDatabase({ service: name, url: `postgres://postgres@127.0.0.1:5432/maillage_bench_10000_${name}`, migrationsDir: service.migrationsDir });
  const client = service.createClient(db.adapter);
  const L = service.definition(client).context({ viewer: ANONYMOUS }).loaders;
  const nets = await client.network.findMany({});
  const ids = nets.map((n) => n.id);
  let bad = 0;
  const got = await L.network.loadMany([...ids, 'nope']);
  nets.forEach((n, i) => { if (JSON.stringify(strip(n)) !== JSON.stringify(got[i])) { bad++; if (bad < 3) console.log('NET', JSON.stringify(strip(n)), '\n', JSON.stringify(got[i])); } });
  if (got[ids.length] !== null) bad++;
  const actorIds = Array.from({ length: 500 }, (_, i) => `syn-a-${String(i * 13).padStart(6, '0')}`);
  const mine = await L.membershipsByActor.loadMany(actorIds);
  for (let i = 0; i < actorIds.length; i++) {
    const want = (await client.membership.findMany({ where: { actorId: actorIds[i] }, orderBy: [{ startDate: 'asc' }, { id: 'asc' }] })).map(strip);
    if (JSON.stringify(want) !== JSON.stringify(mine[i])) { bad++; if (bad < 5) console.log('MEM', JSON.stringify(want), '\n', JSON.stringify(mine[i])); }
  }
  const keys = [];
  for (const id of ids) for (const [offset, limit, ended, cat] of [[0, 8, false, null], [3, 20, true, null], [0, 100, false, 'MEMBER'], [50, 5, false, null]]) keys.push({ networkId: id, offset, limit, includeEnded: ended, category: cat, counted: offset !== 50 });
  const pages = await L.memberPage.loadMany(keys);
  const counts = await L.memberCount.loadMany(ids);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    let rows = activeUnless((await client.membership.findMany({ where: { networkId: k.networkId }, orderBy: [{ startDate: 'asc' }, { id: 'asc' }] })).map(strip), k.includeEnded);
    if (k.category) rows = rows.filter((m) => m.category === k.category);
    const want = { rows: rows.slice(k.offset, k.offset + k.limit), total: k.counted ? rows.length : null };
    if (JSON.stringify(want) !== JSON.stringify(pages[i])) { bad++; if (bad < 5) console.log('PAGE', k, JSON.stringify(want).slice(0, 300), '\n', JSON.stringify(pages[i]).slice(0, 300)); }
  }
  for (let i = 0; i < ids.length; i++) {
    const all = await client.membership.findMany({ where: { networkId: ids[i] } });
    if (activeMemberIds(all).length !== counts[i]) bad++;
  }
  console.log(`${name}: ${ids.length} networks, ${actorIds.length} actors' memberships, ${keys.length} pages, ${ids.length} counts compared, ${bad} differ`);
  await client.$disconnect(); await db.close();
})();
