// Every page as every demo role, at zh-CN, in one browser: no raw code on screen, no English word,
// and no action the page offers that the server then refuses with 403 (issue 10, item 5).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, STAGE_START_TIMEOUT, signIn } from './browser.js';
import { apiAs, DESK, type DemoStage, PASSWORD, startDemoStage } from './stage.js';

/** The demo's roles, weakest first: what they click (and should be refused) runs before the strong change things. */
const ROLES = [
  'volunteer001',
  'health01',
  'police_dept01',
  'police01',
  'doctor01',
  'worker01',
  'leader01',
  'staff01',
  'commander',
  'admin',
];

/** Detail pages: the API list to pick a first visible object from, and the page that shows it. */
const DETAILS: Array<{ kind: string; list: string; page: (id: number) => string }> = [
  { kind: 'event', list: '/api/events?pageSize=1', page: (id) => `/events/${id}` },
  { kind: 'request', list: '/api/service-requests?pageSize=1', page: (id) => `/service-requests/${id}` },
  { kind: 'round', list: '/api/rounds?pageSize=1', page: (id) => `/rounds/${id}` },
  { kind: 'key person', list: '/api/key-persons?pageSize=1', page: (id) => `/key-persons/${id}` },
  { kind: 'person', list: '/api/persons?pageSize=1', page: (id) => `/persons/${id}` },
  { kind: 'house', list: '/api/houses?pageSize=1', page: (id) => `/houses/${id}` },
];

/** UPPER_SNAKE codes (PERSON_NOT_FOUND), dotted keys (service_request.create, nav.users), system actors. */
const RAW_CODE =
  /\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b|\b[a-z]+(?:_[a-z]+)*\.[a-z]+(?:[._][a-z]+)*\b|\bsystem:[a-z_]+/g;
/** Latin words of three letters or more (codes mixing digits, such as RQ2026…, are not words). */
const LATIN_WORD = /\b[A-Za-z]{3,}\b/g;
/**
 * Latin words a zh-CN page may show: the product's name; the language switch's "English" (a
 * language is named in itself); the demo accounts' user names (data the users page lists); the
 * spreadsheet program, file type and text encodings the import page names, as Chinese clerks say them.
 */
const ALLOWED_WORDS = new Set([
  'Gridguard',
  'English',
  'admin',
  'commander',
  'Excel',
  'xlsx',
  'XLSX',
  'CSV',
  'UTF',
  'GBK',
]);

const SETTLE_TIMEOUT = 5_000;

/** The little of the page's globals the sweep touches (the server's TypeScript has no DOM types; the page's CSP forbids strings). */
interface BrowserGlobals {
  document: { querySelector(selector: string): unknown };
  history: { pushState(state: object, unused: string, url: string): void };
  dispatchEvent(event: unknown): boolean;
  PopStateEvent: new (type: string) => unknown;
}

interface Finding {
  role: string;
  url: string;
  what: string;
}

