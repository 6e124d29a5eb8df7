import type { Insertable } from 'kysely';
import type { Db } from '../auth/context.js';
import type {
  AlertKind,
  EventSource,
  EventStatus,
  EventsTable,
  EventStep,
  EventStepsTable,
  EventTier,
  StepLimits,
} from '../db/schema.js';
import type { SeededRandom } from '../core/random.js';
import type { AreaRow } from '../hierarchy/repository.js';
import { chinaDate, deadlineFor } from './calendar.js';
import {
  areasWithin,
  camerasWithin,
  categoriesByCodes,
  demoParticipants,
  insertEvents,
  insertSteps,
  loadCalendar,
  nextEventIds,
} from './repository.js';
import { DEFAULT_LIMITS } from './service.js';
import { STEP_OF } from './transitions.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** What residents and workers report in a village, with made-up but plausible titles. */
const TITLES: Record<string, string[]> = {
  'city_appearance.exposed_rubbish': ['村道旁暴露垃圾', '河边堆放生活垃圾', '空地暴露建筑垃圾'],
  'city_appearance.overflowing_bins': ['垃圾桶满溢未清运', '分类垃圾房满溢'],
  'city_appearance.dirty_road': ['路面油污', '村道泥土未清扫'],
  'city_appearance.waterside_litter': ['河道漂浮垃圾', '池塘水面漂浮物'],
  'advertising.illegal_flyers': ['电线杆小广告', '墙面张贴办证广告'],
  'advertising.banners': ['村口私拉横幅'],
  'construction.illegal_building': ['宅基地违章搭建', '屋顶加盖彩钢房'],
  'construction.noise': ['夜间施工噪声扰民'],
  'street_order.road_occupation': ['菜贩占道经营', '早市摊位占用道路'],
  'street_order.disorderly_parking': ['电动车乱停放堵塞通道'],
  'emergency.waterlogging': ['暴雨后道路积水'],
  'epidemic.gathering': ['村委会门口人员聚集', '棋牌室人员聚集'],
  'epidemic.quarantine_breach': ['居家隔离人员外出'],
  'epidemic.supply_need': ['隔离户需要买药', '独居老人缺少生活物资'],
  'epidemic.rumour': ['群里流传封村谣言'],
};
const ALERTS: Record<string, AlertKind> = {
  'epidemic.gathering': 'gathering',
  'epidemic.quarantine_breach': 'isolation_door_opened',
};

interface Participants {
  workerOf: Map<number, { id: number; name: string }>;
  leaderOf: Map<number, { id: number; name: string }>;
  staff: { id: number; name: string };
}

async function participants(db: Db, village: AreaRow): Promise<Participants> {
  const rows = await demoParticipants(db, village.path);
  const pick = (role: string) => {
    const map = new Map<number, { id: number; name: string }>();
    for (const r of rows)
      if (r.role === role && !map.has(r.area_id)) map.set(r.area_id, { id: r.id, name: r.display_name });
    return map;
  };
  const staff = [...pick('community_staff').values()][0];
  if (!staff) throw new Error('seedDemoEvents: seed the accounts first (no community staff in the village)');
  return { workerOf: pick('grid_worker'), leaderOf: pick('grid_leader'), staff };
}

/** Where a story ends, by how old the event is: recent ones are still open, old ones closed. */
function finalStatus(random: SeededRandom, ageMs: number): EventStatus {
  const r = random.next();
  if (ageMs < 6 * HOUR)
    return r < 0.3 ? 'collected' : r < 0.55 ? 'registered' : r < 0.8 ? 'dispatched' : 'handling';
  if (ageMs < 3 * DAY)
    return r < 0.08
      ? 'collected'
      : r < 0.18
        ? 'registered'
        : r < 0.35
          ? 'dispatched'
          : r < 0.6
            ? 'handling'
            : r < 0.8
              ? 'reported'
              : r < 0.9
                ? 'closed'
                : 'suspended';
  return r < 0.05
    ? 'rejected'
    : r < 0.09
      ? 'merged'
      : r < 0.13
        ? 'handling'
        : r < 0.45
          ? 'closed'
          : 'evaluated';
}

