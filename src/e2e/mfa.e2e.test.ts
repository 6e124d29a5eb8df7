// Two-step sign-in in a real browser: enrol by reading the secret the page shows, compute the code
// with the same TOTP library an authenticator app follows, then sign in with the second step.
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Secret, TOTP } from 'otpauth';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, expectText, RESULTS_DIR, SCENARIO, STAGE_START_TIMEOUT } from './browser.js';
import { DESK, type DemoStage, PASSWORD, startDemoStage } from './stage.js';

const PERIOD_MS = 30_000;
const totp = (secret: string) => new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 });

/** A code of a time step after `afterStep`, waiting for the next step when needed (a code works once). */
async function freshCode(secret: string, afterStep: number): Promise<{ code: string; step: number }> {
  let now = Date.now();
  if (Math.floor(now / PERIOD_MS) <= afterStep) {
    await sleep((afterStep + 1) * PERIOD_MS - now + 300);
    now = Date.now();
  }
  return { code: totp(secret).generate({ timestamp: now }), step: Math.floor(now / PERIOD_MS) };
}

async function typePassword(page: Page, baseUrl: string, username: string, password: string) {
  await page.goto(`${baseUrl}/login`);
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(password);
  await page.locator('button[type=submit]').click();
}

// SCENARIO's budget also covers waiting up to 30 s for a fresh TOTP step.
describe.skipIf(!chromiumPath)('two-step sign-in in a browser', SCENARIO, () => {
  let stage: DemoStage;

  beforeAll(async () => {
    stage = await startDemoStage('mfa');
  }, STAGE_START_TIMEOUT);

  afterAll(async () => {
    await stage?.close();
  });

  it('tells tries left, enrols with the QR page, and signs in with a code and with a recovery code', async () => {
    const { baseUrl } = stage;
    const username = 'leader01';
    let secret = '';
    let recoveryCodes: string[] = [];
    let usedStep = 0;

    await stage.withPage('mfa-enrol', DESK, async (page) => {
      await typePassword(page, baseUrl, username, 'not-the-password-1');
      await expectText(page.getByTestId('login-error'), '还可尝试 4 次，之后将锁定 15 分钟');

      await typePassword(page, baseUrl, username, PASSWORD);
      await page.waitForURL((url) => !url.pathname.startsWith('/login'));
      await page.getByTestId('current-user').click();
      await page.getByTestId('menu-mfa').click();
      await page.waitForURL((url) => url.pathname === '/account/mfa');
      await page.getByTestId('mfa-start').click();
      await page.getByTestId('mfa-qr').waitFor();
      secret = (await page.getByTestId('mfa-secret').innerText()).trim();
      expect(secret).toMatch(/^[A-Z2-7]{32}$/);
      expect(await page.getByTestId('mfa-qr').getAttribute('src')).toMatch(/^data:image\/png;base64,/);
      await page.screenshot({ path: path.join(RESULTS_DIR, 'mfa-enrol-qr.png'), fullPage: true });

      const first = await freshCode(secret, 0);
      usedStep = first.step;
      await page.getByTestId('mfa-confirm-code').fill(first.code);
      await page.getByTestId('mfa-confirm').click();
      const codes = page.getByTestId('mfa-recovery-codes');
      await codes.waitFor();
      recoveryCodes = (await codes.innerText())
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean);
      expect(recoveryCodes).toHaveLength(10);
      await page.screenshot({ path: path.join(RESULTS_DIR, 'mfa-recovery-codes.png'), fullPage: true });
      await page.getByTestId('mfa-done').click();
      // Home redirects on to the user's own area at once, so '/' itself may never be seen.
      await page.waitForURL((url) => url.pathname !== '/account/mfa');
    });

    await stage.withPage('mfa-sign-in', DESK, async (page) => {
      await typePassword(page, baseUrl, username, PASSWORD);
      await page.getByTestId('mfa-step').waitFor();
      expect(new URL(page.url()).pathname).toBe('/login');
      const next = await freshCode(secret, usedStep);
      usedStep = next.step;
      await page.getByTestId('mfa-code').fill(next.code);
      await page.getByTestId('mfa-submit').click();
      await page.waitForURL((url) => !url.pathname.startsWith('/login'));
      await page.getByTestId('current-user').waitFor();
    });

    await stage.withPage('mfa-recovery', DESK, async (page) => {
      await typePassword(page, baseUrl, username, PASSWORD);
      await page.getByTestId('mfa-step').waitFor();
      // The code just used is refused (no replay within its window)…
      await page.getByTestId('mfa-code').fill(totp(secret).generate({ timestamp: usedStep * PERIOD_MS }));
      await page.getByTestId('mfa-submit').click();
      await expectText(page.getByTestId('login-error'), '还可尝试');
      // …and a recovery code signs in once.
      await page.getByTestId('mfa-toggle-recovery').click();
      await page.getByTestId('mfa-code').fill(recoveryCodes[0]!);
      await page.getByTestId('mfa-submit').click();
      await page.waitForURL((url) => !url.pathname.startsWith('/login'));
    });

    const audit = await stage.database.db
      .selectFrom('audit_log')
      .select('action')
      .where('actor_name', '=', username)
      .where('action', 'in', ['auth.mfa_enrolled', 'auth.mfa_recovery_used'])
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['auth.mfa_enrolled', 'auth.mfa_recovery_used']);
  });
});
