// The person on duty at a gate, on a phone (390×844): sign in on duty with position, scan a pass QR
// from a picture, see the one-glance verdict with the identity masked, record the crossing; a
// quarantined person's pass shows red, can only be refused, and the refusal opens an event.
import path from 'node:path';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePassKeyPair, type PassJwk, signPassToken } from '../checkpoints/pass-token.js';
import { createCheckpoint } from '../test-support/checkpoints-fixtures.js';
import { addKeyPerson, setHealth } from '../test-support/health-status-fixtures.js';
import {
  chromiumPath,
  expectText,
  RESULTS_DIR,
  SCENARIO,
  signIn,
  STAGE_START_TIMEOUT,
  UI_TIMEOUT,
} from './browser.js';
import { apiAs, type DemoStage, PASSWORD, PHONE, startDemoStage } from './stage.js';

const DAY = 86_400_000;
/** antd puts the test id on the number input itself or on its wrapper, depending on the version. */
const TEMPERATURE = 'input[data-testid="gate-temperature"], [data-testid="gate-temperature"] input';
const qrPng = (text: string) => QRCode.toBuffer(text, { errorCorrectionLevel: 'M', width: 480, margin: 4 });

describe.skipIf(!chromiumPath)('the gate check on a phone', SCENARIO, () => {
  let stage: DemoStage;
  let checkpointId = 0;
  const passes: Record<'clear' | 'quarantined', { token: string; name: string; personId: number }> =
    {} as never;
  const shots = path.join(RESULTS_DIR, 'gate');

  beforeAll(async () => {
    stage = await startDemoStage('gate');
    const db = stage.database.db;
    const me = (await (await apiAs(stage.app, 'worker01'))('GET', '/api/auth/me')).json() as {
      assignments: Array<{ areaId: number }>;
    };
    const area = await db
      .selectFrom('areas')
      .select(['id', 'path'])
      .where('id', '=', me.assignments[0]!.areaId)
      .executeTakeFirstOrThrow();
    checkpointId = (await createCheckpoint(db, area, { name: '星火村东入口' })).id;
    // Two residents of worker01's area with no key-person entry: one stays clear, one is quarantined.
    const residents = await db
      .selectFrom('persons as p')
      .select(['p.id', 'p.name'])
      .where('p.area_path', 'like', `${area.path}%`)
      .where('p.status', '=', 'active')
      .where((eb) =>
        eb.not(
          eb.exists(eb.selectFrom('key_persons as k').select('k.id').whereRef('k.person_id', '=', 'p.id')),
        ),
      )
      .orderBy('p.id')
      .limit(2)
      .execute();
    expect(residents).toHaveLength(2);
    const now = new Date();
    for (const resident of residents)
      await setHealth(db, resident.id, now, { code: 'GREEN', testHoursAgo: 20, doses: 3 });
    await addKeyPerson(db, residents[1]!.id, 'home_quarantine', now.toISOString().slice(0, 10));
    await db
      .updateTable('persons')
      .set({ arrival_date: null })
      .where(
        'id',
        'in',
        residents.map((r) => r.id),
      )
      .execute();

    const keys = await generatePassKeyPair();
    await db
      .insertInto('pass_signing_keys')
      .values({ kid: 'e2e', public_jwk: JSON.stringify(keys.publicJwk), private_secret: 'sealed-elsewhere' })
      .execute();
    const sign = async (personId: number, code: string, privateJwk: PassJwk) => {
      const row = await db
        .insertInto('passes')
        .values({
          code,
          person_id: personId,
          area_id: area.id,
          area_path: area.path,
          purpose: '返岗上班',
          valid_from: new Date(now.getTime() - DAY),
          valid_to: new Date(now.getTime() + 7 * DAY),
          status: 'active',
          applied_by: 'staff',
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return signPassToken(
        {
          v: 1,
          kid: 'e2e',
          pid: row.id,
          code,
          name: '*',
          doc: '*',
          purpose: '返岗上班',
          cps: [],
          area: area.path,
          nbf: Math.floor((now.getTime() - DAY) / 1000),
          exp: Math.floor((now.getTime() + 7 * DAY) / 1000),
        },
        privateJwk,
      );
    };
    passes.clear = {
      token: await sign(residents[0]!.id, 'TXE2E001', keys.privateJwk),
      name: residents[0]!.name,
      personId: residents[0]!.id,
    };
    passes.quarantined = {
      token: await sign(residents[1]!.id, 'TXE2E002', keys.privateJwk),
      name: residents[1]!.name,
      personId: residents[1]!.id,
    };
  }, STAGE_START_TIMEOUT);
  afterAll(async () => {
    await stage?.close();
  });

  it(
    'signs in on duty, scans a pass picture, records the crossing; refuses the quarantined',
    async () => {
      const phone = {
        ...PHONE,
        geolocation: { latitude: 30.21, longitude: 120.11, accuracy: 9 },
        permissions: ['geolocation'],
      };
      await stage.withPage('gate', phone, async (page) => {
        await signIn(page, stage.baseUrl, 'worker01', PASSWORD);
        await page.goto(`${stage.baseUrl}/gate?checkpoint=${checkpointId}`);
        await page.getByTestId('gate-sign-in').click();
        await expectText(page.getByTestId('gate-on-duty'), '正在“星火村东入口”值守');
        const duty = await stage.database.db
          .selectFrom('checkpoint_duty')
          .select(['sign_in_lng', 'sign_in_lat', 'sign_in_accuracy_m'])
          .where('checkpoint_id', '=', checkpointId)
          .executeTakeFirstOrThrow();
        expect(duty).toEqual({ sign_in_lng: 120.11, sign_in_lat: 30.21, sign_in_accuracy_m: 9 });

        await page.getByTestId('gate-photo-input').setInputFiles({
          name: 'pass.png',
          mimeType: 'image/png',
          buffer: await qrPng(passes.clear.token),
        });
        const verdict = page.getByTestId('gate-verdict');
        await expectText(verdict, '可通行');
        expect(await verdict.getAttribute('data-verdict')).toBe('green');
        await expectText(verdict, '通行证 TXE2E001：返岗上班');
        const identity = await page.getByTestId('gate-identity').innerText();
        expect(identity).toContain(passes.clear.name.slice(0, 1));
        expect(await page.locator('body').innerText()).not.toContain(passes.clear.name);
        await page.locator(TEMPERATURE).fill('36.5');
        await page.screenshot({ path: path.join(shots, 'verdict-green-phone.png'), fullPage: true });
        await page.getByTestId('gate-allow').click();
        await expectText(page.getByTestId('gate-recorded'), '已登记：放行');
        await expectText(page.getByTestId('gate-recent'), '放行');
        expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
        await page.getByTestId('gate-next').click();

        await page.getByTestId('gate-photo-input').setInputFiles({
          name: 'pass2.png',
          mimeType: 'image/png',
          buffer: await qrPng(passes.quarantined.token),
        });
        await expectText(verdict, '禁止通行');
        await expectText(verdict, '管控人员：居家隔离');
        await page.locator(TEMPERATURE).fill('36.7');
        expect(await page.getByTestId('gate-allow').isDisabled()).toBe(true);
        await page.screenshot({ path: path.join(shots, 'verdict-red-phone.png'), fullPage: true });
        await page.getByTestId('gate-refuse').click();
        await expectText(page.getByTestId('gate-recorded'), '已登记：劝返');
        await expectText(page.getByTestId('gate-recorded'), /已生成事件 EV\d+/);
        await page.screenshot({ path: path.join(shots, 'refused-phone.png'), fullPage: true });
        const records = await stage.database.db
          .selectFrom('checkpoint_records')
          .select(['decision', 'verdict', 'event_id'])
          .where('checkpoint_id', '=', checkpointId)
          .orderBy('id')
          .execute();
        expect(records.map((r) => [r.decision, r.verdict, r.event_id !== null])).toEqual([
          ['allowed', 'green', false],
          ['refused', 'red', true],
        ]);

        // The person page shows the same verdict (the one shared health-status service).
        await page.goto(`${stage.baseUrl}/persons/${passes.quarantined.personId}`);
        const card = page.getByTestId('person-health-status');
        await expectText(card, '禁止通行');
        await expectText(card, '管控人员：居家隔离');
        await card.screenshot({ path: path.join(shots, 'person-health-card.png') });
      });
    },
    UI_TIMEOUT * 8,
  );
});
