// Writes the synthetic région of packages/synthetic into each subgraph's own PostgreSQL database,
// through the same tables the seeds fill (directory: actors with their territory `reach` and search
// names; each network subgraph: its networks, memberships, initiatives and initiative links).
// Multi-row INSERTs from arrays (unnest), 10,000 rows a statement, one transaction per database.
// Idempotent: the `seed_run` row `synthetic` records the seed and sizes loaded; a database holding
// them is left alone, any other content of the bench databases is replaced.
const pg = require('pg');
const { generateRegion, REGION_SIZE } = require('@maillage/synthetic');
const { normaliseText, reachOf } = require('@maillage/reference');
const { applyMigrations, pgRunner } = require('@maillage/db');
const { KINDS, TYPE_OF_KIND } = require('@maillage/kinds');

// What each kind of network calls its networks and members, as in the subgraphs' Prisma schemas.
const SUBTYPE = { CHAMBER: 'CCI_TERRITORIALE', CLUSTER: 'CLUSTER', COUNCIL: 'METROPOLITAN_COUNCIL', CLUB: 'BUSINESS_CLUB' };
const CATEGORY = { CHAMBER: 'RESSORTISSANT', CLUSTER: 'COMPANY', COUNCIL: 'MEMBER', CLUB: 'MEMBER' };
const INITIATIVE_KINDS = ['MEETING', 'CONFERENCE', 'PROGRAMME', 'PROJECT', 'EVENT'];
const BATCH = 10_000;
// Bump when what the loader writes changes, so that old bench databases are reloaded.
const LOADER_VERSION = 2;

/** The sizes of a région of `actors` actors, everything else scaled as in the full-size région. */
function sizesFor(actors) {
  const r = actors / REGION_SIZE.actors;
  return {
    actors,
    networks: Math.max(8, Math.round(REGION_SIZE.networks * r)),
    memberships: Math.round(REGION_SIZE.memberships * r),
    initiatives: Math.round(REGION_SIZE.initiatives * r),
  };
}

const marker = (seed, sizes) =>
  `synthetic v${LOADER_VERSION} seed=${seed} ${Object.entries(sizes)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ')}`;

/** Inserts rows column-wise: `columns` are [name, pgType, values[]]; `select` may wrap each column (casts). */
async function insertColumns(client, table, columns, rowCount) {
  for (let from = 0; from < rowCount; from += BATCH) {
    const to = Math.min(rowCount, from + BATCH);
    const names = columns.map(([name]) => `"${name}"`).join(', ');
    const selects = columns.map(([, , , select], i) => (select ? select(`c${i}`) : `c${i}`)).join(', ');
    const unnest = columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ');
    const aliases = columns.map((_, i) => `c${i}`).join(', ');
    await client.query(
      `INSERT INTO "${table}" (${names}) SELECT ${selects} FROM unnest(${unnest}) AS t(${aliases})`,
      columns.map(([, , values]) => values.slice(from, to)),
    );
  }
}

// Arrays of varying length cannot go through unnest (it flattens them): they travel joined.
const SEP = '\u001f';
const joined = (xs) => xs.join(SEP);
const splitArray = (c) => `string_to_array(${c}, E'\\x1f')`;
const emptyToArray = (c) => `CASE WHEN ${c} = '' THEN '{}'::text[] ELSE ${splitArray(c)} END`;

async function withDatabase(url, migrationsDir, log, fn) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await applyMigrations(pgRunner(client), migrationsDir, { log: () => undefined });
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function loaded(client, mark) {
  const { rows } = await client.query(`SELECT checksum FROM seed_run WHERE id = 'synthetic'`);
  return rows[0]?.checksum === mark;
}

async function markLoaded(client, mark) {
  await client.query(
    `INSERT INTO seed_run (id, checksum, seeded_at) VALUES ('synthetic', $1, now()) ON CONFLICT (id) DO UPDATE SET checksum = EXCLUDED.checksum, seeded_at = now()`,
    [mark],
  );
  // Rows were replaced wholesale, beneath the API: whoever follows the change log reads everything again.
  await client.query(`SELECT pg_advisory_xact_lock(hashtext('change_log'))::text`);
  await client.query(`INSERT INTO change_log (entity_type, entity_id, op) VALUES ('*', '*', 'RESEED')`);
}

