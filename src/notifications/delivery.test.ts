import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import type { DB, NotificationChannel } from '../db/schema.js';
import { createFieldCipher } from '../privacy/field-crypto.js';
import { describeEachDatabase } from '../test-support/database.js';
import { createAreaTree, createUser, TestClock, testConfig } from '../test-support/factories.js';
import {
  type ChannelAdapters,
  createLoggingAdapter,
  createSmsGatewayAdapter,
  createVoiceCallAdapter,
  createWebhookAdapter,
} from './channels/index.js';
import { claimDueDeliveries, deliverDueNotifications, MAX_ATTEMPTS, RETRY_DELAYS_MS } from './delivery.js';
import { notify } from './notify.js';

interface Received {
  path: string;
  authorization: string | undefined;
  idempotencyKey: string | undefined;
  body: Record<string, unknown>;
}

/** A gateway on 127.0.0.1 whose answers the test scripts: status and body per request, in turn. */
class FakeGateway {
  readonly received: Received[] = [];
  private answers: Array<{ status: number; body: string }> = [];
  private server = http.createServer((request, response) => {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (text += chunk));
    request.on('end', () => {
      this.received.push({
        path: request.url ?? '',
        authorization: request.headers.authorization,
        idempotencyKey: request.headers['idempotency-key'] as string | undefined,
        body: JSON.parse(text) as Record<string, unknown>,
      });
      const answer = this.answers.shift() ?? { status: 200, body: '{"errcode":0,"errmsg":"ok"}' };
      response.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
    });
  });
  url = '';

  async start() {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  answer(...answers: Array<{ status: number; body?: string }>) {
    this.answers.push(...answers.map((a) => ({ status: a.status, body: a.body ?? '{}' })));
  }
  reset() {
    this.received.length = 0;
    this.answers = [];
  }
  stop() {
    return new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const cipher = createFieldCipher(testConfig().keys);

describeEachDatabase('notification delivery through channels', (database, backend) => {
  const gateway = new FakeGateway();
  const logged: Array<{ fields: Record<string, unknown>; message: string }> = [];
  let adapters: ChannelAdapters;
  let userId: number;
  const clock = new TestClock();
  const db = () => database().db;

  const setPreference = (channel: NotificationChannel, enabled: boolean, address: string | null) =>
    db()
      .insertInto('notification_preferences')
      .values({
        user_id: userId,
        channel,
        enabled,
        address_secret: address ? cipher.encrypt(address) : null,
        address_masked: null,
        updated_at: clock.now(),
      })
      .onConflict((oc) =>
        oc.columns(['user_id', 'channel']).doUpdateSet((eb) => ({
          enabled: eb.ref('excluded.enabled'),
          address_secret: eb.ref('excluded.address_secret'),
        })),
      )
      .execute();
  const deliveriesOf = (notificationId: number) =>
    db()
      .selectFrom('notification_deliveries')
      .selectAll()
      .where('notification_id', '=', notificationId)
      .orderBy('channel')
      .execute();
  const run = () => deliverDueNotifications(db(), adapters, clock.now(), { cipher, batch: 20 });
  const notifyOne = async (priority: 'normal' | 'urgent' = 'normal') =>
    (
      await notify(db(), {
        userIds: [userId],
        kind: 'event.dispatched',
        priority,
        title: '新事件：垃圾暴露',
        body: '甲网格 3 号楼',
        link: '/events/1',
        now: clock.now(),
      })
    )[0]!.id;

  beforeAll(async () => {
    await gateway.start();
    adapters = {
      sms: createSmsGatewayAdapter({ url: `${gateway.url}/sms`, key: 'sms-secret' }, { timeoutMs: 2000 }),
      voice: createVoiceCallAdapter(
        { url: `${gateway.url}/voice`, key: 'voice-secret' },
        { timeoutMs: 2000 },
      ),
      webhook: createWebhookAdapter({ timeoutMs: 2000, defaultUrl: null, allowedHosts: ['127.0.0.1'] }),
    };
    const tree = await createAreaTree(db());
    userId = (await createUser(db(), [{ role: 'grid_worker', area: tree.gridA }])).id;
  });
  afterAll(() => gateway.stop());
  beforeEach(async () => {
    gateway.reset();
    // Each test starts with nothing due, whatever the previous one left pending.
    await db()
      .updateTable('notification_deliveries')
      .set({ status: 'failed' })
      .where('status', '=', 'pending')
      .execute();
    await db().deleteFrom('notification_preferences').where('user_id', '=', userId).execute();
  });

  it('sends an SMS through the gateway with the bearer key and marks it sent', async () => {
    await setPreference('sms', true, '13812345678');
    const id = await notifyOne();
    const result = await run();
    expect(result).toEqual({ claimed: 1, sent: 1, retrying: 0, failed: 0 });
    expect(gateway.received).toHaveLength(1);
    const [request] = gateway.received;
    expect(request).toMatchObject({ path: '/sms', authorization: 'Bearer sms-secret' });
    expect(request!.body).toMatchObject({ to: '13812345678', priority: 'normal' });
    expect(request!.body.text).toBe('【网格卫士】新事件：垃圾暴露：甲网格 3 号楼');
    expect(request!.idempotencyKey).toBe(request!.body.reference);
    const [delivery] = await deliveriesOf(id);
    expect(delivery).toMatchObject({ channel: 'sms', status: 'sent', attempts: 1, last_error: null });
    expect(delivery!.sent_at).toEqual(clock.now());
    // Nothing is sent twice.
    expect((await run()).claimed).toBe(0);
  });

  it('retries a failed send after the backoff, then succeeds', async () => {
    await setPreference('sms', true, '13812345678');
    const id = await notifyOne();
    gateway.answer({ status: 503, body: 'gateway busy' });
    expect(await run()).toMatchObject({ claimed: 1, retrying: 1 });
    let [delivery] = await deliveriesOf(id);
    expect(delivery).toMatchObject({ status: 'pending', attempts: 1, locked_until: null });
    expect(delivery!.last_error).toBe('SMS gateway answered HTTP 503: gateway busy');
    expect(delivery!.next_attempt_at.getTime()).toBe(clock.now().getTime() + RETRY_DELAYS_MS[0]!);
    // Not due yet.
    expect((await run()).claimed).toBe(0);
    clock.advance(RETRY_DELAYS_MS[0]!);
    expect(await run()).toMatchObject({ claimed: 1, sent: 1 });
    [delivery] = await deliveriesOf(id);
    expect(delivery).toMatchObject({ status: 'sent', attempts: 2, last_error: null });
    expect(gateway.received).toHaveLength(2);
  });

  it('gives up after the last attempt; the notification stays in the inbox', async () => {
    await setPreference('webhook', true, `${gateway.url}/robot?key=abc`);
    const id = await notifyOne();
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
      gateway.answer({ status: 200, body: '{"errcode":93000,"errmsg":"invalid webhook url"}' });
      const result = await run();
      expect(result.claimed, `attempt ${attempt}`).toBe(1);
      clock.advance(13 * 3600_000);
    }
    const [delivery] = await deliveriesOf(id);
    expect(delivery).toMatchObject({ channel: 'webhook', status: 'failed', attempts: MAX_ATTEMPTS });
    expect(delivery!.last_error).toMatch(/^webhook answered errcode 93000/);
    // The key in the robot's URL is never written down.
    expect(delivery!.last_error).not.toContain('abc');
    expect((await run()).claimed).toBe(0);
    const inbox = await db()
      .selectFrom('notifications')
      .select(['id', 'read_at'])
      .where('id', '=', id)
      .execute();
    expect(inbox).toEqual([{ id, read_at: null }]);
    // The robot got the 企业微信 text message shape.
    expect(gateway.received[0]!.body).toEqual({
      msgtype: 'text',
      text: { content: '【网格卫士】新事件：垃圾暴露：甲网格 3 号楼' },
    });
  });

  it('treats an unreachable gateway as a failure to retry, and a missing address as final', async () => {
    await setPreference('sms', true, '13812345678');
    await setPreference('webhook', true, null);
    const unreachable: ChannelAdapters = {
      ...adapters,
      // Port 9 (discard) on loopback: nothing listens there.
      sms: createSmsGatewayAdapter({ url: 'http://127.0.0.1:9/sms', key: 'k' }, { timeoutMs: 2000 }),
    };
    const id = await notifyOne();
    const result = await deliverDueNotifications(db(), unreachable, clock.now(), { cipher });
    expect(result).toMatchObject({ claimed: 2, retrying: 1, failed: 1 });
    const [sms, webhook] = await deliveriesOf(id);
    expect(sms).toMatchObject({ status: 'pending', attempts: 1 });
    expect(sms!.last_error).toMatch(/^SMS gateway could not be reached/);
    expect(sms!.last_error).not.toContain('127.0.0.1');
    expect(webhook).toMatchObject({ status: 'failed', attempts: 1 });
    expect(webhook!.last_error).toBe('the user has no webhook and no default is configured');
  });

  it('calls only for urgent notifications when voice is urgent-only, reading the text aloud', async () => {
    await setPreference('voice', true, '0571-88123456');
    await db()
      .updateTable('notification_preferences')
      .set({ urgent_only: true })
      .where('user_id', '=', userId)
      .execute();
    const normal = await notifyOne('normal');
    const urgent = await notifyOne('urgent');
    expect(await deliveriesOf(normal)).toEqual([]);
    expect(await run()).toMatchObject({ claimed: 1, sent: 1 });
    expect((await deliveriesOf(urgent))[0]).toMatchObject({ channel: 'voice', status: 'sent' });
    expect(gateway.received[0]).toMatchObject({
      path: '/voice',
      authorization: 'Bearer voice-secret',
      body: { to: '0571-88123456', tts: '【网格卫士】[紧急] 新事件：垃圾暴露：甲网格 3 号楼' },
    });
  });

  it('does not send on a channel the user turned off after the notification was queued', async () => {
    await setPreference('sms', true, '13812345678');
    const id = await notifyOne();
    await setPreference('sms', false, '13812345678');
    expect(await run()).toMatchObject({ claimed: 1, failed: 1 });
    expect((await deliveriesOf(id))[0]).toMatchObject({
      status: 'failed',
      last_error: 'channel turned off by the user before delivery',
    });
    expect(gateway.received).toHaveLength(0);
  });

  it('lets another worker take over a claim whose worker died, once the lease has run out', async () => {
    await setPreference('sms', true, '13812345678');
    const id = await notifyOne();
    // A worker claims and dies before sending.
    const claimed = await claimDueDeliveries(
      db(),
      clock.now(),
      new Date(clock.now().getTime() + 120_000),
      10,
    );
    expect(claimed.map((c) => c.notificationId)).toEqual([id]);
    expect((await run()).claimed).toBe(0);
    clock.advance(120_000);
    expect(await run()).toMatchObject({ claimed: 1, sent: 1 });
  });

  it('the logging adapter writes one structured line and never the whole phone number', async () => {
    await setPreference('sms', true, '13812345678');
    const logging: ChannelAdapters = {
      ...adapters,
      sms: createLoggingAdapter('sms', (fields, message) => logged.push({ fields, message })),
    };
    const id = await notifyOne();
    expect(await deliverDueNotifications(db(), logging, clock.now(), { cipher })).toMatchObject({ sent: 1 });
    expect(logged).toHaveLength(1);
    expect(logged[0]!.fields).toMatchObject({
      channel: 'sms',
      notificationId: id,
      userId,
      to: '138****5678',
    });
    expect(JSON.stringify(logged)).not.toContain('13812345678');
    expect(gateway.received).toHaveLength(0);
  });

  it.skipIf(backend === 'pglite')(
    'two workers on separate connections never send one delivery twice (PostgreSQL; PGlite has one connection)',
    async () => {
      await setPreference('sms', true, '13812345678');
      const created = await notify(db(), {
        userIds: [userId],
        kind: 'event.dispatched',
        title: '批量',
        now: clock.now(),
      });
      for (let i = 0; i < 29; i += 1) {
        created.push(
          ...(await notify(db(), {
            userIds: [userId],
            kind: 'event.dispatched',
            title: `批量${i}`,
            now: clock.now(),
          })),
        );
      }
      const raw = database().raw;
      if (raw.kind !== 'postgres') throw new Error('unreachable');
      // A second "app node": its own pool on the same database.
      const otherPool = new pg.Pool({ ...raw.pool.options, max: 2 });
      const other = new Kysely<DB>({ dialect: new PostgresDialect({ pool: otherPool }) });
      try {
        const worker = async (handle: Kysely<DB>) => {
          let total = 0;
          for (;;) {
            const result = await deliverDueNotifications(handle, adapters, clock.now(), { cipher, batch: 4 });
            total += result.sent;
            if (result.claimed === 0) return total;
          }
        };
        const [first, second] = await Promise.all([worker(db()), worker(other)]);
        expect(first + second).toBe(30);
        expect(first).toBeGreaterThan(0);
        expect(second).toBeGreaterThan(0);
        const references = gateway.received.map((r) => r.body.reference);
        expect(new Set(references).size).toBe(30);
        expect(references).toHaveLength(30);
      } finally {
        await other.destroy();
      }
    },
  );
});
