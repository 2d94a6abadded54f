import { gunzipSync } from 'node:zlib';
import path from 'node:path';
import { persistedOperationIds, runPersisted } from '@maillage/client';
import { startSupergraph, type Harness } from '@maillage/testing';
import type { Browser, Page } from 'playwright-core';
import { startGateway } from '../src/server';
import { ARTIFACTS, closedPort, launchChromium, partnerSite, watchProblems } from './browser';
import { subgraphs } from './subgraphs';

// Partner pages in a real browser (Debian's Chromium through playwright-core): the widget script
// loaded from the gateway by a partner's site on its own origin, the gateway's demo page, and the
// typed client partners use from servers. Waits are on DOM state, never on time.

let h: Harness;
let browser: Browser;
let gatewayOrigin: string;
let key: string;
let allowed: Awaited<ReturnType<typeof partnerSite>>;
let foreign: Awaited<ReturnType<typeof partnerSite>>;
// Pages the two partner sites serve, filled in by each test before it opens them.
const allowedPages: Record<string, string> = {};
const foreignPages: Record<string, string> = {};

const widgetPage = (gateway: string, element: string) => `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Partenaire</title><link rel="icon" href="data:,"></head>
<body><h1>Nos membres</h1>${element}<script src="${gateway}/widgets/maillage.js"></script></body></html>`;

async function admin<D = any>(query: string, variables?: Record<string, unknown>): Promise<D> {
  const res = await h.as('admin').query(query, variables);
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data as D;
}

beforeAll(async () => {
  h = await startSupergraph(subgraphs, startGateway as never);
  gatewayOrigin = new URL(h.gatewayUrl).origin;
  // The seed names no member company of Réseau 1234: one on each side of the Aveyron–Hérault line.
  for (const [name, commune] of [
    ['Atelier des Causses', '12145'],
    ['Bureau Garosud', '34172'],
  ]) {
    const { createActor } = await admin(
      `mutation($n: String!, $c: String!) { createActor(input: { kind: COMPANY, name: $n, communeCode: $c }) { id } }`,
      { n: name, c: commune },
    );
    await admin(
      `mutation($a: ID!) { addClubMembership(input: { clubId: "cb-reseau-1234", actorId: $a, category: MEMBER, startDate: "2020-01-01" }) { id } }`,
      { a: createActor.id },
    );
  }
  [allowed, foreign] = await Promise.all([partnerSite(allowedPages), partnerSite(foreignPages)]);
  const { createPartnerKey } = await admin(`mutation($input: CreatePartnerKeyInput!) { createPartnerKey(input: $input) { key } }`, {
    input: {
      name: 'Site du club (test)',
      origins: [allowed.origin, gatewayOrigin],
      rateLimitPerMinute: 1000,
      operationIds: [persistedOperationIds.NetworkMembers, persistedOperationIds.NetworkAgenda, persistedOperationIds.NetworksInTerritory],
    },
  });
  key = createPartnerKey.key;
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await allowed?.close();
  await foreign?.close();
  await h?.stop();
});

/** The CMIP's members as the API lists them, page by page: what the widget must show. */
async function cmipPages(size: number): Promise<string[][]> {
  const res = await h.query(`{ council(id: "co-cmip") { members(first: 100) { totalCount nodes { actor { name } } } } }`);
  const names = res.data!.council.members.nodes.map((n: { actor: { name: string } }) => n.actor.name) as string[];
  expect(names.length).toBe(res.data!.council.members.totalCount);
  return Array.from({ length: Math.ceil(names.length / size) }, (_, i) => names.slice(i * size, (i + 1) * size));
}

const namesIn = (page: Page, selector: string) => page.locator(`${selector} .maillage-member .maillage-name`).allTextContents();

