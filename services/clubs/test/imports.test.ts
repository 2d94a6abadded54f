import type { NetworkDb } from '@maillage/networks';
import { subgraphForFile, testViewer, type SubgraphHarness } from '@maillage/testing';
import { service } from '../src/server';

// importClubMemberships (the shared bulk import of @maillage/networks) through the clubs subgraph alone.
const s = subgraphForFile(service);

const IMPORT = `mutation($input: ImportClubMembershipsInput!) {
  importClubMemberships(input: $input) {
    club { id } created unchanged refused written
    rows { ref status code message membership { id actor { id } category role startDate endDate } }
  }
}`;
const editor = testViewer('editor', { networks: ['cb-reseau-1234'] });
const count = (where: object = {}) =>
  (s.client as any).membership.count({ where: { networkId: 'cb-reseau-1234', ...where } }) as Promise<number>;
const run = (input: Record<string, unknown>, as: Parameters<SubgraphHarness<NetworkDb>['execute']>[2] = { as: editor }) =>
  s.execute(IMPORT, { input: { clubId: 'cb-reseau-1234', ...input } }, as);

test('records the rows in one call, and a second run changes nothing', async () => {
  const before = await count();
  const memberships = [
    { ref: 'line 2', actorId: 'act-import-a', category: 'MEMBER', role: ' trésorier ', startDate: '2024-01-15', sources: ['tableur 2024'] },
    { ref: 'line 3', actorId: 'act-import-b', category: 'MEMBER', startDate: '2024-02-01' },
    { ref: 'line 4', actorId: 'act-import-b', category: 'BOARD', startDate: '2024-02-01' },
  ];
  const first = await run({ memberships });
  expect(first.errors).toBeUndefined();
  const out = first.data!.importClubMemberships;
  expect(out).toMatchObject({ club: { id: 'cb-reseau-1234' }, created: 3, unchanged: 0, refused: 0, written: true });
  expect(out.rows[0]).toMatchObject({
    ref: 'line 2',
    status: 'CREATED',
    membership: { actor: { id: 'act-import-a' }, role: 'trésorier', startDate: '2024-01-15' },
  });
  expect(await count()).toBe(before + 3);

  const again = await run({ memberships });
  expect(again.data!.importClubMemberships).toMatchObject({ created: 0, unchanged: 3, refused: 0, written: false });
  expect(again.data!.importClubMemberships.rows.map((r: any) => r.membership.id)).toEqual(out.rows.map((r: any) => r.membership.id));
  expect(await count()).toBe(before + 3);
});

test('refuses overlapping rows and bad dates by row, and records the valid ones', async () => {
  await run({ memberships: [{ actorId: 'act-import-c', category: 'MEMBER', startDate: '2023-01-01' }] });
  const before = await count();
  const res = await run({
    memberships: [
      { ref: '2', actorId: 'act-import-c', category: 'MEMBER', startDate: '2023-06-01' },
      { ref: '3', actorId: 'act-import-d', category: 'MEMBER', startDate: '2023-06-01', endDate: '2023-01-01' },
      { ref: '4', actorId: 'not an id', category: 'MEMBER' },
      { ref: '5', actorId: 'act-import-e', category: 'MEMBER', startDate: '2022-03-01' },
      { ref: '6', actorId: 'act-import-e', category: 'MEMBER', startDate: '2022-09-01' },
    ],
  });
  const out = res.data!.importClubMemberships;
  expect(out.rows.map((r: any) => [r.ref, r.status, r.code])).toEqual([
    ['2', 'REFUSED', 'DUPLICATE_MEMBERSHIP'],
    ['3', 'REFUSED', 'INVALID_DATE_RANGE'],
    ['4', 'REFUSED', 'BAD_USER_INPUT'],
    ['5', 'CREATED', null],
    // The same member twice in one file, open-ended both times: the second overlaps the first.
    ['6', 'REFUSED', 'DUPLICATE_MEMBERSHIP'],
  ]);
  expect(out).toMatchObject({ created: 1, refused: 4, written: true });
  expect(await count()).toBe(before + 1);
});

test('allOrNothing and dryRun record nothing, and say what would happen', async () => {
  const before = await count();
  const memberships = [
    { ref: 'a', actorId: 'act-import-f', category: 'MEMBER', startDate: '2025-01-01' },
    { ref: 'b', actorId: 'act-import-g', category: 'MEMBER', startDate: '2025-02-01', endDate: '2025-01-01' },
  ];
  const strict = (await run({ memberships, allOrNothing: true })).data!.importClubMemberships;
  expect(strict).toMatchObject({ created: 0, refused: 1, written: false });
  expect(strict.rows.map((r: any) => [r.status, r.membership])).toEqual([
    ['CREATED', null],
    ['REFUSED', null],
  ]);
  const dry = (await run({ memberships: memberships.slice(0, 1), dryRun: true })).data!.importClubMemberships;
  expect(dry).toMatchObject({ created: 0, refused: 0, written: false, rows: [{ status: 'CREATED', membership: null }] });
  expect(await count()).toBe(before);
});

test('is authorized as the other membership mutations, and refuses an unknown club or too many rows', async () => {
  const row = { actorId: 'act-import-h', category: 'MEMBER' };
  const other = await run({ memberships: [row] }, { as: testViewer('editor', { networks: ['cb-not-mine'] }) });
  expect(other.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  const partner = await run({ memberships: [row] }, { as: 'partner' });
  expect(partner.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  const anonymous = await run({ memberships: [row] }, { as: 'anonymous' });
  expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  const unknown = await s.execute(IMPORT, { input: { clubId: 'cb-nowhere', memberships: [row] } });
  expect(unknown.errors?.[0].extensions).toMatchObject({ code: 'UNKNOWN_NETWORK', field: 'clubId' });
  const many = await run({ memberships: Array.from({ length: 501 }, (_, i) => ({ actorId: `act-many-${i}`, category: 'MEMBER' })) });
  expect(many.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'memberships' });
  expect(await count({ actorId: { startsWith: 'act-many-' } })).toBe(0);
  expect(await count({ actorId: 'act-import-h' })).toBe(0);
});