async function loadDirectory(client, region) {
  const a = region.actors;
  await client.query('TRUNCATE role, actor CASCADE');
  await insertColumns(
    client,
    'actor',
    [
      ['id', 'text', a.map((x) => x.id)],
      ['kind', 'text', a.map((x) => x.kind), (c) => `${c}::"ActorKind"`],
      ['name', 'text', a.map((x) => x.name)],
      ['search_name', 'text', a.map((x) => normaliseText(x.name))],
      ['naf_code', 'text', a.map((x) => x.nafCode ?? null)],
      ['headcount_band', 'text', a.map((x) => x.headcountBand ?? null)],
      ['category', 'text', a.map((x) => x.category ?? null), (c) => `${c}::"CompanyCategory"`],
      ['commune_id', 'text', a.map((x) => x.communeId ?? null)],
      ['reach', 'text', a.map((x) => joined(x.communeId ? reachOf([x.communeId]) : [])), emptyToArray],
      ['sources', 'text', a.map(() => 'synthetic'), splitArray],
      ['updated_at', 'timestamp', a.map(() => region.takenAt)],
    ],
    a.length,
  );
  return `${a.length} actors`;
}

async function loadNetworks(client, region, kind) {
  const networks = region.networks.filter((n) => n.kind === kind);
  const ids = new Set(networks.map((n) => n.id));
  const kindOf = new Map(region.networks.map((n) => [n.id, n.kind]));
  const memberships = [];
  region.memberships.forEach((m, i) => ids.has(m.networkId) && memberships.push([i, m]));
  const initiatives = region.initiatives.filter((i) => ids.has(i.organiserId));
  const links = [];
  for (const i of initiatives) {
    const targets = [
      ...i.coOrganiserIds.map((id) => ['CO_ORGANISER', TYPE_OF_KIND[kindOf.get(id)], id]),
      ...i.partyActorIds.map((id) => ['PARTICIPANT', 'Actor', id]),
    ];
    targets.forEach(([role, type, id], k) => links.push({ id: `${i.id}-${k}`, initiativeId: i.id, role, type, target: id }));
  }
  const loadedAt = new Date().toISOString();
  await client.query('TRUNCATE initiative_link, initiative, membership, network CASCADE');
  await insertColumns(
    client,
    'network',
    [
      ['id', 'text', networks.map((n) => n.id)],
      ['subtype', 'text', networks.map(() => SUBTYPE[kind]), (c) => `${c}::"NetworkSubtype"`],
      ['name', 'text', networks.map((n) => n.name)],
      ['search_name', 'text', networks.map((n) => normaliseText(n.name))],
      ['actor_id', 'text', networks.map((n) => n.actorId ?? null)],
      ['scope', 'text', networks.map((n) => joined(n.scope)), splitArray],
      ['reach', 'text', networks.map((n) => joined(reachOf(n.scope))), splitArray],
      // Every synthetic list is public: the peers' unsigned requests are anonymous in the subgraphs.
      ['members_public', 'bool', networks.map(() => true)],
      ['sources', 'text', networks.map(() => 'synthetic'), splitArray],
      ['updated_at', 'timestamp', networks.map(() => region.takenAt)],
    ],
    networks.length,
  );
  await insertColumns(
    client,
    'membership',
    [
      ['id', 'text', memberships.map(([i]) => `syn-m-${String(i).padStart(7, '0')}`)],
      ['network_id', 'text', memberships.map(([, m]) => m.networkId)],
      ['actor_id', 'text', memberships.map(([, m]) => m.actorId)],
      ['category', 'text', memberships.map(() => CATEGORY[kind]), (c) => `${c}::"MemberCategory"`],
      ['start_date', 'date', memberships.map(([, m]) => m.startDate ?? null)],
      ['end_date', 'date', memberships.map(([, m]) => m.endDate ?? null)],
      ['sources', 'text', memberships.map(() => 'synthetic'), splitArray],
    ],
    memberships.length,
  );
  const today = region.takenAt.slice(0, 10);
  await insertColumns(
    client,
    'initiative',
    [
      ['id', 'text', initiatives.map((i) => i.id)],
      ['network_id', 'text', initiatives.map((i) => i.organiserId)],
      ['kind', 'text', initiatives.map((i, k) => INITIATIVE_KINDS[k % INITIATIVE_KINDS.length]), (c) => `${c}::"InitiativeKind"`],
      ['status', 'text', initiatives.map((i) => (i.endDate && i.endDate < today ? 'HELD' : 'PLANNED')), (c) => `${c}::"InitiativeStatus"`],
      ['name', 'text', initiatives.map((i) => i.name)],
      ['start_date', 'date', initiatives.map((i) => i.startDate ?? null)],
      ['end_date', 'date', initiatives.map((i) => i.endDate ?? null)],
      ['place_id', 'text', initiatives.map((i) => i.placeId ?? null)],
      ['sources', 'text', initiatives.map(() => 'synthetic'), splitArray],
    ],
    initiatives.length,
  );
  await insertColumns(
    client,
    'initiative_link',
    [
      ['id', 'text', links.map((l) => l.id)],
      ['initiative_id', 'text', links.map((l) => l.initiativeId)],
      ['role', 'text', links.map((l) => l.role), (c) => `${c}::"LinkRole"`],
      ['target_type', 'text', links.map((l) => l.type)],
      ['target_id', 'text', links.map((l) => l.target)],
      // The synthetic initiatives cite a source, so their links are confirmed, as the seed loader
      // confirms a sourced initiative's (docs/architecture.md, "Agreed links"): they count.
      ['status', 'text', links.map(() => 'CONFIRMED'), (c) => `${c}::"AgreementStatus"`],
      ['proposed_by', 'text', links.map(() => 'source')],
      ['decided_by', 'text', links.map(() => 'source')],
      ['decided_at', 'timestamp', links.map(() => loadedAt)],
    ],
    links.length,
  );
  return `${networks.length} networks, ${memberships.length} memberships, ${initiatives.length} initiatives, ${links.length} links`;
}