test('a partner page shows the CMIP members from the gateway, a page at a time, without a console error', async () => {
  const pages = await cmipPages(5);
  expect(pages.length).toBeGreaterThan(2);
  allowedPages['/members'] = widgetPage(
    gatewayOrigin,
    `<maillage-members id="cmip" network="co-cmip" page-size="5" key="${key}"></maillage-members>`,
  );
  const page = await browser.newPage();
  const problems = watchProblems(page);
  await page.goto(`${allowed.origin}/members`);
  const widget = page.locator('#cmip');
  await widget
    .locator('.maillage-page')
    .filter({ hasText: `Page 1 sur ${pages.length}` })
    .waitFor();
  expect(await namesIn(page, '#cmip')).toEqual(pages[0]);
  // Accessible HTML: a labelled section, a heading, a list, a navigation with real buttons.
  const { council } = (await h.query(`{ council(id: "co-cmip") { name } }`)).data!;
  expect(
    await widget
      .getByRole('region', { name: `Membres de ${council.name}` })
      .getByRole('heading', { level: 3 })
      .textContent(),
  ).toBe(`Membres de ${council.name}`);
  expect(await widget.getByRole('list').count()).toBe(1);
  expect(await widget.getByRole('button', { name: 'Page précédente' }).isDisabled()).toBe(true);

  await widget.getByRole('button', { name: 'Page suivante' }).click();
  await widget
    .locator('.maillage-page')
    .filter({ hasText: `Page 2 sur ${pages.length}` })
    .waitFor();
  expect(await namesIn(page, '#cmip')).toEqual(pages[1]);
  // Focus stays on the button pressed, for keyboard users.
  // (The callback runs in the page; `globalThis` is its window.)
  expect(await page.evaluate(() => (globalThis as any).document.activeElement?.getAttribute('data-action'))).toBe('next');

  for (let i = 2; i < pages.length; i++) {
    await widget.getByRole('button', { name: 'Page suivante' }).click();
    await widget
      .locator('.maillage-page')
      .filter({ hasText: `Page ${i + 1} sur ${pages.length}` })
      .waitFor();
    expect(await namesIn(page, '#cmip')).toEqual(pages[i]);
  }
  expect(await widget.getByRole('button', { name: 'Page suivante' }).isDisabled()).toBe(true);
  await widget.getByRole('button', { name: 'Page précédente' }).click();
  await widget
    .locator('.maillage-page')
    .filter({ hasText: `Page ${pages.length - 1} sur ${pages.length}` })
    .waitFor();
  expect(await namesIn(page, '#cmip')).toEqual(pages[pages.length - 2]);
  expect(problems).toEqual([]);
  await page.screenshot({ path: path.join(ARTIFACTS, 'partner-page-cmip.png'), fullPage: true });
  await page.close();
});

test('the same key on a page of another origin is refused, and the widget says so', async () => {
  foreignPages['/members'] = widgetPage(gatewayOrigin, `<maillage-members id="cmip" network="co-cmip" key="${key}"></maillage-members>`);
  const page = await browser.newPage();
  const refused = page.waitForResponse((r) => r.url().startsWith(h.gatewayUrl));
  await page.goto(`${foreign.origin}/members`);
  const response = await refused;
  expect(response.status()).toBe(403);
  const alert = page.locator('#cmip [role="alert"]');
  await alert.waitFor();
  expect(await alert.textContent()).toBe("Ce site n'est pas autorisé à afficher ces informations de Maillage.");
  expect(await page.locator('#cmip').getAttribute('data-error')).toBe('ORIGIN_NOT_ALLOWED');
  expect(await page.locator('#cmip .maillage-member').count()).toBe(0);
  await page.close();
});

test('an unreachable gateway leaves a readable message, not a broken page', async () => {
  const port = await closedPort();
  allowedPages['/down'] = widgetPage(
    gatewayOrigin,
    `<maillage-agenda id="agenda" network="cb-reseau-1234" key="${key}" gateway="http://127.0.0.1:${port}/graphql"></maillage-agenda><p id="after">Suite de la page</p>`,
  );
  const page = await browser.newPage();
  const uncaught: string[] = [];
  page.on('pageerror', (err) => uncaught.push(err.message));
  await page.goto(`${allowed.origin}/down`);
  const alert = page.locator('#agenda [role="alert"]');
  await alert.waitFor();
  expect(await alert.textContent()).toBe('Maillage est injoignable pour le moment : ces informations ne peuvent pas être affichées.');
  expect(await page.locator('#agenda').getAttribute('data-error')).toBe('UNREACHABLE');
  expect(await page.locator('#after').isVisible()).toBe(true);
  expect(uncaught).toEqual([]);
  await page.close();
});

