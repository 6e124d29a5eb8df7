// Every page as every demo role, at zh-CN, in one browser: no raw code on screen, no English word,
// and no action the page offers that the server then refuses with 403 (issue 10, item 5).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rightsOf } from '../auth/rights.js';
import { ROLES, type Role } from '../core/vocabulary.js';
import { chromiumPath, exactly, STAGE_START_TIMEOUT, signIn } from './browser.js';
import { type Api, apiAs, DESK, type DemoStage, PASSWORD, startDemoStage } from './stage.js';

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

/**
 * A page is ready when its marker is on screen, no spinner or skeleton is left and none of its
 * requests to the app has been under way for QUIET_MS; a page that never gets there (a map still
 * drawing) is inspected as it stands after SETTLE_CAP_MS.
 */
const QUIET_MS = 120;
const SETTLE_CAP_MS = 4_000;

/** Pages that are not drawn inside the app's frame, with what shows they have their data. */
const READY_MARKERS: Array<{ path: RegExp; ready: string; busy: string }> = [
  // The dashboard keeps its live stream (SSE) open and draws its map lazily: its figures are the data.
  { path: /^\/dashboard/, ready: '[data-testid=dashboard-title]', busy: '.bigscreen-spin' },
];
const FRAME = {
  ready: '.app-content',
  busy: '.app-content .ant-spin-spinning, .app-content .ant-skeleton-active, .page-spin',
};

interface Sweeper {
  username: string;
  roles: Role[];
  rights: string[];
}

/**
 * One demo account per distinct set of roles and rights: accounts that share both see the same
 * navigation and are offered the same actions (the village's commander sweeps what the township's
 * does), so each set is swept once. Weakest first: what they press (and should be refused) runs
 * before the strong change things.
 */
