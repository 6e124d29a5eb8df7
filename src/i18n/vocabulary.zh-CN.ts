// Names of the closed vocabularies (core/vocabulary.ts) in Chinese (Simplified), the source language.
// Each record is typed by its vocabulary: a word without a name here fails the build.
import type {
  AccessCodeStatus,
  AnnouncementKind,
  AnnouncementStatus,
  AreaKind,
  AuditAction,
  CheckpointDecision,
  CheckpointDirection,
  CheckpointKind,
  CheckpointRecordSource,
  CheckpointSubject,
  DepartmentCategory,
  EntityType,
  EventStatus,
  FeedBatchStatus,
  HealthVerdict,
  ImportStatus,
  InboxStatus,
  KeyPersonStatus,
  LeadStatus,
  Level,
  PassStatus,
  PendingChangeStatus,
  PersonStatus,
  RequestKind,
  Right,
  Role,
  RoundStatus,
  ServiceRequestStatus,
  SweepHouseholdState,
  SweepOutcome,
  SweepStatus,
  SweepSymptom,
  SystemActor,
  TenancyStatus,
} from '../core/vocabulary.js';

export const levelsZhCN: Readonly<Record<Level, string>> = {
  city: '市',
  county: '县/区',
  township: '乡镇/街道',
  village: '村/社区',
  grid: '网格',
  microgrid: '微网格',
  cell: '埭/楼栋',
};

export const areaKindsZhCN: Readonly<Record<AreaKind, string>> = {
  ordinary: '普通',
  enterprise: '企业',
  site: '工地',
  school: '学校',
  hotel: '酒店',
};

export const rolesZhCN: Readonly<Record<Role, string>> = {
  admin: '管理员',
  commander: '指挥长',
  community_staff: '社区工作人员',
  grid_leader: '网格长',
  grid_worker: '网格员',
  volunteer: '志愿者',
  doctor: '医生',
  police: '民警',
  department: '部门人员',
};

export const rightsZhCN: Readonly<Record<Right, string>> = {
  'area.read': '查看区域',
  'area.manage': '管理区域',
  'user.read': '查看用户',
  'user.manage': '管理用户',
  'audit.read': '查看审计日志',
  'person.read': '查看人员',
  'person.write': '登记人员',
  'person.reveal': '查看完整证件信息',
  'person.export': '导出人员',
  'health.read': '查看健康数据',
  'health.write': '录入健康数据',
  'health.manage': '组织防疫工作（上传健康数据、筛查轮次、重点人员）',
  'event.read': '查看事件',
  'event.handle': '办理事件',
  'event.dispatch': '派遣事件',
  'service.handle': '办理居民求助',
  'service.manage': '管理服务清单',
  'event.configure': '事件配置',
  'announcement.write': '发布公告',
  'team.manage': '管理团队',
  'review.read': '查看绩效考核',
  'token.manage': '管理接口令牌',
  'checkpoint.read': '查看卡口',
  'checkpoint.check': '卡口查验',
  'checkpoint.manage': '管理卡口',
  'pass.issue': '签发通行证',
  'enterprise.read': '查看复工企业',
  'enterprise.inspect': '企业检查',
  'enterprise.manage': '办理复工备案',
  'enterprise.configure': '配置检查清单',
  'certificate.issue': '开具证明',
};

export const departmentCategoriesZhCN: Readonly<Record<DepartmentCategory, string>> = {
  health: '卫健',
  police: '公安',
  industry: '工业',
  city_management: '城管',
};

export const personStatusesZhCN: Readonly<Record<PersonStatus, string>> = {
  active: '在册',
  departed: '已注销',
  deceased: '已故',
};

export const tenancyStatusesZhCN: Readonly<Record<TenancyStatus, string>> = {
  active: '有效',
  ended: '已结束',
};

export const accessCodeStatusesZhCN: Readonly<Record<AccessCodeStatus, string>> = {
  active: '使用中',
  revoked: '已停用',
};

export const pendingChangeStatusesZhCN: Readonly<Record<PendingChangeStatus, string>> = {
  pending: '待确认',
  confirmed: '已确认',
  rejected: '已驳回',
};

export const feedBatchStatusesZhCN: Readonly<Record<FeedBatchStatus, string>> = {
  received: '已接收',
  processing: '处理中',
  done: '已完成',
  failed: '失败',
};