const PATH_TO: Record<EventStatus, EventStatus[]> = {
  collected: ['collected'],
  rejected: ['collected', 'rejected'],
  registered: ['collected', 'registered'],
  merged: ['collected', 'registered', 'merged'],
  suspended: ['collected', 'registered', 'dispatched', 'suspended'],
  dispatched: ['collected', 'registered', 'dispatched'],
  handling: ['collected', 'registered', 'dispatched', 'handling'],
  reported: ['collected', 'registered', 'dispatched', 'handling', 'reported'],
  closed: ['collected', 'registered', 'dispatched', 'handling', 'reported', 'closed'],
  evaluated: ['collected', 'registered', 'dispatched', 'handling', 'reported', 'closed', 'evaluated'],
};
const ACTION_INTO: Partial<Record<EventStatus, EventStepsTable['action']>> = {
  registered: 'register',
  rejected: 'reject',
  dispatched: 'dispatch',
  handling: 'accept',
  reported: 'report',
  closed: 'close',
  evaluated: 'evaluate',
  merged: 'merge',
  suspended: 'suspend',
};
/** Typical minutes each status change takes after the previous one (min, max). */
const DELAY: Partial<Record<EventStatus, [number, number]>> = {
  registered: [5, 90],
  rejected: [10, 120],
  dispatched: [5, 120],
  handling: [5, 60],
  reported: [40, 600],
  closed: [30, 300],
  evaluated: [60, 1440],
  merged: [10, 60],
  suspended: [60, 600],
};

/**
 * About `count` events (default 300) in the demo village over the 30 days before `now`, in every
 * status, with their steps, assignees and step clocks, as the workflow would have left them.
 * Deterministic for a seeded `random`. Call after the areas, cameras and accounts are seeded.
 */
