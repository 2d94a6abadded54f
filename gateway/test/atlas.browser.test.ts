import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startSupergraph, tokenFor, type Harness } from '@maillage/testing';
import type { Browser, Page } from 'playwright-core';
import { startGateway } from '../src/server';
import { ARTIFACTS, launchChromium, watchProblems } from './browser';
import { frenchReason, type ReasonDetail } from '../atlas/reasons';
import { subgraphs } from './subgraphs';

// The regional atlas (/atlas/) in Debian's Chromium, on the seeded graph: the expected figures
// are read from the API here, by other queries than the page's, and compared with what the page
// shows. Waits are on DOM state, never on time.

let h: Harness;
let browser: Browser;
let origin: string;
let analystToken: string;

beforeAll(async () => {
  h = await startSupergraph(subgraphs, startGateway as never);
  origin = new URL(h.gatewayUrl).origin;
  analystToken = await tokenFor('analyst', { subject: 'atlas-test' });
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await h?.stop();
});

async function analyst<D = any>(query: string, variables?: Record<string, unknown>): Promise<D> {
  const res = await h.as('analyst').query(query, variables);
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data as D;
}

/** What the page asks of each reason (schema/operations/AtlasSynergies.graphql). */
const REASON = 'code text count actors { id name } sectorLinks { a { code label } b { code label } } initiatives { id name } similarity';

const fr = (n: number, digits = 0) =>
  new Intl.NumberFormat('fr-FR', { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(n);
const perThousand = (n: number) => (n > 0 && n < 1 ? new Intl.NumberFormat('fr-FR', { maximumSignificantDigits: 2 }).format(n) : fr(n, 1));
const squeeze = (s: string) => s.replace(/[\s\u00a0\u202f]+/g, ' ').trim();

interface Opened {
  page: Page;
  problems: string[];
  elsewhere: string[];
  costs: { requested: number; actual: number }[];
}

/** Opens the atlas with a token already in the tab's storage (as after "Se connecter"). */
async function open(token: string | null): Promise<Opened> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true, locale: 'fr-FR' });
  const problems = watchProblems(page);
  const elsewhere: string[] = [];
  const costs: Opened['costs'] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(origin) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) elsewhere.push(r.url());
  });
  page.on('response', (r) => {
    if (!r.url().startsWith(`${origin}/graphql`)) return;
    void r.json().then(
      (b: { extensions?: { cost?: { requested: number; actual: number } } }) => b.extensions?.cost && costs.push(b.extensions.cost),
      () => undefined,
    );
  });
  if (token) await page.addInitScript((t) => sessionStorage.setItem('maillage-atlas-token', t), token);
  await page.goto(`${origin}/atlas/`);
  await page.locator('body[data-ready="true"]').waitFor({ timeout: 60_000 });
  return { page, problems, elsewhere, costs };
}

test('signed out, then refused with an editor token: readable messages in French', async () => {
  const { page, problems } = await open(null);
  expect(await page.locator('html').getAttribute('lang')).toBe('fr');
  const message = page.getByRole('alert');
  await message.filter({ hasText: 'Vous n’êtes pas connecté' }).waitFor();
  expect(await page.locator('#content').isHidden()).toBe(true);

  await page.getByLabel('Jeton d’analyste').fill(await tokenFor('editor', { networks: ['cb-reseau-1234'], subject: 'atlas-editor' }));
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await message.filter({ hasText: 'Accès refusé' }).waitFor();
  expect(await message.getAttribute('data-failure')).toBe('FORBIDDEN');
  await page.screenshot({ path: path.join(ARTIFACTS, 'atlas-refused.png') });
  expect(problems).toEqual([]);
  await page.close();
});

test('the synergies service not ready: SNAPSHOT_UNAVAILABLE says so, and the retry button loads the atlas once it is', async () => {
  // The first read of the graph fails while a network subgraph is down, before any synergy query ran.
  await h.stopSubgraph('chambers');
  let opened: Opened;
  try {
    opened = await open(analystToken);
    const message = opened.page.getByRole('alert');
    await message.filter({ hasText: 'pas encore prêt' }).waitFor();
    expect(await message.getAttribute('data-failure')).toBe('SNAPSHOT_UNAVAILABLE');
  } finally {
    await h.restartSubgraph('chambers');
  }
  await opened.page.screenshot({ path: path.join(ARTIFACTS, 'atlas-unavailable.png') });
  const { page } = opened;
  await page.getByRole('button', { name: 'Réessayer' }).click();
  await page.locator('#content:not([hidden])').waitFor({ timeout: 60_000 });
  await page.locator('#map-table tbody tr').first().waitFor();
  await page.close();
}, 180_000);

