// Focused: the clubs subgraph's (b2) entity fetch, executed N times in-process, for a CPU profile.
const { openDatabase } = require('@maillage/db');
const { createSubgraphApollo } = require('@maillage/subgraph-server');
const { ANONYMOUS } = require('@maillage/viewer');
const name = process.argv[2] ?? 'clubs';
const field = { clubs: 'club', chambers: 'chamber', clusters: 'cluster', councils: 'council' }[name];
const { service } = require(`@maillage/${name}`);
(async () => {
  const db = await openDatabase({ service: name, url: `postgres://postgres@127.0.0.1:5432/maillage_bench_10000_${name}`, migrationsDir: service.migrationsDir });
  const client = service.createClient(db.adapter);
  const def = service.definition(client);
  const apollo = createSubgraphApollo(def);
  await apollo.start();
  const query = `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Actor { ${field}Memberships { nodes { ${field} { name } } } } } }`;
  const run = async (p) => {
    const representations = Array.from({ length: 50 }, (_, i) => ({ __typename: 'Actor', id: `syn-a-${String(((p * 50 + i) * 7919) % 10000).padStart(6, '0')}` }));
    const r = await apollo.executeOperation({ query, variables: { representations } }, { contextValue: { ...def.context({ viewer: ANONYMOUS }), viewer: ANONYMOUS } });
    if (r.body.singleResult.errors) throw new Error(JSON.stringify(r.body.singleResult.errors));
  };
  for (let i = 0; i < 50; i++) await run(i);
  const n = Number(process.argv[3] ?? 300);
  const c0 = process.cpuUsage(); const t0 = performance.now();
  for (let i = 0; i < n; i++) await run(i);
  const c = process.cpuUsage(c0);
  console.log(`${name}: ${((c.user + c.system) / 1000 / n).toFixed(2)} ms CPU per (b2) entity fetch, ${((performance.now() - t0) / n).toFixed(2)} ms wall`);
  await apollo.stop(); await client.$disconnect(); await db.close();
})();
