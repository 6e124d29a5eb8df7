import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { sha256 } from '../auth/repository.js';
import { describeEachDatabase } from '../test-support/database.js';
import {
  createAreaTree,
  createUser,
  type Session,
  signIn,
  TestClock,
  testConfig,
} from '../test-support/factories.js';
import { openEventStream, type OpenedStream } from '../test-support/notifications-fixtures.js';

const HEARTBEAT_MS = 150;

describeEachDatabase('notification streams end with their session', (database) => {
  let app: FastifyInstance;
  let baseUrl: string;
  const clock = new TestClock();
  const opened: OpenedStream[] = [];
  const sessions: Session[] = [];

  const open = async (session: Session) => {
    const stream = await openEventStream(`${baseUrl}/api/notifications/stream`, { cookie: session.cookie });
    opened.push(stream);
    await stream.waitForComment('connected');
    return stream;
  };
  const token = (session: Session) => session.cookie.split(';')[0]!.split('=')[1]!;
  /** Resolves true if the stream ends within `ms`, false if it is still open then. */
  const ends = (stream: OpenedStream, ms: number) =>
    stream
      .waitFor(() => false, ms)
      .then(
        () => false,
        (error: Error) => error.message.includes('stream ended'),
      );

  beforeAll(async () => {
    const db = database().db;
    app = await buildApp({
      database: database(),
      config: testConfig(),
      clock: clock.now,
      logger: false,
      notificationHeartbeatMs: HEARTBEAT_MS,
    });
    const tree = await createAreaTree(db);
    for (let i = 0; i < 4; i++) {
      const user = await createUser(db, [{ role: 'grid_worker', area: tree.gridA }]);
      sessions.push(await signIn(app, user.username));
    }
    await app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const stream of opened) stream.close();
    await app.close();
  });

  it('ends the signed-out and expired sessions’ streams at the next beat and keeps the others beating', async () => {
    const [stays, signedOut, expired, disabled] = sessions as [Session, Session, Session, Session];
    const streams = await Promise.all([
      open(stays),
      open(stays),
      open(signedOut),
      open(expired),
      open(disabled),
    ]);
    const db = database().db;
    await db
      .deleteFrom('sessions')
      .where('id_hash', '=', sha256(token(signedOut)))
      .execute();
    await db
      .updateTable('sessions')
      .set({ expires_at: new Date(clock.now().getTime() - 1000) })
      .where('id_hash', '=', sha256(token(expired)))
      .execute();
    const owner = await db
      .selectFrom('sessions')
      .select('user_id')
      .where('id_hash', '=', sha256(token(disabled)))
      .executeTakeFirstOrThrow();
    await db.updateTable('users').set({ disabled_at: clock.now() }).where('id', '=', owner.user_id).execute();

    const ended = await Promise.all(streams.map((stream) => ends(stream, HEARTBEAT_MS * 10)));
    console.log(`streams ended after the session checks: ${ended.map(String).join(', ')}`);
    expect(ended).toEqual([false, false, true, true, true]);
    // The live session's two streams kept beating.
    await streams[0]!.waitForComment('heartbeat', HEARTBEAT_MS * 10);
    await streams[1]!.waitForComment('heartbeat', HEARTBEAT_MS * 10);
  });

  it('keeps an open page’s session alive: the beat slides its idle timeout, at most once a minute', async () => {
    const session = sessions[0]!;
    const db = database().db;
    const hash = sha256(token(session));
    const longAgo = new Date(clock.now().getTime() - 10 * 60_000);
    await db.updateTable('sessions').set({ last_seen_at: longAgo }).where('id_hash', '=', hash).execute();
    const stream = await open(session);
    await stream.waitForComment('heartbeat', HEARTBEAT_MS * 10);
    // Give the touch (same beat, after the select) a moment to commit.
    let seen = longAgo;
    for (let i = 0; i < 20 && seen.getTime() === longAgo.getTime(); i++) {
      await new Promise((resolve) => setTimeout(resolve, HEARTBEAT_MS));
      seen = (
        await db
          .selectFrom('sessions')
          .select('last_seen_at')
          .where('id_hash', '=', hash)
          .executeTakeFirstOrThrow()
      ).last_seen_at;
    }
    expect(seen.getTime()).toBe(clock.now().getTime());
  });
});
