#!/usr/bin/env node
// EXPLAIN ANALYZE of a deep page, by OFFSET (the statements before keyset cursors, on the indexes
// they had) and by key (today's statements and indexes), on the benchmark's databases:
//
//   BENCH_DATABASE_PREFIX=maillage_bench node tools/bench/explain-pages.js [--offset 50000]
//
// Each "before" runs in a transaction that puts the old index back and is rolled back, so the
// databases are left as they were. Prints the plan's top node and its execution time.
const pg = require('pg');

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const offset = Number(arg('offset', 50_000));
const server = new URL(process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const prefix = process.env.BENCH_DATABASE_PREFIX ?? 'maillage_bench';
const urlOf = (service) => Object.assign(new URL(server), { pathname: `/${prefix}_${service}` }).toString();

async function explain(client, label, text, params, setup = []) {
  await client.query('BEGIN');
  try {
    for (const s of setup) await client.query(s);
    const { rows } = await client.query(`EXPLAIN (ANALYZE, BUFFERS) ${text}`, params);
    const lines = rows.map((r) => r['QUERY PLAN']);
    const scans = lines.filter((l) => /Scan|Sort Method/.test(l)).map((l) => l.trim().replace(/\s+\(cost.*$/, ''));
    console.log(`${label}: ${lines.find((l) => l.startsWith('Execution Time'))}\n    ${scans.slice(0, 4).join('\n    ')}`);
  } finally {
    await client.query('ROLLBACK');
  }
}

async function main() {
  const directory = new pg.Client({ connectionString: urlOf('directory') });
  await directory.connect();
  const territory = 'REG-76';
  // The key of the item just before the page, as a cursor of the previous page holds it.
  const { rows: at } = await directory.query(
    'SELECT search_name, id FROM actor WHERE reach @> ARRAY[$1::text] ORDER BY search_name, id OFFSET $2 LIMIT 1',
    [territory, offset - 1],
  );
  const oldActorIndex = ['DROP INDEX actor_search_name_id_idx', 'CREATE INDEX actor_search_name_idx ON actor (search_name)'];
  console.log(`actors of ${territory}, a page of 50 at offset ${offset}`);
  await explain(
    directory,
    '  before (OFFSET, index on search_name)',
    `SELECT * FROM actor WHERE ($1::text IS NULL OR reach @> ARRAY[$1::text]) AND ($2::text IS NULL OR kind::text = $2::text)
     ORDER BY search_name ASC, id ASC OFFSET $3 LIMIT 50`,
    [territory, null, offset],
    oldActorIndex,
  );
  await explain(
    directory,
    '  after (seek, index on search_name, id)',
    `SELECT * FROM unnest($3::text[], $4::text[], $5::int[], $6::int[]) WITH ORDINALITY AS k(after_name, after_id, "offset", "limit", key)
     CROSS JOIN LATERAL (SELECT * FROM actor WHERE ($1::text IS NULL OR reach @> ARRAY[$1::text]) AND ($2::text IS NULL OR kind::text = $2::text)
       AND (search_name, id) > (k.after_name, k.after_id) ORDER BY search_name ASC, id ASC OFFSET k."offset" LIMIT k."limit") actor`,
    [territory, null, [at[0].search_name], [at[0].id], [0], [51]],
  );
  console.log(`Territory.actors of ${territory}, a page of 50 at offset ${offset}`);
  await explain(
    directory,
    '  before (a window over the territory)',
    `SELECT * FROM (SELECT t AS territory, a.kind::text AS kind, a.id,
       row_number() OVER (PARTITION BY t ORDER BY a.search_name, a.id) AS rn, count(*) OVER (PARTITION BY t) AS total,
       row_number() OVER (PARTITION BY t, a.kind ORDER BY a.search_name, a.id) AS kind_rn, count(*) OVER (PARTITION BY t, a.kind) AS kind_total
     FROM actor a CROSS JOIN LATERAL unnest(a.reach) AS t WHERE t = ANY($1::text[]) AND ($2::text[] IS NULL OR a.kind::text = ANY($2::text[]))) ranked
     WHERE rn <= $3 OR kind_rn <= $3`,
    [[territory], null, offset + 50],
    oldActorIndex,
  );
  await explain(
    directory,
    '  after (seek walking the name index, as for a région or a département; no count)',
    `SELECT k.key, a.id FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::int[])
       WITH ORDINALITY AS k(territory, kind, after_name, after_id, "offset", "limit", key)
     LEFT JOIN LATERAL (SELECT a.id, a.search_name FROM actor a WHERE k.territory = ANY(a.reach) AND (k.kind IS NULL OR a.kind::text = k.kind)
       AND (a.search_name, a.id) > (k.after_name, k.after_id) ORDER BY a.search_name, a.id OFFSET k."offset" LIMIT k."limit") a ON true`,
    [[territory], [null], [at[0].search_name], [at[0].id], [0], [51]],
  );
  await directory.end();

  const clubs = new pg.Client({ connectionString: urlOf('clubs') });
  await clubs.connect();
  const { rows: big } = await clubs.query('SELECT network_id, count(*)::int AS n FROM membership GROUP BY 1 ORDER BY 2 DESC LIMIT 1');
  const deep = Math.floor(big[0].n * 0.9);
  const { rows: m } = await clubs.query(
    `SELECT coalesce(start_date, 'infinity'::date)::text AS d, id FROM membership WHERE network_id = $1
     ORDER BY coalesce(start_date, 'infinity'::date), id OFFSET $2 LIMIT 1`,
    [big[0].network_id, deep - 1],
  );
  console.log(`members of ${big[0].network_id} (${big[0].n}, ended included), a page of 20 at offset ${deep}`);
  await explain(
    clubs,
    '  before (OFFSET, index on network_id)',
    `SELECT * FROM membership m WHERE m.network_id = $1 ORDER BY m.start_date ASC, m.id ASC OFFSET $2 LIMIT 20`,
    [big[0].network_id, deep],
    ['DROP INDEX membership_network_member_order_idx'],
  );
  await explain(
    clubs,
    '  after (seek, index on network_id, coalesce(start_date), id)',
    `SELECT * FROM membership m WHERE m.network_id = $1 AND (coalesce(m.start_date, 'infinity'::date), m.id) > ($2::date, $3::text)
     ORDER BY coalesce(m.start_date, 'infinity'::date) ASC, m.id ASC LIMIT 21`,
    [big[0].network_id, m[0].d, m[0].id],
  );
  await clubs.end();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