export const inboxStatusesZhCN: Readonly<Record<InboxStatus, string>> = {
  open: '待处理',
  matched: '已匹配',
  lead: '已转线索',
  dismissed: '已忽略',
};

export const roundStatusesZhCN: Readonly<Record<RoundStatus, string>> = {
  open: '进行中',
  closed: '已结束',
};

export const keyPersonStatusesZhCN: Readonly<Record<KeyPersonStatus, string>> = {
  active: '管控中',
  ended: '已解除',
  transferred: '已转运',
};

export const leadStatusesZhCN: Readonly<Record<LeadStatus, string>> = {
  open: '待核查',
  verified: '已核查',
};

export const eventStatusesZhCN: Readonly<Record<EventStatus, string>> = {
  collected: '待受理',
  registered: '已立案',
  dispatched: '已派遣',
  handling: '处置中',
  reported: '待核查',
  closed: '已结案',
  evaluated: '已评价',
  suspended: '已挂起',
  merged: '已合并',
  rejected: '不予受理',
};

export const serviceRequestStatusesZhCN: Readonly<Record<ServiceRequestStatus, string>> = {
  open: '待接单',
  accepted: '已接单',
  delivered: '已送达',
  closed: '已办结',
  cancelled: '已取消',
};

export const requestKindsZhCN: Readonly<Record<RequestKind, string>> = {
  medicine: '代购药品',
  groceries: '代购生活物资',
  gas: '煤气配送',
  doctor_visit: '上门问诊',
  transport: '就医出行',
  other: '其他求助',
};

export const announcementKindsZhCN: Readonly<Record<AnnouncementKind, string>> = {
  policy: '政策通知',
  rumour_rebuttal: '辟谣',
  alert: '预警',
  notice: '公告',
};

export const announcementStatusesZhCN: Readonly<Record<AnnouncementStatus, string>> = {
  draft: '草稿',
  published: '已发布',
  withdrawn: '已撤回',
};

export const importStatusesZhCN: Readonly<Record<ImportStatus, string>> = {
  running: '导入中',
  done: '已完成',
  failed: '失败',
};

