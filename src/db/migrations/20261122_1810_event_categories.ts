import { type Kysely, sql } from 'kysely';

// The default event category tree (data only): the five classes of digital city management in the
// spirit of GB/T 30428 (市容环境, 宣传广告, 施工管理, 街面秩序, 突发事件) and an epidemic class.
// Limits per step ("register", "dispatch", "handle", "check") in minutes (natural time),
// work_hours or work_days (8 working hours). A sub-category without a step's limit uses its class's.
// Installations edit them through the categories API; this migration is frozen.

type Unit = 'minutes' | 'work_hours' | 'work_days';
type Limit = [number, Unit];
interface Seed {
  code: string;
  zh: string;
  en: string;
  tier: 'microgrid' | 'grid' | 'village' | 'township' | 'county';
  limits: Partial<Record<'register' | 'dispatch' | 'handle' | 'check', Limit>>;
  public: boolean;
  children?: Seed[];
}

const wh = (n: number): Limit => [n, 'work_hours'];
const wd = (n: number): Limit => [n, 'work_days'];
const min = (n: number): Limit => [n, 'minutes'];
const sub = (
  code: string,
  zh: string,
  en: string,
  tier: Seed['tier'],
  handle: Limit,
  publicToo = true,
): Seed => ({
  code,
  zh,
  en,
  tier,
  limits: { handle },
  public: publicToo,
});

const TREE: Seed[] = [
  {
    code: 'city_appearance',
    zh: '市容环境',
    en: 'City appearance and environment',
    tier: 'microgrid',
    limits: { register: wh(1), dispatch: wh(1), handle: wd(1), check: wh(2) },
    public: true,
    children: [
      sub('city_appearance.exposed_rubbish', '暴露垃圾', 'Exposed rubbish', 'microgrid', wh(4)),
      sub('city_appearance.overflowing_bins', '垃圾满溢', 'Overflowing bins', 'microgrid', wh(4)),
      sub('city_appearance.dumped_waste', '乱倒垃圾渣土', 'Dumped waste or spoil', 'grid', wh(8)),
      sub('city_appearance.dirty_road', '道路不洁', 'Dirty road surface', 'microgrid', wh(4)),
      sub('city_appearance.waterside_litter', '河道漂浮物', 'Litter in rivers and ponds', 'grid', wd(1)),
    ],
  },
  {
    code: 'advertising',
    zh: '宣传广告',
    en: 'Advertising and publicity',
    tier: 'grid',
    limits: { register: wh(1), dispatch: wh(1), handle: wd(1), check: wh(2) },
    public: true,
    children: [
      sub('advertising.illegal_flyers', '非法小广告', 'Illegal flyers and stickers', 'microgrid', wh(8)),
      sub(
        'advertising.unlicensed_billboard',
        '违规户外广告',
        'Unlicensed outdoor advertising',
        'village',
        wd(3),
      ),
      sub('advertising.banners', '乱拉横幅', 'Unauthorised banners', 'grid', wh(8)),
      sub('advertising.graffiti', '涂写刻画', 'Graffiti', 'microgrid', wd(2)),
    ],
  },
  {
    code: 'construction',
    zh: '施工管理',
    en: 'Construction management',
    tier: 'village',
    limits: { register: wh(1), dispatch: wh(2), handle: wd(3), check: wh(4) },
    public: true,
    children: [
      // Stop-work on an illegal building within 4 working hours, as city tables set it.
      sub('construction.illegal_building', '违章搭建', 'Illegal building', 'village', wh(4)),
      sub('construction.noise', '施工扰民', 'Construction noise', 'village', wh(8)),
      sub('construction.dust', '工地扬尘', 'Construction dust', 'village', wd(1)),
      sub('construction.road_damage', '道路破损', 'Damaged road surface', 'township', wd(3)),
      sub('construction.spoil_spill', '渣土撒漏', 'Spoil spilled from trucks', 'grid', wh(8)),
    ],
  },
  {
    code: 'street_order',
    zh: '街面秩序',
    en: 'Street order',
    tier: 'microgrid',
    limits: { register: wh(1), dispatch: wh(1), handle: wh(8), check: wh(2) },
    public: true,
    children: [
      sub('street_order.road_occupation', '占道经营', 'Trading on the road', 'microgrid', wh(4)),
      sub('street_order.street_vending', '无照游商', 'Unlicensed street vending', 'grid', wh(4)),
      sub('street_order.outside_shop', '店外经营', 'Trading outside the shop', 'microgrid', wh(4)),
      sub(
        'street_order.disorderly_parking',
        '非机动车乱停放',
        'Disorderly bicycle parking',
        'microgrid',
        wh(4),
      ),
      {
        code: 'street_order.loitering',
        zh: '可疑人员徘徊',
        en: 'Loitering',
        tier: 'microgrid',
        limits: { register: min(10), dispatch: min(10), handle: min(60), check: min(120) },
        public: false,
      },
    ],
  },
  {
    code: 'emergency',
    zh: '突发事件',
    en: 'Emergencies',
    tier: 'village',
    limits: { register: min(15), dispatch: min(15), handle: min(120), check: wh(4) },
    public: true,
    children: [
      sub('emergency.fire_hazard', '火灾隐患', 'Fire hazard', 'village', min(120)),
      sub('emergency.waterlogging', '道路积水', 'Waterlogging', 'village', min(240)),
      sub('emergency.gas_leak', '燃气泄漏', 'Gas leak', 'township', min(60)),
      sub('emergency.mass_incident', '群体性事件', 'Mass incident', 'township', min(60), false),
    ],
  },
  {
    code: 'epidemic',
    zh: '疫情防控',
    en: 'Epidemic prevention',
    tier: 'microgrid',
    limits: { register: min(10), dispatch: min(10), handle: min(60), check: min(120) },
    public: true,
    children: [
      // Alert-to-dispersal within 5 minutes is what 星火村 reports for gatherings.
      {
        code: 'epidemic.gathering',
        zh: '人员聚集',
        en: 'Gathering',
        tier: 'microgrid',
        limits: { register: min(5), dispatch: min(5), handle: min(30), check: min(60) },
        public: true,
      },
      {
        code: 'epidemic.quarantine_breach',
        zh: '违反隔离规定',
        en: 'Quarantine breach',
        tier: 'microgrid',
        limits: { register: min(5), dispatch: min(5), handle: min(30), check: min(60) },
        public: true,
      },
      {
        code: 'epidemic.fever',
        zh: '发热人员',
        en: 'Fever',
        tier: 'grid',
        limits: { register: min(5), dispatch: min(10), handle: min(60), check: min(120) },
        public: false,
      },
      {
        code: 'epidemic.supply_need',
        zh: '生活物资需求',
        en: 'Supply need',
        tier: 'microgrid',
        limits: { register: min(30), dispatch: min(30), handle: min(240), check: min(240) },
        public: true,
      },
      {
        code: 'epidemic.rumour',
        zh: '涉疫谣言',
        en: 'Rumour',
        tier: 'village',
        limits: { register: min(60), dispatch: min(60), handle: min(480), check: min(480) },
        public: true,
      },
    ],
  },
];