describe.skipIf(!chromiumPath)('every page as every role', { timeout: 600_000 }, () => {
  let stage: DemoStage;

  beforeAll(async () => {
    stage = await startDemoStage('role-sweep');
  }, STAGE_START_TIMEOUT);

  afterAll(async () => {
    await stage?.close();
  });

  /** Waits for the page's data: no spinner and no skeleton left (SSE streams keep the network busy). */
  async function settle(page: Page): Promise<void> {
    await page.waitForLoadState('domcontentloaded');
    await page
      .waitForFunction(
        () => {
          const { document } = globalThis as unknown as BrowserGlobals;
          return (
            document.querySelector('.app-content') !== null &&
            document.querySelector('.ant-spin-spinning, .ant-skeleton-active, .page-spin') === null
          );
        },
        undefined,
        // A page that keeps a spinner (a live stream, a map) is inspected as it stands after a while.
        { timeout: SETTLE_TIMEOUT },
      )
      .catch(() => undefined);
    await page.waitForTimeout(150);
  }

  /** Opens a path inside the running app (the router's own navigation): no reload of the bundle or the session. */
  async function open(page: Page, target: string): Promise<void> {
    await page.evaluate((path) => {
      const browser = globalThis as unknown as BrowserGlobals;
      browser.history.pushState({}, '', path);
      browser.dispatchEvent(new browser.PopStateEvent('popstate'));
    }, target);
    await settle(page);
  }

  /** The words on screen that are raw codes or English. */
  async function inspect(page: Page, role: string, findings: Finding[]): Promise<void> {
    const url = new URL(page.url()).pathname;
    const text = await page.locator('body').innerText();
    for (const code of new Set(text.match(RAW_CODE) ?? []))
      findings.push({ role, url, what: `raw code ${code}` });
    for (const word of new Set(text.match(LATIN_WORD) ?? []))
      if (!ALLOWED_WORDS.has(word)) findings.push({ role, url, what: `English ${word}` });
  }

  /** The navigation's targets, from the menu's item keys (the paths it navigates to). */
  async function navTargets(page: Page): Promise<string[]> {
    await page.locator('[data-testid=navigator] .ant-menu-item').first().waitFor();
    const ids = await page
      .locator('[data-testid=navigator] .ant-menu-item')
      .evaluateAll((items) => items.map((item) => item.getAttribute('data-menu-id') ?? ''));
    return [...new Set(ids.map((id) => /(\/[^]*)$/.exec(id)?.[1]).filter((p): p is string => !!p))];
  }

  /**
   * Presses every action the page's content offers, confirming its dialog (a popconfirm, a confirm,
   * or a form's OK with what the form holds); what the server answers is recorded by the caller.
   */
  async function pressActions(page: Page, target: string): Promise<number> {
    const actions = page.locator(
      '.app-content .page-title-row button, .app-content [data-testid$=-actions] button',
    );
    const labels = (await actions.allInnerTexts()).map((label) => label.trim());
    let pressed = 0;
    for (const [index, label] of labels.entries()) {
      if (!label) continue; // icon-only: refresh and the like
      const button = actions.nth(index);
      if (!(await button.isVisible().catch(() => false)) || (await button.isDisabled())) continue;
      await button.click({ timeout: 5_000 }).catch(() => undefined);
      pressed++;
      await page.waitForTimeout(300);
      const confirm = page.locator(
        '.ant-popconfirm:visible .ant-btn-primary, .ant-modal-confirm-btns .ant-btn-primary, .ant-modal-footer .ant-btn-primary',
      );
      if (
        await confirm
          .first()
          .isVisible()
          .catch(() => false)
      ) {
        await confirm
          .first()
          .click({ timeout: 5_000 })
          .catch(() => undefined);
        await page.waitForTimeout(500);
      }
      // Back to the page as it was: a dialog left open (its form wants more) or a link followed.
      await page.keyboard.press('Escape');
      if (new URL(page.url()).pathname !== target || (await page.locator('.ant-modal:visible').count()) > 0) {
        await open(page, target);
      }
    }
    return pressed;
  }

  it('shows no raw code, no English and offers no action the server refuses', async () => {
    const findings: Finding[] = [];
    const refused: Finding[] = [];
    let pagesSeen = 0;
    let actionsPressed = 0;
    for (const role of ROLES) {
      const api = await apiAs(stage.app, role);
      const details: string[] = [];
      for (const detail of DETAILS) {
        const answer = await api('GET', detail.list);
        const first =
          answer.statusCode === 200 ? (answer.json() as { items: Array<{ id: number }> }).items[0] : null;
        if (first) details.push(detail.page(first.id));
      }
      const me = (await api('GET', '/api/auth/me')).json() as { assignments: Array<{ areaId: number }> };
      details.push(`/areas/${me.assignments[0]!.areaId}`);

      await stage.withPage(`sweep-${role}`, DESK, async (page) => {
        page.on('response', (response) => {
          if (response.status() === 403 && response.url().includes('/api/'))
            refused.push({
              role,
              url: new URL(page.url()).pathname,
              what: `${response.request().method()} ${new URL(response.url()).pathname}`,
            });
        });
        await signIn(page, stage.baseUrl, role, PASSWORD);
        const listed = await navTargets(page);
        for (const target of [...listed, ...details]) {
          await open(page, target);
          await inspect(page, role, findings);
          pagesSeen++;
          // The administrator holds every right everywhere: nothing offered to it can be refused.
          if (details.includes(target) && role !== 'admin')
            actionsPressed += await pressActions(page, target);
        }
      });
    }
    console.info(
      `role sweep: ${ROLES.length} roles, ${pagesSeen} pages, ${actionsPressed} actions pressed, ` +
        `${findings.length} words flagged, ${refused.length} refusals`,
    );
    const unique = (list: Finding[]) => [...new Set(list.map((f) => `${f.what} — ${f.url} as ${f.role}`))];
    expect.soft(unique(refused), 'offered actions the server refused (403)').toEqual([]);
    expect.soft(unique(findings), 'raw codes or English on zh-CN pages').toEqual([]);
  }, 600_000);
});