export const auditActionsZhCN: Readonly<Record<AuditAction, string>> = {
  'access_code.issue': '发放二维码',
  'access_code.issue_area': '批量发放门牌码',
  'access_code.labels': '打印门牌码',
  'access_code.revoke': '停用二维码',
  'announcement.create': '新建公告',
  'announcement.publish': '发布公告',
  'announcement.update': '修改公告',
  'announcement.withdraw': '撤回公告',
  'area.create': '新增区域',
  'area.import': '导入区域',
  'area.move': '迁移区域',
  'area.retire': '撤销区域',
  'area.update': '修改区域',
  'auth.locale_changed': '更改界面语言',
  'auth.locked': '账户锁定',
  'auth.login': '登录',
  'auth.login_failed': '登录失败',
  'auth.mfa_enrolled': '开启两步验证',
  'auth.mfa_recovery_used': '使用恢复码登录',
  'auth.password_changed': '修改密码',
  'camera.create': '登记设备',
  'camera.retire': '停用设备',
  'camera.token_issue': '签发设备令牌',
  'camera.update': '修改设备',
  'certificate.issue': '出具证明',
  'certificate.pdf': '下载证明 PDF',
  'certificate.revoke': '作废证明',
  'checkpoint.check': '卡口查验登记',
  'checkpoint.create': '登记卡口',
  'checkpoint.duty_sign_in': '卡口上岗签到',
  'checkpoint.duty_sign_out': '卡口下岗签退',
  'checkpoint.identify': '卡口核验身份',
  'checkpoint.retire': '撤销卡口',
  'checkpoint.shift.create': '排班',
  'checkpoint.shift.delete': '删除班次',
  'checkpoint.update': '修改卡口',
  'commitment.pdf': '下载承诺书 PDF',
  'commitment.sign': '签署复工承诺书',
  'contacts.find': '查找密接',
  'contacts.leads': '生成密接线索',
  'demo.seed': '生成演示数据',
  'enterprise.roster.reasons': '查看员工复工审核原因',
  'enterprise_filing.approve': '批准复工',
  'enterprise_filing.commitment_download': '下载复工承诺书',
  'enterprise_filing.document_delete': '删除备案材料',
  'enterprise_filing.document_upload': '上传备案材料',
  'enterprise_filing.inspect': '记录复工检查',
  'enterprise_filing.return': '退回复工备案',
  'enterprise_filing.save': '保存复工备案',
  'enterprise_filing.sign': '签署复工承诺书',
  'enterprise_filing.submit': '提交复工备案',
  'enterprise_filing.suspend': '暂停复工',
  'event_category.create': '新增事件类别',
  'event_category.retire': '停用事件类别',
  'event_category.update': '修改事件类别',
  'health.checkin.proxy': '代为平安报',
  'health.checkin.resolve': '处理平安报消息',
  'health.checkin.voice_import': '导入语音外呼平安报',
  'health.feed.receive': '接收健康数据推送',
  'health.import': '导入健康数据',
  'health.unmatched.dismiss': '忽略健康记录',
  'health.unmatched.match': '匹配健康记录',
  'house.create': '新增房屋',
  'house.import': '导入房屋',
  'house.update': '修改房屋',
  'inspection.record': '登记企业检查',
  'inspection.round_close': '结束检查轮次',
  'inspection.round_create': '发起检查轮次',
  'inspection.template_save': '保存检查清单模板',
  'key_person.create': '新增重点人员',
  'key_person.end': '解除管控',
  'key_person.flag': '自动标记返乡人员',
  'key_person.transfer': '转运重点人员',
  'key_person.update': '变更重点人员',
  'keys.rotate': '轮换加密密钥',
  'installation.backup': '备份数据库',
  'installation.restore': '从备份恢复数据库',
  'lead.create': '下发线索',
  'lead.import': '导入线索',
  'lead.reveal': '查看线索完整信息',
  'lead.route': '分派线索',
  'lead.verify': '核查线索',
  'notification.preferences.update': '修改通知设置',
  'pass.apply': '居民申请通行证',
  'pass.approve': '批准通行证',
  'pass.issue': '签发通行证',
  'pass.key_create': '生成通行证签名密钥',
  'pass.key_rotate': '轮换通行证签名密钥',
  'pass.print': '打印通行证二维码',
  'pass.reject': '驳回通行证申请',
  'pass.revoke': '吊销通行证',
  'pending_change.confirm': '确认登记',
  'pending_change.reject': '驳回登记',
  'person.call': '查看住户电话（拨打）',
  'person.depart': '走时注销',
  'person.export': '导出人员',
  'person.import': '导入人员',
  'person.import.rejects': '下载导入拒绝清单（含证件信息）',
  'person.lookup': '按证件号查找人员',
  'person.lookup_refused': '证件号查找超出限额',
  'person.merge': '合并登记',
  'person.move': '迁移人员',
  'person.register': '登记人员',
  'person.reveal': '查看完整信息',
  'person.search_number': '按证件号或手机号搜索人员',
  'person.update': '修改人员',
  'place.create': '新增场所',
  'report.daily.export': '导出日报',
  'responsibility.create': '指定包片包户',
  'responsibility.delete': '取消包片包户',
  'review.export': '导出绩效考核',
  'round.close': '结束筛查轮次',
  'round.create': '启动筛查轮次',
  'round.export_untested': '导出未检人员名单',
  'round.mark': '标记未检人员',
  'round.rebuild_counters': '重算筛查统计',
  'round.unmark': '撤销未检标记',
  'service_request.accept': '接单',
  'service_request.cancel': '取消求助',
  'service_request.close': '办结求助',
  'service_request.contact.reveal': '查看求助人联系电话',
  'service_request.create': '提交求助',
  'service_request.deliver': '送达',
  'service_request.reassign': '改派志愿者',
  'service_resource.create': '新增资源清单项',
  'service_resource.retire': '停用资源清单项',
  'service_resource.update': '修改资源清单项',
  'sweep.assign': '分派排查住户',
  'sweep.close': '结束拉网排查',
  'sweep.create': '启动拉网排查',
  'sweep.visit': '登记排查走访',
  'team.create': '新建团队',
  'team.member.remove': '移出团队成员',
  'team.member.set': '设置团队成员',
  'team.retire': '撤销团队',
  'team.update': '修改团队',
  'tenancy.create': '登记租约',
  'token.create': '创建接口令牌',
  'token.revoke': '吊销接口令牌',
  'unit.create': '新增单位',
  'unit.import': '导入单位',
  'unit.retire': '注销单位',
  'user.assignment_add': '添加角色',
  'user.assignment_remove': '移除角色',
  'user.create': '新建用户',
  'user.mfa_reset': '重置两步验证',
  'user.password_reset': '重置密码',
  'user.update': '修改用户',
  'vehicle.check': '车辆查验',
  'vehicle.lookup': '查询车辆',
  'vehicle.trails_import': '导入车辆轨迹',
  'visit.record': '入户走访',
  'volunteer.assign': '分配志愿者包户',
  'volunteer.unassign': '取消志愿者包户',
  'work_calendar.delete': '删除工作日历日期',
  'work_calendar.set': '设置工作日历日期',
};