test('the map shows Hérault and Aveyron with their figures; hover, focus and click', async () => {
  const { page, problems, elsewhere, costs } = await open(analystToken);
  const expected = async (id: string) => {
    const d = await analyst(
      `query($s: ScopeInput, $id: ID!) { territory(id: $id) { name code population }
        synergyReport(scope: $s, first: 0) { networkCount memberCount }
        coParticipation(scope: $s, first: 100) { initiatives(first: 20) { id } } }`,
      { s: { territoryId: id }, id },
    );
    const ties = await analyst(
      `{ crossTerritoryTies(level: DEPARTEMENT, scope: { territoryId: "REG-76" }) { territories { territory { id } memberships } } }`,
    );
    const memberships = ties.crossTerritoryTies.territories.find((t: any) => t.territory.id === id).memberships as number;
    const joint = new Set(d.coParticipation.flatMap((p: any) => p.initiatives.map((i: any) => i.id))).size;
    return {
      networks: d.synergyReport.networkCount as number,
      name: d.territory.name as string,
      code: d.territory.code as string,
      cells: [
        fr(d.territory.population),
        fr(d.synergyReport.networkCount),
        fr(d.synergyReport.memberCount),
        fr(memberships),
        perThousand((memberships * 1000) / d.territory.population),
        fr(joint),
      ],
      members: d.synergyReport.memberCount as number,
    };
  };
  for (const id of ['DEP-34', 'DEP-12']) {
    const e = await expected(id);
    const row = page.locator(`#map-table tbody tr[data-id="${id}"]`);
    expect(squeeze(await row.locator('th').innerText())).toBe(`${e.name} (${e.code})`);
    expect((await row.locator('td').allInnerTexts()).map(squeeze)).toEqual(e.cells.map(squeeze));
    // The map has the département, named with the same figures for screen readers.
    const shape = page.locator(`#dep-${e.code}`);
    const said = `${e.cells[1]} ${e.networks < 2 ? 'réseau actif' : 'réseaux actifs'}, ${e.cells[2]} ${e.members < 2 ? 'membre' : 'membres'}`;
    expect(squeeze((await shape.getAttribute('aria-label'))!)).toContain(squeeze(said));
    // Both départements have members located in them in the seeds (Main Gauche…, Cyrille Brengues in Millau).
    expect(e.members).toBeGreaterThan(0);
    await shape.hover();
    await page.locator('#map-figures').filter({ hasText: e.name }).waitFor();
  }
  // Thirteen départements in Occitanie, each on the map.
  expect(await page.locator('#map path.departement').count()).toBe(13);
  // Keyboard: focus shows the figures, Enter scopes the page to the département.
  await page.locator('#dep-12').focus();
  await page.locator('#map-figures').filter({ hasText: 'Aveyron (12)' }).waitFor();
  await page.locator('#measure').selectOption('perThousand');
  await page.screenshot({ path: path.join(ARTIFACTS, 'atlas-map.png') });
  await page.locator('#dep-34').focus();
  await page.keyboard.press('Enter');
  await page.locator('#scope-name').filter({ hasText: 'Hérault (34)' }).waitFor();
  await page.locator('#report-scope').filter({ hasText: 'Hérault' }).waitFor();
  expect(await page.locator('#dep-34').getAttribute('aria-pressed')).toBe('true');
  await page.screenshot({ path: path.join(ARTIFACTS, 'atlas-herault.png'), fullPage: true });

  // Every request passed the door and demand control, and said what it cost.
  expect(costs.length).toBeGreaterThanOrEqual(16);
  for (const c of costs) expect(c.actual).toBeLessThanOrEqual(c.requested);
  console.log(
    `atlas requests: ${costs.length}, cost requested max ${Math.max(...costs.map((c) => c.requested))}, sum ${costs.reduce((s, c) => s + c.requested, 0)}`,
  );
  expect(problems).toEqual([]);
  expect(elsewhere).toEqual([]);
  await page.close();
});

