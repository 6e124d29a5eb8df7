// The door page in a real browser on a phone (390×844): asking for help gives a secret follow link
// that this phone keeps; a passer-by scanning the same door sees no request, and only the link
// follows and withdraws it.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, RESULTS_DIR } from './browser.js';
import { apiAs, type DemoStage, PHONE, startDemoStage } from './stage.js';

const DETAILS = '降压药（硝苯地平控释片）一盒，放门口即可';

describe.skipIf(!chromiumPath)(
  'the door page keeps a household’s requests private',
  { timeout: 240_000 },
  () => {
    let stage: DemoStage;

    beforeAll(async () => {
      stage = await startDemoStage('door-privacy');
    }, 240_000);
    afterAll(async () => {
      await stage?.close();
    });

    it('gives the asker a follow link to follow and withdraw; a passer-by at the door sees nothing of it', async () => {
      const { app, baseUrl } = stage;
      const asWorker = await apiAs(app, 'worker01');
      const me = (await asWorker('GET', '/api/auth/me')).json() as {
        assignments: Array<{ areaId: number; areaLevel: string }>;
      };
      const microId = me.assignments.find((a) => a.areaLevel === 'microgrid')!.areaId;
      const house = (
        (await asWorker('GET', `/api/houses?within=${microId}&pageSize=1`)).json() as {
          items: Array<{ id: number; address: string }>;
        }
      ).items[0]!;
      const issued = await asWorker('POST', `/api/houses/${house.id}/household-code`);
      expect(issued.statusCode, issued.body).toBe(201);
      const token = (issued.json() as { scanUrl: string }).scanUrl.split('/h/')[1]!;

      // The resident asks on their phone, gets the link, follows it and withdraws the request.
      const followUrl = await stage.withPage('door-ask', PHONE, async (page) => {
        await page.goto(`${baseUrl}/h/${token}`);
        await expect.poll(() => page.getByTestId('door-address').innerText()).toBe(house.address);
        await page.getByTestId('door-help').click();
        const form = page.getByTestId('help-form');
        await form.waitFor();
        await form.getByText('代购药品', { exact: true }).click();
        await form.locator('#details').fill(DETAILS);
        await page.getByTestId('help-submit').click();
        await page.getByTestId('door-help-receipt').waitFor();
        const link = (await page.getByTestId('door-help-link').innerText()).trim();
        expect(link).toMatch(new RegExp(`^${baseUrl}/help/[A-Za-z0-9_-]{32}$`));
        // The door page shows this phone's own link, never the request itself.
        expect(await page.getByTestId('door-my-request').count()).toBe(1);
        expect(await page.locator('body').innerText()).not.toContain(DETAILS);
        await page.screenshot({ path: path.join(RESULTS_DIR, 'door-help-link-phone.png'), fullPage: true });

        await page.getByTestId('door-help-follow').click();
        await page.getByTestId('help-follow-page').waitFor();
        await expect.poll(() => page.getByTestId('help-follow-page').innerText()).toContain(DETAILS);
        await page.getByTestId('help-follow-withdraw').click();
        await page.locator('.ant-popconfirm .ant-btn-primary').click();
        await expect.poll(() => page.getByTestId('help-follow-page').innerText()).toContain('求助已撤回');
        expect(await page.getByTestId('help-follow-withdraw').count()).toBe(0);
        await page.screenshot({ path: path.join(RESULTS_DIR, 'help-follow-phone.png'), fullPage: true });

        // Back at the door, the same phone still finds its link.
        await page.goto(`${baseUrl}/h/${token}`);
        await page.getByTestId('door-my-request').first().waitFor();
        return link;
      });

      // A passer-by scans the same door: no request, no link.
      await stage.withPage('door-passer-by', PHONE, async (page) => {
        await page.goto(`${baseUrl}/h/${token}`);
        await expect.poll(() => page.getByTestId('door-address').innerText()).toBe(house.address);
        await page.getByTestId('door-help').waitFor();
        expect(await page.getByTestId('door-my-requests').count()).toBe(0);
        expect(await page.locator('body').innerText()).not.toContain(DETAILS);
        // The page reads in English when asked, and stays so on the next visit from this phone.
        await page.getByTestId('language-switch').click();
        await expect.poll(() => page.getByTestId('door-arrival').innerText()).toContain('Arriving');
        await page.reload();
        await expect.poll(() => page.getByTestId('door-departure').innerText()).toContain('Leaving');
        expect(await page.getByTestId('language-switch').innerText()).toBe('中文');
        await page.getByTestId('language-switch').click();
        await expect.poll(() => page.getByTestId('door-arrival').innerText()).toContain('来时登记');
        // A made-up link opens nothing; the real one still shows the withdrawn request to whoever holds it.
        await page.goto(`${baseUrl}/help/${'A'.repeat(32)}`);
        await page.getByTestId('help-follow-not-found').waitFor();
        await page.goto(followUrl);
        await expect.poll(() => page.getByTestId('help-follow-page').innerText()).toContain(DETAILS);
      });
    });
  },
);
