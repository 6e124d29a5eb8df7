import { canAnywhere } from '../../auth/scope.js';
import type { DailyReportSheet } from '../../health/reports/daily.js';
import type { EnterpriseCounts } from './schema.js';
import { enterpriseBoard } from './service.js';

const COLUMNS: ReadonlyArray<[keyof EnterpriseCounts, string]> = [
  ['enterprises', '企业'],
  ['filed', '已备案'],
  ['approved', '已复工'],
  ['waiting', '待审核'],
  ['returned', '退回'],
  ['suspended', '暂停'],
  ['filingsOverdue', '审核超期'],
  ['employees', '员工'],
  ['cleared', '员工通过'],
  ['pending', '员工待定'],
  ['refused', '员工不通过'],
  ['inspectionsDue', '待检查'],
  ['inspectionsOverdue', '检查超期'],
  ['inspectedToday', '今日检查'],
  ['rectificationsOpen', '整改中'],
  ['rectificationsOverdue', '整改超期'],
];

/** The daily report's 复工复产 sheet: the board of the report's node, one row per child area and a total. */
export const enterpriseReportSheet: DailyReportSheet = {
  name: '复工复产',
  async build(db, actor, node) {
    if (!canAnywhere(actor.viewer, 'enterprise.read')) return null;
    const board = await enterpriseBoard(db, actor, node.id).catch((error: unknown) => {
      // The node is outside the caller's enterprise scope: the sheet is left out, not the report.
      if ((error as { code?: string }).code === 'AREA_NOT_FOUND') return null;
      throw error;
    });
    if (!board || board.total.enterprises === 0) return null;
    const values = (counts: EnterpriseCounts) => COLUMNS.map(([key]) => counts[key]);
    return {
      what: '复工复产统计',
      columns: [{ header: '区域', width: 16 }, ...COLUMNS.map(([, header]) => ({ header, width: 10 }))],
      rows: [...board.areas.map((a) => [a.area.name, ...values(a.counts)]), ['合计', ...values(board.total)]],
    };
  },
};
