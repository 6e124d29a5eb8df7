// The offline worker app in a real browser at phone size: worker01 opens Today online (the lists
// are kept on the phone, sealed), the connection drops, the app shell still opens from the service
// worker, a household visit and a patrol finding with a photo are recorded into the outbox
// ("2 条待上传"), and when the connection returns each lands exactly once. Then a visit the server
// refuses (the resident left meanwhile) is shown with the server's message while the next one
// goes through, and signing out leaves IndexedDB empty.
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prefixUpperBound } from '../auth/scope.js';
import {
  chromiumPath,
  eventually,
  expectText,
  SCENARIO,
  signIn,
  STAGE_START_TIMEOUT,
  UI_TIMEOUT,
} from './browser.js';
import { type Api, apiAs, type DemoStage, PASSWORD, PHONE, startDemoStage } from './stage.js';

const SHOTS = '/tmp/shots-C';

/** Rows per store of the app's IndexedDB database (empty object when it does not exist). */
// Runs in the page (this file is typed without the DOM library): every store's row count.
const COUNT_STORES = `(async () => {
  const names = (await indexedDB.databases()).map((db) => db.name);
  if (!names.includes('gridguard-offline')) return {};
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open('gridguard-offline');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const counts = {};
  for (const store of Array.from(db.objectStoreNames)) {
    counts[store] = await new Promise((resolve) => {
      const request = db.transaction(store).objectStore(store).count();
      request.onsuccess = () => resolve(request.result);
    });
  }
  db.close();
  return counts;
})()`;
/** Every stored snapshot's sealed bytes read as UTF-8, as someone copying the profile would see them. */
const SNAPSHOT_TEXTS = `(async () => {
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open('gridguard-offline');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const records = await new Promise((resolve) => {
    const request = db.transaction('snapshots').objectStore('snapshots').getAll();
    request.onsuccess = () => resolve(request.result);
  });
  db.close();
  return records.map((record) => record.url + ' ' + new TextDecoder().decode(record.sealed.data));
})()`;
const offlineStoreCounts = (page: Page) => page.evaluate<Record<string, number>>(COUNT_STORES);

