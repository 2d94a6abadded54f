import { constraintError } from '@maillage/errors';
import { openDatabase, type Database } from '@maillage/db';
import { maskInternalErrors } from '@maillage/subgraph-server';
import type { NetworkDb } from '@maillage/networks';
import { expectConstraintRefusals, malformedIdempotencyKey, refusal, type ConstraintCase } from '@maillage/testing';
import { service } from '../src/server';

// The invariants of migration 20261201090000_database_invariants, on the embedded PGlite that
// `npm start` runs by default (btree_gist loaded as a contrib extension): each one refuses a row
// written by SQL directly, past the API, and the refusal maps to the API's error code.
let db: Database;
let client: NetworkDb & { $disconnect(): Promise<void> };
beforeAll(async () => {
  db = await openDatabase({ service: 'clubs', migrationsDir: service.migrationsDir });
  client = service.createClient(db.adapter) as never;
  await service.seed(client as never, () => undefined);
}, 120_000);
afterAll(async () => {
  await client?.$disconnect();
  await db?.close();
});

const sql = (text: string) => (client as any).$executeRawUnsafe(text) as Promise<number>;
const insertMembership = (id: string, start: string | null, end: string | null, category = 'MEMBER') =>
  sql(
    `INSERT INTO membership (id, network_id, actor_id, category, start_date, end_date) VALUES ('${id}', 'cb-reseau-1234', 'act-constraint', '${category}', ${start ? `'${start}'` : 'NULL'}, ${end ? `'${end}'` : 'NULL'})`,
  );

test('the database is PGlite, with btree_gist and the exclusion constraint on memberships', async () => {
  expect(db.kind).toBe('pglite');
  const rows = (await (client as any).$queryRawUnsafe(
    `SELECT (SELECT extversion FROM pg_extension WHERE extname = 'btree_gist') AS btree_gist,
            (SELECT contype::text FROM pg_constraint WHERE conname = 'membership_no_overlap') AS kind,
            (SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'membership_no_overlap') AS definition`,
  )) as { btree_gist: string | null; kind: string; definition: string }[];
  expect(rows[0].btree_gist).not.toBeNull();
  expect(rows[0].kind).toBe('x');
  expect(rows[0].definition).toBe(
    // One key of network and actor (unit separator between), not two columns: see the migration
    // 20261201133000_membership_overlap_key for why (lookups by actor_id scanned the whole GiST index).
    `EXCLUDE USING gist ((((network_id || '\x1f'::text) || actor_id)) WITH =, category WITH =, daterange(start_date, end_date, '[)'::text) WITH &&)`,
  );
});

test('an overlapping membership inserted by SQL is refused; successive and other-category ones are not', async () => {
  await insertMembership('m-c-1', '2020-01-01', '2021-01-01');
  // [start, end): the next one may start the day the first ends.
  await insertMembership('m-c-2', '2021-01-01', null);
  await insertMembership('m-c-3', '2020-06-01', null, 'BOARD');
  const err = await refusal(insertMembership('m-c-4', '2020-12-31', '2021-01-01'));
  expect(err).not.toBeNull();
  expect(String((err as Error).message)).toMatch(/23P01|membership_no_overlap/);
  const open = await refusal(insertMembership('m-c-5', null, null));
  expect(open).not.toBeNull();
  expect(await (client as any).membership.count({ where: { actorId: 'act-constraint' } })).toBe(3);
});

test('a refusal through Prisma maps to the API code, also past the masking of internal errors', async () => {
  const err = await refusal(
    client.membership.create({
      data: {
        id: 'm-c-6',
        networkId: 'cb-reseau-1234',
        actorId: 'act-constraint',
        category: 'MEMBER',
        startDate: new Date('2022-05-01'),
        endDate: null,
        role: null,
        sources: [],
      },
    }),
  );
  expect(constraintError(err)?.extensions).toEqual({ code: 'DUPLICATE_MEMBERSHIP', field: 'actorId' });
  const logged: string[] = [];
  const formatted = maskInternalErrors((m) => logged.push(m), 'clubs')(
    { message: 'x', extensions: { code: 'INTERNAL_SERVER_ERROR' } },
    err,
  );
  expect(formatted.extensions).toEqual({ code: 'DUPLICATE_MEMBERSHIP', field: 'actorId' });
  expect(formatted.message).not.toMatch(/membership_no_overlap|INSERT|gist/);
  expect(logged).toEqual([]);
});

test('check constraints refuse what each table promises', async () => {
  const cases: ConstraintCase[] = [
    [`UPDATE membership SET end_date = '2019-01-01' WHERE id = 'm-c-1'`, 'membership_dates_check', 'INVALID_DATE_RANGE'],
    [`UPDATE network SET end_date = '2000-01-01' WHERE id = 'cb-reseau-1234'`, 'network_dates_check', 'INVALID_DATE_RANGE'],
    [`UPDATE network SET parent_id = id WHERE id = 'cb-reseau-1234'`, 'network_parent_check', 'BAD_USER_INPUT'],
    [`UPDATE network SET reported_member_count = -1 WHERE id = 'cb-reseau-1234'`, 'network_reported_member_count_check', 'BAD_USER_INPUT'],
    [`UPDATE initiative SET name = '  ' WHERE id = 'cb-i-presentation-reseau-1234'`, 'initiative_name_check', 'BAD_USER_INPUT'],
    [
      `INSERT INTO initiative_link (id, initiative_id, role, target_type, target_id) VALUES ('l-c-1', 'cb-i-presentation-reseau-1234', 'PARTNER', 'Club', 'cb-club-entrepreneurs-millavois')`,
      'initiative_link_target_check',
      'BAD_USER_INPUT',
    ],
    [
      `INSERT INTO initiative_link (id, initiative_id, role, target_type, target_id) SELECT 'l-c-2', id, 'CO_ORGANISER', 'Club', network_id FROM initiative WHERE id = 'cb-i-presentation-reseau-1234'`,
      'initiative_link_not_lead',
      'BAD_USER_INPUT',
    ],
    [
      `INSERT INTO membership (id, network_id, actor_id, category) VALUES ('m-c-7', 'cb-nowhere', 'act-constraint', 'LEAD')`,
      'membership_network_id_fkey',
      'UNKNOWN_NETWORK',
    ],
    malformedIdempotencyKey('short'),
  ];
  await expectConstraintRefusals(sql, cases);
});

test('the seed satisfies every constraint, and loads again', async () => {
  await expect(service.seed(client as never, () => undefined)).resolves.toBeUndefined();
});
