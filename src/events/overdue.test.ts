import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../test-support/database.js';
import { type Session, signIn, TestClock, testApp } from '../test-support/factories.js';
import { categoryId, createEventWorld, type EventWorld } from '../test-support/events-fixtures.js';
import type { DashboardView } from '../health/dashboard/schema.js';
import { escalateOverdueEvents } from './escalation.js';
import type { EventBoard, EventSummary } from './schema.js';

const MINUTE = 60_000;

describeEachDatabase(
  'overdue events: one count for the big screen, the board and the escalation job',
  (database) => {
    let app: FastifyInstance;
    let world: EventWorld;
    let staff: Session;
    const clock = new TestClock(new Date('2026-11-02T10:00:00+08:00'));

    beforeAll(async () => {
      app = await testApp(database(), clock);
      world = await createEventWorld(database().db);
      staff = await signIn(app, world.users.staff.username);
    });
    afterAll(async () => {
      await app.close();
    });

    const post = async (url: string, payload: object) => {
      const response = await app.inject({ method: 'POST', url, headers: staff.headers, payload });
      expect(response.statusCode, response.body).toBeLessThan(300);
      return response.json() as { id: number };
    };
    const getJson = async <T>(url: string) => {
      const response = await app.inject({ url, headers: staff.headers });
      expect(response.statusCode, response.body).toBe(200);
      return response.json() as T;
    };

    /** The three figures a commander may compare: big screen, board summary, board list filtered. */
    const overdueFigures = async () => {
      const village = world.tree.village.id;
      const dashboard = await getJson<DashboardView>(`/api/dashboard?node=${village}`);
      const summary = await getJson<EventSummary>(`/api/events/summary?areaId=${village}`);
      const board = await getJson<EventBoard>(`/api/events?overdue=true&areaId=${village}&limit=100`);
      return {
        dashboard: dashboard.figures.events?.overdue,
        summary: summary.overdue,
        board: board.items.map((item) => item.id).sort((a, b) => a - b),
      };
    };

    it('counts as overdue exactly the events the escalation job escalates at that moment', async () => {
      const db = database().db;
      const now = clock.now();
      const rubbish = await categoryId(db, 'city_appearance.exposed_rubbish');
      const report = async (area: { id: number }, title: string, stepDeadline: Date) => {
        const { id } = await post('/api/events', {
          source: 'patrol',
          categoryId: rubbish,
          areaId: area.id,
          title,
        });
        await db.updateTable('events').set({ step_deadline: stepDeadline }).where('id', '=', id).execute();
        return id;
      };
      const minutesFromNow = (minutes: number) => new Date(now.getTime() + minutes * MINUTE);

      const lateA = await report(world.tree.microA, '甲超时', minutesFromNow(-5));
      const lateB = await report(world.tree.microB, '乙超时', minutesFromNow(-90));
      // A deadline of this very instant has passed: the job escalates it, so it is overdue.
      const dueNow = await report(world.tree.gridA, '此刻到期', now);
      await report(world.tree.microA, '未到期', minutesFromNow(30));
      // Suspended: its clock stands still, nobody escalates it, so it is not overdue.
      const suspended = await report(world.tree.microB, '暂停', minutesFromNow(-60));
      await post(`/api/events/${suspended}/actions/suspend`, { reason: '等待天晴' });
      await db
        .updateTable('events')
        .set({ step_deadline: minutesFromNow(-60) })
        .where('id', '=', suspended)
        .execute();
      // Closed past its deadline: done, not overdue.
      const closed = await report(world.tree.microA, '已办结', minutesFromNow(-60));
      for (const action of ['accept', 'report', 'close'])
        await post(`/api/events/${closed}/actions/${action}`, { note: '已处理' });
      await db
        .updateTable('events')
        .set({ step_deadline: minutesFromNow(-60) })
        .where('id', '=', closed)
        .execute();

      const overdue = [lateA, lateB, dueNow].sort((a, b) => a - b);
      expect(await overdueFigures()).toEqual({ dashboard: 3, summary: 3, board: overdue });

      const escalated = await escalateOverdueEvents(db, now);
      expect(escalated.map((event) => event.id).sort((a, b) => a - b)).toEqual(overdue);

      // Escalated with a fresh deadline: none overdue any more, on every screen alike.
      expect(await overdueFigures()).toEqual({ dashboard: 0, summary: 0, board: [] });
    });
  },
);
