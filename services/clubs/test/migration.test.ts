import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { applyMigrations, pgliteExtensions, pgliteRunner } from '@maillage/db';
import { service } from '../src/server';

// The invariants migration on a database that already holds memberships written before it (the
// race it closes could store one membership several times): identical copies collapse to the
// first, and an overlap that is not a copy makes the migration fail whole, naming the constraint.
const INVARIANTS = '20261201090000_database_invariants';
const before = readdirSync(service.migrationsDir).filter((n) => n < INVARIANTS && !n.endsWith('.toml'));

let db: PGlite;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'maillage-migration-'));
  for (const name of before) cpSync(path.join(service.migrationsDir, name), path.join(dir, name), { recursive: true });
  db = await PGlite.create({ extensions: await pgliteExtensions() });
  await applyMigrations(pgliteRunner(db), dir);
  await db.exec(`INSERT INTO network (id, subtype, name, search_name, updated_at) VALUES ('cb-n', 'BUSINESS_CLUB', 'N', 'n', now())`);
}, 120_000);
afterAll(async () => {
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

const insert = (id: string, actor: string, start: string, created: string, role = 'NULL') =>
  db.exec(`INSERT INTO membership (id, network_id, actor_id, category, role, start_date, sources, created_at)
           VALUES ('${id}', 'cb-n', '${actor}', 'MEMBER', ${role}, '${start}', '{}', '${created}')`);
const upgrade = () => {
  cpSync(path.join(service.migrationsDir, INVARIANTS), path.join(dir, INVARIANTS), { recursive: true });
  return applyMigrations(pgliteRunner(db), dir);
};

test('an overlap that is not a copy fails the migration, and leaves the database as it was', async () => {
  await insert('m-a', 'act-a', '2020-01-01', '2020-01-01 10:00');
  await insert('m-b', 'act-a', '2021-01-01', '2021-01-01 10:00', `'présidente'`);
  await expect(upgrade()).rejects.toThrow(/membership_no_overlap/);
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_constraint WHERE contype IN ('c', 'x') AND conrelid <> 0`,
  );
  expect(rows[0].n).toBe(0);
  expect((await db.query(`SELECT 1 FROM pg_extension WHERE extname = 'btree_gist'`)).rows).toEqual([]);
  await db.exec(`DELETE FROM membership`);
});

test('identical copies collapse to the first, then the constraint holds', async () => {
  await insert('m-3', 'act-b', '2024-01-01', '2024-03-01 10:00:00.300');
  await insert('m-1', 'act-b', '2024-01-01', '2024-03-01 10:00:00.100');
  await insert('m-2', 'act-b', '2024-01-01', '2024-03-01 10:00:00.200');
  await insert('m-c', 'act-c', '2024-01-01', '2024-03-01 10:00');
  expect((await upgrade()).applied).toEqual([INVARIANTS]);
  const { rows } = await db.query<{ id: string }>(`SELECT id FROM membership ORDER BY id`);
  expect(rows.map((r) => r.id)).toEqual(['m-1', 'm-c']);
  await expect(insert('m-4', 'act-b', '2024-06-01', '2024-06-01 10:00')).rejects.toThrow(/membership_no_overlap/);
});
