import { format, type Locale, type Params } from './locale.js';

/** What the command line prints for a person, per language; {name} is filled by `format`. */
export const CLI_TEXTS = {
  'zh-CN': {
    importing: '正在导入{what}',
    wroteTemplate: '已把{what}模板写入 {file}',
    needFile: '请给出要导入的文件，或用 --template 文件.xlsx 生成空白模板',
    summary: '新增 {inserted}，更新 {updated}，未变 {unchanged}，拒绝 {rejected}',
    dryRun: '试运行（未保存任何数据）：',
    rejectLine: '  第 {row} 行  {field}  {code}  {message}',
    more: '  …… 另有 {count} 条',
    moreHint: '（用 --rejects 输出.xlsx 写出全部）',
    wroteRejects: '被拒绝的行已写入 {file}',
    onlyFirst: '只列出了 {total} 条拒绝中的前 {listed} 条。',
    error: 'gridguard：{message}',
    feedSummary:
      '批次 {batch}：新增 {inserted}，更新 {updated}，未变 {unchanged}，拒绝 {rejected}；匹配 {matched}，{unmatched} 条进入待匹配',
    leadSummary: '线索（批次“{batch}”）：新增 {inserted}，未变 {unchanged}，拒绝 {rejected}',
    leadRouted: '  按人员分派 {person}，按地址分派 {address}，进入社区待分派 {inbox}',
    persons: '实有人口',
    houses: '实有房屋',
    units: '实有单位',
    areas: '区域',
    leads: '协查线索',
    records: '健康数据',
    generating: '正在生成人员',
    rotating: '正在轮换密钥',
    demoSignIns: '\n演示账号（密码：{password}）：',
    demoLoginLine: '  {role} {username} {displayName} @ {area}',
    mustChangePassword: '{password}（首次登录时须修改）',
    openUrl: '\n请打开 {url}\n',
    running: '\n网格卫士已在 {url} 运行（数据库：{backend}）',
    apiDocs: 'API 文档：{url}/api/docs',
    demoSignIn: '演示账号：admin / {password}（其他演示用户见 README）',
    migrationsApplied: '已应用迁移：{names}',
    upToDate: '数据库已是最新。',
    sealedBirthDates: '已把 {count} 个明文出生日期移入加密的登记记录。',
    sealedNames: '已把 {count} 个明文的报告人和申请人姓名移入加密列。',
    generatingDemo: '数据库为空：正在生成演示村 星火村 ……',
    noAreasYet: '还没有任何区域：请先导入区域层级（gridguard import areas 文件）',
    adminCreated: '已在 {area}（{code}）创建系统管理员 {username}。',
    temporaryPassword: '临时密码（首次登录时须修改）：{password}',
    notEmpty: '数据库里已有区域或用户；演示数据只能装入空数据库。',
    areasSummary: '区域：新增 {inserted}，更新 {updated}，未变 {unchanged}，拒绝 {rejected}',
    positiveCounts: '--persons 和 --grids 必须是正整数',
    generated: '已在 {city}（{code}）下的 {grids} 个网格中生成 {persons} 名人员。',
    capabilityChoice: '--capability 必须是以下之一：{choices}',
    cameraNeedsDeviceAlerts: '--camera 只能与 --capability device.alerts 一起使用',
    noCamera: '没有编码为 {code} 的摄像头',
    cameraOutsideArea: '摄像头 {camera} 不在区域 {area} 内',
    batchSizeRange: '--batch-size 必须在 1 到 100000 之间',
    rotated: '密钥 {keyId}（{suite}）{resumed}：另有 {carried} 份哈希副本沿用到其他位置',
    rotationResumed: '，接续上次',
    rotatedTable: '  {table} {scanned} 行，重新加密 {reencrypted}，重新计算哈希 {rehashed}',
    wroteLabels: '已把 {area} 的 {labels} 张门牌写入 {file}，共 {pages} 页（新发放户码 {issued} 个）',
    roundIdInvalid: '--round 必须是轮次编号',
    countersRebuilt: '已重算 {rounds} 个进行中轮次的计数，用时 {seconds} 秒。',
    returneesFlagged: '已标记 {count} 名返乡人员。',
    sourceInvalid: '--source 须为 1–64 个字母、数字或 _ . : -',
    configInvalid: '环境变量 {variable} 的值无效：{detail}',
    dataDirLocked:
      '数据目录 {dir} 正被{holder}使用。请先停止该进程，或把 DATABASE_URL 指向 PostgreSQL 服务器以同时运行多个进程。',
    lockHolderUnknown: '另一个进程（它尚未把名字写入锁文件）',
    lockHolder: '主机 {host} 上的进程 {pid}（“{command}”，自 {since} 起）',
    demoAreas: '  区域：1 个村，{grids} 个网格，{microGrids} 个微网格，{cells} 个行单元',
    demoRegister: '  登记：{houses} 处房屋，{persons} 名居民和租户，{units} 家企业，{cameras} 个摄像头',
    demoEpidemic: '  疫情：一个进行中的筛查轮次，已检测 {tested} 名居民',
    demoRosters: '  复工：{rosters} 家企业的员工名单，共 {employees} 人',
    demoAccounts: '  账号：{accounts} 个（其中志愿者 {volunteers} 个）',
    demoVisits: '  走访：最近 30 天微网格员入户走访 {visits} 次',
    demoServices:
      '  队伍：{teams} 支（{teamMembers} 名成员）；{volunteersCovering} 名志愿者联系 {coveredHouses} 户；{resources} 条资源和服务；{requests} 条求助；{announcements} 条公告',
    demoEvents: '  事件：最近 30 天 {events} 件，仍有 {open} 件未办结',
    demoGeography: '  地图：道路、河流与卡口 {features} 处，房屋定位 {houses} 户，事件定位 {events} 件',
    demoCheckpoints:
      '  卡口：{checkpoints} 个（含车牌识别与测温门），排班 {shifts} 班；近一周查验记录 {records} 条，风险车辆 {flagged} 辆，发热 {fevers} 人',
    demoInspections: '  企业复工检查：{inspections} 次，整改任务 {rectifications} 项',
    demoFilings: '  复工备案：{filings} 家企业（草稿、已提交、已检查、已复工、退回、暂停各有）',
    stage_dumping: '正在导出数据目录 ……',
    stage_compressing: '正在压缩 ……',
    stage_writing: '正在写入临时文件 ……',
    stage_verifying: '正在回读并校验归档 ……',
    stage_loading: '正在把归档装入数据目录 ……',
    stage_checking: '正在检查恢复的数据和密钥 ……',
    dumpingTables: '正在导出表',
    restoringItems: '正在恢复',
    verifiedList: '已用 pg_restore --list 校验归档：{entries} 个条目，{tables} 张表的数据齐全',
    backupWritten: '备份已写入 {file}：{size}，用时 {seconds} 秒，SHA-256 {sha256}',
    backupHolds:
      '  其中：{persons} 名人员，{events} 件事件，{audit} 条审计记录（本次备份的审计记录不在其中）',
    backupNothing: '{dir} 中没有可备份的数据库。',
    noKeysPostgres:
      '注意：备份不含加密密钥。其中的个人信息只能用本系统的 GRIDGUARD_ENCRYPTION_KEYS 和 GRIDGUARD_HMAC_KEY 读取：请与备份分开保管，并保留数据仍可能用到的每一个密钥。',
    noKeysEmbedded:
      '注意：备份不含加密密钥。请把 {file} 另存到与备份不同的地方（或用 --keys-out 文件）：没有它，备份中的个人信息无法读取。',
    keysWritten: '密钥已写入 {file}（权限 0600）。请与备份分开保管：同时拿到两者的人就能读取个人信息。',
    keysFromEnvironment:
      '注意：备份不含加密密钥；密钥来自 GRIDGUARD_ENCRYPTION_KEYS 和 GRIDGUARD_HMAC_KEY，请与备份分开保管。',
    noKeysFile: '没有密钥文件 {file}（密钥来自环境变量时无需 --keys-out）',
    keysOutPostgres:
      '--keys-out 只用于内置数据库；PostgreSQL 部署的密钥在其环境变量中（GRIDGUARD_ENCRYPTION_KEYS、GRIDGUARD_HMAC_KEY）。',
    keysPostgres:
      '--keys 只用于内置数据库；设置了 DATABASE_URL 时密钥来自 GRIDGUARD_ENCRYPTION_KEYS 和 GRIDGUARD_HMAC_KEY。',
    keysTwice: '既给了 --keys 又设置了 GRIDGUARD_ENCRYPTION_KEYS：请只给出一处密钥。',
    keysInvalid: '{file} 不是密钥文件（应为含 currentKeyId、encryption 和 hmac 的 JSON）。',
    restoreNeedsKeys:
      '备份不含密钥：请用 --keys 文件 给出备份时另存的密钥文件，或设置 GRIDGUARD_ENCRYPTION_KEYS 和 GRIDGUARD_HMAC_KEY。',
    noSuchFile: '没有文件 {file}',
    needsPgDump:
      '{file} 不是 pg_dump 自定义格式的归档（设置 DATABASE_URL 时 gridguard backup 生成的那种）；内置数据库的归档只能恢复到内置数据目录。',
    needsEmbedded:
      '{file} 不是内置数据库的归档（未设置 DATABASE_URL 时 gridguard backup 生成的那种）；pg_dump 归档只能在设置了 DATABASE_URL 时恢复。',
    archiveUnreadable: '{file} 无法作为备份读取（已损坏，或不是数据目录的归档）。',
    toolFailed: '{tool} 失败：{detail}',
    restoreNotEmpty:
      '恢复目标 {target} 不是空的（{objects} 个对象）。请恢复到新建的空数据库或空数据目录，或加上 --replace 替换其中的内容。',
    replacedObjects: '目标中原有的 {objects} 个对象已按归档替换。',
    movedAside: '原数据目录已移到 {dir}（保留，未删除）。',
    restored: '已把 {file} 恢复到 {target}：{persons} 名人员，{events} 件事件，{audit} 条审计记录。',
    keysOpen: '密钥可以打开抽查的 {checked} 名人员中的 {opened} 名。',
    keysDoNotOpen:
      '密钥只能打开抽查的 {checked} 名人员中的 {opened} 名：这不是这份备份的密钥。数据已恢复；请用正确的密钥加 --replace 重新恢复。',
  },
  en: {
    importing: 'Importing {what}',
    wroteTemplate: 'Wrote the {what} template to {file}',
    needFile: 'give the file to import, or --template FILE.xlsx for a blank template',
    summary: '{inserted} inserted, {updated} updated, {unchanged} unchanged, {rejected} rejected',
    dryRun: 'Dry run (nothing stored): ',
    rejectLine: '  row {row}  {field}  {code}  {message}',
    more: '  … {count} more',
    moreHint: ' (write them all with --rejects OUT.xlsx)',
    wroteRejects: 'Rejected rows written to {file}',
    onlyFirst: 'Only the first {listed} of {total} rejects are listed.',
    error: 'gridguard: {message}',
    feedSummary:
      'Batch {batch}: {inserted} inserted, {updated} updated, {unchanged} unchanged, {rejected} rejected; {matched} matched, {unmatched} to the unmatched inbox',
    leadSummary: 'Leads (batch "{batch}"): {inserted} inserted, {unchanged} unchanged, {rejected} rejected',
    leadRouted: '  routed by person {person}, by address {address}, to the community inbox {inbox}',
    persons: 'persons',
    houses: 'houses',
    units: 'units',
    areas: 'areas',
    leads: 'leads',
    records: 'health records',
    generating: 'Generating persons',
    rotating: 'Rotating',
    demoSignIns: '\nDemo sign-ins (password: {password}):',
    demoLoginLine: '  {role} {username} {displayName} @ {area}',
    mustChangePassword: '{password} (must be changed at first sign-in)',
    openUrl: '\nOpen {url}\n',
    running: '\nGridguard is running at {url}  (database: {backend})',
    apiDocs: 'API docs: {url}/api/docs',
    demoSignIn: 'Demo sign-in: admin / {password} (other demo users: see README)',
    migrationsApplied: 'Applied: {names}',
    upToDate: 'The database is up to date.',
    sealedBirthDates: 'Moved {count} clear birth dates into the encrypted register records.',
    sealedNames: 'Moved {count} clear reporter and requester names into encrypted columns.',
    generatingDemo: 'Empty database: generating the demo village 星火村 …',
    noAreasYet: 'No areas yet: import the hierarchy first (gridguard import areas FILE)',
    adminCreated: 'Created admin {username} on {area} ({code}).',
    temporaryPassword: 'Temporary password (change at first sign-in): {password}',
    notEmpty: 'The database already holds areas or users; demo data goes only into an empty one.',
    areasSummary: 'Areas: {inserted} inserted, {updated} updated, {unchanged} unchanged, {rejected} rejected',
    positiveCounts: '--persons and --grids must be positive whole numbers',
    generated: 'Generated {persons} persons in {grids} grids under {city} ({code}).',
    capabilityChoice: '--capability must be one of {choices}',
    cameraNeedsDeviceAlerts: '--camera goes with --capability device.alerts only',
    noCamera: 'No camera with code {code}',
    cameraOutsideArea: 'Camera {camera} is not inside area {area}',
    batchSizeRange: '--batch-size must be between 1 and 100000',
    rotated: 'Key {keyId} ({suite}){resumed}: {carried} hash copies carried over elsewhere',
    rotationResumed: ', resumed',
    rotatedTable: '  {table} {scanned} rows, {reencrypted} re-encrypted, {rehashed} re-hashed',
    wroteLabels:
      'Wrote {labels} door labels of {area} on {pages} page(s) to {file} ({issued} codes newly issued)',
    roundIdInvalid: '--round must be a round id',
    countersRebuilt: 'Rebuilt the counters of {rounds} open round(s) in {seconds} s.',
    returneesFlagged: 'Flagged {count} returnee(s).',
    sourceInvalid: '--source must be 1-64 letters, digits, _ . : or -',
    configInvalid: '{variable}: {detail}',
    dataDirLocked:
      'The data directory {dir} is in use by {holder}. Stop that process first, or point DATABASE_URL at a PostgreSQL server to run several processes.',
    lockHolderUnknown: 'another process (it has not written its name into the lock file yet)',
    lockHolder: 'process {pid} on {host} ("{command}", since {since})',
    demoAreas: '  areas: 1 village, {grids} grids, {microGrids} micro-grids, {cells} row cells',
    demoRegister:
      '  register: {houses} houses, {persons} residents and tenants, {units} enterprises, {cameras} cameras',
    demoEpidemic: '  epidemic: an open screening round with {tested} residents tested',
    demoRosters: '  back to work: employee rosters of {rosters} enterprises, {employees} people',
    demoAccounts: '  accounts: {accounts} ({volunteers} volunteers)',
    demoVisits: "  visits: {visits} household visits by the micro-grids' workers in the last 30 days",
    demoServices:
      '  teams: {teams} ({teamMembers} members); {volunteersCovering} volunteers cover {coveredHouses} households; {resources} resource and service entries; {requests} requests; {announcements} announcements',
    demoEvents: '  events: {events} over the last 30 days, {open} still open',
    demoGeography: '  map: {features} roads, rivers and gates, {houses} houses and {events} events placed',
    demoCheckpoints:
      '  checkpoints: {checkpoints} (with plate cameras and a temperature gate), {shifts} shifts; {records} crossings in the last week, {flagged} flagged vehicles, {fevers} fevers',
    demoInspections: '  enterprise inspections: {inspections}, {rectifications} rectification tasks',
    demoFilings:
      '  return-to-work filings: {filings} enterprises (draft, submitted, inspected, back at work, returned, suspended)',
    stage_dumping: 'Dumping the data directory …',
    stage_compressing: 'Compressing …',
    stage_writing: 'Writing a temporary file …',
    stage_verifying: 'Reading the archive back and checking it …',
    stage_loading: 'Loading the archive into the data directory …',
    stage_checking: 'Checking the restored data and the keys …',
    dumpingTables: 'Dumping tables',
    restoringItems: 'Restoring',
    verifiedList:
      'Checked with pg_restore --list: {entries} entries, the data of all {tables} tables present',
    backupWritten: 'Backup written to {file}: {size} in {seconds} s, SHA-256 {sha256}',
    backupHolds:
      "  holding {persons} persons, {events} events, {audit} audit entries (this backup's own entry is not in it)",
    backupNothing: 'There is no database in {dir} to back up.',
    noKeysPostgres:
      "Note: the backup holds no encryption keys. Its personal data can be read only with this installation's GRIDGUARD_ENCRYPTION_KEYS and GRIDGUARD_HMAC_KEY: keep them apart from the backup, with every key the data may still use.",
    noKeysEmbedded:
      'Note: the backup holds no encryption keys. Keep a copy of {file} somewhere other than the backup (or use --keys-out FILE): without it the personal data in the backup cannot be read.',
    keysWritten:
      'Keys written to {file} (mode 0600). Keep it apart from the backup: whoever holds both can read the personal data.',
    keysFromEnvironment:
      'Note: the backup holds no encryption keys; they come from GRIDGUARD_ENCRYPTION_KEYS and GRIDGUARD_HMAC_KEY, keep them apart from the backup.',
    noKeysFile: 'There is no keys file {file} (with keys in the environment, --keys-out is not needed)',
    keysOutPostgres:
      "--keys-out is for the embedded database; a PostgreSQL installation's keys are in its environment (GRIDGUARD_ENCRYPTION_KEYS, GRIDGUARD_HMAC_KEY).",
    keysPostgres:
      '--keys is for the embedded database; with DATABASE_URL the keys come from GRIDGUARD_ENCRYPTION_KEYS and GRIDGUARD_HMAC_KEY.',
    keysTwice: 'Both --keys and GRIDGUARD_ENCRYPTION_KEYS are given: give the keys in one place only.',
    keysInvalid: '{file} is not a keys file (JSON with currentKeyId, encryption and hmac).',
    restoreNeedsKeys:
      'The backup holds no keys: give the keys file kept at backup time with --keys FILE, or set GRIDGUARD_ENCRYPTION_KEYS and GRIDGUARD_HMAC_KEY.',
    noSuchFile: 'No such file: {file}',
    needsPgDump:
      '{file} is not a pg_dump custom-format archive (what gridguard backup makes with DATABASE_URL set); an embedded archive restores only into an embedded data directory.',
    needsEmbedded:
      '{file} is not an embedded archive (what gridguard backup makes without DATABASE_URL); a pg_dump archive restores only with DATABASE_URL set.',
    archiveUnreadable: '{file} cannot be read as a backup (damaged, or not an archive of a data directory).',
    toolFailed: '{tool} failed: {detail}',
    restoreNotEmpty:
      'The restore target {target} is not empty ({objects} objects). Restore into a freshly created database or an empty data directory, or add --replace to replace what is there.',
    replacedObjects: 'The {objects} objects already in the target were replaced from the archive.',
    movedAside: 'The previous data directory was moved to {dir} (kept, not deleted).',
    restored: 'Restored {file} into {target}: {persons} persons, {events} events, {audit} audit entries.',
    keysOpen: 'The keys open {opened} of {checked} sampled persons.',
    keysDoNotOpen:
      'The keys open only {opened} of {checked} sampled persons: they are not the keys of this backup. The data is restored; restore again with --replace and the right keys.',
  },
} as const satisfies Record<Locale, Record<string, string>>;

export type CliTextKey = keyof (typeof CLI_TEXTS)['zh-CN'];

/** A command line text in a language; the en record has every zh-CN key by type. */
export function cliText(locale: Locale, key: CliTextKey): string {
  const texts: Record<CliTextKey, string> = CLI_TEXTS[locale];
  return texts[key];
}

/** `say(key, params)` for one locale: the worded, filled line. */
export function cliSay(locale: Locale): (key: CliTextKey, params?: Params) => string {
  return (key, params) => format(cliText(locale, key), params);
}
