import type { FastifyInstance } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../test-support/database.js';
import {
  createAreaTree,
  createUser,
  type Session,
  signIn,
  TestClock,
  testApp,
} from '../test-support/factories.js';
import { notify } from './notify.js';
import type { InboxPage, PreferencesView } from './schema.js';

describeEachDatabase('notification inbox and channel preferences', (database) => {
  let app: FastifyInstance;
  let alice: { id: number; session: Session };
  let bob: { id: number; session: Session };
  const clock = new TestClock();

  const get = (session: Session, url: string) => app.inject({ url, headers: session.headers });
  const send = (session: Session, method: 'POST' | 'PUT', url: string, payload: object = {}) =>
    app.inject({ method, url, headers: session.headers, payload });
  const notifyUsers = async (userIds: number[], title: string, priority: 'normal' | 'urgent' = 'normal') => {
    clock.advance(1000);
    return notify(database().db, { userIds, kind: 'event.dispatched', priority, title, now: clock.now() });
  };

  beforeAll(async () => {
    const db = database().db;
    app = await testApp(database(), clock);
    const tree = await createAreaTree(db);
    const a = await createUser(db, [{ role: 'grid_worker', area: tree.gridA }]);
    const b = await createUser(db, [{ role: 'grid_worker', area: tree.gridB }]);
    alice = { id: a.id, session: await signIn(app, a.username) };
    bob = { id: b.id, session: await signIn(app, b.username) };
  });

  it('lists my notifications newest first in keyset pages, filters unread, and counts them', async () => {
    const ids: number[] = [];
    for (const title of ['一', '二', '三', '四', '五'])
      ids.push((await notifyUsers([alice.id, bob.id], title))[0]!.id);
    const first = (await get(alice.session, '/api/notifications?limit=2')).json() as InboxPage;
    expect(first.items.map((i) => i.title)).toEqual(['五', '四']);
    expect(first.items[0]).toMatchObject({
      id: ids[4],
      kind: 'event.dispatched',
      readAt: null,
      deliveries: [],
    });
    const second = (
      await get(alice.session, `/api/notifications?limit=2&before=${first.nextBefore}`)
    ).json() as InboxPage;
    expect(second.items.map((i) => i.title)).toEqual(['三', '二']);
    const last = (
      await get(alice.session, `/api/notifications?limit=2&before=${second.nextBefore}`)
    ).json() as InboxPage;
    expect(last.items.map((i) => i.title)).toEqual(['一']);
    expect(last.nextBefore).toBeNull();

    expect((await get(alice.session, '/api/notifications/unread-count')).json()).toEqual({ count: 5 });
    const read = await send(alice.session, 'POST', `/api/notifications/${ids[1]}/read`);
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json()).toEqual({ id: ids[1], readAt: clock.now().toISOString() });
    // Reading again keeps the first time.
    clock.advance(60_000);
    expect((await send(alice.session, 'POST', `/api/notifications/${ids[1]}/read`)).json().readAt).toBe(
      read.json().readAt,
    );
    const unread = (await get(alice.session, '/api/notifications?unread=true')).json() as InboxPage;
    expect(unread.items.map((i) => i.title)).toEqual(['五', '四', '三', '一']);
    expect((await get(alice.session, '/api/notifications/unread-count')).json()).toEqual({ count: 4 });

    // "Read all" up to what I saw: a newer one stays unread.
    await notifyUsers([alice.id], '六');
    const all = await send(alice.session, 'POST', '/api/notifications/read-all', { upToId: ids[4] });
    expect(all.json()).toEqual({ updated: 4 });
    expect((await get(alice.session, '/api/notifications/unread-count')).json()).toEqual({ count: 1 });
    expect((await send(alice.session, 'POST', '/api/notifications/read-all')).json()).toEqual({ updated: 1 });
    // Bob's copies were untouched by Alice's reading.
    expect((await get(bob.session, '/api/notifications/unread-count')).json()).toEqual({ count: 5 });
  });

  it('shows and changes only my own notifications', async () => {
    const [bobs] = await notifyUsers([bob.id], '只给乙');
    const mine = (await get(alice.session, '/api/notifications?limit=100')).json() as InboxPage;
    expect(mine.items.map((i) => i.id)).not.toContain(bobs!.id);
    const steal = await send(alice.session, 'POST', `/api/notifications/${bobs!.id}/read`);
    expect(steal.statusCode).toBe(404);
    expect(steal.json().error.code).toBe('NOTIFICATION_NOT_FOUND');
    const row = await database()
      .db.selectFrom('notifications')
      .select('read_at')
      .where('id', '=', bobs!.id)
      .executeTakeFirstOrThrow();
    expect(row.read_at).toBeNull();
    expect((await app.inject({ url: '/api/notifications' })).statusCode).toBe(401);
    const absurd = await send(alice.session, 'POST', '/api/notifications/100000000000000000000/read');
    expect(absurd.statusCode).toBe(400);
    expect(absurd.json().error.code).toBe('VALIDATION_FAILED');
    // Writes need the session's CSRF token.
    const forged = await app.inject({
      method: 'POST',
      url: '/api/notifications/read-all',
      headers: { cookie: alice.session.cookie },
      payload: {},
    });
    expect(forged.statusCode).toBe(403);
  });

  it('keeps channel addresses encrypted, shows them masked, and queues deliveries by them', async () => {
    const initial = (await get(alice.session, '/api/notifications/preferences')).json() as PreferencesView;
    expect(initial.channels).toEqual([
      { channel: 'sms', enabled: false, urgentOnly: false, address: null, live: false },
      { channel: 'webhook', enabled: false, urgentOnly: false, address: null, live: false },
      { channel: 'voice', enabled: false, urgentOnly: false, address: null, live: false },
    ]);
    const saved = await send(alice.session, 'PUT', '/api/notifications/preferences', {
      channels: [
        { channel: 'sms', enabled: true, address: '+86 138-1234-5678' },
        { channel: 'voice', enabled: true, urgentOnly: true, address: '13912345678' },
        {
          channel: 'webhook',
          enabled: true,
          address: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=secret-robot-key',
        },
      ],
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect((saved.json() as PreferencesView).channels).toEqual([
      { channel: 'sms', enabled: true, urgentOnly: false, address: '138****5678', live: false },
      {
        channel: 'webhook',
        enabled: true,
        urgentOnly: false,
        address: 'https://qyapi.weixin.qq.com/…',
        live: false,
      },
      { channel: 'voice', enabled: true, urgentOnly: true, address: '139****5678', live: false },
    ]);
    const stored = await database()
      .db.selectFrom('notification_preferences')
      .selectAll()
      .where('user_id', '=', alice.id)
      .execute();
    const raw = JSON.stringify(stored);
    expect(raw).not.toContain('13812345678');
    expect(raw).not.toContain('secret-robot-key');
    const sms = stored.find((p) => p.channel === 'sms')!;
    expect(app.cipher.decrypt(sms.address_secret!)).toBe('13812345678');
    const audit = await database()
      .db.selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'notification.preferences.update')
      .execute();
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain('13812345678');

    // Turning SMS off while keeping its number: the address is left out.
    const off = await send(alice.session, 'PUT', '/api/notifications/preferences', {
      channels: [{ channel: 'sms', enabled: false }],
    });
    expect((off.json() as PreferencesView).channels[0]).toMatchObject({
      enabled: false,
      address: '138****5678',
    });

    // A normal notification goes to the webhook; an urgent one also calls.
    const [normal] = await notifyUsers([alice.id], '普通');
    const [urgent] = await notifyUsers([alice.id], '紧急', 'urgent');
    const channelsOf = async (id: number) =>
      (
        await database()
          .db.selectFrom('notification_deliveries')
          .select('channel')
          .where('notification_id', '=', id)
          .orderBy('channel')
          .execute()
      ).map((d) => d.channel);
    expect(await channelsOf(normal!.id)).toEqual(['webhook']);
    expect(await channelsOf(urgent!.id)).toEqual(['voice', 'webhook']);
    const inbox = (await get(alice.session, '/api/notifications?limit=1')).json() as InboxPage;
    expect(inbox.items[0]!.deliveries).toEqual([
      { channel: 'voice', status: 'pending', attempts: 0 },
      { channel: 'webhook', status: 'pending', attempts: 0 },
    ]);
  });

  it('refuses addresses that are not a mainland mobile or an allowed https robot, naming the field', async () => {
    const attempt = (channels: object[]) =>
      send(bob.session, 'PUT', '/api/notifications/preferences', { channels });
    const landlineSms = await attempt([{ channel: 'sms', enabled: true, address: '0571-88123456' }]);
    expect(landlineSms.statusCode).toBe(400);
    expect(landlineSms.json().error).toMatchObject({
      code: 'NOTIFICATION_ADDRESS_INVALID',
      details: [{ field: 'body.channels.0.address', code: 'mobile' }],
    });
    // Its own words: a mobile is needed; the phone text would say a landline is fine.
    const [smsProblem] = (landlineSms.json() as { error: { details: { message: string }[] } }).error.details;
    expect(smsProblem!.message).toContain('11 位手机号');
    expect(smsProblem!.message).not.toContain('座机');
    const plainHttp = await attempt([
      { channel: 'webhook', enabled: true, address: 'http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x' },
    ]);
    expect(plainHttp.json().error.code).toBe('NOTIFICATION_ADDRESS_INVALID');
    const otherHost = await attempt([
      { channel: 'webhook', enabled: true, address: 'https://10.0.0.5/hook' },
    ]);
    expect(otherHost.json().error).toMatchObject({
      code: 'NOTIFICATION_ADDRESS_INVALID',
      details: [{ field: 'body.channels.0.address' }],
    });
    const noAddress = await attempt([{ channel: 'voice', enabled: true }]);
    expect(noAddress.json().error.code).toBe('NOTIFICATION_ADDRESS_REQUIRED');
    const twice = await attempt([
      { channel: 'sms', enabled: false },
      { channel: 'sms', enabled: true, address: '13812345678' },
    ]);
    expect(twice.statusCode).toBe(400);
    const unknown = await attempt([{ channel: 'fax', enabled: true }]);
    expect(unknown.json().error.code).toBe('VALIDATION_FAILED');
    // A call may go to a duty office's landline.
    const landlineVoice = await attempt([{ channel: 'voice', enabled: true, address: '0571 88123456' }]);
    expect(landlineVoice.statusCode, landlineVoice.body).toBe(200);
    expect((landlineVoice.json() as PreferencesView).channels[2]!.address).toBe('0571-****3456');
    const nothingElse = (await get(bob.session, '/api/notifications/preferences')).json() as PreferencesView;
    expect(nothingElse.channels.filter((c) => c.enabled).map((c) => c.channel)).toEqual(['voice']);
  });
});
