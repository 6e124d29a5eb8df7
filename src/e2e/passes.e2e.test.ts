// Passes (通行证) on a phone (390×844): a grid worker issues a pass and opens it for printing; the
// gate's verify panel syncs the keys and revocations, the phone goes offline, and pictures of pass
// QR codes are verified in the browser with no network: the valid one opens, a pass revoked before
// going offline and an expired one are refused with the reason.
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, expectText, RESULTS_DIR, SCENARIO, signIn, STAGE_START_TIMEOUT } from './browser.js';
import { residentIdCheckCharacter } from '../register/identity/identity-number.js';
import { createCheckpoint } from '../test-support/checkpoints-fixtures.js';
import { type Api, apiAs, type DemoStage, PASSWORD, PHONE, startDemoStage } from './stage.js';

const FIRST_17 = '33010619900307271';
const ID_NUMBER = `${FIRST_17}${residentIdCheckCharacter(FIRST_17)}`;

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
      await expect
        .poll(() => qr.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth))
        .toBeGreaterThan(0);
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

  it('takes a resident’s application at the door for the worker to approve, and a visitor’s host at a residents-only gate', async () => {
    const me = (await asWorker('GET', '/api/auth/me')).json() as {
      assignments: Array<{ areaId: number; areaLevel: string }>;
    };
    const microId = me.assignments.find((a) => a.areaLevel === 'microgrid')!.areaId;
    const house = (
      (await asWorker('GET', `/api/houses?within=${microId}&pageSize=1`)).json() as {
        items: Array<{ id: number; address: string }>;
      }
    ).items[0]!;
    const person = await asWorker('POST', '/api/persons', {
      documentNumber: ID_NUMBER,
      name: '欧阳晓峰',
      houseId: house.id,
    });
    expect(person.statusCode, person.body).toBe(201);
    const code = await asWorker('POST', `/api/houses/${house.id}/household-code`);
    const doorToken = (code.json() as { scanUrl: string }).scanUrl.split('/h/')[1]!;

    // The resident, at the door: a wrong name is refused with the reason; the right one lands pending.
    const applied = await stage.withPage('door-pass', PHONE, async (page) => {
      await page.goto(`${stage.baseUrl}/h/${doorToken}`);
      await page.getByTestId('door-pass').click();
      const form = page.getByTestId('pass-form');
      await form.locator('#documentNumber').fill(ID_NUMBER);
      await form.locator('#name').fill('欧阳晓');
      await form.locator('#purpose').fill('上班');
      await page.getByTestId('public-submit').click();
      await expectText(page.getByTestId('public-error'), '证件号码和姓名与本户登记的人员不符');
      await form.locator('#name').fill('欧阳晓峰');
      await page.screenshot({ path: path.join(shots, 'door-apply-phone.png'), fullPage: true });
      await page.getByTestId('public-submit').click();
      const done = page.getByTestId('pass-applied');
      await expectText(done, '申请已提交');
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
      return /TX[A-Z2-9]{8}/.exec(await done.innerText())![0];
    });

    // The worker approves it on the phone.
    await stage.withPage('pass-approve', PHONE, async (page) => {
      await signIn(page, stage.baseUrl, 'worker01', PASSWORD);
      await page.goto(`${stage.baseUrl}/passes`);
      await page.getByTestId('passes-filter').getByText('待审核').click();
      const card = page.getByTestId('pass-card').filter({ hasText: applied });
      await expectText(card, '居民申请');
      expect(await card.innerText()).not.toContain('欧阳晓峰');
      await page.screenshot({ path: path.join(shots, 'pending-phone.png') });
      await card.getByTestId('pass-approve').click();
      await page.getByTestId('pass-approve-dialog').locator('.ant-btn-primary').click();
      await expectText(page.locator('.ant-message'), `已批准 ${applied}`);
      await page.getByTestId('passes-filter').getByText('有效').click();
      await expectText(page.getByTestId('pass-card').filter({ hasText: applied }), '上班');
    });

    // A residents-only gate with its visitor code: the visitor names the household and the purpose.
    const place = await asWorker('POST', '/api/places', { areaId: microId, name: '东门岗亭', kind: 'gate' });
    expect(place.statusCode, place.body).toBe(201);
    const placeView = place.json() as { place: { id: number }; code: { scanUrl: string } };
    const area = await stage.database.db
      .selectFrom('areas')
      .select(['id', 'path'])
      .where('id', '=', microId)
      .executeTakeFirstOrThrow();
    const gate = await createCheckpoint(stage.database.db, area, {
      residents_only: true,
      place_id: placeView.place.id,
      name: '东门卡口',
    });
    await stage.withPage('gate-visitor', PHONE, async (page) => {
      await page.goto(placeView.code.scanUrl.replace(/^https?:\/\/[^/]+/, stage.baseUrl));
      await page.getByTestId('scan-form').waitFor();
      await page.locator('#documentNumber').fill('330106199203150318');
      await page.locator('#hostHouseId').fill(house.address.slice(-6));
      await page.locator('.ant-select-item-option').filter({ hasText: house.address }).first().click();
      await page.getByTestId('gate-purpose').fill('探望父母');
      await page.screenshot({ path: path.join(shots, 'gate-visitor-phone.png'), fullPage: true });
      await page.getByTestId('public-submit').click();
      await page.getByTestId('scan-recorded').waitFor();
    });
    const visits = (await asWorker('GET', `/api/gate-visits?checkpointId=${gate.id}`)).json() as {
      items: Array<{ purpose: string; hostAddress: string; documentMasked: string }>;
    };
    // The gate's staff see it, masked, with the household and the purpose.
    await stage.withPage('gate-visits', PHONE, async (page) => {
      await signIn(page, stage.baseUrl, 'worker01', PASSWORD);
      await page.goto(`${stage.baseUrl}/passes/visitors`);
      const visit = page.getByTestId('gate-visit').first();
      await expectText(visit, '探望父母');
      await expectText(visit, house.address);
      expect(await page.getByTestId('gate-visits-page').innerText()).not.toContain('330106199203150318');
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
      await page.screenshot({ path: path.join(shots, 'gate-visits-phone.png') });
    });
    expect(visits.items).toEqual([
      expect.objectContaining({
        purpose: '探望父母',
        hostAddress: house.address,
        documentMasked: '3****************8',
      }),
    ]);
  });
});
