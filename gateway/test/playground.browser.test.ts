import path from 'node:path';
import { startSupergraph, tokenFor, type Harness } from '@maillage/testing';
import type { Browser, Page } from 'playwright-core';
import { startGateway } from '../src/server';
import { ARTIFACTS, launchChromium, watchProblems } from './browser';
import { subgraphs } from './subgraphs';

// The developers' playground in a real browser: the IDE bundled from npm, served by the gateway
// alone (no CDN), opens on the examples, runs one, shows the result; a pasted token signs it in.

let h: Harness;
let browser: Browser;
let origin: string;

beforeAll(async () => {
  h = await startSupergraph(subgraphs, startGateway as never);
  origin = new URL(h.gatewayUrl).origin;
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await h?.stop();
});

/** Runs the active tab and returns the gateway's answer, once the result pane shows it. */
async function runActiveTab(page: Page) {
  const answer = page.waitForResponse(
    (r) => r.url().startsWith(h.gatewayUrl) && r.request().method() === 'POST' && !/__schema/.test(r.request().postData() ?? ''),
  );
  await page.locator('.graphiql-execute-button').click();
  const res = await answer;
  return {
    status: res.status(),
    body: (await res.json()) as { data?: any; errors?: { extensions?: { code?: string } }[] },
    request: res.request(),
  };
}

// Monaco lays text out with non-breaking spaces.
const resultText = async (page: Page) => (await page.locator('.graphiql-response').innerText()).replace(/\u00a0/g, ' ');

test('the playground opens offline with the examples, runs example 1 and shows EDF', async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const problems = watchProblems(page);
  const elsewhere: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(origin) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) elsewhere.push(r.url());
  });
  await page.goto(`${origin}/`);
  await page.locator('.graphiql-execute-button').waitFor();
  // One tab per example operation (1 to 8), then the persisted operations partners run.
  const tabs = await page.locator('.graphiql-tab').allInnerTexts();
  expect(tabs.slice(0, 8)).toEqual([
    'ActorBySiren',
    'Reseau1234ByDepartement',
    'CouncilMembersInOtherNetworks',
    expect.any(String),
    expect.any(String),
    expect.any(String),
    expect.any(String),
    'SearchAndMatchmaking',
  ]);
  const { status, body } = await runActiveTab(page);
  expect(status).toBe(200);
  expect(body.data!.actorBySiren.name).toBe('EDF');
  await page.locator('.graphiql-response').filter({ hasText: '"actorBySiren"' }).waitFor();
  expect(await resultText(page)).toContain('"siren": "552081317"');
  // The schema docs come from introspection, with the descriptions composition requires.
  await page.locator('button[aria-label="Show Documentation Explorer"]').click();
  const docs = page.locator('.graphiql-doc-explorer');
  await docs.filter({ hasText: 'Root Types' }).waitFor();
  await docs.getByRole('link', { name: 'Query', exact: true }).click();
  await docs.filter({ hasText: 'A club by id.' }).waitFor();
  expect(problems).toEqual([]);
  expect(elsewhere).toEqual([]);
  await page.screenshot({ path: path.join(ARTIFACTS, 'playground.png') });
  await page.close();
});

test('a pasted token signs the playground in: matchmaking answers instead of UNAUTHENTICATED', async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(`${origin}/`);
  // The tab bar animates its tabs into place: a DOM click, not a pointer at moving coordinates.
  await page.getByRole('tab', { name: 'SearchAndMatchmaking' }).locator('.graphiql-tab-button').dispatchEvent('click');
  await page.locator('[role="tab"][aria-selected="true"]', { hasText: 'SearchAndMatchmaking' }).waitFor();
  const anonymous = await runActiveTab(page);
  expect(JSON.parse(anonymous.request.postData()!).operationName).toBe('SearchAndMatchmaking');
  expect(anonymous.body.errors?.map((e) => e.extensions?.code)).toContain('UNAUTHENTICATED');
  expect(anonymous.request.headers().authorization).toBeUndefined();

  await page.getByLabel('Token or partner key').fill(await tokenFor('editor', { subject: 'playground-test' }));
  await page.getByRole('button', { name: 'Use', exact: true }).click();
  await page.getByRole('status').filter({ hasText: 'Signed in with a bearer token' }).waitFor();
  const signedIn = await runActiveTab(page);
  expect(signedIn.request.headers().authorization).toMatch(/^Bearer /);
  expect(signedIn.body.errors).toBeUndefined();
  expect(signedIn.body.data!.whoHasTheSolution).not.toBeNull();
  await page.locator('.graphiql-response').filter({ hasText: '"whoHasTheSolution"' }).waitFor();
  await page.close();
});
