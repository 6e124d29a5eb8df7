import type { Insertable, Transaction } from 'kysely';
import { DEMO_VIEWER } from '../auth/scope.js';
import type { Actor } from '../auth/context.js';
import { SeededRandom } from '../core/random.js';
import type { CheckpointDutyTable, CheckpointRecordsTable, CheckpointShiftsTable, DB } from '../db/schema.js';
import { findCategoryByCode } from '../events/repository.js';
import { createEvent } from '../events/service.js';
import type { AreaRow } from '../hierarchy/repository.js';
import { issueCodes } from '../household-codes/code-service.js';
import type { FieldCipher } from '../privacy/field-crypto.js';
import { presentPersonName } from '../privacy/present.js';
import { boxOf } from './area-box.js';
import * as repo from './checkpoints-repository.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
const CST_OFFSET_MS = 8 * HOUR_MS;
const round6 = (n: number) => Math.round(n * 1e6) / 1e6;
/** Midnight (China time) of the day `at` falls in. */
const chinaMidnight = (at: Date) => {
  const local = at.getTime() + CST_OFFSET_MS;
  return local - (local % DAY_MS) - CST_OFFSET_MS;
};

/** The demo's current risk area: vehicles from there are flagged at the town-road checkpoint. */
export const DEMO_RISK_AREA = { code: '330482', name: '浙江省嘉兴市平湖市' };
const LOCAL_PROVINCES = ['沪', '沪', '沪', '沪', '沪', '浙', '苏', '皖'];
const ORIGINS = ['上海市金山区', '上海市松江区', '上海市奉贤区', '浙江省嘉兴市嘉善县', '江苏省苏州市吴江区'];
const CARGO = ['蔬菜', '建材', '快递包裹', '饲料', '日用品', null, null, null];

interface DemoCheckpoint {
  code: string;
  name: string;
  kind: 'village_entrance' | 'traffic';
  lng: number;
  lat: number;
  hours: Array<{ from: string; to: string }> | null;
  /** Shifts of a day as [start hour, end hour]. */
  shifts: Array<[number, number]>;
  people: [number, number];
  vehicles: [number, number];
  leader: string;
  testWithinHours: number | null;
  residentsOnly: boolean;
}

/**
 * 星火村's checkpoints (#12): its two village entrances and a traffic checkpoint on 金卫路, each
 * with a visitors' place code and a checkpoint team; the rota for the past and the coming week
 * with who signed in; a week of person and vehicle crossings (a few refused, vehicles from the
 * demo risk area flagged, two fevers at the face gate with their events); two plate cameras and
 * a temperature gate. Set-based inserts; its own seeded random, so the rest of the demo stays as it was.
 */
