import type { Transaction } from 'kysely';
import { recordAuditMany } from '../audit/repository.js';
import { DEMO_VIEWER } from '../auth/scope.js';
import type { Actor } from '../auth/context.js';
import type { DB, ResidentRequestKind, ResidentRequestStatus, TeamDuty } from '../db/schema.js';
import type { SeededRandom } from '../core/random.js';
import type { AreaRow } from '../hierarchy/repository.js';
import { chinaDate } from '../household-codes/dates.js';
import { notify } from '../notifications/notify.js';
import type { FieldCipher } from '../privacy/field-crypto.js';
import { protectPhone } from '../privacy/protect.js';
import { requestKindName } from '../i18n/messages.js';
import { notificationText } from '../i18n/notifications.js';
import { allocateHouses } from './volunteers/allocate.js';
import * as repo from './demo-repository.js';
import { REQUEST_READ_RULE } from './requests/repository.js';

const HOUR = 3600_000;

export interface DemoServicesResult {
  teams: number;
  teamMembers: number;
  responsibilities: number;
  coveredHouses: number;
  volunteersCovering: number;
  resources: number;
  requests: number;
  announcements: number;
  reads: number;
}

const RESOURCES: Array<{
  list: 'resource' | 'service';
  kind: string;
  name: string;
  contact: string;
  address: string;
  details: string;
}> = [
  {
    list: 'resource',
    kind: 'pharmacy',
    name: '星火大药房',
    contact: '沈店长',
    address: '星火路18号',
    details: '常用药、慢病药代购，可送药上门',
  },
  {
    list: 'resource',
    kind: 'pharmacy',
    name: '金山卫镇社区卫生服务站药房',
    contact: '周药师',
    address: '卫通路66号',
    details: '处方药凭医嘱配药',
  },
  {
    list: 'resource',
    kind: 'shop',
    name: '星火村便民超市',
    contact: '顾老板',
    address: '星火路9号',
    details: '米面粮油、蔬菜，电话下单',
  },
  {
    list: 'resource',
    kind: 'shop',
    name: '老街菜场王记蔬菜',
    contact: '王阿姨',
    address: '老街菜场12号摊',
    details: '每日上午配送',
  },
  {
    list: 'resource',
    kind: 'supermarket',
    name: '联华超市金山卫店',
    contact: '值班经理',
    address: '卫零路300号',
    details: '团购套餐，村委统一配送',
  },
  {
    list: 'resource',
    kind: 'donor',
    name: '金山爱心企业联盟',
    contact: '钱会长',
    address: '金山卫镇工业区',
    details: '捐赠口罩、消毒液',
  },
  {
    list: 'resource',
    kind: 'donor',
    name: '星火村乡贤会',
    contact: '奚先生',
    address: '村委会二楼',
    details: '困难家庭慰问物资',
  },
  {
    list: 'resource',
    kind: 'vehicle',
    name: '村委会面包车（沪A·F1234）',
    contact: '计师傅',
    address: '村委会停车场',
    details: '就医接送、物资转运',
  },
  {
    list: 'resource',
    kind: 'vehicle',
    name: '志愿者电瓶车队',
    contact: '陆队长',
    address: '村党群服务站',
    details: '5 辆，短途送货',
  },
  {
    list: 'resource',
    kind: 'clinic',
    name: '星火村卫生室',
    contact: '村医',
    address: '星火路1号',
    details: '测温、常见病诊疗',
  },
  {
    list: 'resource',
    kind: 'warehouse',
    name: '村防疫物资仓库',
    contact: '仓管员',
    address: '村委会东侧',
    details: '口罩、防护服、消毒液储备',
  },
  {
    list: 'service',
    kind: 'elderly_care',
    name: '独居老人每日电话问候',
    contact: '志愿服务队',
    address: '村党群服务站',
    details: '每天上午 9 点前电话或上门',
  },
  {
    list: 'service',
    kind: 'medical',
    name: '家庭医生上门随访',
    contact: '家庭医生团队',
    address: '社区卫生服务站',
    details: '慢病、行动不便者预约上门',
  },
  {
    list: 'service',
    kind: 'delivery',
    name: '生活物资代购代送',
    contact: '网格员',
    address: '各网格',
    details: '居家隔离户、独居老人优先',
  },
  {
    list: 'service',
    kind: 'psychological',
    name: '心理疏导热线',
    contact: '镇心理咨询室',
    address: '金山卫镇社区事务受理中心',
    details: '工作日 9:00–17:00',
  },
  {
    list: 'service',
    kind: 'legal',
    name: '法律咨询（村法律顾问）',
    contact: '律师',
    address: '村委会调解室',
    details: '每周三下午',
  },
  {
    list: 'service',
    kind: 'repair',
    name: '水电维修',
    contact: '村电工',
    address: '村委会',
    details: '孤老、困难家庭免费',
  },
];

