import ExcelJS from 'exceljs';
import { recordAudit } from '../audit/repository.js';
import type { Actor, Db } from '../auth/context.js';
import type { AreaReview, AreaReviewList, ReviewExportQuery, WorkerReview } from './schema.js';
import { areaReviewRows, reviewContext, workerReviewRows } from './service.js';

export type ExportLanguage = 'zh-CN' | 'en';

interface Column<Row> {
  zh: string;
  en: string;
  width: number;
  numFmt?: string;
  value: (row: Row) => string | number | null;
}

const COUNT = '#,##0';
const MINUTES = '#,##0.0';
const SHARE = '0.0%';
const RATING = '0.00';

/** The figures both sheets share, in the same order and formats. */
function figureColumns<Row extends WorkerReview | AreaReview>(): Column<Row>[] {
  return [
    { zh: '处理事件数', en: 'Events handled', width: 12, numFmt: COUNT, value: (r) => r.eventsHandled },
    {
      zh: '响应时长中位数（分钟）',
      en: 'Median minutes to respond',
      width: 16,
      numFmt: MINUTES,
      value: (r) => r.medianRespondMinutes,
    },
    {
      zh: '办结时长中位数（分钟）',
      en: 'Median minutes to close',
      width: 16,
      numFmt: MINUTES,
      value: (r) => r.medianCloseMinutes,
    },
    { zh: '超期事件数', en: 'Overdue events', width: 12, numFmt: COUNT, value: (r) => r.overdueEvents },
    { zh: '超期率', en: 'Overdue share', width: 10, numFmt: SHARE, value: (r) => r.overdueShare },
    { zh: '群众评价均分', en: 'Average rating', width: 12, numFmt: RATING, value: (r) => r.ratingAverage },
    { zh: '评价数', en: 'Ratings', width: 10, numFmt: COUNT, value: (r) => r.ratingCount },
    { zh: '走访户次', en: 'Household visits', width: 12, numFmt: COUNT, value: (r) => r.visits },
  ];
}

const WORKER_COLUMNS: Column<WorkerReview>[] = [
  { zh: '姓名', en: 'Name', width: 14, value: (r) => r.displayName },
  { zh: '账号', en: 'Username', width: 16, value: (r) => r.username },
  { zh: '角色', en: 'Roles', width: 18, value: (r) => r.roles.join('、') },
  { zh: '所属区域', en: 'Areas', width: 24, value: (r) => r.areas.map((a) => a.name).join('、') },
  ...figureColumns<WorkerReview>(),
];

const AREA_COLUMNS: Column<AreaReview>[] = [
  { zh: '区域', en: 'Area', width: 20, value: (r) => (r.ownLevel ? `${r.name}（本级）` : r.name) },
  { zh: '编码', en: 'Code', width: 18, value: (r) => r.code },
  { zh: '新增事件数', en: 'Events created', width: 12, numFmt: COUNT, value: (r) => r.eventsCreated },
  ...figureColumns<AreaReview>(),
];

export const SHEET_NAMES: Record<ExportLanguage, { workers: string; areas: string }> = {
  'zh-CN': { workers: '人员考核', areas: '区域考核' },
  en: { workers: 'Workers', areas: 'Areas' },
};

function addSheet<Row>(
  workbook: ExcelJS.Workbook,
  name: string,
  title: string,
  columns: Column<Row>[],
  rows: Row[],
  lang: ExportLanguage,
  totalRow?: Row,
) {
  const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 2 }] });
  sheet.columns = columns.map((c) => ({ width: c.width, style: c.numFmt ? { numFmt: c.numFmt } : {} }));
  sheet.addRow([title]).font = { bold: true, size: 13 };
  sheet.mergeCells(1, 1, 1, columns.length);
  // Chinese first, English on a second line of the same cell, so the sheet stays one table.
  const header = sheet.addRow(columns.map((c) => (lang === 'en' ? c.en : `${c.zh}\n${c.en}`)));
  header.font = { bold: true };
  header.alignment = { wrapText: true, vertical: 'middle' };
  header.height = lang === 'en' ? 20 : 34;
  for (const row of rows) sheet.addRow(columns.map((c) => c.value(row)));
  if (totalRow) {
    const total = sheet.addRow(columns.map((c) => c.value(totalRow)));
    total.font = { bold: true };
    total.getCell(1).value = lang === 'en' ? 'Total' : '合计';
  }
  sheet.autoFilter = { from: { row: 2, column: 1 }, to: { row: 2, column: columns.length } };
  return sheet;
}

export interface ReviewWorkbook {
  fileName: string;
  asciiFileName: string;
  content: Buffer;
}

/**
 * The review of an area as a workbook: one sheet per worker, one per child area with the total.
 * The export is audit-logged (who, which area and period, how many rows) before it is returned.
 */
export async function exportReview(db: Db, actor: Actor, query: ReviewExportQuery): Promise<ReviewWorkbook> {
  const lang: ExportLanguage = query.lang ?? 'zh-CN';
  const context = await reviewContext(db, actor.viewer, query);
  const workers = await workerReviewRows(db, context);
  const areas: AreaReviewList = await areaReviewRows(db, context);
  const { area, period } = context;
  await recordAudit(db, actor, {
    action: 'review.export',
    entityType: 'review',
    entityId: `${area.code}:${period.from}:${period.to}`,
    areaPath: area.path,
    after: {
      area: area.code,
      from: period.from,
      to: period.to,
      workers: workers.total,
      areas: areas.items.length,
    },
  });

  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Gridguard';
  workbook.created = actor.now();
  const span = `${period.from} — ${period.to}`;
  const titles =
    lang === 'en'
      ? {
          workers: `${area.name} (${area.code}) · worker review · ${span}`,
          areas: `${area.name} (${area.code}) · area review · ${span}`,
        }
      : {
          workers: `${area.name}（${area.code}）人员考核 · ${span}`,
          areas: `${area.name}（${area.code}）区域考核 · ${span}`,
        };
  addSheet(workbook, SHEET_NAMES[lang].workers, titles.workers, WORKER_COLUMNS, workers.items, lang);
  addSheet(workbook, SHEET_NAMES[lang].areas, titles.areas, AREA_COLUMNS, areas.items, lang, {
    ...areas.total,
    ownLevel: false,
  });
  const content = Buffer.from(await workbook.xlsx.writeBuffer());
  return {
    fileName: `考核-${area.name}-${period.from}-${period.to}.xlsx`,
    asciiFileName: `review-${area.code}-${period.from}-${period.to}.xlsx`,
    content,
  };
}