test('the graph joins the Conseil Métropolitain and CCI Hérault through Main Gauche; a click on the edge shows the reason', async () => {
  const { page, problems } = await open(analystToken);
  const report = await analyst(`{ synergyReport(scope: { territoryId: "REG-76" }, first: 100) { pairs {
      networkA { ... on Council { id } ... on Chamber { id } ... on Cluster { id } ... on Club { id } }
      networkB { ... on Council { id } ... on Chamber { id } ... on Cluster { id } ... on Club { id } }
      reasonDetails { ${REASON} } sharedMembers { name } } } }`);
  const pair = report.synergyReport.pairs.find((p: any) => [p.networkA.id, p.networkB.id].sort().join() === 'ch-cci-herault,co-cmip');
  expect(pair.sharedMembers.map((m: any) => m.name)).toContain('Main Gauche');
  const reason = pair.reasonDetails.find((r: ReasonDetail) => r.code === 'SHARED_MEMBERS') as ReasonDetail;
  expect(reason.actors.map((a) => a.name)).toContain('Main Gauche');

  const hasEdge = await page.evaluate(() => (window as any).maillageAtlas.sigma.getGraph().hasEdge('ch-cci-herault|co-cmip'));
  expect(hasEdge).toBe(true);
  const edgeRow = page.locator('#graph-table tr[data-edge="ch-cci-herault|co-cmip"]');
  expect(squeeze(await edgeRow.innerText())).toContain('Main Gauche');

  // A real click on the canvas, at the middle of the edge as sigma draws it.
  const box = (await page.locator('#graph').boundingBox())!;
  await page.locator('#graph').scrollIntoViewIfNeeded();
  const at = await page.evaluate(() => (window as any).maillageAtlas.edgePoint('ch-cci-herault', 'co-cmip') as { x: number; y: number });
  const now = (await page.locator('#graph').boundingBox())!;
  expect(now.width).toBe(box.width);
  await page.mouse.move(now.x + at.x, now.y + at.y);
  await page.mouse.click(now.x + at.x, now.y + at.y);
  const detail = page.locator('#edge-detail');
  await detail
    .filter({ hasText: "Conseil Métropolitain de l'Industrie Positive — CCI Hérault" })
    .or(detail.filter({ hasText: "CCI Hérault — Conseil Métropolitain de l'Industrie Positive" }))
    .waitFor();
  expect(squeeze(await detail.innerText())).toContain(squeeze(frenchReason(reason)));
  expect(frenchReason(reason)).toContain('en commun : Main Gauche');
  expect(await detail.locator('h4:has-text("Membres communs") + ul').innerText()).toContain('Main Gauche');
  await page.screenshot({ path: path.join(ARTIFACTS, 'atlas.png'), fullPage: true });
  await page.locator('#graph-section').screenshot({ path: path.join(ARTIFACTS, 'atlas-graph.png') });
  // The same details from the keyboard, through the table of edges.
  await page.getByRole('button', { name: 'Revenir à toute la région' }).isHidden();
  await edgeRow.getByRole('button', { name: 'Détails' }).focus();
  await page.keyboard.press('Enter');
  expect(squeeze(await detail.innerText())).toContain('Main Gauche');
  expect(problems).toEqual([]);
  await page.close();
});

test('the report table sorts, exports its rows as a French CSV, and prints on A4', async () => {
  const { page, problems } = await open(analystToken);
  const report = await analyst(`{ synergyReport(scope: { territoryId: "REG-76" }, first: 100) { pairs {
      networkA { ... on Council { name } ... on Chamber { name } ... on Cluster { name } ... on Club { name } }
      networkB { ... on Council { name } ... on Chamber { name } ... on Cluster { name } ... on Club { name } }
      score sharedCount reasonDetails { ${REASON} } } } }`);
  const pairs = report.synergyReport.pairs as {
    networkA: { name: string };
    networkB: { name: string };
    score: number;
    sharedCount: number;
    reasonDetails: ReasonDetail[];
  }[];
  expect(pairs.length).toBeGreaterThan(1);
  const rows = page.locator('#report-table tbody tr');
  expect(await rows.count()).toBe(pairs.length);

  // Sorted by score, highest first; a click on "Membres communs" sorts by shared members, most first.
  const scores = await page.locator('#report-table tbody td:nth-child(3)').allInnerTexts();
  expect(scores).toEqual(pairs.map((p) => fr(p.score, 3)));
  await page.getByRole('button', { name: 'Membres communs' }).click();
  expect(await page.locator('#report-table th[data-key="sharedCount"]').getAttribute('aria-sort')).toBe('descending');
  const shared = (await page.locator('#report-table tbody td:nth-child(6)').allInnerTexts()).map((s) => Number(s));
  expect(shared).toEqual([...pairs.map((p) => p.sharedCount)].sort((a, b) => b - a));
  await page.getByRole('button', { name: 'Score' }).click();

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Exporter en CSV' }).click();
  const file = await (await download).path();
  const bytes = readFileSync(file);
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const lines = bytes.toString('utf8').slice(1).trimEnd().split('\r\n');
  expect(lines[0].split(';').slice(0, 5)).toEqual(['Réseau A', 'Type A', 'Réseau B', 'Type B', 'Score']);
  expect(lines).toHaveLength(pairs.length + 1);
  pairs.forEach((p, i) => {
    const cells = lines[i + 1].split(';');
    expect([cells[0], cells[2], cells[4]]).toEqual([
      p.networkA.name,
      p.networkB.name,
      String(Math.round(p.score * 1000) / 1000).replace('.', ','),
    ]);
    expect(lines[i + 1]).toContain(frenchReason(p.reasonDetails[0]).replace(/"/g, '""'));
  });

  // The print stylesheet: A4, no controls, the report table as wide as the page.
  await page.emulateMedia({ media: 'print' });
  expect(await page.locator('#token-form').isHidden()).toBe(true);
  expect(await page.locator('#export-csv').isHidden()).toBe(true);
  const pdf = await page.pdf({ format: 'A4', preferCSSPageSize: true });
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  const tableWidth = (await page.locator('#report-table').boundingBox())!.width;
  // A4 is 210 mm, 12 mm margins: 186 mm at 96 dpi is about 703 px.
  await page.setViewportSize({ width: 703, height: 1000 });
  expect((await page.locator('#report-table').boundingBox())!.width).toBeLessThanOrEqual(703);
  expect(tableWidth).toBeGreaterThan(0);
  await page.screenshot({ path: path.join(ARTIFACTS, 'atlas-print.png'), fullPage: true });
  expect(problems).toEqual([]);
  await page.close();
});