const REQUEST_DETAILS: Record<ResidentRequestKind, string[]> = {
  medicine: ['降压药（硝苯地平控释片）两盒', '胰岛素笔芯一盒', '感冒冲剂、退烧药'],
  groceries: ['大米一袋、鸡蛋两斤、青菜', '牛奶一箱、面条', '猪肉一斤、豆腐'],
  gas: ['煤气罐没气了，需要换一罐'],
  doctor_visit: ['老人腿脚不便，请家庭医生上门量血压'],
  transport: ['周三上午去金山医院透析，需要接送'],
  other: ['家里水管漏水，请帮忙联系维修'],
};

/** The requests of the demo, oldest first: every status, one urgent, one nobody covers. */
const DEMO_REQUESTS: Array<{
  kind: ResidentRequestKind;
  status: ResidentRequestStatus;
  urgent?: boolean;
  hoursAgo: number;
  uncovered?: boolean;
}> = [
  { kind: 'groceries', status: 'closed', hoursAgo: 70 },
  { kind: 'medicine', status: 'closed', hoursAgo: 52 },
  { kind: 'transport', status: 'cancelled', hoursAgo: 40 },
  { kind: 'doctor_visit', status: 'delivered', hoursAgo: 26 },
  { kind: 'groceries', status: 'delivered', hoursAgo: 20 },
  { kind: 'gas', status: 'accepted', hoursAgo: 6 },
  { kind: 'medicine', status: 'accepted', hoursAgo: 4 },
  { kind: 'other', status: 'open', hoursAgo: 3, uncovered: true },
  { kind: 'groceries', status: 'open', hoursAgo: 2 },
  { kind: 'medicine', status: 'open', urgent: true, hoursAgo: 1 },
];

function demoPhone(random: SeededRandom): string {
  return `1${random.pick(['38', '39', '58', '59', '86', '87'])}${String(random.int(0, 99_999_999)).padStart(8, '0')}`;
}

function demoRequestCode(random: SeededRandom, at: Date): string {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  let suffix = '';
  for (let i = 0; i < 6; i++) suffix += alphabet[random.int(0, alphabet.length - 1)];
  return `RQ${chinaDate(at).replaceAll('-', '')}${suffix}`;
}

/**
 * Teams, volunteers' households, the resource and service lists, resident requests and
 * announcements for the demo village. Deterministic for a seed; call it inside the demo seed's
 * transaction after the accounts and the register exist. Builds from what is there: every grid's
 * leader, workers, police officer, doctor and volunteers found by their role assignments.
 */
