import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Kysely } from 'kysely';
import { recordAudit } from '../audit/repository.js';
import { can } from '../auth/scope.js';
import type { Actor } from '../auth/context.js';
import { forbidden, invalid, notFound } from '../core/errors.js';
import type { PersonStatus } from '../core/vocabulary.js';
import type { DB } from '../db/schema.js';
import { findAreaInScope } from '../hierarchy/repository.js';
import type { FieldCipher } from '../privacy/field-crypto.js';
import { DOCUMENT_TYPE_LABELS, type DocumentType } from '../register/identity/documents.js';
import { revealPerson } from '../register/protect.js';
import { PERSON_COLUMNS } from './columns.js';
import { exportCount, exportPage, type ExportRow } from './repository.js';
import type { ExportQuery } from './schema.js';
import { TAG_LABELS } from './values.js';

const RESIDENCE_LABELS: Record<string, string> = {
  registered: '户籍',
  permanent: '常住',
  floating: '流动',
  temporary: '暂住',
};
const SEX_LABELS: Record<string, string> = { male: '男', female: '女', unknown: '未知' };
// Typed by the vocabulary: a new person status fails the build until the export names it.
const STATUS_LABELS: Record<PersonStatus, string> = { active: '在住', departed: '已离开', deceased: '已故' };

const label = (field: Parameters<typeof PERSON_COLUMNS.label>[0]) => PERSON_COLUMNS.label(field);

/** What an export row shows of the secrets: all of them when revealed, else masks and the birth year. */
interface Shown {
  documentNumber: string;
  phone: string | null;
  birthDate: string | null;
}

/**
 * Columns of the export: the import template's headers (so a revealed export imports back), then
 * status. A masked export says 出生年份 and gives the year: with the masked number a full birth
 * date would rebuild it.
 */
const COLUMNS: Array<{
  header: string;
  maskedHeader?: string;
  width: number;
  value(row: ExportRow, secrets: Shown): string;
}> = [
  { header: label('name'), width: 12, value: (r) => r.name },
  {
    header: label('documentType'),
    width: 14,
    value: (r) => DOCUMENT_TYPE_LABELS[r.document_type as DocumentType] ?? r.document_type,
  },
  { header: label('documentNumber'), width: 22, value: (_r, s) => s.documentNumber },
  { header: label('sex'), width: 6, value: (r) => SEX_LABELS[r.sex] ?? r.sex },
  { header: label('birthDate'), maskedHeader: '出生年份', width: 12, value: (_r, s) => s.birthDate ?? '' },
  { header: label('phone'), width: 16, value: (_r, s) => s.phone ?? '' },
  { header: label('hukouAddress'), width: 30, value: (r) => r.hukou_address ?? '' },
  { header: label('currentAddress'), width: 30, value: (r) => r.current_address ?? '' },
  { header: label('gridCode'), width: 20, value: (r) => r.area_code ?? '' },
  { header: '网格名称', width: 14, value: (r) => r.area_name ?? '' },
  { header: label('houseAddress'), width: 24, value: (r) => r.house_address ?? '' },
  {
    header: label('residenceType'),
    width: 10,
    value: (r) => RESIDENCE_LABELS[r.residence_type] ?? r.residence_type,
  },
  { header: label('relation'), width: 10, value: (r) => r.relation ?? '' },
  { header: label('arrivalDate'), width: 12, value: (r) => r.arrival_date ?? '' },
  { header: label('arrivedFrom'), width: 16, value: (r) => r.arrived_from ?? '' },
  { header: label('arrivalReason'), width: 16, value: (r) => r.arrival_reason ?? '' },
  { header: label('expectedDeparture'), width: 12, value: (r) => r.expected_departure ?? '' },
  { header: label('workplace'), width: 20, value: (r) => r.workplace ?? '' },
  {
    header: label('tags'),
    width: 20,
    value: (r) => r.tags.map((t) => TAG_LABELS[t as keyof typeof TAG_LABELS] ?? t).join('、'),
  },
  { header: '状态', width: 8, value: (r) => STATUS_LABELS[r.status] ?? r.status },
];

const PAGE = 2000;

export interface PreparedExport {
  areaName: string;
  count: number;
  /** Streams the workbook; rows are read page by page, never all at once. */
  write(output: Writable): Promise<void>;
}

/**
 * Checks and logs an export of the persons under an area: the area must be in the caller's
 * export scope (else 404, as if it did not exist); revealing needs person.reveal over it and a
 * reason (else 403/400). The audit entry is written before any row leaves.
 */
export async function prepareExport(
  db: Kysely<DB>,
  actor: Actor,
  cipher: FieldCipher,
  query: ExportQuery,
): Promise<PreparedExport> {
  const area = await findAreaInScope(db, actor.viewer, 'person.export', query.within);
  if (!area) throw notFound('AREA_NOT_FOUND', `Area ${query.within} does not exist or is outside your area`);
  const reveal = query.reveal === true;
  if (reveal && !can(actor.viewer, 'person.reveal', area.path))
    throw forbidden('You may not export unmasked identity numbers or phones here');
  const reason = query.reason?.trim();
  if (reveal && !reason)
    throw invalid('VALIDATION_FAILED', 'querystring.reason is required to export unmasked data', [
      {
        field: 'querystring.reason',
        code: 'requiredWith',
        params: { other: 'reveal=true' },
        message: 'is required with reveal=true',
      },
    ]);
  const status = query.status ?? 'active';
  const count = await exportCount(db, actor.viewer, area.path, status);
  await recordAudit(db, actor, {
    action: 'person.export',
    entityType: 'person',
    areaPath: area.path,
    after: { within: area.code, count, revealed: reveal, status },
    reason: reason ?? null,
  });

  return {
    areaName: area.name,
    count,
    async write(output) {
      const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
        stream: output,
        useStyles: true,
        useSharedStrings: false,
      });
      const sheet = workbook.addWorksheet('人员', { views: [{ state: 'frozen', ySplit: 1 }] });
      sheet.columns = COLUMNS.map((c) => ({ width: c.width, style: { numFmt: '@' } }));
      const header = sheet.addRow(COLUMNS.map((c) => (reveal ? c.header : (c.maskedHeader ?? c.header))));
      header.font = { bold: true };
      header.commit();
      let after = 0;
      for (;;) {
        const rows = await exportPage(db, actor.viewer, area.path, after, PAGE, status);
        for (const row of rows) {
          const secrets: Shown = reveal
            ? revealPerson(cipher, row.secret)
            : {
                documentNumber: row.document_masked,
                phone: row.phone_masked,
                birthDate: row.birth_year === null ? null : String(row.birth_year),
              };
          sheet.addRow(COLUMNS.map((c) => c.value(row, secrets))).commit();
        }
        if (rows.length < PAGE) break;
        after = rows[rows.length - 1]!.id;
      }
      sheet.commit();
      await workbook.commit();
    },
  };
}