const limitsJson = (limits: Seed['limits']) =>
  JSON.stringify(
    Object.fromEntries(Object.entries(limits).map(([step, [amount, unit]]) => [step, { amount, unit }])),
  );

function codes(): string[] {
  return TREE.flatMap((c) => [c.code, ...(c.children ?? []).map((s) => s.code)]);
}

export async function up(db: Kysely<any>): Promise<void> {
  for (const [sortClass, cls] of TREE.entries()) {
    const parent = await sql<{ id: number }>`
      insert into event_categories (code, name_zh, name_en, start_tier, limits, public, sort)
      values (${cls.code}, ${cls.zh}, ${cls.en}, ${cls.tier}, ${limitsJson(cls.limits)}::jsonb, ${cls.public}, ${(sortClass + 1) * 10})
      returning id`.execute(db);
    const parentId = parent.rows[0]!.id;
    for (const [sortSub, s] of (cls.children ?? []).entries()) {
      await sql`
        insert into event_categories (parent_id, code, name_zh, name_en, start_tier, limits, public, sort)
        values (${parentId}, ${s.code}, ${s.zh}, ${s.en}, ${s.tier}, ${limitsJson(s.limits)}::jsonb, ${s.public}, ${(sortSub + 1) * 10})`.execute(
        db,
      );
    }
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  // Categories some event already uses stay: deleting them would break those events.
  const all = codes();
  await sql`
    delete from event_categories c
    where c.code in (${sql.join(all)})
      and c.parent_id is not null
      and not exists (select 1 from events e where e.category_id = c.id)`.execute(db);
  await sql`
    delete from event_categories c
    where c.code in (${sql.join(all)})
      and c.parent_id is null
      and not exists (select 1 from events e where e.category_id = c.id)
      and not exists (select 1 from event_categories s where s.parent_id = c.id)`.execute(db);
}
