// The checkpoints of the demo village in a real browser: the big screen (1920×1080) shows today's
// checkpoint figures and each checkpoint's duty, and the map colours them by it; a community worker
// opens a checkpoint on a phone (390×844), sees who is on duty and the week's rota, and adds a shift.
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chromiumPath,
  eventually,
  expectText,
  RESULTS_DIR,
  SCENARIO,
  signIn,
  STAGE_START_TIMEOUT,
} from './browser.js';
import { apiAs, type DemoStage, PASSWORD, PHONE, startDemoStage } from './stage.js';

const BIG_SCREEN = { viewport: { width: 1920, height: 1080 } };

describe.skipIf(!chromiumPath)('checkpoints in a browser', SCENARIO, () => {
  let stage: DemoStage;
  let app: FastifyInstance;
  let baseUrl: string;

  beforeAll(async () => {
    stage = await startDemoStage('checkpoint-board');
    app = stage.app;
    baseUrl = stage.baseUrl;
  }, STAGE_START_TIMEOUT);
  afterAll(async () => {
    await stage?.close();
  });

  it('shows the checkpoints on the big screen, coloured by who is on duty', async () => {
    // The staffing job has run: the town road's unstaffed shift is a gap.
    await app.jobs.tick('checkpoint-staffing');
    await stage.withPage('checkpoint-dashboard', BIG_SCREEN, async (page) => {
      await signIn(page, baseUrl, 'village_commander', PASSWORD);
      const roots = (await (await apiAs(app, 'village_commander'))('GET', '/api/areas/roots')).json() as {
        items: Array<{ id: number }>;
      };
      await page.goto(`${baseUrl}/dashboard/${roots.items[0]!.id}`);
      const panel = page.getByTestId('dashboard-checkpoints');
      await expectText(panel, '卡口值守');
      await expectText(panel, '金卫路交通卡口');
      const rows = panel.locator('[data-state]');
      await eventually(() => rows.count()).toBe(3);
      // Gaps come first.
      expect(await rows.first().getAttribute('data-state')).toBe('gap');
      expect(
        Number(await panel.getByTestId('figure-people').locator('dd').innerText()),
      ).toBeGreaterThanOrEqual(0);
      const map = page.getByTestId('dashboard-map');
      await eventually(async () => (await map.getAttribute('data-checkpoints')) ?? '').toContain(
        '金卫路交通卡口:gap',
      );
      await expectText(page.getByTestId('dashboard-map-checkpoints'), '缺岗');
      await page.screenshot({ path: path.join(RESULTS_DIR, 'checkpoints-dashboard-1920.png') });
    });
  });

  it('opens a checkpoint on a phone: duty now, today, the rota; adds a shift', async () => {
    await stage.withPage('checkpoint-phone', PHONE, async (page) => {
      await signIn(page, baseUrl, 'staff01', PASSWORD);
      await page.goto(`${baseUrl}/checkpoints`);
      await expectText(page.getByTestId('checkpoints-page'), '星火村南入口');
      // The map draws the three checkpoints in their staffing colours.
      const map = page.getByTestId('checkpoints-map');
      await eventually(async () => (await map.getAttribute('data-checkpoints')) ?? '').toContain(
        '金卫路交通卡口:gap',
      );
      await eventually(() => map.getAttribute('data-ready')).toBe('true');
      await page.screenshot({ path: path.join(RESULTS_DIR, 'checkpoints-list-390.png'), fullPage: true });
      await page.getByTestId('checkpoint-link').filter({ hasText: '星火村南入口' }).click();
      await expectText(page.getByTestId('checkpoint-title'), '星火村南入口');
      await expectText(page.getByTestId('checkpoint-rota'), '星火村南入口值守队');
      await eventually(() => page.getByTestId('rota-day').count()).toBe(7);
      const before = await page.getByTestId('rota-shift').count();
      await page.getByTestId('shift-add').click();
      const form = page.getByTestId('shift-form');
      await form.getByLabel('开始时间').fill('22:00');
      await form.getByLabel('结束时间').fill('23:30');
      await form.getByRole('button', { name: /保\s*存/ }).click();
      await eventually(() => page.getByTestId('rota-shift').count()).toBe(before + 1);
      // The page fits the phone: nothing wider than the screen.
      const overflow = await page
        .locator('html')
        .evaluate((html) => html.scrollWidth - (html as unknown as { clientWidth: number }).clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await page.screenshot({ path: path.join(RESULTS_DIR, 'checkpoint-page-390.png'), fullPage: true });
    });
  });
});