test("the gateway's demo page: Réseau 1234 by département, the CMIP's members, an agenda and a territory's networks", async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems = watchProblems(page);
  await page.goto(`${gatewayOrigin}/demo/?key=${encodeURIComponent(key)}`);
  const reseau = page.locator('maillage-members[network="cb-reseau-1234"]');
  await reseau.locator('.maillage-title').waitFor();
  const groups = await reseau.locator('.maillage-group').evaluateAll((sections: any[]) =>
    sections.map((s) => ({
      title: s.querySelector('h4').textContent,
      names: [...s.querySelectorAll('.maillage-name')].map((n: any) => n.textContent),
    })),
  );
  expect(groups).toEqual(
    expect.arrayContaining([
      { title: 'Aveyron (12)', names: ['Atelier des Causses'] },
      { title: 'Hérault (34)', names: ['Bureau Garosud'] },
    ]),
  );
  expect(await reseau.locator('.maillage-summary').textContent()).toBe('Aveyron : 1 membre · Hérault : 1 membre');
  // Damien André leads the network; a person has no commune in the directory.
  expect(groups).toContainEqual({ title: 'Département non renseigné', names: ['Damien André'] });

  const cmip = page.locator('maillage-members[network="co-cmip"]');
  await cmip.locator('.maillage-page').waitFor();
  expect(await namesIn(page, 'maillage-members[network="co-cmip"]')).toEqual((await cmipPages(6))[0]);

  const agenda = page.locator('maillage-agenda');
  await agenda.locator('.maillage-initiative').first().waitFor();
  const initiatives = await h.query(`{ club(id: "cb-reseau-1234") { initiatives(first: 5) { nodes { name } } } }`);
  expect(await agenda.locator('.maillage-initiative .maillage-name').allTextContents()).toEqual(
    initiatives.data!.club.initiatives.nodes.map((i: { name: string }) => i.name),
  );

  const networks = page.locator('maillage-networks');
  await networks.locator('.maillage-network').first().waitFor();
  expect(await networks.locator('[data-network="cb-reseau-1234"] .maillage-name').textContent()).toBe('Réseau 1234');
  expect(problems).toEqual([]);
  await page.screenshot({ path: path.join(ARTIFACTS, 'demo-partner-page.png'), fullPage: true });
  await page.close();
});

test('the widget script is served small and gzipped, with the ids of its persisted operations', async () => {
  const res = await fetch(`${gatewayOrigin}/widgets/maillage.js`, { headers: { 'accept-encoding': 'gzip' } });
  expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  const js = await res.text();
  for (const name of ['NetworkMembers', 'NetworkAgenda', 'NetworksInTerritory'] as const) expect(js).toContain(persistedOperationIds[name]);
  const raw = await fetch(`${gatewayOrigin}/widgets/maillage.js`, { headers: { 'accept-encoding': 'identity' } });
  expect(raw.headers.get('content-encoding')).toBeNull();
  // The budget for partners' visitors: no framework, a few kilobytes on the wire.
  const { gzipSync } = await import('node:zlib');
  const gz = gzipSync(Buffer.from(js), { level: 9 });
  expect(gunzipSync(gz).toString()).toBe(js);
  expect(gz.length).toBeLessThan(6 * 1024);
});

test('partners on a server use the typed client: runPersisted with the key', async () => {
  const res = await runPersisted('NetworkMembers', { id: 'co-cmip', council: true, first: 3 }, { endpoint: h.gatewayUrl, partnerKey: key });
  expect(res.status).toBe(200);
  expect(res.errors).toEqual([]);
  const members = res.data!.council!.members!;
  expect(members.nodes.map((n) => n.actor!.name)).toEqual((await cmipPages(3))[0]);
  const refused = await runPersisted('ActorCard', { siren: '552081317' }, { endpoint: h.gatewayUrl, partnerKey: key });
  expect(refused.status).toBe(403);
  expect(refused.errors[0].extensions?.code).toBe('OPERATION_NOT_ALLOWED');
});
