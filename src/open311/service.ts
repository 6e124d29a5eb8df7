import type { Viewer } from '../auth/scope.js';
import type { Actor, Db } from '../auth/context.js';
import { AppError } from '../core/errors.js';
import type { FieldCipher } from '../privacy/field-crypto.js';
import {
  CLOSED_STATUSES,
  findAreaPathByCode,
  type RequestFilter,
  type ServiceRequestRow,
  type ServiceRow,
} from './repository.js';
import { fileCitizenEvent } from './events-port.js';

/** The fields of a GeoReport v2 "POST Service Request", all strings as posted. */
export interface ServiceRequestForm {
  api_key?: string;
  jurisdiction_id?: string;
  service_code?: string;
  lat?: string;
  long?: string;
  address_string?: string;
  address_id?: string;
  email?: string;
  device_id?: string;
  account_id?: string;
  first_name?: string;
  last_name?: string;
  phone?: string;
  description?: string;
  media_url?: string;
  [attribute: string]: string | undefined;
}

const DEFAULT_LIMIT = 1000;
/** The spec's default window when no dates are given: the last 90 days. */
const DEFAULT_WINDOW_MS = 90 * 86_400_000;

export function presentService(row: ServiceRow, english: boolean) {
  return {
    service_code: row.code,
    service_name: english ? row.name_en : row.name_zh,
    description: english ? row.name_en : row.name_zh,
    metadata: false,
    type: 'realtime',
    keywords: [row.name_zh, row.name_en].join(','),
    group: (english ? row.group_en : row.group_zh) ?? '',
  };
}

/** No service asks for extra attributes: the definition lists none (metadata is false everywhere). */
export function serviceDefinition(row: ServiceRow) {
  return { service_code: row.code, attributes: [] };
}

const iso = (value: Date | null) => (value ? value.toISOString() : null);

export function presentRequest(row: ServiceRequestRow, english: boolean) {
  return {
    service_request_id: row.code,
    status: CLOSED_STATUSES.includes(row.status) ? 'closed' : 'open',
    status_notes: row.status_notes,
    service_name: english ? row.service_name_en : row.service_name_zh,
    service_code: row.service_code,
    description: row.description ?? row.title,
    agency_responsible: row.agency,
    service_notice: null,
    requested_datetime: iso(row.created_at),
    updated_datetime: iso(row.updated_at),
    expected_datetime: CLOSED_STATUSES.includes(row.status) ? null : iso(row.step_deadline),
    address: row.address,
    address_id: null,
    zipcode: null,
    lat: row.lat,
    long: row.lng,
    media_url: null,
  };
}

function parseDate(value: string | undefined, field: string): Date | undefined {
  if (value === undefined || value === '') return undefined;
  // W3C date-time with a zone, as the spec requires.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value))
    throw new AppError('VALIDATION_FAILED', 400, `${field} must be an ISO 8601 date-time with a time zone`);
  const date = new Date(value);
  if (Number.isNaN(date.getTime()))
    throw new AppError('VALIDATION_FAILED', 400, `${field} is not a valid date`);
  return date;
}

/** GET Service Requests parameters; by default the last 90 days, at most 1,000 requests. */
export function parseRequestQuery(
  query: Record<string, string>,
  areaPath: string,
  now: Date,
): Omit<RequestFilter, 'codes'> {
  const status = query.status;
  if (status !== undefined && status !== '' && status !== 'open' && status !== 'closed')
    throw new AppError('VALIDATION_FAILED', 400, 'status must be open or closed');
  let startDate = parseDate(query.start_date, 'start_date');
  const endDate = parseDate(query.end_date, 'end_date');
  if (!startDate && !endDate && query.service_request_id === undefined)
    startDate = new Date(now.getTime() - DEFAULT_WINDOW_MS);
  if (startDate && endDate && startDate > endDate)
    throw new AppError('VALIDATION_FAILED', 400, 'start_date must not be after end_date');
  return {
    areaPath,
    limit: DEFAULT_LIMIT,
    ...(query.service_code ? { serviceCode: query.service_code } : {}),
    ...(startDate ? { startDate } : {}),
    ...(endDate ? { endDate } : {}),
    ...(status === 'open' || status === 'closed' ? { status } : {}),
  };
}

function coordinate(value: string | undefined, field: string, min: number, max: number): number | null {
  if (value === undefined || value.trim() === '') return null;
  const number = Number(value);
  if (!Number.isFinite(number) || number < min || number > max)
    throw new AppError('VALIDATION_FAILED', 400, `${field} must be a number between ${min} and ${max}`);
  return number;
}

function text(value: string | undefined, field: string, max: number): string | null {
  const trimmed = value?.trim() ?? '';
  if (trimmed === '') return null;
  if (trimmed.length > max)
    throw new AppError('VALIDATION_FAILED', 400, `${field} is longer than ${max} characters`);
  return trimmed;
}

/**
 * Files a GeoReport v2 service request as a citizen event in the key's area. A location is
 * required (lat and long, or address_string); the reporter's name and phone are kept like any
 * reporter's (phone encrypted). E-mail, device and account ids are not stored: nothing reads them.
 */
export async function fileServiceRequest(
  db: Db,
  actor: Actor & { viewer: Extract<Viewer, { kind: 'token' }> },
  cipher: FieldCipher,
  form: ServiceRequestForm,
): Promise<{ code: string; notice: string }> {
  const serviceCode = text(form.service_code, 'service_code', 40);
  if (!serviceCode) throw new AppError('VALIDATION_FAILED', 400, 'service_code is required');
  const lat = coordinate(form.lat, 'lat', -90, 90);
  const lng = coordinate(form.long, 'long', -180, 180);
  if ((lat === null) !== (lng === null))
    throw new AppError('VALIDATION_FAILED', 400, 'lat and long must be given together');
  const address = text(form.address_string, 'address_string', 200);
  if (lat === null && !address)
    throw new AppError('VALIDATION_FAILED', 400, 'A location is required: lat and long, or address_string');
  const description = text(form.description, 'description', 4000);
  const name = [text(form.last_name, 'last_name', 20), text(form.first_name, 'first_name', 20)]
    .filter(Boolean)
    .join('');
  const mediaUrl = text(form.media_url, 'media_url', 500);
  if (mediaUrl && !/^https?:\/\//.test(mediaUrl))
    throw new AppError('VALIDATION_FAILED', 400, 'media_url must be an http(s) URL');
  if (form.jurisdiction_id) {
    const jurisdiction = await findAreaPathByCode(db, form.jurisdiction_id);
    if (!jurisdiction || !jurisdiction.path.startsWith(actor.viewer.areaPath))
      throw new AppError(
        'VALIDATION_FAILED',
        400,
        `jurisdiction_id ${form.jurisdiction_id} is not served by this key`,
      );
  }
  const created = await fileCitizenEvent(db, actor, cipher, {
    categoryCode: serviceCode,
    description,
    address,
    lng,
    lat,
    reporterName: name || null,
    reporterPhone: text(form.phone, 'phone', 20),
    mediaUrl,
  });
  return { code: created.code, notice: '已受理，请凭编号查询处理进度 (received; follow it by its id)' };
}