export const entityTypesZhCN: Readonly<Record<EntityType, string>> = {
  access_code: '二维码',
  announcement: '公告',
  api_token: '接口令牌',
  area: '区域',
  camera: '设备',
  certificate: '证明',
  checkin_message: '平安报消息',
  checkpoint: '卡口',
  checkpoint_record: '卡口通行记录',
  commitment_letter: '复工承诺书',
  encryption_key: '加密密钥',
  enterprise_inspection: '企业检查',
  enterprise_filing: '复工备案',
  event_category: '事件类别',
  feed_batch: '健康数据批次',
  health_record: '健康记录',
  house: '房屋',
  household_visit: '走访',
  import: '导入任务',
  installation: '系统',
  inspection_round: '检查轮次',
  inspection_template: '检查清单模板',
  key_person: '重点人员',
  lead: '线索',
  pass: '通行证',
  pass_signing_key: '通行证签名密钥',
  pending_change: '待办登记',
  person: '人员',
  place: '场所',
  report: '报表',
  responsibility: '包片包户',
  review: '绩效考核',
  round_mark: '未检标记',
  screening_round: '筛查轮次',
  service_request: '居民求助',
  service_resource: '资源清单项',
  sweep_campaign: '拉网排查',
  sweep_household: '排查住户',
  team: '团队',
  tenancy: '租约',
  unit: '单位',
  user: '用户',
  vehicle_trail: '车辆轨迹',
  work_calendar_day: '工作日历日期',
};

export const systemActorsZhCN: Readonly<Record<SystemActor, string>> = {
  'system:checkpoint': '卡口查验',
  'system:cli': '命令行导入',
  'system:demo': '演示数据',
  'system:enterprise': '企业（备案码）',
  'system:escalation': '系统自动升级',
  'system:health-rules': '健康规则自动处置',
  'system:returnee-scan': '返乡人员自动扫描',
  'system:resident': '居民（门牌码）',
  'system:reporter': '报告人',
};

export const checkpointKindsZhCN: Readonly<Record<CheckpointKind, string>> = {
  traffic: '交通卡口',
  compound_gate: '小区门岗',
  village_entrance: '村口',
  access_hut: '城中村卡口岗亭',
  station: '站点',
};

export const checkpointSubjectsZhCN: Readonly<Record<CheckpointSubject, string>> = {
  person: '人员',
  vehicle: '车辆',
};

export const checkpointDirectionsZhCN: Readonly<Record<CheckpointDirection, string>> = {
  in: '进',
  out: '出',
};

export const checkpointDecisionsZhCN: Readonly<Record<CheckpointDecision, string>> = {
  allowed: '放行',
  refused: '劝返',
};

export const checkpointRecordSourcesZhCN: Readonly<Record<CheckpointRecordSource, string>> = {
  staff: '人工查验',
  device: '设备识别',
};

export const healthVerdictsZhCN: Readonly<Record<HealthVerdict, string>> = {
  green: '可通行',
  amber: '需核实',
  red: '禁止通行',
};

export const passStatusesZhCN: Readonly<Record<PassStatus, string>> = {
  pending: '待审核',
  active: '有效',
  revoked: '已吊销',
  rejected: '已驳回',
};

export const sweepStatusesZhCN: Readonly<Record<SweepStatus, string>> = {
  open: '进行中',
  closed: '已结束',
};

export const sweepHouseholdStatesZhCN: Readonly<Record<SweepHouseholdState, string>> = {
  unvisited: '未走访',
  attempted: '无人在家',
  visited: '已走访',
};

export const sweepOutcomesZhCN: Readonly<Record<SweepOutcome, string>> = {
  visited: '已入户',
  nobody_home: '无人在家',
};

export const sweepSymptomsZhCN: Readonly<Record<SweepSymptom, string>> = {
  fever: '发热',
  cough: '咳嗽',
  sore_throat: '咽痛',
  fatigue: '乏力',
  short_breath: '气促',
  taste_smell_loss: '嗅觉味觉减退',
  diarrhoea: '腹泻',
  other: '其他不适',
};
