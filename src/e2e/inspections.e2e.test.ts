// An enterprise inspection (复工复产检查) in a real browser: a grid worker on a phone (390×844) opens an
// enterprise of the demo's running round, fails one item and submits; the desk shows the task.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, expectText, RESULTS_DIR, SCENARIO, signIn, STAGE_START_TIMEOUT } from './browser.js';
import { type DemoStage, PASSWORD, PHONE, startDemoStage } from './stage.js';

describe.skipIf(!chromiumPath)('enterprise inspections in a browser', SCENARIO, () => {
  let stage: DemoStage;
  beforeAll(async () => {
    stage = await startDemoStage('inspections');
  }, STAGE_START_TIMEOUT);
  afterAll(async () => {
    await stage?.close();
  });

  it('a grid worker inspects an enterprise on the phone; a failed item becomes a rectification task', async () => {
    await stage.withPage('inspection-phone', PHONE, async (page) => {
      await signIn(page, stage.baseUrl, 'worker01', PASSWORD);
      await page.goto(`${stage.baseUrl}/enterprise-inspections/mine`);
      // Never-inspected enterprises come first; the demo round covers only those back at work.
      const first = page.getByTestId('inspection-due-item').first();
      await expectText(first, /从未检查|上次检查/);
      await page.screenshot({ path: path.join(RESULTS_DIR, 'inspection-due.png'), fullPage: true });
      const name = (await first.locator('strong').innerText()).trim();
      await first.click();
      const form = page.getByTestId('inspection-form');
      await expectText(form, '默认检查清单');
      const items = form.getByTestId('inspection-item');
      expect(await items.count()).toBe(10);
      for (let i = 0; i < 10; i++)
        await items
          .nth(i)
          .getByText(i === 2 ? '不合格' : '合格', { exact: true })
          .click();
      await items.nth(2).getByRole('textbox').fill('门卫未戴口罩');
      await page.screenshot({ path: path.join(RESULTS_DIR, 'inspection-form.png'), fullPage: true });
      await form.getByTestId('inspection-submit').click();
      const done = page.getByTestId('inspection-recorded');
      await expectText(done, name);
      await expectText(done, '1 项不合格');
    });
  });
});
