/**
 * Texts the server writes for people — notification titles, generated reasons and notes — in Chinese, the source language: its keys are the
 * texts there are, and every other language must word each. `{kind}` is the vocabulary's name.
 */
export const NOTIFICATIONS_ZH_CN = {
  requestNew: '居民求助：{kind}',
  requestNewUrgent: '【紧急】居民求助：{kind}',
  requestWithdrawn: '居民已取消求助：{kind}',
  requestCancelled: '求助已取消：{kind}',
  requestReassigned: '转派给您的居民求助：{kind}',
  requestReassignedUrgent: '【紧急】转派给您的居民求助：{kind}',
  announcementPublished: '{kind}：{title}',
  eventNew: '新事件 {code}：{title}',
  eventDispatched: '派遣给您：{code} {title}',
  eventReported: '处置已反馈，待核查：{code} {title}',
  eventReportReturned: '核查退回，请重新处置：{code} {title}',
  eventReturned: '事件被退回，请重新派遣：{code} {title}',
  eventEscalated: '事件超时升级：{code} {title}',
  eventEscalatedBody: '已升级至{area}，请督办',
  rectificationEscalated: '整改超期升级：{unit} {item}',
  rectificationEscalatedBody: '已升级至{area}，请督办整改',
  inspectionRoundOverdue: '检查轮次超期：{name}',
  inspectionRoundOverdueBody: '{area}还有 {count} 家复工企业未检查，请督办',
  // Built-in items of the enterprise inspection checklist (a district's own items are stored as typed).
  checklistHandwash: '洗手/消毒设施',
  checklistTemperature: '测温登记',
  checklistMasks: '口罩佩戴',
  checklistGatherings: '会议/聚集控制',
  checklistSpacing: '工位间距',
  checklistMeals: '错峰/分餐就餐',
  checklistSupplies: '防疫物资储备',
  checklistVentilation: '通风换气',
  checklistDisinfection: '公共区域消毒记录',
  checklistStaffHealth: '员工健康登记',
  // A lead made from an unmatched health record: its reason, and the note left on the inbox entry.
  unmatchedRecordLead: '未匹配的{kind}记录（来源：{source}，{why}）',
  unmatchedRecordLeadWithResult: '未匹配的{kind}记录（来源：{source}，结果：{result}，{why}）',
  unmatchedInvalidNumber: '证件号码无效',
  unmatchedNotRegistered: '本地未登记',
  recordKindTest: '核酸检测',
  recordKindVaccination: '疫苗接种',
  recordKindTemperature: '体温',
  recordKindHealthCode: '健康码',
  inboxTurnedIntoLead: '已转为线索 {id}',
  vehicleFlagged: '【风险车辆】{plate} 经过{checkpoint}',
  vehicleFlaggedBody: '行程涉及风险地区：{areas}',
  // A checkpoint due to be staffed with nobody signed in (to its team leader).
  checkpointStaffingGap: '【卡口缺岗】{name}：应到 {required} 人，当前无人签到',
  checkpointStaffingGapBody: '{name}（{code}）自 {since} 起无人值守，请安排人员到岗签到',
  filingSubmitted: '企业提交复工备案，待检查审核：{name}',
  filingOverdue: '【超时】复工备案待审核：{name}',
  filingDecideBy: '请于 {date} 前完成检查和审核',
} as const;

/** The texts of notifications the server words itself. */
export type NotificationText = keyof typeof NOTIFICATIONS_ZH_CN;