export async function seedDemoEvents(
  db: Db,
  options: { village: AreaRow; now: Date; random: SeededRandom; count?: number },
): Promise<{ events: number; open: number }> {
  const { village, now, random } = options;
  const count = options.count ?? 300;
  const people = await participants(db, village);
  const calendar = await loadCalendar(db);
  const areas = await areasWithin(db, village.path);
  const byId = new Map(areas.map((a) => [a.id, a]));
  const cells = areas.filter((a) => a.level === 'cell');
  const cameras = await camerasWithin(db, village.path);
  const categories = await categoriesByCodes(db, Object.keys(TITLES));
  if (categories.length === 0 || cells.length === 0) return { events: 0, open: 0 };
  const ids = await nextEventIds(db, count);

  const events: Insertable<EventsTable>[] = [];
  const steps: Insertable<EventStepsTable>[] = [];
  let open = 0;
  for (const id of ids) {
    const category = random.pick(categories);
    const alertKind = ALERTS[category.code];
    const camera = alertKind && cameras.length > 0 && random.chance(0.6) ? random.pick(cameras) : undefined;
    const cameraCell = camera ? cells.find((c) => c.id === camera.area_id) : undefined;
    const cell = cameraCell ?? random.pick(cells);
    const micro = byId.get(cell.parent_id!)!;
    const grid = byId.get(micro.parent_id!)!;
    const tierArea: Record<EventTier, { id: number; name: string }> = {
      microgrid: micro,
      grid,
      village,
      township: byId.get(village.parent_id!) ?? village,
      county: village,
    };
    const source: EventSource = cameraCell
      ? 'device'
      : random.pick(['citizen', 'citizen', 'patrol', 'patrol', 'hotline', 'resident_group'] as const);
    // Skewed towards the last days, so the board has open work as well as a closed history.
    const createdAt = new Date(now.getTime() - 10 * MINUTE - Math.floor(random.next() ** 2 * 30 * DAY));
    const autoRegistered = source === 'patrol' || source === 'device';
    const drawn = finalStatus(random, now.getTime() - createdAt.getTime());
    const status = autoRegistered && drawn === 'collected' ? 'registered' : drawn;
    const path = autoRegistered ? PATH_TO[status].filter((s) => s !== 'collected') : PATH_TO[status];
    let tier: EventTier =
      category.start_tier === 'microgrid' || category.start_tier === 'grid' ? category.start_tier : 'village';
    const worker = people.workerOf.get(micro.id) ?? people.staff;
    const leader = people.leaderOf.get(grid.id) ?? people.staff;
    const limits = (step: EventStep) =>
      (category.limits as StepLimits)[step] ??
      (category.parent_limits as StepLimits | null)?.[step] ??
      DEFAULT_LIMITS[step];

    const times: Record<string, Date> = {};
    let at = createdAt;
    let previous: EventStatus | null = null;
    let stepStarted = createdAt;
    for (const next of path) {
      if (previous !== null) {
        const [min, max] = DELAY[next] ?? [5, 60];
        at = new Date(Math.min(at.getTime() + random.int(min, max) * MINUTE, now.getTime() - MINUTE));
      }
      times[next] = at;
      const action: EventStepsTable['action'] = next === 'collected' ? 'collect' : ACTION_INTO[next]!;
      const actor =
        next === 'dispatched' || next === 'closed' || next === 'merged' || next === 'suspended'
          ? leader
          : worker;
      if (previous === null && next === 'registered') {
        steps.push({
          event_id: id,
          at,
          action: 'collect',
          from_status: null,
          to_status: 'collected',
          actor_user_id: source === 'patrol' ? worker.id : null,
          actor_name: source === 'device' ? `设备:${camera!.name}` : worker.name,
          to_tier: tier,
        });
      }
      steps.push({
        event_id: id,
        at,
        action,
        from_status: previous ?? (next === 'registered' ? 'collected' : null),
        to_status: next,
        actor_user_id:
          next === 'collected' && source !== 'patrol' ? null : next === 'evaluated' ? null : actor.id,
        actor_name:
          next === 'collected' && source === 'citizen'
            ? '报告人'
            : next === 'evaluated'
              ? '报告人'
              : actor.name,
        note: next === 'rejected' ? '经核实不属实' : next === 'suspended' ? '等待相关部门配合' : null,
      });
      if (STEP_OF[next] && STEP_OF[next] !== (previous ? STEP_OF[previous] : undefined)) stepStarted = at;
      previous = next;
    }
    const final = path[path.length - 1]!;
    const clockedStep = STEP_OF[final === 'suspended' ? 'dispatched' : final] ?? null;
    const deadline = clockedStep ? deadlineFor(stepStarted, limits(clockedStep), calendar) : null;
    // Open steps long past their deadline have gone one tier up, as the timer would have done.
    let escalations = 0;
    if (deadline && final !== 'suspended' && deadline.getTime() < now.getTime() && tier !== 'village') {
      const from = tier;
      tier = tier === 'microgrid' ? 'grid' : 'village';
      escalations = 1;
      steps.push({
        event_id: id,
        at: deadline,
        action: 'escalate',
        from_tier: from,
        to_tier: tier,
        actor_user_id: null,
        actor_name: 'system:escalation',
        note: `超时升级至${tierArea[tier].name}`,
      });
    }
    if (['collected', 'registered', 'dispatched', 'handling', 'reported', 'suspended'].includes(final))
      open++;
    const assigned = times.dispatched !== undefined && !['rejected', 'merged'].includes(final);
    const title = random.pick(TITLES[category.code]!);
    const last = at;
    events.push({
      id,
      code: `EV${chinaDate(createdAt).replaceAll('-', '')}${String(id).padStart(6, '0')}`,
      category_id: category.id,
      area_id: cell.id,
      area_path: cell.path,
      tier,
      tier_area_id: tierArea[tier].id,
      source,
      status: final,
      title,
      description: `${title}（演示数据）`,
      address: `${village.name}${cell.name}`,
      camera_id: cameraCell ? camera!.id : null,
      alert_kind: cameraCell ? alertKind! : null,
      alert_count: cameraCell ? random.int(1, 4) : 0,
      last_alert_at: cameraCell ? createdAt : null,
      assignee_user_id: assigned ? worker.id : null,
      step: final === 'suspended' ? 'handle' : clockedStep,
      step_started_at: clockedStep ? stepStarted : null,
      step_deadline: deadline,
      escalation_count: escalations,
      escalated_at: escalations ? deadline : null,
      suspended_status: final === 'suspended' ? 'dispatched' : null,
      suspended_reason: final === 'suspended' ? '等待相关部门配合' : null,
      rating: final === 'evaluated' ? random.pick([3, 4, 5, 5, 5]) : null,
      rated_at: times.evaluated ?? null,
      created_at: createdAt,
      updated_at: last,
      registered_at: times.registered ?? null,
      dispatched_at: times.dispatched ?? null,
      responded_at: times.handling ?? null,
      reported_at: times.reported ?? null,
      closed_at: times.closed ?? null,
    });
  }
  // Merged duplicates point at another event, of the same category when there is one.
  for (const event of events.filter((e) => e.status === 'merged')) {
    const others = events.filter((e) => e.id !== event.id && e.status !== 'merged');
    event.merged_into_id = (others.find((e) => e.category_id === event.category_id) ?? others[0])?.id ?? null;
  }
  for (let i = 0; i < events.length; i += 100) await insertEvents(db, events.slice(i, i + 100));
  for (let i = 0; i < steps.length; i += 500) await insertSteps(db, steps.slice(i, i + 500));
  return { events: events.length, open };
}
