// A door-to-door sweep (拉网式排查) in a real browser: a grid worker on a phone (390×844) opens a
// household not visited yet and records the visit; the sweep's progress moves, and the desk
// (1920×1080) shows it per grid.
import path from 'node:path';
import type { BrowserContextOptions } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, expectText, RESULTS_DIR, SCENARIO, signIn, STAGE_START_TIMEOUT } from './browser.js';
import { type Api, apiAs, type DemoStage, PASSWORD, PHONE, startDemoStage } from './stage.js';

const DESK_HD: BrowserContextOptions = { viewport: { width: 1920, height: 1080 } };
/** Today's date in China, the sweep's first day. */
const chinaDate = (offsetDays: number) =>
  new Date(Date.now() + 8 * 3600_000 + offsetDays * 86_400_000).toISOString().slice(0, 10);

describe.skipIf(!chromiumPath)('door-to-door sweeps in a browser', SCENARIO, () => {
  let stage: DemoStage;
  let asStaff: Api;
  let sweepId: number;

  beforeAll(async () => {
    stage = await startDemoStage('sweeps');
    const village = await stage.database.db
      .selectFrom('areas')
      .select('id')
      .where('name', '=', '星火村')
      .executeTakeFirstOrThrow();
    asStaff = await apiAs(stage.app, 'staff01');
    const created = await asStaff('POST', '/api/sweeps', {
      areaId: village.id,
      name: '十日拉网排查',
      startsOn: chinaDate(0),
      endsOn: chinaDate(9),
    });
    expect(created.statusCode, created.body).toBe(201);
    sweepId = created.json<{ id: number }>().id;
  }, STAGE_START_TIMEOUT);
  afterAll(async () => {
    await stage?.close();
  });

  const visited = async () =>
    (await asStaff('GET', `/api/sweeps/${sweepId}`)).json<{ figures: { visited: number } }>().figures.visited;

  it('a grid worker opens a household not visited yet and records the visit; progress moves', async () => {
    expect(await visited()).toBe(0);
    await stage.withPage('sweep-phone', PHONE, async (page) => {
      await signIn(page, stage.baseUrl, 'worker01', PASSWORD);
      await page.goto(`${stage.baseUrl}/sweeps/mine`);
      const first = page.getByTestId('sweep-household').first();
      await expectText(first, '未走访');
      const address = (await first.locator('strong').innerText()).trim();
      await first.click();
      const form = page.getByTestId('sweep-visit-form');
      await expectText(form, address);
      await form.getByTestId('sweep-member').first().getByRole('checkbox').check();
      await form.getByRole('spinbutton').first().fill('38.2');
      await form.getByText('咳嗽').first().click();
      await page.screenshot({ path: path.join(RESULTS_DIR, 'sweep-visit.png'), fullPage: true });
      await form.getByTestId('sweep-submit').click();
      await page.getByTestId('sweep-visit-recorded').waitFor();
      // Back on the list, the household is gone from those left to visit.
      await page.getByRole('button', { name: '返回未走访列表' }).click();
      await page.getByTestId('sweep-household').first().waitFor();
      const left = await page.getByTestId('sweep-household').allInnerTexts();
      expect(left.some((text) => text.includes(address))).toBe(false);
    });
    expect(await visited()).toBe(1);
  });

  it('the desk shows the sweep’s progress per grid with the fever found', async () => {
    await stage.withPage('sweep-desk', DESK_HD, async (page) => {
      await signIn(page, stage.baseUrl, 'staff01', PASSWORD);
      await page.goto(`${stage.baseUrl}/sweeps/${sweepId}`);
      await expectText(page.getByTestId('figure-visited'), '1');
      await expectText(page.getByTestId('figure-fevers'), '1');
      await page.getByTestId('sweep-chart').locator('canvas').first().waitFor();
      expect(await page.getByTestId('sweep-grids').locator('tbody tr').count()).toBe(4);
      await page.screenshot({ path: path.join(RESULTS_DIR, 'sweep-desk.png') });
    });
  });
});