export async function seedDemoCommunityServices(
  trx: Transaction<DB>,
  options: { village: AreaRow; cipher: FieldCipher; random: SeededRandom; now: Date },
): Promise<DemoServicesResult> {
  const { village, cipher, random, now } = options;
  const actor: Actor = { viewer: DEMO_VIEWER, ip: null, now: () => now };
  const areas = await repo.findGridsAndMicrogridsUnder(trx, village.path);
  const grids = areas.filter((a) => a.level === 'grid');
  const micros = areas.filter((a) => a.level === 'microgrid');
  const holders = await repo.findRoleHoldersUnder(trx, village.path);
  const holdersAt = (role: string, areaIds: number[]) =>
    holders.filter((h) => h.role === role && areaIds.includes(h.area_id)).map((h) => h.user_id);

  // ---- teams: 1+1+N+K per grid, a checkpoint team per grid, two community service teams ----
  const members: Array<{ team_id: number; user_id: number; duty: TeamDuty; created_at: Date }> = [];
  const responsibilities: Array<{
    user_id: number;
    area_id: number;
    area_path: string;
    house_id: number | null;
    created_at: Date;
  }> = [];
  let teams = 0;
  const newTeam = async (
    area: { id: number; path: string },
    name: string,
    kind: 'grid' | 'service' | 'checkpoint',
    leader: number | null,
  ) => {
    const id = await repo.insertTeam(trx, {
      area_id: area.id,
      area_path: area.path,
      name,
      kind,
      leader_user_id: leader,
      created_at: now,
    });
    teams++;
    return id;
  };
  const add = (teamId: number, userIds: number[], duty: TeamDuty) => {
    for (const userId of userIds)
      if (!members.some((m) => m.team_id === teamId && m.user_id === userId))
        members.push({ team_id: teamId, user_id: userId, duty, created_at: now });
  };
  for (const grid of grids) {
    const gridMicroIds = micros.filter((m) => m.parent_id === grid.id).map((m) => m.id);
    const leader = holdersAt('grid_leader', [grid.id])[0] ?? null;
    const teamId = await newTeam(grid, `${grid.name}一格多员`, 'grid', leader);
    if (leader !== null) {
      add(teamId, [leader], 'leader');
      responsibilities.push({
        user_id: leader,
        area_id: grid.id,
        area_path: grid.path,
        house_id: null,
        created_at: now,
      });
    }
    add(teamId, holdersAt('grid_worker', gridMicroIds), 'grid_worker');
    add(teamId, holdersAt('police', [grid.id]), 'police');
    add(teamId, holdersAt('doctor', [grid.id]), 'doctor');
    // K: two volunteers of the grid keep its road checkpoint.
    const gridVolunteers = holdersAt('volunteer', gridMicroIds);
    const keepers = gridVolunteers.slice(-2);
    const checkpoint = await newTeam(grid, `${grid.name}卡口`, 'checkpoint', keepers[0] ?? null);
    add(checkpoint, keepers.slice(0, 1), 'leader');
    add(checkpoint, keepers.slice(1), 'checkpoint');
  }
  for (const micro of micros)
    for (const worker of holdersAt('grid_worker', [micro.id]))
      responsibilities.push({
        user_id: worker,
        area_id: micro.id,
        area_path: micro.path,
        house_id: null,
        created_at: now,
      });
  const staff = holdersAt('community_staff', [village.id]);
  const allVolunteers = holders.filter((h) => h.role === 'volunteer').map((h) => h.user_id);
  const serviceTeam = await newTeam(village, '星火村志愿服务队', 'service', staff[0] ?? null);
  if (staff[0] !== undefined) add(serviceTeam, [staff[0]], 'leader');
  add(
    serviceTeam,
    allVolunteers.filter((_, i) => i % 20 === 0),
    'volunteer',
  );
  const medicalTeam = await newTeam(
    village,
    '星火村家庭医生服务队',
    'service',
    holdersAt(
      'doctor',
      grids.map((g) => g.id),
    )[0] ?? null,
  );
  add(
    medicalTeam,
    holdersAt(
      'doctor',
      grids.map((g) => g.id),
    ),
    'doctor',
  );
  await repo.insertTeamMembers(trx, members);

  // ---- volunteers' households, per micro-grid (3–5 each where the houses allow) ----
  const coverage: Array<{
    house_id: number;
    volunteer_user_id: number;
    area_path: string;
    assigned_at: Date;
    assigned_by: string;
  }> = [];
  const housePath = new Map<number, string>();
  for (const micro of micros) {
    const houses = await repo.findActiveHousesUnder(trx, micro.path);
    for (const h of houses) housePath.set(h.id, h.area_path);
    const volunteers = holdersAt('volunteer', [micro.id]);
    for (const plan of allocateHouses(
      houses.map((h) => h.id),
      volunteers.map((userId) => ({ userId, households: 0 })),
    ))
      coverage.push({
        house_id: plan.houseId,
        volunteer_user_id: plan.volunteerUserId,
        area_path: housePath.get(plan.houseId)!,
        assigned_at: now,
        assigned_by: 'system:demo',
      });
  }
  for (let i = 0; i < coverage.length; i += 1000)
    await repo.insertVolunteerHouseholds(trx, coverage.slice(i, i + 1000));

  // 包户: each micro-grid's worker answers for its households of elderly people living alone.
  const alone = await repo.findElderlyAloneHousesUnder(trx, village.path);
  for (const house of alone) {
    const micro = micros.find((m) => house.area_path.startsWith(m.path));
    const worker = micro ? holdersAt('grid_worker', [micro.id])[0] : undefined;
    if (worker !== undefined)
      responsibilities.push({
        user_id: worker,
        area_id: house.area_id,
        area_path: house.area_path,
        house_id: house.id,
        created_at: now,
      });
  }
  await repo.insertResponsibilities(trx, responsibilities);

  // ---- the resource and service lists ----
  await repo.insertServiceResources(
    trx,
    RESOURCES.map((r) => {
      const phone = protectPhone(cipher, demoPhone(random));
      return {
        area_id: village.id,
        area_path: village.path,
        list: r.list,
        kind: r.kind,
        name: r.name,
        contact_name: r.contact,
        phone_secret: phone.encrypted,
        phone_masked: phone.masked,
        address: r.address,
        details: r.details,
        created_at: now,
        updated_at: now,
      };
    }),
  );

  // ---- resident requests: the first volunteer's households first, so the demo queue is not empty ----
  const coveredHouses = [...coverage].sort(
    (a, b) => a.volunteer_user_id - b.volunteer_user_id || a.house_id - b.house_id,
  );
  const coveredIds = new Set(coverage.map((c) => c.house_id));
  const uncovered = [...housePath.keys()].filter((id) => !coveredIds.has(id)).sort((a, b) => a - b);
  const houseRows = new Map(
    (
      await repo.findHousesByIds(trx, [
        ...coveredHouses.slice(0, 12).map((c) => c.house_id),
        ...uncovered.slice(0, 1),
      ])
    ).map((h) => [h.id, h]),
  );
  let requests = 0;
  let coveredIndex = 0;
  for (const spec of DEMO_REQUESTS) {
    const pick =
      spec.uncovered && uncovered.length
        ? { house_id: uncovered[0]!, volunteer_user_id: null }
        : coveredHouses[coveredIndex++];
    if (!pick) continue;
    const house = houseRows.get(pick.house_id);
    if (!house) continue;
    const created = new Date(now.getTime() - spec.hoursAgo * HOUR);
    const step = (n: number) => new Date(created.getTime() + n * HOUR * 0.5);
    const reached = (s: ResidentRequestStatus) => {
      const order: ResidentRequestStatus[] = ['open', 'accepted', 'delivered', 'closed'];
      return spec.status !== 'cancelled' && order.indexOf(spec.status) >= order.indexOf(s);
    };
    const contact = random.chance(0.7) ? protectPhone(cipher, demoPhone(random)) : null;
    const details = random.pick(REQUEST_DETAILS[spec.kind]);
    const requestId = await repo.insertResidentRequest(trx, {
      code: demoRequestCode(random, created),
      house_id: house.id,
      area_id: house.area_id,
      area_path: house.area_path,
      kind: spec.kind,
      details,
      urgency: spec.urgent ? 'urgent' : 'normal',
      status: spec.status,
      channel: requests % 3 === 2 ? 'worker' : 'household_code',
      contact_secret: contact?.encrypted ?? null,
      contact_masked: contact?.masked ?? null,
      volunteer_user_id: pick.volunteer_user_id,
      created_by_user_id: null,
      note: reached('delivered') ? '已送达，居民签收' : null,
      created_at: created,
      accepted_at: reached('accepted') ? step(1) : null,
      delivered_at: reached('delivered') ? step(2) : null,
      closed_at: reached('closed') ? step(3) : spec.status === 'cancelled' ? step(1) : null,
    });
    requests++;
    const history: Array<['create' | 'accept' | 'deliver' | 'close' | 'cancel', Date, string]> = [
      ['create', created, 'open'],
    ];
    if (reached('accepted')) history.push(['accept', step(1), 'accepted']);
    if (reached('delivered')) history.push(['deliver', step(2), 'delivered']);
    if (reached('closed')) history.push(['close', step(3), 'closed']);
    if (spec.status === 'cancelled') history.push(['cancel', step(1), 'cancelled']);
    for (const [action, at, status] of history)
      await recordAuditMany(trx, { ...actor, now: () => at }, [
        {
          action: `service_request.${action}`,
          entityType: 'service_request',
          entityId: requestId,
          areaPath: house.area_path,
          after: { status },
        },
      ]);
    if (spec.status === 'open' && pick.volunteer_user_id !== null)
      await notify(trx, {
        userIds: [pick.volunteer_user_id],
        kind: 'request.new',
        priority: spec.urgent ? 'urgent' : 'normal',
        // Demo data is Chinese, as the seeded residents and addresses are.
        title: notificationText('zh-CN', spec.urgent ? 'requestNewUrgent' : 'requestNew', {
          kind: requestKindName('zh-CN', spec.kind),
        }),
        body: `${house.address}：${details}`,
        link: `/service-requests/${requestId}`,
        readRule: REQUEST_READ_RULE,
        entityId: requestId,
        dedupeKey: `request:${requestId}:new`,
        now: created,
      });
  }

  // ---- announcements, with some households having read them ----
  const announcements = [
    {
      kind: 'policy' as const,
      title: '关于开展第二轮全员核酸筛查的通知',
      body: '请全体村民于本周六上午 8:00–11:30 到村委会广场采样，行动不便者联系网格员上门采样。请携带身份证，保持一米间距。',
      tags: [] as string[],
      hoursAgo: 30,
      readShare: 5,
    },
    {
      kind: 'rumour_rebuttal' as const,
      title: '辟谣：“自来水被污染”系谣言',
      body: '网传“金山卫镇自来水被污染”不实。经区水务部门检测，水质符合国家标准，请勿轻信、转发。',
      tags: [],
      hoursAgo: 12,
      readShare: 3,
    },
    {
      kind: 'alert' as const,
      title: '寒潮预警：独居老人请注意保暖',
      body: '今夜起气温骤降至零下 3℃。独居老人请关好门窗、注意取暖用电安全；如需帮助请拨打网格员电话或在本页“我要求助”。',
      tags: ['elderly_alone'],
      hoursAgo: 3,
      readShare: 6,
    },
  ];
  let reads = 0;
  for (const a of announcements) {
    const publishedAt = new Date(now.getTime() - a.hoursAgo * HOUR);
    const announcementId = await repo.insertAnnouncement(trx, {
      area_id: village.id,
      area_path: village.path,
      kind: a.kind,
      title: a.title,
      body: a.body,
      tags: a.tags,
      status: 'published',
      published_at: publishedAt,
      expires_at: null,
      created_by: staff[0] ?? null,
      created_at: publishedAt,
      updated_at: publishedAt,
    });
    // Households read it in a fixed pattern (house id modulo 10), within hours of publication.
    reads += await repo.insertPatternedReads(trx, {
      announcementId,
      publishedAt,
      path: village.path,
      tags: a.tags,
      readShare: a.readShare,
      withinHours: Math.max(1, a.hoursAgo),
    });
  }

  return {
    teams,
    teamMembers: members.length,
    responsibilities: responsibilities.length,
    coveredHouses: coverage.length,
    volunteersCovering: new Set(coverage.map((c) => c.volunteer_user_id)).size,
    resources: RESOURCES.length,
    requests,
    announcements: announcements.length,
    reads,
  };
}
