import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { service as chambers } from '@maillage/chambers';
import { service as clubs } from '@maillage/clubs';
import { service as clusters } from '@maillage/clusters';
import { service as councils } from '@maillage/councils';
import { service as directory } from '@maillage/directory';
import { startGateway } from '@maillage/gateway';
import { startSupergraph, type Harness } from '@maillage/testing';
import { siren } from './siren';

// `maillage import members` as network staff run it: the real binary, through a real gateway over
// HTTP with an editor's token, into the subgraphs' databases.

const BIN = path.resolve(__dirname, '../bin/maillage.js');
const dir = mkdtempSync(path.join(tmpdir(), 'maillage-cli-'));
let h: Harness;
let editorToken: string;

beforeAll(async () => {
  h = await startSupergraph([directory, chambers, clusters, councils, clubs] as never[], startGateway as never);
  editorToken = await h.as('editor', { networks: ['cb-reseau-1234', 'co-cmip'] }).token();
}, 240_000);
afterAll(async () => h?.stop());

function maillage(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, maxBuffer: 10 * 1024 * 1024 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** `maillage import members <file> --network <network>` through the gateway, as the editor of both networks. */
const importAsEditor = (file: string, network: string, ...flags: string[]) =>
  maillage(['import', 'members', file, '--network', network, '--url', h.gatewayUrl, '--token', editorToken, ...flags]);

function csv(name: string, lines: string[]): string {
  const file = path.join(dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const members = async (clubId: string) =>
  (
    await h.query(
      `query($id: ID!) { club(id: $id) { members(first: 100) { totalCount nodes { category role startDate actor { name siren commune { id } } } } } }`,
      { id: clubId },
    )
  ).data!.club.members;
const actorsWithSiren = async (s: string) =>
  (await h.as('admin').query(`query($s: String!) { actorBySiren(siren: $s) { id name } }`, { s })).data!.actorBySiren;

test('imports the valid rows, reports the others by line, creates missing actors, and a second run changes nothing', async () => {
  const fresh = siren('31415926');
  const file = csv('reseau.csv', [
    'siren;nom;commune;catégorie;rôle;date_debut;date_fin',
    `552081317;EDF;;MEMBER;partenaire;01/01/2024;`,
    `${fresh};Fonderie du Larzac;12145;MEMBER;;2023-09-01;`,
    `123456780;Faux;34172;MEMBER;;;`,
    `${siren('27182818')};Nulle part;99999;MEMBER;;;`,
    `${siren('16180339')};Février;34172;MEMBER;;30/02/2024;`,
  ]);
  const before = (await members('cb-reseau-1234')).totalCount;
  const first = await importAsEditor(file, 'cb-reseau-1234');
  expect(first.stderr).toBe('');
  expect(first.code).toBe(1);
  expect(first.stdout).toMatch(/^line 4: siren "123456780" is not valid: .*$/m);
  expect(first.stdout).toContain('line 5: commune "99999" is not an INSEE commune code of the 2026 map');
  expect(first.stdout).toContain('line 6: start_date "30/02/2024" is not a date (YYYY-MM-DD or DD/MM/YYYY)');
  expect(first.stdout).toContain(
    'Réseau 1234 (cb-reseau-1234): 5 rows read, 3 not valid, 0 refused, 2 memberships created, 0 already recorded, 1 actors created in the directory.',
  );
  const after = await members('cb-reseau-1234');
  expect(after.totalCount).toBe(before + 2);
  expect(after.nodes).toEqual(
    expect.arrayContaining([
      {
        category: 'MEMBER',
        role: 'partenaire',
        startDate: '2024-01-01',
        actor: { name: 'EDF', siren: '552081317', commune: expect.anything() },
      },
      {
        category: 'MEMBER',
        role: null,
        startDate: '2023-09-01',
        actor: { name: 'Fonderie du Larzac', siren: fresh, commune: { id: 'COM-12145' } },
      },
    ]),
  );

  const again = await maillage(['import', 'members', file, '--network', 'cb-reseau-1234', '--url', h.gatewayUrl], {
    MAILLAGE_TOKEN: editorToken,
  });
  expect(again.code).toBe(1);
  expect(again.stdout).toContain(
    '5 rows read, 3 not valid, 0 refused, 0 memberships created, 2 already recorded, 0 actors created in the directory.',
  );
  expect((await members('cb-reseau-1234')).totalCount).toBe(before + 2);
  expect(await actorsWithSiren(fresh)).toMatchObject({ name: 'Fonderie du Larzac' });
});

test('--all-or-nothing imports nothing, not even actors, when one row is not valid or is refused', async () => {
  const lonely = siren('11223344');
  const invalid = csv('invalid.csv', [
    'siren,name,commune,category',
    `${lonely},Seule,34172,MEMBER`,
    `${siren('55667788')},Mauvaise catégorie,34172,GOLD`,
  ]);
  const before = (await members('cb-reseau-1234')).totalCount;
  const r1 = await importAsEditor(invalid, 'cb-reseau-1234', '--all-or-nothing');
  expect(r1.code).toBe(1);
  expect(r1.stdout).toContain('line 3: category "GOLD" is not one of BOARD, LEAD, MEMBER');
  expect(r1.stdout).toContain('1 of 2 rows are not valid: nothing imported (--all-or-nothing).');
  // Refused by the subgraph: an open membership overlapping the one the first test recorded for EDF.
  const clash = csv('clash.csv', [
    'siren,name,category,start_date',
    `${lonely},Seule,MEMBER,2024-01-01`,
    '552081317,EDF,MEMBER,2025-06-01',
  ]);
  const r2 = await importAsEditor(clash, 'cb-reseau-1234', '--all-or-nothing');
  expect(r2.code).toBe(1);
  expect(r2.stdout).toMatch(
    /^line 3: DUPLICATE_MEMBERSHIP: Actor act-edf already has a MEMBER membership of cb-reseau-1234 over that period/m,
  );
  expect(r2.stdout).toContain('1 rows refused by cb-reseau-1234: nothing imported (--all-or-nothing).');
  expect((await members('cb-reseau-1234')).totalCount).toBe(before);
  expect(await actorsWithSiren(lonely)).toBeNull();
});

test('an editor of another network is refused before any actor is created', async () => {
  const other = await h.as('editor', { networks: ['cb-not-mine'] }).token();
  const newcomer = siren('99887766');
  const file = csv('forbidden.csv', ['siren,name,category', `${newcomer},Intrus,MEMBER`]);
  const r = await maillage(['import', 'members', file, '--network', 'cb-reseau-1234', '--url', h.gatewayUrl, '--token', other]);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/^maillage: FORBIDDEN: /);
  expect(await actorsWithSiren(newcomer)).toBeNull();
  const noToken = await maillage(['import', 'members', file, '--network', 'cb-reseau-1234', '--url', h.gatewayUrl], { MAILLAGE_TOKEN: '' });
  expect(noToken.code).toBe(2);
  expect(noToken.stderr).toMatch(/give --token TOKEN or set MAILLAGE_TOKEN/);
});

test('a large file goes in several transactions with a progress bar, all or nothing, and again changes nothing', async () => {
  const count = 510;
  const lines = ['siren,name,commune,category,start_date'];
  for (let i = 0; i < count; i++)
    lines.push(`${siren(String(40000000 + i))},Entreprise ${i},${i % 2 ? '34172' : '12145'},MEMBER,2022-01-01`);
  const file = csv('large.csv', lines);
  const council = async () =>
    (await h.query(`{ council(id: "co-cmip") { members(first: 0) { totalCount } } }`)).data!.council.members.totalCount as number;
  const before = await council();
  const r = await importAsEditor(file, 'co-cmip', '--all-or-nothing', '--progress');
  expect(r.stdout).toContain(
    `${count} rows read, 0 not valid, 0 refused, ${count} memberships created, 0 already recorded, ${count} actors created in the directory.`,
  );
  expect(r.code).toBe(0);
  for (const phase of ['actors', 'checking', 'new actors', 'importing']) expect(r.stderr).toContain(phase);
  expect(r.stderr).toContain(`${count}/${count} rows`);
  expect(await council()).toBe(before + count);
  const again = await importAsEditor(file, 'co-cmip', '--no-progress');
  expect(again.code).toBe(0);
  expect(again.stdout).toContain(`0 memberships created, ${count} already recorded, 0 actors created in the directory.`);
  expect(again.stderr).toBe('');
  expect(await council()).toBe(before + count);
  // Over a thousand requests through the gateway: room for a machine shared with other test runs.
}, 300_000);
