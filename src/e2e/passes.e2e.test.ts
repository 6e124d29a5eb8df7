// Passes (通行证) on a phone (390×844): a grid worker issues a pass and opens it for printing; the
// gate's verify panel syncs the keys and revocations, the phone goes offline, and pictures of pass
// QR codes are verified in the browser with no network: the valid one opens, a pass revoked before
// going offline and an expired one are refused with the reason.
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, expectText, RESULTS_DIR, SCENARIO, signIn, STAGE_START_TIMEOUT } from './browser.js';
import { type Api, apiAs, type DemoStage, PASSWORD, PHONE, startDemoStage } from './stage.js';

interface Pass {
  id: number;
  code: string;
  holder: { nameMasked: string };
}

describe.skipIf(!chromiumPath)('passes: issue, print, verify offline at the gate', SCENARIO, () => {
  let stage: DemoStage;
  let asWorker: Api;
  let holder: { id: number; name: string };
  const shots = path.join(RESULTS_DIR, 'passes');

  beforeAll(async () => {
    stage = await startDemoStage('passes');
    asWorker = await apiAs(stage.app, 'worker01');
    const persons = (await asWorker('GET', '/api/persons?pageSize=5')).json() as {
      items: Array<{ id: number; name: string }>;
    };
    holder = persons.items[0]!;
  }, STAGE_START_TIMEOUT);
  afterAll(async () => {
    await stage?.close();
  });

  const issueByApi = async (purpose: string, validToMs: number): Promise<Pass> => {
    const issued = await asWorker('POST', '/api/passes', {
      personId: holder.id,
      purpose,
      validFrom: new Date(Date.now() - 60_000).toISOString(),
      validTo: new Date(validToMs).toISOString(),
    });
    expect(issued.statusCode, issued.body).toBe(201);
    return issued.json() as Pass;
  };
  const qrOf = async (id: number): Promise<Buffer> => {
    const png = await asWorker('GET', `/api/passes/${id}/qr?format=png`);
    expect(png.headers['content-type']).toBe('image/png');
    return png.rawPayload;
  };
  const verifyPicture = async (page: Page, name: string, png: Buffer) => {
    await page.getByTestId('pass-verify-input').setInputFiles({ name, mimeType: 'image/png', buffer: png });
    return page.getByTestId('pass-verdict');
  };

  it('issues a pass on the phone, then verifies valid, revoked and expired passes offline', async () => {
    await stage.withPage('passes', PHONE, async (page) => {
      await signIn(page, stage.baseUrl, 'worker01', PASSWORD);

      // Issue through the page: holder picked by name, purpose typed, the default week of validity.
      await page.goto(`${stage.baseUrl}/passes`);
      await page.getByTestId('passes-page').waitFor();
      await page.getByTestId('pass-issue').click();
      const dialog = page.getByTestId('pass-issue-dialog');
      await dialog.locator('#personId').fill(holder.name);
      await page.locator('.ant-select-item-option').filter({ hasText: holder.name }).first().click();
      await dialog.getByTestId('pass-purpose').fill('上下班通勤');
      await page.screenshot({ path: path.join(shots, 'issue-phone.png') });
      await dialog.locator('.ant-btn-primary').click();
      await page.waitForURL((url) => /^\/passes\/\d+\/print$/.test(url.pathname));
      const id = Number(new URL(page.url()).pathname.split('/')[2]);
      const qr = page.getByTestId('pass-qr');
      await qr.waitFor();
      await expect.poll(() => qr.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
      const printed = page.getByTestId('pass-print-page');
      await expectText(printed, '上下班通勤');
      expect(await printed.innerText()).not.toContain(holder.name);
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
      await page.screenshot({ path: path.join(shots, 'print-phone.png') });

      const valid = await qrOf(id);
      const revoked = await issueByApi('物资配送', Date.now() + 3 * 24 * 3600_000);
      const revokedPng = await qrOf(revoked.id);
      const revoke = await asWorker('POST', `/api/passes/${revoked.id}/revoke`, { reason: '人员已离开本村' });
      expect(revoke.statusCode, revoke.body).toBe(200);
      // Ends in 5 minutes: expired once the phone's clock is half an hour on.
      const short = await issueByApi('临时出入', Date.now() + 5 * 60_000);
      const shortPng = await qrOf(short.id);

      // The list shows it, masked, with its actions.
      await page.goto(`${stage.baseUrl}/passes`);
      const card = page.locator(`[data-testid=pass-card][data-pass-id="${id}"]`);
      await expectText(card, '有效');
      expect(await page.getByTestId('passes-page').innerText()).not.toContain(holder.name);
      await page.screenshot({ path: path.join(shots, 'list-phone.png') });

      // The gate: sync while online, then no network at all.
      await page.goto(`${stage.baseUrl}/passes/verify`);
      const sync = page.getByTestId('pass-verify-sync');
      await page.locator('[data-testid=pass-verify-sync][data-sync=synced]').waitFor();
      await expectText(sync, '1 张已吊销');
      await page.context().setOffline(true);
      expect(await page.evaluate("fetch('/api/health').then((r) => r.status, () => 'unreachable')")).toBe(
        'unreachable',
      );

      const ok = await verifyPicture(page, 'valid.png', valid);
      await expectText(ok, '通行证有效');
      expect(await ok.getAttribute('data-ok')).toBe('true');
      await expectText(ok, '上下班通勤');
      expect(await ok.innerText()).not.toContain(holder.name);
      await page.screenshot({ path: path.join(shots, 'verify-valid-phone.png') });
      await page.getByTestId('pass-verify-next').click();

      const refused = await verifyPicture(page, 'revoked.png', revokedPng);
      await expectText(refused, '拒绝通行');
      await expectText(refused, '通行证已吊销');
      expect(await refused.getAttribute('data-problem')).toBe('PASS_REVOKED');
      await page.screenshot({ path: path.join(shots, 'verify-revoked-phone.png') });
      await page.getByTestId('pass-verify-next').click();

      // Half an hour later by the phone's clock, still offline.
      await page.clock.setSystemTime(Date.now() + 30 * 60_000);
      const expired = await verifyPicture(page, 'expired.png', shortPng);
      await expectText(expired, '通行证已过期');
      expect(await expired.getAttribute('data-problem')).toBe('PASS_EXPIRED');
      await page.getByTestId('pass-verify-next').click();
      // The week-long pass still opens at that time.
      await expectText(await verifyPicture(page, 'valid-again.png', valid), '通行证有效');
      await page.screenshot({ path: path.join(shots, 'verify-after-clock-phone.png') });
      await page.context().setOffline(false);
    });
  });
});
