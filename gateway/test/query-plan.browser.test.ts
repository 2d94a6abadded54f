import path from 'node:path';
import { startSupergraph, type Harness } from '@maillage/testing';
import type { Browser } from 'playwright-core';
import { startGateway } from '../src/server';
import { ARTIFACTS, launchChromium, watchProblems } from './browser';
import { subgraphs } from './subgraphs';

// The playground's Query plan panel in a real browser: opened on example 1, it shows the plan the
// gateway would follow (the directory, then the network subgraphs in parallel); another tab, another plan.
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

test('the Query plan panel shows the plan of the operation in the editor, and follows the tabs', async () => {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  const problems = watchProblems(page);
  const graphqlRequests: string[] = [];
  page.on('request', (r) => void (new URL(r.url()).pathname === '/graphql' && graphqlRequests.push(r.postData() ?? r.url())));
  await page.goto(`${origin}/`);
  await page.locator('.graphiql-execute-button').waitFor();
  const panel = page.getByRole('complementary', { name: 'Query plan' });
  expect(await panel.isVisible()).toBe(false);
  const toggle = page.getByRole('button', { name: 'Query plan' });
  await toggle.click();
  expect(await toggle.getAttribute('aria-expanded')).toBe('true');
  await panel.getByRole('heading', { name: 'ActorBySiren' }).waitFor();
  const plan = panel.locator('pre.query-plan');
  const first = await plan.innerText();
  expect(first).toMatch(/^QueryPlan \{/);
  expect(first).toContain('Fetch(service: "directory")');
  expect(first).toContain('Fetch(service: "councils")');
  await page.screenshot({ path: path.join(ARTIFACTS, 'playground-query-plan.png') });

  // The tab bar animates its tabs into place: a DOM click, not a pointer at moving coordinates.
  await page.getByRole('tab', { name: 'SearchAndMatchmaking' }).locator('.graphiql-tab-button').dispatchEvent('click');
  await panel.getByRole('heading', { name: 'SearchAndMatchmaking' }).waitFor();
  expect(await plan.innerText()).toContain('Fetch(service: "synergies")');
  // Planning ran nothing: no GraphQL request left the page.
  expect(graphqlRequests).toEqual([]);
  expect(problems).toEqual([]);
  await toggle.click();
  expect(await panel.isVisible()).toBe(false);
  await page.close();
});
