import type { Locale } from './locale.js';

/**
 * Commander's descriptions of commands, arguments and options, per language. The locale is known from
 * argv and the environment before parsing, so the commands are built in it; {name} is filled by `format`.
 */
export const CLI_HELP = {
  'zh-CN': {
    program: '网格卫士：网格化治理与疫情防控',
    lang: '提示语言：zh-CN 或 en（默认取 LC_ALL/LANG，否则为 zh-CN）',
    help: '显示命令帮助',
    helpCommand: '显示某个命令的帮助',
    titleUsage: '用法：',
    titleArguments: '参数：',
    titleOptions: '选项：',
    titleGlobalOptions: '全局选项：',
    titleCommands: '命令：',
    serve: '运行网页应用和 API（先执行迁移；空的内置数据库会先装入演示村）',
    migrate: '执行尚未应用的数据库迁移',
    createAdmin: '创建绑定到顶层区域的系统管理员',
    username: '登录名',
    adminArea: '角色绑定的区域编码（默认：第一个顶层区域）',
    password: '初始密码（默认：随机生成，只显示一次）',
    seed: '装入生成的数据',
    seedDemo: '生成演示村 星火村（只装入空数据库）',
    randomSeed: '随机种子',
    import: '导入数据文件（CSV、XLSX；区域另支持 GeoJSON）',
    importAreas:
      '导入区域：含 编码、名称、上级编码、层级、类型 各列的 CSV/XLSX，或 GeoJSON FeatureCollection',
    json: '以一个 JSON 对象输出报告',
    jsonOnly: '只以一个 JSON 对象输出报告',
    generate: '为基准测试生成城市规模的合成登记数据（有效、唯一、虚构的身份证号）',
    persons: '人员数量',
    grids: '单元网格数量',
    token: '供数据接口、设备和 Open311 客户端使用的 API 令牌',
    tokenCreate: '创建 API 令牌并输出一次',
    tokenName: '客户端是什么',
    tokenArea: '令牌绑定的区域编码',
    capability: '以下之一：{choices}',
    camera: '仅用于 device.alerts：令牌所属的摄像头或门禁编码',
    keys: 'GRIDGUARD_ENCRYPTION_KEYS 和 GRIDGUARD_HMAC_KEY 的密钥材料，以及密钥轮换',
    keysGenerate: '以环境变量行的形式输出新的加密密钥和 HMAC 密钥',
    cipher: '加密密钥的算法套件',
    keyId: '密钥编号（字母、数字、_ 或 -，最多 16 个）',
    keysRotate: '把每个加密列重新加密到当前密钥和套件，并重算查找哈希（可续跑，已是最新的行会跳过）',
    backup:
      '备份数据库：内置数据库为数据目录的 tar.gz（不含 keys.json、锁文件和上传暂存），PostgreSQL 为 pg_dump 自定义格式；先写临时文件，校验后再改名。备份不含加密密钥',
    backupOut: '要写入的备份文件',
    keysOut: '仅内置数据库：把数据目录的密钥另存到这个文件（权限 0600，与备份分开保管）',
    restore:
      '把备份恢复到空的目标：内置数据库为 GRIDGUARD_DATA_DIR（空目录），PostgreSQL 为 DATABASE_URL（新建的空数据库）；之后执行迁移并抽查密钥能否打开数据',
    restoreFile: 'gridguard backup 写出的备份文件',
    restoreKeys:
      '仅内置数据库：备份时另存的密钥文件（也可用 GRIDGUARD_ENCRYPTION_KEYS 和 GRIDGUARD_HMAC_KEY）',
    restoreReplace: '目标不为空时替换它：内置数据目录先整体移到一旁保留，PostgreSQL 先删除归档中的对象',
    batchSize: '每个事务处理的行数',
    labels:
      '为某区域的每户生成 A4 PDF 门牌（一户一码）；为还没有户码的房屋发放户码（操作者以系统身份执行）。二维码指向 GRIDGUARD_PUBLIC_URL（演示模式：http://localhost:端口）',
    labelsArea: '区域编码（网格、微网格、社区……）',
    labelsOut: '要写入的 PDF 文件',
    rebuild: '根据源数据重算预先计算的数字',
    rebuildCounters: '根据登记、检测记录和标记重算进行中筛查轮次的覆盖计数',
    round: '只重算这个轮次',
    scan: '立即运行一项后台检查',
    scanReturnees: '把最近 14 天从当前风险地区到达的人员标记为返乡重点人员',
    importRegister: '从 XLSX 或 CSV（UTF-8 或 GBK）导入{what}；可重复执行，无效行会报告出来',
    file: '.xlsx 或 .csv 文件',
    sheet: '要读取的工作表（默认：第一个可见的工作表）',
    encoding: 'CSV 文本编码',
    rejects: '把被拒绝的行及原因写入这个 XLSX 文件',
    dryRun: '逐行对照登记检查，不保存任何数据',
    template: '不导入，而是写出带中文表头的空白模板',
    importFeed: '从 XLSX 或 CSV（UTF-8 或 GBK）导入{what}；按来源和记录编号可重复执行，按身份证号匹配到人员',
    importRiskAreas: '从 XLSX 或 CSV（UTF-8 或 GBK）导入{what}；按来源、名称、等级和开始时间可重复执行',
    feedSource: '数据来源：记录编号在同一来源内唯一；健康码按该来源的颜色对照表读取（{sources}）',
    feedArea: '数据所属的区域（默认：顶层区域）',
    tests: '核酸检测结果',
    vaccinations: '疫苗接种',
    temperatures: '体温',
    healthcodes: '健康码',
    riskareas: '风险地区',
    importLeads:
      '从 XLSX 或 CSV 导入大数据线索：身份证号、手机号、姓名、地址、核查事由、核查时限；每条线索分派到其网格或社区待分派',
    leadsArea: '导入区域的编码：线索在其下匹配，未匹配的进入其社区待分派',
    leadsBatch: '清单名称（默认：文件名和日期）；重复导入同一批次不会重复保存',
  },
  en: {
    program: 'Gridguard (网格卫士): grid governance and epidemic prevention',
    lang: 'language of messages: zh-CN or en (default: LC_ALL/LANG, else zh-CN)',
    help: 'display help for command',
    helpCommand: 'display help for a command',
    titleUsage: 'Usage:',
    titleArguments: 'Arguments:',
    titleOptions: 'Options:',
    titleGlobalOptions: 'Global Options:',
    titleCommands: 'Commands:',
    serve: 'Run the web app and API (migrates first; seeds the demo village into an empty embedded database)',
    migrate: 'Apply pending database migrations',
    createAdmin: 'Create a system administrator bound to a top-level area',
    username: 'sign-in name',
    adminArea: 'area code the role is bound to (default: the first top-level area)',
    password: 'initial password (default: a random one, printed once)',
    seed: 'Load generated data',
    seedDemo: 'Generate the demo village 星火村 (only into an empty database)',
    randomSeed: 'random seed',
    import: 'Import data files (CSV, XLSX; GeoJSON for areas)',
    importAreas:
      'Import areas: CSV/XLSX with columns 编码, 名称, 上级编码, 层级, 类型 — or a GeoJSON FeatureCollection',
    json: 'print the report as one JSON object',
    jsonOnly: 'print only the report as one JSON object',
    generate: 'Build a synthetic city-sized register for benchmarks (valid, unique, fictitious ID numbers)',
    persons: 'how many persons',
    grids: 'how many unit grids',
    token: 'API tokens for data feeds, devices and Open311 clients',
    tokenCreate: 'Create an API token and print it once',
    tokenName: 'what the client is',
    tokenArea: 'area code the token is bound to',
    capability: 'one of {choices}',
    camera: 'device.alerts only: the camera or gate this token belongs to',
    keys: 'Key material for GRIDGUARD_ENCRYPTION_KEYS and GRIDGUARD_HMAC_KEY, and key rotation',
    keysGenerate: 'Print a fresh encryption key and HMAC key as environment lines',
    cipher: 'suite of the encryption key',
    keyId: 'key id (letters, digits, _ or -; at most 16)',
    keysRotate:
      'Re-encrypt every encrypted column to the current key and suite and recompute the lookup hashes (resumable; rows already current are skipped)',
    backup:
      'Back up the database: the embedded one as a tar.gz of its data directory (without keys.json, the lock and staged uploads), PostgreSQL as a pg_dump custom-format archive; written to a temporary file, checked, then renamed. The backup holds no encryption keys',
    backupOut: 'the backup file to write',
    keysOut:
      "embedded only: also copy the data directory's keys to this file (mode 0600; keep it apart from the backup)",
    restore:
      'Restore a backup into an empty target: GRIDGUARD_DATA_DIR (an empty directory) for the embedded database, DATABASE_URL (a freshly created database) for PostgreSQL; then migrate and check that the keys open the data',
    restoreFile: 'a backup file written by gridguard backup',
    restoreKeys:
      'embedded only: the keys file kept at backup time (or set GRIDGUARD_ENCRYPTION_KEYS and GRIDGUARD_HMAC_KEY)',
    restoreReplace:
      "replace a target that is not empty: an embedded data directory is moved aside whole and kept; on PostgreSQL the archive's objects are dropped first",
    batchSize: 'rows per transaction',
    labels:
      'Write an A4 PDF of door labels (一户一码) for every house of an area; issues codes for houses without one (the operator acts as the system). QR codes point at GRIDGUARD_PUBLIC_URL (demo mode: http://localhost:PORT)',
    labelsArea: 'area code (grid, micro-grid, community…)',
    labelsOut: 'PDF file to write',
    rebuild: 'Recompute precomputed figures from their source data',
    rebuildCounters:
      'Recompute the coverage counters of open screening rounds from the register, test records and marks',
    round: 'only this round',
    scan: 'Run a background check now',
    scanReturnees:
      'Flag persons who arrived in the last 14 days from a current risk area as returnee key persons',
    importRegister: 'Import {what} from XLSX or CSV (UTF-8 or GBK); idempotent, invalid rows are reported',
    file: 'the .xlsx or .csv file',
    sheet: 'the worksheet to read (default: the first visible one)',
    encoding: 'CSV text encoding',
    rejects: 'write the rejected rows with their reasons to this XLSX file',
    dryRun: 'check every row against the register, store nothing',
    template: 'write a blank template with the Chinese headers instead of importing',
    importFeed:
      'Import {what} from XLSX or CSV (UTF-8 or GBK); idempotent per source and record id, matched to persons by ID number',
    importRiskAreas:
      'Import {what} from XLSX or CSV (UTF-8 or GBK); idempotent per source, name, level and start',
    feedSource:
      "the feed's source: record ids are unique per source; health codes are read with its colour table ({sources})",
    feedArea: 'the area the feed belongs to (default: the top area)',
    tests: 'nucleic-acid test results (核酸检测结果)',
    vaccinations: 'vaccination doses (疫苗接种)',
    temperatures: 'temperature readings (体温)',
    healthcodes: 'health-code colours (健康码)',
    riskareas: 'risk-area lists (风险地区)',
    importLeads:
      'Import a big-data lead list (大数据线索) from XLSX or CSV: 身份证号, 手机号, 姓名, 地址, 核查事由, 核查时限; each lead is routed to its grid or the community inbox',
    leadsArea:
      'code of the importing area: leads are matched under it; the unmatched go to its community inbox',
    leadsBatch: 'names the list (default: file name and date); re-importing a batch stores nothing twice',
  },
} as const satisfies Record<Locale, Record<string, string>>;

export type CliHelpKey = keyof (typeof CLI_HELP)['zh-CN'];

/** A command or option description in a language; the en record has every zh-CN key by type. */
export function cliHelp(locale: Locale, key: CliHelpKey): string {
  const texts: Record<CliHelpKey, string> = CLI_HELP[locale];
  return texts[key];
}