async function distinctRoleSets(admin: Api): Promise<Sweeper[]> {
  const answer = await admin('GET', '/api/users?pageSize=500');
  expect(answer.statusCode).toBe(200);
  const users = (
    answer.json() as {
      items: Array<{ username: string; assignments: Array<{ role: Role; categories: string[] }> }>;
    }
  ).items;
  const sets = new Map<string, Sweeper>();
  for (const user of users) {
    const roles = [...new Set(user.assignments.map((a) => a.role))].sort();
    const rights = [...new Set(user.assignments.flatMap((a) => rightsOf(a.role, a.categories)))].sort();
    const key = `${roles.join('+')} ${rights.join(',')}`;
    if (!sets.has(key)) sets.set(key, { username: user.username, roles, rights });
  }
  return [...sets.values()].sort(
    (a, b) => a.rights.length - b.rights.length || a.username.localeCompare(b.username),
  );
}

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

  /**
   * Counts the page's requests to the app still under way. Live streams (the dashboard's and the
   * notifications' SSE) never finish and are not counted; nor is anything from another origin.
   */
  function trackRequests(page: Page): { busy(): number; lastChange(): number } {
    const open = new Set<unknown>();
    let changed = Date.now();
    const counted = (url: string, type: string) =>
      url.startsWith(stage.baseUrl) && type !== 'eventsource' && !/\/stream\b/.test(url);
    page.on('request', (request) => {
      if (!counted(request.url(), request.resourceType())) return;
      open.add(request);
      changed = Date.now();
    });
    const done = (request: unknown) => {
      if (open.delete(request)) changed = Date.now();
    };
    page.on('requestfinished', done);
    page.on('requestfailed', done);
    return { busy: () => open.size, lastChange: () => changed };
  }

  /**
   * Waits until the page is ready (see QUIET_MS), counting the quiet from `since` at the earliest:
   * the router renders the next page, and its requests start, a moment after the navigation.
   * True when it was ready, false when the cap ran out.
   */
  async function settle(
    page: Page,
    requests: ReturnType<typeof trackRequests>,
    since = Date.now(),
  ): Promise<boolean> {
    const path = new URL(page.url()).pathname;
    const marker = READY_MARKERS.find((m) => m.path.test(path)) ?? FRAME;
    const deadline = since + SETTLE_CAP_MS;
    while (Date.now() < deadline) {
      const quiet = requests.busy() === 0 && Date.now() - Math.max(requests.lastChange(), since) >= QUIET_MS;
      if (
        quiet &&
        (await page.evaluate(
          ({ ready, busy }) => {
            const { document } = globalThis as unknown as BrowserGlobals;
            return document.querySelector(ready) !== null && document.querySelector(busy) === null;
          },
          { ready: marker.ready, busy: marker.busy },
        ))
      )
        return true;
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
    return false;
  }

  /** Opens a path inside the running app (the router's own navigation): no reload of the bundle or the session. */
  async function open(
    page: Page,
    target: string,
    requests: ReturnType<typeof trackRequests>,
  ): Promise<boolean> {
    const since = Date.now();
    await page.evaluate((path) => {
      const browser = globalThis as unknown as BrowserGlobals;
      browser.history.pushState({}, '', path);
      browser.dispatchEvent(new browser.PopStateEvent('popstate'));
    }, target);
    return settle(page, requests, since);
  }

  /** The words on screen that are raw codes or English. */
  async function inspect(page: Page, role: string, findings: Finding[]): Promise<void> {
    const url = new URL(page.url()).pathname;
    const text = await page.locator('body').innerText();
    // With the words around it, so a finding says where on the page it is.
    const around = (word: string) => {
      const at = text.indexOf(word);
      return text.slice(Math.max(0, at - 30), at + word.length + 30).replace(/\s+/g, ' ');
    };
    for (const code of new Set(text.match(RAW_CODE) ?? []))
      findings.push({ role, url, what: `raw code ${code} («${around(code)}»)` });
    for (const word of new Set(text.match(LATIN_WORD) ?? []))
      if (!ALLOWED_WORDS.has(word)) findings.push({ role, url, what: `English ${word} («${around(word)}»)` });
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
  async function pressActions(
    page: Page,
    target: string,
    requests: ReturnType<typeof trackRequests>,
  ): Promise<number> {
    const actions = page.locator(
      '.app-content .page-title-row button, .app-content [data-testid$=-actions] button',
    );
    const labels = (await actions.allInnerTexts()).map((label) => label.trim());
    let pressed = 0;
    for (const label of new Set(labels)) {
      if (!label) continue; // icon-only: refresh and the like
      // By its label: an action pressed before may have taken its own button off the page.
      const button = actions.filter({ hasText: exactly(label) }).first();
      if (!(await button.isVisible()) || (await button.isDisabled({ timeout: 1_000 }).catch(() => true)))
        continue;
      const pressedAt = Date.now();
      await button.click({ timeout: 5_000 }).catch(() => undefined);
      pressed++;
      await settle(page, requests, pressedAt);
      const confirm = page.locator(
        '.ant-popconfirm:visible .ant-btn-primary, .ant-modal-confirm-btns .ant-btn-primary, .ant-modal-footer .ant-btn-primary',
      );
      if (
        await confirm
          .first()
          .isVisible()
          .catch(() => false)
      ) {
        const confirmedAt = Date.now();
        await confirm
          .first()
          .click({ timeout: 5_000 })
          .catch(() => undefined);
        await settle(page, requests, confirmedAt);
      }
      // Back to the page as it was: a dialog left open (its form wants more) or a link followed.
      await page.keyboard.press('Escape');
      if (new URL(page.url()).pathname !== target || (await page.locator('.ant-modal:visible').count()) > 0) {
        await open(page, target, requests);
      }
    }
    return pressed;
  }

  it('shows no raw code, no English and offers no action the server refuses', async () => {
    const started = Date.now();
    const findings: Finding[] = [];
    const refused: Finding[] = [];
    const unsettled: string[] = [];
    let pagesSeen = 0;
    let actionsPressed = 0;
    const sweepers = await distinctRoleSets(await apiAs(stage.app, 'admin'));
    // Every role of the demo has its sweep (and each once: no two accounts share roles and rights).
    expect(new Set(sweepers.flatMap((s) => s.roles))).toEqual(new Set(ROLES));
    for (const { username: role } of sweepers) {
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

      const roleStarted = Date.now();
      await stage.withPage(`sweep-${role}`, DESK, async (page) => {
        const requests = trackRequests(page);
        page.on('response', (response) => {
          if (response.status() === 403 && response.url().includes('/api/'))
            refused.push({
              role,
              url: new URL(page.url()).pathname,
              what: `${response.request().method()} ${new URL(response.url()).pathname}`,
            });
        });
        await signIn(page, stage.baseUrl, role, PASSWORD);
        // A commander lands on the big screen, which has no navigator: the sweep starts at home.
        if (new URL(page.url()).pathname.startsWith('/dashboard')) await page.goto(`${stage.baseUrl}/`);
        const listed = await navTargets(page);
        for (const target of [...new Set([...listed, ...details])]) {
          if (!(await open(page, target, requests))) unsettled.push(`${target} as ${role}`);
          await inspect(page, role, findings);
          pagesSeen++;
          // The administrator holds every right everywhere: nothing offered to it can be refused.
          if (details.includes(target) && role !== 'admin')
            actionsPressed += await pressActions(page, target, requests);
        }
      });
      console.info(`role sweep: ${role} in ${Math.round((Date.now() - roleStarted) / 1000)} s`);
    }
    console.info(
      `role sweep: ${sweepers.length} role sets (${sweepers.map((s) => s.username).join(', ')}), ` +
        `${pagesSeen} pages, ${actionsPressed} actions pressed, ${findings.length} words flagged, ` +
        `${refused.length} refusals, ${Math.round((Date.now() - started) / 1000)} s` +
        (unsettled.length ? `; inspected unsettled after ${SETTLE_CAP_MS} ms: ${unsettled.join('; ')}` : ''),
    );
    const unique = (list: Finding[]) => [...new Set(list.map((f) => `${f.what} — ${f.url} as ${f.role}`))];
    expect.soft(unique(refused), 'offered actions the server refused (403)').toEqual([]);
    expect.soft(unique(findings), 'raw codes or English on zh-CN pages').toEqual([]);
  }, 600_000);
});