export async function seedDemoCheckpoints(
  trx: Transaction<DB>,
  options: { village: AreaRow; cipher: FieldCipher; seed: number; now: Date },
): Promise<{ checkpoints: number; shifts: number; records: number; flagged: number; fevers: number }> {
  const { village, cipher, now } = options;
  const random = new SeededRandom(options.seed + 12);
  const box = boxOf(village);
  const midLng = (box.west + box.east) / 2;
  const south = box.south + 0.0002;
  const plans: DemoCheckpoint[] = [
    {
      code: `${village.code}-S`,
      name: '星火村南入口',
      kind: 'village_entrance',
      lng: round6(midLng),
      lat: round6(box.south),
      hours: [{ from: '06:00', to: '22:00' }],
      shifts: [
        [6, 14],
        [14, 22],
      ],
      people: [190, 260],
      vehicles: [45, 70],
      leader: 'leader01',
      testWithinHours: 72,
      residentsOnly: false,
    },
    {
      code: `${village.code}-N`,
      name: '星火村北入口',
      kind: 'village_entrance',
      lng: round6(midLng),
      lat: round6(box.north),
      hours: [{ from: '06:00', to: '22:00' }],
      shifts: [
        [6, 14],
        [14, 22],
      ],
      people: [150, 220],
      vehicles: [30, 55],
      leader: 'leader02',
      testWithinHours: 72,
      residentsOnly: true,
    },
    {
      code: `${village.code}-T`,
      name: '金卫路交通卡口',
      kind: 'traffic',
      lng: round6(box.east - 0.002),
      lat: round6(south),
      hours: null,
      shifts: [
        [0, 8],
        [8, 16],
        [16, 24],
      ],
      people: [20, 40],
      vehicles: [360, 520],
      leader: 'leader03',
      testWithinHours: 48,
      residentsOnly: false,
    },
  ];

  const users = await repo.checkpointCrew(
    trx,
    plans.map((p) => p.leader),
  );
  const leaderOf = new Map(users.filter((u) => u.username.startsWith('leader')).map((u) => [u.username, u]));
  const volunteers = users.filter((u) => u.username.startsWith('volunteer'));

  // A team of its own for each checkpoint: the grid leader who answers for it and eight volunteers.
  const teamRows = plans.map((plan, i) => ({
    plan,
    leader: leaderOf.get(plan.leader)!,
    members: volunteers.slice(i * 8, i * 8 + 8),
  }));
  const teams = await repo.insertTeams(
    trx,
    teamRows.map((t) => ({
      area_id: village.id,
      area_path: village.path,
      name: `${t.plan.name}值守队`,
      kind: 'checkpoint' as const,
      leader_user_id: t.leader.id,
      created_at: now,
    })),
  );
  await repo.insertTeamMembers(
    trx,
    teamRows.flatMap((t, i) => [
      { team_id: teams[i]!.id, user_id: t.leader.id, duty: 'leader' as const, created_at: now },
      ...t.members.map((m) => ({
        team_id: teams[i]!.id,
        user_id: m.id,
        duty: 'checkpoint' as const,
        created_at: now,
      })),
    ]),
  );

  // Each gate's place (场所码) for visitors, issued like any place code.
  const places = await repo.insertPlaces(
    trx,
    plans.map((plan) => ({
      area_id: village.id,
      area_path: village.path,
      unit_id: null,
      name: plan.name,
      kind: 'gate' as const,
      address: null,
      created_at: now,
      updated_at: now,
    })),
  );
  const actor: Actor = { viewer: DEMO_VIEWER, ip: null, now: () => now };
  await issueCodes(
    trx,
    actor,
    cipher,
    'place',
    places.map((p) => ({ houseId: null, placeId: p.id, areaId: village.id, areaPath: village.path })),
  );
  const checkpoints = await repo.insertCheckpoints(
    trx,
    plans.map((plan, i) => ({
      area_id: village.id,
      area_path: village.path,
      code: plan.code,
      name: plan.name,
      kind: plan.kind,
      lng: plan.lng,
      lat: plan.lat,
      team_id: teams[i]!.id,
      hours: plan.hours === null ? null : JSON.stringify(plan.hours),
      test_within_hours: plan.testWithinHours,
      residents_only: plan.residentsOnly,
      place_id: places[i]!.id,
      created_at: new Date(now.getTime() - 30 * DAY_MS),
      updated_at: now,
    })),
  );

  // Two plate cameras (south entrance, town road) and a face/temperature gate (north entrance).
  const cameras = await repo.insertGateCameras(
    trx,
    [
      { plan: 0, kind: 'plate' as const, name: '南入口车牌识别' },
      { plan: 2, kind: 'plate' as const, name: '金卫路车牌识别' },
      { plan: 1, kind: 'face_gate' as const, name: '北入口人脸测温门' },
    ].map((c, i) => ({
      area_id: village.id,
      area_path: village.path,
      code: `${village.code}K${String(i + 1).padStart(3, '0')}`,
      name: c.name,
      kind: c.kind,
      lng: plans[c.plan]!.lng,
      lat: plans[c.plan]!.lat,
      checkpoint_id: checkpoints[c.plan]!.id,
      created_at: now,
    })),
  );
  const plateCamera = new Map(cameras.filter((c) => c.kind === 'plate').map((c) => [c.checkpoint_id!, c]));
  const faceGate = cameras.find((c) => c.kind === 'face_gate')!;

  await repo.insertRiskArea(trx, {
    source: 'demo',
    region_code: DEMO_RISK_AREA.code,
    name: DEMO_RISK_AREA.name,
    level: 'medium',
    valid_from: new Date(now.getTime() - 10 * DAY_MS),
    valid_to: null,
    created_at: now,
  });

  // The rota: the past week and the coming one, two on each shift; the past shifts were staffed
  // (the crew signed in a few minutes after the start and handed over at the end).
  const today = chinaMidnight(now);
  const shifts: Array<Insertable<CheckpointShiftsTable>> = [];
  plans.forEach((plan, p) => {
    for (let d = -7; d <= 7; d++)
      for (const [from, to] of plan.shifts)
        shifts.push({
          checkpoint_id: checkpoints[p]!.id,
          starts_at: new Date(today + d * DAY_MS + from * HOUR_MS),
          ends_at: new Date(today + d * DAY_MS + to * HOUR_MS),
          team_id: teams[p]!.id,
          min_staff: 2,
          note: from === 0 ? '夜班：车辆为主，注意登记货物' : null,
          created_by: 'demo',
          created_at: now,
        });
  });
  const storedShifts = await repo.insertShifts(trx, shifts);
  const duty: Array<Insertable<CheckpointDutyTable>> = [];
  // On duty now: the south entrance fully, the north one with one of two; the town road's night
  // crew has not come (the staffing job alerts its leader and the big screen shows it red).
  const onDutyNow: Record<number, number> = { 0: 2, 1: 1, 2: 0 };
  for (const shift of storedShifts) {
    const p = checkpoints.findIndex((c) => c.id === shift.checkpoint_id);
    const crew = teamRows[p]!.members;
    const running = shift.starts_at <= now && shift.ends_at > now;
    if (shift.starts_at > now) continue;
    const index = Math.floor((shift.starts_at.getTime() - today) / (8 * HOUR_MS));
    const size = running ? onDutyNow[p]! : 2;
    for (let k = 0; k < size; k++) {
      const member = crew[(((index * 2 + k) % crew.length) + crew.length) % crew.length]!;
      const signedIn = new Date(shift.starts_at.getTime() + random.int(0, 9) * MINUTE_MS);
      const ended = !running;
      duty.push({
        checkpoint_id: shift.checkpoint_id,
        user_id: member.id,
        user_name: member.display_name,
        shift_id: shift.id,
        signed_in_at: signedIn,
        sign_in_lng: round6(plans[p]!.lng + (random.next() - 0.5) * 0.0004),
        sign_in_lat: round6(plans[p]!.lat + (random.next() - 0.5) * 0.0004),
        sign_in_accuracy_m: random.int(5, 30),
        signed_out_at: ended ? new Date(shift.ends_at.getTime() - random.int(0, 5) * MINUTE_MS) : null,
        handover_note: ended && random.chance(0.2) ? '交接：体温枪电池已更换，登记本放岗亭抽屉' : null,
      });
    }
  }
  // One crew member signs in at one gate at a time.
  const openUsers = new Set<number>();
  const dutyRows = duty.filter((d) => {
    if (d.signed_out_at !== null) return true;
    if (openUsers.has(d.user_id)) return false;
    openUsers.add(d.user_id);
    return true;
  });
  await repo.insertDuty(trx, dutyRows);
  // Two nights last week the town road stood unstaffed for a while.
  await repo.insertGaps(
    trx,
    [-5, -2].map((d) => ({
      checkpoint_id: checkpoints[2]!.id,
      area_path: village.path,
      started_at: new Date(today + d * DAY_MS + 2 * HOUR_MS + 10 * MINUTE_MS),
      ended_at: new Date(today + d * DAY_MS + 2 * HOUR_MS + 55 * MINUTE_MS),
      required: 2,
      leader_user_id: teamRows[2]!.leader.id,
    })),
  );

  // A week of crossings, up to now.
  const residents = await repo.crossingResidents(trx, village.path, 800);
  const plate = (province: string) =>
    `${province}${random.pick(['A', 'B', 'D', 'F', 'H', 'K', 'M'])}${String(random.int(10000, 99999))}`;
  const records: Array<Insertable<CheckpointRecordsTable>> = [];
  const fevers: Array<{ index: number }> = [];
  let flagged = 0;
  plans.forEach((plan, p) => {
    const checkpointId = checkpoints[p]!.id;
    const camera = plateCamera.get(checkpointId);
    const crew = teamRows[p]!.members;
    const open = plan.hours ? [6, 22] : [0, 24];
    for (let d = -6; d <= 0; d++) {
      const dayStart = today + d * DAY_MS;
      const weekend = new Date(dayStart + CST_OFFSET_MS).getUTCDay() % 6 === 0;
      const at = () =>
        new Date(dayStart + open[0]! * HOUR_MS + Math.floor(random.next() * (open[1]! - open[0]!) * HOUR_MS));
      const people = Math.round(random.int(...plan.people) * (weekend ? 1.2 : 1));
      for (let n = 0; n < people; n++) {
        const when = at();
        if (when > now) continue;
        const person = random.pick(residents);
        const byGate = p === 1 && random.chance(0.6);
        const refused = !byGate && random.chance(0.008);
        const staff = random.pick(crew);
        records.push({
          checkpoint_id: checkpointId,
          area_path: village.path,
          subject: 'person',
          source: byGate ? 'device' : 'staff',
          at: when,
          direction: random.chance(0.5) ? 'in' : 'out',
          person_id: person.id,
          document_masked: person.document_masked,
          name_masked: presentPersonName(person.name),
          temperature: (36 + random.int(0, 12) / 10).toFixed(1),
          disinfected: byGate ? null : true,
          verdict: refused ? random.pick(['red', 'amber'] as const) : 'green',
          reasons: JSON.stringify(
            refused ? [random.pick(['HEALTH_CODE_RED', 'TEST_MISSING_IN_WINDOW'])] : [],
          ),
          decision: refused ? 'refused' : 'allowed',
          camera_id: byGate ? faceGate.id : null,
          recorded_by_user_id: byGate ? null : staff.id,
          recorded_by: byGate ? faceGate.name : staff.username,
        });
      }
      const vehicles = Math.round(random.int(...plan.vehicles) * (weekend ? 0.85 : 1));
      for (let n = 0; n < vehicles; n++) {
        const when = at();
        if (when > now) continue;
        // About one town-road vehicle in seventy comes from the risk area (some 5 a day).
        const fromRisk = p === 2 && n % 70 === 13;
        const read = camera !== undefined && random.chance(0.85);
        const refused = fromRisk && random.chance(0.5);
        if (fromRisk) flagged += 1;
        const staff = random.pick(crew);
        records.push({
          checkpoint_id: checkpointId,
          area_path: village.path,
          subject: 'vehicle',
          source: read ? 'device' : 'staff',
          at: when,
          direction: random.chance(0.5) ? 'in' : 'out',
          plate: plate(fromRisk ? '浙' : random.pick(LOCAL_PROVINCES)),
          plate_kind: 'ordinary',
          flagged: fromRisk,
          reasons: JSON.stringify(fromRisk ? ['vehicle_risk_origin'] : []),
          decision: refused ? 'refused' : read ? null : 'allowed',
          origin: fromRisk ? DEMO_RISK_AREA.name : p === 2 ? random.pick(ORIGINS) : null,
          destination: p === 2 ? random.pick(['金山卫镇', '星火村', '金山工业区', null]) : null,
          cargo: p === 2 ? random.pick(CARGO) : null,
          camera_id: read ? camera.id : null,
          reads: read ? random.int(1, 3) : 1,
          recorded_by_user_id: read ? null : staff.id,
          recorded_by: read ? camera.name : staff.username,
        });
      }
      // Two fevers at the north entrance's gate during the week, each refused.
      if (p === 1 && (d === -4 || d === -1)) {
        const person = random.pick(residents);
        fevers.push({ index: records.length });
        records.push({
          checkpoint_id: checkpointId,
          area_path: village.path,
          subject: 'person',
          source: 'device',
          at: new Date(dayStart + (9 + random.int(0, 8)) * HOUR_MS + random.int(0, 59) * MINUTE_MS),
          direction: 'in',
          person_id: person.id,
          document_masked: person.document_masked,
          name_masked: presentPersonName(person.name),
          temperature: d === -4 ? '37.9' : '38.4',
          fever: true,
          verdict: 'red',
          reasons: JSON.stringify(['FEVER']),
          decision: 'refused',
          camera_id: faceGate.id,
          recorded_by: faceGate.name,
        });
      }
    }
  });

  // The fevers opened events from the gate, as a live face-gate read does (routed to the grid worker).
  const feverCategory = await findCategoryByCode(trx, 'epidemic.fever');
  if (feverCategory)
    for (const { index } of fevers) {
      const record = records[index]!;
      const when = record.at as Date;
      const created = await createEvent(
        trx,
        { viewer: DEMO_VIEWER, ip: null, now: () => when },
        {
          source: 'device',
          categoryId: feverCategory.id,
          areaId: village.id,
          title: `${faceGate.name}：体温异常 ${String(record.temperature)}℃`,
          address: faceGate.name,
          lng: faceGate.lng,
          lat: faceGate.lat,
          alert: { cameraId: faceGate.id, kind: 'fever_at_gate', at: when },
        },
        { category: feverCategory },
      );
      record.event_id = created.id;
    }

  await repo.insertCrossings(trx, records);
  return {
    checkpoints: checkpoints.length,
    shifts: storedShifts.length,
    records: records.length,
    flagged,
    fevers: fevers.length,
  };
}
