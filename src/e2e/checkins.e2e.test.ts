// 平安报 on a phone (390×844): a household checks in from its door page — members numbered, no
// names — one unwell; the grid worker's 今日平安报 shows the household reported and the unwell member.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, expectText, RESULTS_DIR, SCENARIO, signIn, STAGE_START_TIMEOUT } from './browser.js';
import { apiAs, type DemoStage, PASSWORD, PHONE, startDemoStage } from './stage.js';

describe.skipIf(!chromiumPath)('daily check-ins: the door page and the worker’s figures', SCENARIO, () => {
  let stage: DemoStage;

  beforeAll(async () => {
    stage = await startDemoStage('checkins');
  }, STAGE_START_TIMEOUT);
  afterAll(async () => {
    await stage?.close();
  });

  it('a household checks in from the door page and the worker sees it in today’s figures', async () => {
    const { app, baseUrl } = stage;
    const asWorker = await apiAs(app, 'worker01');
    const me = (await asWorker('GET', '/api/auth/me')).json() as {
      assignments: Array<{ areaId: number; areaLevel: string }>;
    };
    const microId = me.assignments.find((a) => a.areaLevel === 'microgrid')!.areaId;
    const houses = (
      (await asWorker('GET', `/api/houses?within=${microId}&pageSize=20`)).json() as {
        items: Array<{ id: number; address: string }>;
      }
    ).items;
    // The first house with at least two residents.
    let door: { token: string; address: string; members: number } | null = null;
    for (const house of houses) {
      const issued = await asWorker('POST', `/api/houses/${house.id}/household-code`);
      expect(issued.statusCode, issued.body).toBe(201);
      const token = (issued.json() as { scanUrl: string }).scanUrl.split('/h/')[1]!;
      const page = await app.inject({ url: `/api/public/households/${token}/checkin` });
      const members = (page.json() as { members: unknown[] }).members.length;
      if (members >= 2) {
        door = { token, address: house.address, members };
        break;
      }
    }
    expect(door).not.toBeNull();
    const before = (await asWorker('GET', '/api/health/checkins/figures')).json() as {
      total: { reported: number; unwell: number };
    };

    await stage.withPage('checkin-door', PHONE, async (page) => {
      await page.goto(`${baseUrl}/h/${door!.token}`);
      await page.getByTestId('door-checkin').click();
      const form = page.getByTestId('checkin-form');
      await form.waitFor();
      // No names to a passer-by: 成员1, 成员2 … with sex and decade.
      await expectText(form.getByTestId('checkin-member-1'), '成员1');
      await form.getByTestId('checkin-temperature-1').fill('44');
      await form.getByTestId('checkin-well-1').click();
      await page.getByTestId('public-submit').click();
      await expectText(form, '体温应在');
      await form.getByTestId('checkin-temperature-1').fill('36.6');
      await form.getByTestId('checkin-unwell-2').click();
      for (let slot = 3; slot <= door!.members; slot++)
        await form.getByTestId(`checkin-well-${slot}`).click();
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
      await page.screenshot({ path: path.join(RESULTS_DIR, 'checkin-door-phone.png'), fullPage: true });
      await page.getByTestId('public-submit').click();
      await expectText(page.getByTestId('checkin-done'), '平安报已提交');
    });

    await stage.withPage('checkin-worker', PHONE, async (page) => {
      await signIn(page, baseUrl, 'worker01', PASSWORD);
      await page.goto(`${baseUrl}/health/checkins`);
      const totals = page.getByTestId('checkin-totals');
      await expectText(totals, `已报 ${before.total.reported + door!.members}/`);
      // The unwell member is listed to look at, with the house; the others reported and are not.
      const listed = page.locator('[data-testid^=checkin-person-]').filter({ hasText: door!.address });
      await expectText(listed, '不适');
      expect(await listed.count()).toBe(1);
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
      await page.screenshot({ path: path.join(RESULTS_DIR, 'checkin-worker-phone.png'), fullPage: true });
    });
  });
});