describe.skipIf(!chromiumPath)('the offline worker app', SCENARIO, () => {
  let stage: DemoStage;
  let asStaff: Api;
  let house: { id: number; address: string };
  let residents: Array<{ id: number; name: string }>;
  let photo: Buffer;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    stage = await startDemoStage('offline');
    const db = stage.database.db;
    asStaff = await apiAs(stage.app, 'staff01');
    // An open round, so Today lists the untested of worker01's grid.
    const village = await db
      .selectFrom('areas')
      .select('id')
      .where('name', '=', '星火村')
      .executeTakeFirstOrThrow();
    const now = Date.now();
    const round = await asStaff('POST', '/api/rounds', {
      areaId: village.id,
      name: '离线测试轮次',
      startsAt: new Date(now - 86_400_000).toISOString(),
      endsAt: new Date(now + 86_400_000).toISOString(),
    });
    expect(round.statusCode, round.body).toBe(201);
    // A house of worker01's micro-grid with at least two residents.
    const micro = await db
      .selectFrom('areas')
      .select('path')
      .where('name', '=', '东南第1微网格')
      .executeTakeFirstOrThrow();
    const candidates = await db
      .selectFrom('houses')
      .innerJoin('persons', 'persons.house_id', 'houses.id')
      .select(['houses.id', 'houses.address'])
      .select((eb) => eb.fn.countAll<number>().as('people'))
      .where('persons.status', '=', 'active')
      .where('houses.area_path', '>=', micro.path)
      .where('houses.area_path', '<', prefixUpperBound(micro.path))
      .groupBy(['houses.id', 'houses.address'])
      .orderBy('houses.id')
      .execute();
    const chosen = candidates.find((candidate) => Number(candidate.people) >= 2)!;
    house = { id: chosen.id, address: chosen.address };
    residents = await db
      .selectFrom('persons')
      .select(['id', 'name'])
      .where('house_id', '=', house.id)
      .where('status', '=', 'active')
      .orderBy('id')
      .execute();
    // A real photo, as a phone camera would hand it over.
    photo = await sharp({
      create: { width: 320, height: 240, channels: 3, background: { r: 200, g: 120, b: 40 } },
    })
      .jpeg({ quality: 80 })
      .toBuffer();
  }, STAGE_START_TIMEOUT);

  afterAll(async () => {
    await stage?.close();
  });

  const visitsOf = (houseId: number) =>
    stage.database.db
      .selectFrom('household_visits')
      .select(['id', 'notes', 'seen_person_ids'])
      .where('house_id', '=', houseId)
      .orderBy('id')
      .execute();

  /** Until the service worker controls the page: only then does the app shell open offline. */
  const controlled = (page: Page) =>
    eventually(() =>
      page.evaluate<boolean>('Boolean(navigator.serviceWorker && navigator.serviceWorker.controller)'),
    ).toBe(true);

  it('records a visit and a patrol finding with a photo offline; each lands once when back online', async () => {
    await stage.withPage('offline-record', PHONE, async (page) => {
      const context = page.context();
      // The service worker precaches and clientsClaim()s; it must not be blocked for this scenario.
      await signIn(page, stage.baseUrl, 'worker01', PASSWORD);
      await page.goto(`${stage.baseUrl}/today`);
      await page.getByTestId('untested-item').first().waitFor();
      const untestedOnline = await page.getByTestId('untested-item').count();
      // The forms the worker uses at the door, opened once online (their lists are kept too).
      await page.goto(`${stage.baseUrl}/visits/new?houseId=${house.id}`);
      await page.getByTestId('visit-resident').first().waitFor();
      await page.goto(`${stage.baseUrl}/events/new`);
      await page.getByTestId('event-title-input').waitFor();
      await page.locator('#areaId').click();
      await page.locator('.ant-select-item-option').first().waitFor();
      await page.locator('#categoryId').click();
      await page.locator('.ant-select-tree-node-content-wrapper', { hasText: '物资需求' }).first().waitFor();
      await page.goto(`${stage.baseUrl}/today`);
      await page.getByTestId('untested-item').first().waitFor();
      await controlled(page);

      // Chromium's own verdict on the manifest, icons and service worker: nothing is missing; the
      // one objection left is the test's throw-away profile (Playwright contexts are incognito).
      const cdp = await context.newCDPSession(page);
      const installability = await cdp.send('Page.getInstallabilityErrors');
      expect(installability.installabilityErrors.map((error) => error.errorId)).toEqual(['in-incognito']);
      await cdp.detach();
      const sw = await page.request.get(`${stage.baseUrl}/sw.js`);
      expect(sw.headers()['cache-control']).toBe('no-cache');

      // No connection. In Chromium, Playwright's offline mode covers the page and the service
      // worker's own fetches alike (checked here): the app can only open from the precache.
      await context.setOffline(true);
      const reach = "fetch('/api/health').then((response) => response.status, () => 'unreachable')";
      expect(await page.evaluate(reach)).toBe('unreachable');
      const worker = context.serviceWorkers()[0]!;
      expect(worker.url()).toBe(`${stage.baseUrl}/sw.js`);
      expect(await worker.evaluate(reach)).toBe('unreachable');
      await page.reload();
      await page.getByTestId('today-page').waitFor();
      await expectText(page.getByTestId('offline-notice'), /离线数据，更新于 \d\d:\d\d/);
      // The list comes from the phone's copy a moment after the notice (the user's copy comes first).
      await eventually(() => page.getByTestId('untested-item').count()).toBe(untestedOnline);
      await page.screenshot({ path: path.join(SHOTS, 'offline-today.png') });

      // A household visit: both residents seen, a note.
      const visitsBefore = (await visitsOf(house.id)).length;
      await page.goto(`${stage.baseUrl}/visits/new?houseId=${house.id}`);
      await page.getByTestId('visit-resident').first().waitFor();
      await page.getByTestId('visit-resident').nth(0).locator('input[type=checkbox]').check();
      await page.locator('#notes').fill('离线走访：一切正常');
      await page.getByTestId('visit-submit').click();
      await page.getByTestId('visit-queued').waitFor();
      await expectText(page.getByTestId('outbox-badge'), '1 条待上传');

      // A patrol finding with a photo.
      const title = `离线巡查 ${randomUUID().slice(0, 6)}`;
      await page.goto(`${stage.baseUrl}/events/new`);
      await page.getByTestId('event-title-input').fill(title);
      await page.locator('#categoryId').click();
      await page.locator('.ant-select-tree-node-content-wrapper', { hasText: '物资需求' }).first().click();
      await page.locator('#areaId').click();
      await page.locator('.ant-select-item-option').first().click();
      await page
        .getByTestId('event-photo-input')
        .setInputFiles({ name: 'finding.jpg', mimeType: 'image/jpeg', buffer: photo });
      await page.locator('.ant-image').first().waitFor();
      await page.getByTestId('event-create-submit').click();
      await page.getByTestId('today-page').waitFor();
      await expectText(page.getByTestId('outbox-badge'), '2 条待上传');
      await page.screenshot({ path: path.join(SHOTS, 'offline-queue.png') });
      await page.getByTestId('outbox-badge').click();
      await eventually(() => page.getByTestId('outbox-item').count()).toBe(2);
      await page.waitForTimeout(500); // the drawer's opening animation, for the screenshot
      await page.screenshot({ path: path.join(SHOTS, 'offline-drawer.png') });
      await page.locator('.ant-drawer-close').click();

      // Nothing reached the server while offline.
      expect((await visitsOf(house.id)).length).toBe(visitsBefore);
      const eventsTitled = () =>
        stage.database.db.selectFrom('events').select('id').where('title', '=', title).execute();
      expect(await eventsTitled()).toHaveLength(0);

      // Back online: the outbox sends both, in order, once; the badge clears.
      await context.setOffline(false);
      await page.getByTestId('outbox-badge').waitFor({ state: 'detached', timeout: UI_TIMEOUT });
      await eventually(async () => (await visitsOf(house.id)).length).toBe(visitsBefore + 1);
      const visit = (await visitsOf(house.id)).at(-1)!;
      expect(visit.notes).toBe('离线走访：一切正常');
      expect(visit.seen_person_ids).toEqual([residents[0]!.id]);
      const events = await eventsTitled();
      expect(events).toHaveLength(1);
      const photos = await stage.database.db
        .selectFrom('event_photos')
        .select(['id', 'purpose'])
        .where('event_id', '=', events[0]!.id)
        .execute();
      expect(photos).toEqual([{ id: expect.any(Number), purpose: 'report' }]);
      const keys = await stage.database.db
        .selectFrom('idempotency_keys')
        .innerJoin('users', 'users.id', 'idempotency_keys.user_id')
        .select(['idempotency_keys.state', 'idempotency_keys.response_status'])
        .where('users.username', '=', 'worker01')
        .execute();
      expect(
        keys.filter((key) => key.state === 'done' && key.response_status === 201).length,
      ).toBeGreaterThanOrEqual(2);
      // A reload (the app starting again) sends nothing twice.
      await page.reload();
      await page.getByTestId('today-page').waitFor();
      expect((await visitsOf(house.id)).length).toBe(visitsBefore + 1);
      expect(await eventsTitled()).toHaveLength(1);
    });
  });

  it(
    'shows a refused write with the server message, sends the next one, and wipes IndexedDB at sign-out',
    { timeout: 180_000 },
    async () => {
      await stage.withPage('offline-rejected', PHONE, async (page) => {
        const context = page.context();
        await signIn(page, stage.baseUrl, 'worker01', PASSWORD);
        await page.goto(`${stage.baseUrl}/visits/new?houseId=${house.id}`);
        await page.getByTestId('visit-resident').first().waitFor();
        await controlled(page);
        const visitsBefore = (await visitsOf(house.id)).length;

        await context.setOffline(true);
        const leaving = residents[1]!;
        // First visit: the second resident seen — who leaves before the phone is online again.
        await page.reload();
        await page.getByTestId('visit-resident').nth(1).locator('input[type=checkbox]').check();
        await page.locator('#notes').fill('见到了第二位住户');
        await page.getByTestId('visit-submit').click();
        await page.getByTestId('visit-queued').waitFor();
        // Second visit: only the first resident.
        await page.goto(`${stage.baseUrl}/visits/new?houseId=${house.id}`);
        await page.getByTestId('visit-resident').nth(0).locator('input[type=checkbox]').check();
        await page.locator('#notes').fill('第二次记录');
        await page.getByTestId('visit-submit').click();
        await page.getByTestId('visit-queued').waitFor();
        await expectText(page.getByTestId('outbox-badge'), '2 条待上传');

        const departed = await asStaff('POST', `/api/persons/${leaving.id}/depart`, {
          departedOn: new Date().toISOString().slice(0, 10),
          destination: '外地务工',
        });
        expect(departed.statusCode, departed.body).toBe(200);

        await context.setOffline(false);
        await expectText(page.getByTestId('outbox-badge'), '1 条被退回');
        // The refusal did not hold back the visit after it.
        await eventually(async () => (await visitsOf(house.id)).length).toBe(visitsBefore + 1);
        // The phone has its answer too (a reply lost under load is sent again, under the same key).
        await expect
          .poll(() => page.getByTestId('outbox-badge').innerText(), { timeout: 70_000 })
          .not.toContain('待上传');
        const notes = (await visitsOf(house.id)).map((visit) => visit.notes);
        expect(notes.at(-1)).toBe('第二次记录');
        expect(notes).not.toContain('见到了第二位住户');
        await page.getByTestId('outbox-badge').click();
        const rejection = await expectText(page.getByTestId('outbox-rejection'), '不是该房屋的住户');
        // The server's words, not its codes or field paths.
        expect(rejection).not.toMatch(/[A-Z_]{6,}|body\./);
        await page.getByTestId('outbox-rejection').scrollIntoViewIfNeeded();
        await page.waitForTimeout(500); // the drawer's opening animation, for the screenshot
        await page.screenshot({ path: path.join(SHOTS, 'offline-rejected.png') });
        await page.getByRole('button', { name: '放弃' }).first().click();
        await page
          .locator('.ant-modal-confirm')
          .getByRole('button', { name: /放\s?弃/ })
          .click();
        await page.getByTestId('outbox-badge').waitFor({ state: 'detached' });
        await page.locator('.ant-drawer-close').click();

        // Something is kept (lists, the key) until sign-out, then nothing.
        const kept = await offlineStoreCounts(page);
        expect(kept.keys).toBe(1);
        expect(kept.snapshots ?? 0).toBeGreaterThan(0);
        // What is kept is ciphertext: no resident's name or the house's address in the stored bytes.
        const plain = await page.evaluate<string[]>(SNAPSHOT_TEXTS);
        expect(plain.length).toBeGreaterThan(0);
        for (const text of plain) {
          expect(text).not.toContain(residents[0]!.name);
          expect(text).not.toContain(house.address);
        }
        await page.getByTestId('logout').click();
        await page.waitForURL((url) => url.pathname.startsWith('/login'));
        await eventually(() => offlineStoreCounts(page)).toEqual({ keys: 0, outbox: 0, snapshots: 0 });
      });
    },
  );
});
