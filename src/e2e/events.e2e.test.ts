// The event flow in a real browser: a resident reports a problem with a photo (随手拍, no sign-in),
// community staff register and dispatch it from the board, the grid worker accepts it on a phone
// and reports back with a photo, and the timeline shows every step.
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CODES } from '../demo/seed.js';
import {
  chromiumPath,
  eventually,
  exactly,
  expectText,
  RESULTS_DIR,
  SCENARIO,
  signIn,
  STAGE_START_TIMEOUT,
} from './browser.js';
import { DESK, type DemoStage, PASSWORD, PHONE, startDemoStage } from './stage.js';

const DESCRIPTION = '3组路口的垃圾桶已经满溢两天，气味很大';
const ADDRESS = '星火村3组路口东侧';
const FEEDBACK = '已联系保洁员清运，并对周边进行了消杀';

/** A small real JPEG: a green square with a red band, as a phone would send. */
async function jpegPhoto(): Promise<Buffer> {
  const band = Buffer.from(
    '<svg width="320" height="240"><rect width="320" height="240" fill="#3a7"/><rect y="90" width="320" height="60" fill="#c33"/></svg>',
  );
  return sharp(band).jpeg({ quality: 80 }).toBuffer();
}

describe.skipIf(!chromiumPath)('events in a browser', SCENARIO, () => {
  let stage: DemoStage;
  let app: FastifyInstance;
  let baseUrl: string;
  let photo: Buffer;

  beforeAll(async () => {
    stage = await startDemoStage('events');
    ({ app, baseUrl } = stage);
    photo = await jpegPhoto();
  }, STAGE_START_TIMEOUT);

  afterAll(async () => {
    await stage?.close();
  });

  it('takes a resident’s photo report through dispatch and report back to the timeline', async () => {
    // The report page offers the public categories; the test picks the first one it lists.
    const categories = (await app.inject({ method: 'GET', url: '/api/public/event-categories' })).json() as {
      items: Array<{ code: string; nameZh: string; children: Array<{ code: string; nameZh: string }> }>;
    };
    const group = categories.items.find((item) => item.children.length > 0)!;
    const category = group.children[0]!;

    // The resident stands in grid worker 01's micro-grid: the phone's location puts the report there
    // (an address alone would leave it at the village, outside the worker's own area).
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'worker01', password: PASSWORD },
    });
    const session = login.cookies.find((cookie) => cookie.name === 'gg_session')!.value;
    const me = login.json() as { assignments: Array<{ areaId: number }> };
    const micro = (
      await app.inject({
        method: 'GET',
        url: `/api/areas/${me.assignments[0]!.areaId}`,
        cookies: { gg_session: session },
      })
    ).json() as { boundary: { type: 'Polygon'; coordinates: number[][][] } };
    const ring = micro.boundary.coordinates[0]!;
    const lngs = ring.map(([lng]) => lng!);
    const lats = ring.map(([, lat]) => lat!);
    const spot = {
      longitude: (Math.min(...lngs) + Math.max(...lngs)) / 2,
      latitude: (Math.min(...lats) + Math.max(...lats)) / 2,
    };
    const residentPhone = { ...PHONE, geolocation: spot, permissions: ['geolocation'] };

    // (a) A resident on a phone, no session: category, description, address, one photo.
    const { code, followPath } = await stage.withPage('event-report', residentPhone, async (page) => {
      await page.goto(`${baseUrl}/report/${DEMO_CODES.village}`);
      await page.getByTestId('report-form').waitFor();
      // The page names its community and offers its map to pick the point on.
      await expectText(page.getByTestId('report-community'), '星火村');
      await page.getByTestId('report-map').locator('canvas').waitFor();
      await page.locator('#category').click();
      await page.locator('.ant-select-item-option').filter({ hasText: category.nameZh }).first().click();
      await page.locator('#description').fill(DESCRIPTION);
      await page.locator('#address').fill(ADDRESS);
      await page.getByTestId('report-map-locate').click();
      // The phone's fix places the pin (WGS-84, as stored) and says how sure it is.
      await expectText(page.getByTestId('report-map-status'), '已按手机定位标注');
      await eventually(async () =>
        ((await page.getByTestId('report-map').getAttribute('data-pin')) ?? '').split(',').map(Number),
      ).toEqual([Number(spot.longitude.toFixed(6)), Number(spot.latitude.toFixed(6))]);
      await page
        .getByTestId('report-photo-input')
        .setInputFiles({ name: 'bin.jpg', mimeType: 'image/jpeg', buffer: photo });
      await eventually(() => page.getByTestId('report-form').locator('.ant-image img').count()).toBe(1);
      await page.screenshot({ path: path.join(RESULTS_DIR, 'event-report-phone.png'), fullPage: true });
      await page.getByTestId('public-submit').click();

      await page.getByTestId('report-submitted').waitFor();
      const codeText = await page.getByTestId('report-code').innerText();
      const reported = /EV\d+/.exec(codeText)?.[0];
      expect(reported, codeText).toBeDefined();
      const href = await page.getByTestId('report-follow-link').getAttribute('href');
      expect(href).toMatch(/^\/e\/[A-Za-z0-9_-]{20,64}$/);

      // The follow link shows the report's status without any sign-in.
      await page.getByTestId('report-follow-link').click();
      await expectText(page.getByTestId('follow-code'), exactly(reported!));
      expect(await page.getByTestId('follow-timeline').innerText()).toContain('上报');
      expect(await page.context().cookies()).toEqual([]);
      return { code: reported!, followPath: href! };
    });

    // (b) Community staff find it on the board, register it and dispatch it to grid worker 01.
    const eventId = await stage.withPage('event-dispatch', DESK, async (page) => {
      await signIn(page, baseUrl, 'staff01', PASSWORD);
      await page.goto(`${baseUrl}/events`);
      const search = page.getByTestId('event-search').locator('input');
      await search.fill(code);
      await search.press('Enter');
      const link = page.getByTestId('events-table').getByRole('link', { name: code });
      await link.waitFor();
      await page.screenshot({ path: path.join(RESULTS_DIR, 'events-board-desk.png'), fullPage: true });
      await link.click();
      await page.waitForURL('**/events/*');
      const id = Number(new URL(page.url()).pathname.split('/').pop());

      await expectText(page.getByTestId('event-code'), exactly(code));
      expect(await page.getByTestId('event-description').innerText()).toBe(DESCRIPTION);
      // The resident's photo is there, served by the photo route.
      const thumb = page.getByTestId('event-photos').locator('img').first();
      await thumb.waitFor();
      expect(await thumb.getAttribute('src')).toMatch(new RegExp(`^/api/events/${id}/photos/\\d+$`));
      await eventually(() =>
        thumb.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth),
      ).toBeGreaterThan(0);

      await page.getByTestId('action-register').click();
      await page.getByTestId('action-dialog-register').locator('.ant-btn-primary').click();
      await page.getByTestId('action-dispatch').waitFor();
      await page.getByTestId('action-dispatch').click();
      const dialog = page.getByTestId('action-dialog-dispatch');
      await dialog.locator('#userId').click();
      await dialog.locator('#userId').fill('worker01');
      // worker010… match the prefix too: pick worker01 exactly.
      await page
        .locator('.ant-select-item-option')
        .filter({ hasText: /worker01(?!\d)/ })
        .click();
      await dialog.locator('#note').fill('请今天内处理');
      await dialog.locator('.ant-btn-primary').click();
      await expectText(page.getByTestId('event-status'), exactly('已派遣'));
      return id;
    });

    // (c) The worker on a phone: the event is in 我的事件; accept, then report back with a photo.
    await stage.withPage('event-handle', PHONE, async (page) => {
      await signIn(page, baseUrl, 'worker01', PASSWORD);
      await page.goto(`${baseUrl}/my-events`);
      const card = page.locator(`[data-testid="my-event"][data-code="${code}"]`);
      await card.waitFor();
      await page.screenshot({ path: path.join(RESULTS_DIR, 'my-events-phone.png'), fullPage: true });
      // Nothing sticks out of a 390 px screen.
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);

      await card.getByTestId('my-event-accept').click();
      await page.getByTestId('action-dialog-accept').locator('.ant-btn-primary').click();
      await card.getByTestId('my-event-report').waitFor();
      await card.getByTestId('my-event-report').click();
      const dialog = page.getByTestId('action-dialog-report');
      await dialog.locator('#note').fill(FEEDBACK);
      await dialog
        .getByTestId('report-photo-input')
        .setInputFiles({ name: 'done.jpg', mimeType: 'image/jpeg', buffer: photo });
      await eventually(() => dialog.locator('.ant-image img').count()).toBe(1);
      await dialog.locator('.ant-btn-primary').click();
      await dialog.waitFor({ state: 'hidden' });

      // The timeline has every step, with the worker's note and the feedback photo.
      await page.goto(`${baseUrl}/events/${eventId}`);
      const timeline = page.getByTestId('event-timeline');
      await timeline.waitFor();
      const steps = page.getByTestId('timeline-step');
      await eventually(() =>
        steps.evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-action'))),
      ).toEqual(expect.arrayContaining(['collect', 'register', 'dispatch', 'accept', 'report']));
      const reportStep = steps.filter({ has: page.locator('text=处置反馈') }).last();
      expect(await reportStep.innerText()).toContain(FEEDBACK);
      await eventually(() => reportStep.locator('img').count()).toBe(1);
      expect(await page.getByTestId('event-detail').innerText()).toContain('待核查');
      await page.screenshot({ path: path.join(RESULTS_DIR, 'event-detail-phone.png'), fullPage: true });
    });

    // The resident's link now shows the report back too (no names, no notes).
    const followed = (
      await app.inject({ method: 'GET', url: `/api/public${followPath}`.replace('/e/', '/events/') })
    ).json() as {
      status: string;
      timeline: Array<{ action: string }>;
    };
    expect(followed.status).toBe('reported');
    expect(followed.timeline.map((entry) => entry.action)).toContain('report');
  });
});