/** Creates a database unless it exists. */
async function ensureDatabase(serverUrl, name) {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
}

/**
 * Loads the région of `actors` actors (seed `seed`) into `<prefix>_<service>` databases of the server,
 * unless already there. Returns the database URL of each subgraph and the sizes loaded.
 */
async function loadRegion({ serverUrl, prefix, actors = REGION_SIZE.actors, seed = 2026, log = console.log }) {
  const sizes = sizesFor(actors);
  // A région of another size gets databases of its own, so a quick check does not unload the full one.
  // BENCH_DATABASE_PREFIX names them apart when several checkouts bench on one server.
  const base = process.env.BENCH_DATABASE_PREFIX ?? 'maillage_bench';
  prefix ??= actors === REGION_SIZE.actors ? base : `${base}_${actors}`;
  const mark = marker(seed, sizes);
  const urls = {};
  let region;
  const generate = () => (region ??= generateRegion({ ...sizes, seed }));
  const server = new URL(serverUrl);
  for (const service of ['directory', ...KINDS.map((k) => k.subgraph)]) {
    const db = `${prefix}_${service}`;
    await ensureDatabase(serverUrl, db);
    const url = new URL(server);
    url.pathname = `/${db}`;
    urls[service] = url.toString();
    const { migrationsDir } = require(`@maillage/${service}`).service;
    await withDatabase(urls[service], migrationsDir, log, async (client) => {
      if (await loaded(client, mark)) return log(`${service}: ${mark} already loaded`);
      const t = performance.now();
      const r = generate();
      await client.query('BEGIN');
      try {
        const what =
          service === 'directory'
            ? await loadDirectory(client, r)
            : await loadNetworks(client, r, KINDS.find((k) => k.subgraph === service).kind);
        await markLoaded(client, mark);
        await client.query('COMMIT');
        await client.query('ANALYZE');
        log(`${service}: loaded ${what} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
      } catch (err) {
        await client.query('ROLLBACK');
        throw err;
      }
    });
  }
  return { urls, sizes, seed, region: generate };
}

module.exports = { loadRegion, sizesFor };

if (require.main === module) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : fallback;
  };
  loadRegion({
    serverUrl: process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    actors: Number(arg('actors', REGION_SIZE.actors)),
    seed: Number(arg('seed', 2026)),
  }).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
