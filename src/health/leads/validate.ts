import { defineColumns } from '../../imports/columns.js';
import { parseDocument } from '../../register/identity/documents.js';
import { normalisePhone } from '../../register/protect.js';
import { type CellProblem, parseDate, roundedCell, RowProblems } from '../../register-import/values.js';

/** Columns of a lead list (大数据线索), with the titles such lists use. Required: the reason. */
export const LEAD_COLUMNS = defineColumns({
  documentNumber: {
    labels: [
      '身份证号',
      '公民身份号码',
      '身份证号码',
      '证件号码',
      '证件号',
      'idNumber',
      'id number',
      'documentNumber',
    ],
  },
  phone: { labels: ['手机号', '手机号码', '联系电话', '电话', '手机', 'phone', 'mobile'] },
  name: { labels: ['姓名', '名字', 'name'] },
  address: { labels: ['地址', '住址', '现住址', '居住地址', '详细地址', 'address'] },
  reason: {
    labels: ['核查事由', '线索原因', '线索类型', '推送原因', '事由', '原因', 'reason'],
    required: true,
  },
  deadline: { labels: ['核查时限', '截止时间', '完成时限', '反馈时限', '时限', 'deadline'] },
});
export type LeadField = (typeof LEAD_COLUMNS.fields)[number];

export const DEFAULT_DEADLINE_HOURS = 24;
const HOUR_MS = 3600 * 1000;
const CST_OFFSET_MS = 8 * HOUR_MS;

/** A lead as checked: normalised identity (never logged), reason and deadline. */
export interface LeadCandidate {
  row: number;
  documentNumber: string | null;
  phone: string | null;
  name: string | null;
  address: string | null;
  reason: string;
  deadline: Date;
}

const DATE_TIME =
  /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[T\s]*(\d{1,2})[:时点](\d{1,2})?(?::(\d{1,2}))?分?)?$/;

/**
 * A deadline as lists write it: an ISO instant with a zone; a China-time date and time
 * ("2026-11-03 18:00", "2026年11月3日18时"); a date alone, meaning the end of that day in
 * China time; or a number of hours from now ("48h", "48小时"). Empty means the default.
 */
export function parseDeadline(value: string, now: Date): Date | null {
  const text = value.normalize('NFKC').trim();
  if (text === '') return new Date(now.getTime() + DEFAULT_DEADLINE_HOURS * HOUR_MS);
  const hours = /^(\d{1,4}(?:\.\d+)?)\s*(?:h|hours?|小时)$/i.exec(text);
  if (hours) return new Date(now.getTime() + Number(hours[1]) * HOUR_MS);
  if (/[zZ]$|[+-]\d{2}:?\d{2}$/.test(text) && /^\d{4}-\d{2}-\d{2}T/.test(text)) {
    const instant = Date.parse(text);
    return Number.isNaN(instant) ? null : new Date(instant);
  }
  const m = DATE_TIME.exec(text);
  if (!m) {
    const day = parseDate(text);
    if (!day) return null;
    return new Date(Date.parse(`${day}T00:00:00Z`) + 24 * HOUR_MS - CST_OFFSET_MS);
  }
  const day = parseDate(`${m[1]}-${m[2]}-${m[3]}`);
  if (!day) return null;
  if (m[4] === undefined) return new Date(Date.parse(`${day}T00:00:00Z`) + 24 * HOUR_MS - CST_OFFSET_MS);
  const [h, min, s] = [Number(m[4]), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  if (h > 24 || min > 59 || s > 59) return null;
  return new Date(Date.parse(`${day}T00:00:00Z`) + ((h * 60 + min) * 60 + s) * 1000 - CST_OFFSET_MS);
}

const trimmed = (value: string | undefined) => value?.trim() ?? '';

/**
 * Checks one lead: a valid resident ID number and phone when given, at least one of ID number,
 * phone, or name with address (else nobody could be found), a reason, and a future deadline.
 * Returns every problem of the lead, or the candidate.
 */
export function validateLeadRow(
  row: Partial<Record<LeadField, string>>,
  rowNumber: number,
  now: Date,
): LeadCandidate | CellProblem[] {
  const problems = new RowProblems();
  let documentNumber: string | null = null;
  const idText = trimmed(row.documentNumber);
  // An ID number given but wrong is its own problem, not also a missing identity.
  let identityGiven = idText !== '';
  if (idText !== '') {
    const rounded = roundedCell('documentNumber', idText);
    const parsed = rounded ? undefined : parseDocument('resident_id', idText, { today: now });
    if (rounded) problems.take(rounded);
    else if (parsed && !parsed.ok) problems.add('documentNumber', parsed.problem, parsed.params);
    else if (parsed?.ok) documentNumber = parsed.value.number;
  }
  let phone: string | null = null;
  const phoneText = trimmed(row.phone);
  if (phoneText !== '') {
    identityGiven = true;
    const normalised = normalisePhone(phoneText);
    if (normalised.ok) phone = normalised.value;
    else problems.add('phone', 'phone');
  }
  const name = trimmed(row.name);
  if (name.length > 50) problems.add('name', 'maxLength', { max: 50 });
  const address = trimmed(row.address);
  if (address.length > 200) problems.add('address', 'maxLength', { max: 200 });
  if (!identityGiven && !(name && address)) problems.add('documentNumber', 'leadIdentity');
  const reason = trimmed(row.reason);
  if (reason === '') problems.add('reason', 'required');
  else if (reason.length > 500) problems.add('reason', 'maxLength', { max: 500 });
  const deadline = parseDeadline(row.deadline ?? '', now);
  if (!deadline) problems.add('deadline', 'deadline');
  else if (deadline.getTime() <= now.getTime()) problems.add('deadline', 'deadlinePast');
  if (!problems.ok || !deadline) return problems.list;
  return {
    row: rowNumber,
    documentNumber,
    phone,
    name: name || null,
    address: address || null,
    reason,
    deadline,
  };
}

/** The key under which two rows are the same lead: identity and reason, not the deadline. */
export function leadKey(c: Pick<LeadCandidate, 'documentNumber' | 'phone' | 'name' | 'address' | 'reason'>) {
  return JSON.stringify([c.documentNumber, c.phone, c.name, c.address, c.reason]);
}
