import type { Viewer } from '../auth/scope.js';
import type { Actor, Db } from '../auth/context.js';
import { AppError } from '../core/errors.js';
import type { CategoryAttribute } from '../db/schema.js';
import type { PreparedPhoto } from '../events/photos/photos.js';
import type { FieldCipher } from '../privacy/field-crypto.js';
import {
  CLOSED_STATUSES,
  findAreaByCode,
  type RequestFilter,
  type ServiceRequestRow,
  type ServiceRow,
} from './repository.js';
import { fileCitizenEvent } from './events-port.js';

type TokenViewer = Extract<Viewer, { kind: 'token' }>;

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
  [field: string]: string | undefined;
}

const DEFAULT_LIMIT = 1000;
/** The spec's default window: the last 90 days, or 90 days from (or up to) the one date given. */
const DEFAULT_WINDOW_MS = 90 * 86_400_000;
/** Bounds of the free-text fields a client may post. */
const MAX_NAME = 100;
const MAX_PHONE = 40;
const MAX_ATTRIBUTE = 1000;

const invalid = (message: string) => new AppError('VALIDATION_FAILED', 400, message);

export function presentService(row: ServiceRow, english: boolean) {
  return {
    service_code: row.code,
    service_name: english ? row.name_en : row.name_zh,
    description: english ? row.name_en : row.name_zh,
    metadata: row.attributes.length > 0,
    type: 'realtime',
    keywords: [row.name_zh, row.name_en].join(','),
    group: (english ? row.group_en : row.group_zh) ?? '',
  };
}

/** A service definition: the category's questions, in the spec's attribute shape. */
export function serviceDefinition(row: ServiceRow, english: boolean) {
  return {
    service_code: row.code,
    attributes: row.attributes.map((attribute, index) => ({
      variable: true,
      code: attribute.code,
      datatype: attribute.datatype,
      required: attribute.required,
      datatype_description: null,
      order: index + 1,
      description: english ? attribute.description_en : attribute.description_zh,
      values: (attribute.values ?? []).map((value) => ({
        key: value.key,
        name: english ? value.name_en : value.name_zh,
      })),
    })),
  };
}

const iso = (value: Date | null) => (value ? value.toISOString() : null);

/** `mediaBase` is the public URL of /open311/v2: a photo posted through Open311 is served under it. */
export function presentRequest(row: ServiceRequestRow, english: boolean, mediaBase: string) {
  const closed = CLOSED_STATUSES.includes(row.status);
  return {
    service_request_id: row.code,
    status: closed ? 'closed' : 'open',
    status_notes: row.status_notes,
    service_name: english ? row.service_name_en : row.service_name_zh,
    service_code: row.service_code,
    description: row.description ?? row.title,
    agency_responsible: row.agency,
    service_notice: null,
    requested_datetime: iso(row.created_at),
    updated_datetime: iso(row.updated_at),
    expected_datetime: closed ? null : iso(row.step_deadline),
    address: row.address,
    address_id: null,
    zipcode: null,
    lat: row.lat,
    long: row.lng,
    media_url:
      row.photo_id !== null ? `${mediaBase}/requests/${row.code}/media/${row.photo_id}` : row.media_url,
  };
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

function parseDate(value: string | undefined, field: string): Date | undefined {
  if (value === undefined || value === '') return undefined;
  // W3C date-time with a zone, as the spec requires.
  if (!DATE_TIME.test(value)) throw invalid(`${field} must be an ISO 8601 date-time with a time zone`);
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw invalid(`${field} is not a valid date`);
  return date;
}

/** A comma list of the spec (`status=open,closed`, `service_code=a,b`, `service_request_id=x,y`). */
export function commaList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

/**
 * GET Service Requests parameters. service_request_id overrides every other one, as the spec says;
 * otherwise the window is 90 days: the last 90 days, or 90 days after start_date or before end_date.
 * At most 1,000 requests.
 */
export function parseRequestQuery(
  query: Record<string, string>,
  now: Date,
): Omit<RequestFilter, 'areaPath' | 'publicOnly'> {
  const codes = commaList(query.service_request_id);
  if (codes.length > DEFAULT_LIMIT) throw invalid(`service_request_id lists more than ${DEFAULT_LIMIT} ids`);
  if (codes.length > 0) return { codes, limit: DEFAULT_LIMIT };
  const statuses = commaList(query.status);
  for (const status of statuses)
    if (status !== 'open' && status !== 'closed') throw invalid('status must be open, closed or both');
  let startDate = parseDate(query.start_date, 'start_date');
  let endDate = parseDate(query.end_date, 'end_date');
  if (!startDate && !endDate) startDate = new Date(now.getTime() - DEFAULT_WINDOW_MS);
  else if (!endDate) endDate = new Date(startDate!.getTime() + DEFAULT_WINDOW_MS);
  else if (!startDate) startDate = new Date(endDate.getTime() - DEFAULT_WINDOW_MS);
  if (startDate && endDate && startDate > endDate) throw invalid('start_date must not be after end_date');
  const serviceCodes = commaList(query.service_code);
  const status = new Set(statuses).size === 1 ? (statuses[0] as 'open' | 'closed') : undefined;
  return {
    limit: DEFAULT_LIMIT,
    ...(serviceCodes.length ? { serviceCodes } : {}),
    ...(startDate ? { startDate } : {}),
    ...(endDate ? { endDate } : {}),
    ...(status ? { status } : {}),
  };
}

/**
 * The subtree a jurisdiction_id names. An unknown one, or one outside the caller's key, is 404 as
 * the spec says; none given is the key's area (every area for a client without a key).
 */
export async function jurisdictionPath(
  db: Db,
  jurisdictionId: string | undefined,
  viewer: TokenViewer | null,
): Promise<{ id: number; path: string } | undefined> {
  if (!jurisdictionId) return viewer ? { id: viewer.areaId, path: viewer.areaPath } : undefined;
  const area = jurisdictionId.length <= 40 ? await findAreaByCode(db, jurisdictionId) : undefined;
  if (!area || (viewer && !area.path.startsWith(viewer.areaPath)))
    throw new AppError('NOT_FOUND', 404, `jurisdiction_id ${jurisdictionId} is not served here`);
  return area;
}

function coordinate(value: string | undefined, field: string, min: number, max: number): number | null {
  if (value === undefined || value.trim() === '') return null;
  const number = Number(value);
  if (!Number.isFinite(number) || number < min || number > max)
    throw invalid(`${field} must be a number between ${min} and ${max}`);
  return number;
}

function text(value: string | undefined, field: string, max: number): string | null {
  const trimmed = value?.trim() ?? '';
  if (trimmed === '') return null;
  if (Array.from(trimmed).length > max) throw invalid(`${field} is longer than ${max} characters`);
  return trimmed;
}

/** Phones from anywhere (`111111111`, `+1 (555) 555-5555`, `010-1234 5678 ext. 9`): digits and punctuation. */
function phone(value: string | undefined): string | null {
  const given = text(value, 'phone', MAX_PHONE);
  if (given === null) return null;
  if (!/^[0-9+()\-.\s/#*extEXT]+$/.test(given) || (given.match(/\d/g)?.length ?? 0) < 3)
    throw invalid('phone must be a telephone number');
  return given;
}

/** "王" + "明" → 王明; "Jane" + "Doe" → Jane Doe. */
function fullName(first: string | null, last: string | null): string | null {
  if (!first || !last) return first ?? last;
  return /^[\x20-\x7e]+$/.test(first + last) ? `${first} ${last}` : `${last}${first}`;
}

/** Answers to a service's attributes (`attribute[code]=value`, `attribute[code][]=a&…` for lists). */
export function checkAttributes(
  attributes: readonly CategoryAttribute[],
  given: Record<string, string[]>,
): Record<string, string | string[]> | null {
  const known = new Map(attributes.map((a) => [a.code, a]));
  for (const code of Object.keys(given))
    if (!known.has(code)) throw invalid(`attribute[${code}] is not an attribute of this service`);
  const answers: Record<string, string | string[]> = {};
  for (const attribute of attributes) {
    const field = `attribute[${attribute.code}]`;
    const values = (given[attribute.code] ?? []).map((v) => v.trim()).filter(Boolean);
    if (values.length === 0) {
      if (attribute.required) throw invalid(`${field} is required`);
      continue;
    }
    for (const value of values) {
      if (Array.from(value).length > MAX_ATTRIBUTE)
        throw invalid(`${field} is longer than ${MAX_ATTRIBUTE} characters`);
      if (
        (attribute.datatype === 'singlevaluelist' || attribute.datatype === 'multivaluelist') &&
        !(attribute.values ?? []).some((v) => v.key === value)
      )
        throw invalid(`${field} must be one of the keys of its values`);
      if (attribute.datatype === 'number' && !Number.isFinite(Number(value)))
        throw invalid(`${field} must be a number`);
      if (attribute.datatype === 'datetime') parseDate(value, field);
    }
    if (attribute.datatype !== 'multivaluelist' && values.length > 1)
      throw invalid(`${field} takes one value`);
    answers[attribute.code] = attribute.datatype === 'multivaluelist' ? values : values[0]!;
  }
  return Object.keys(answers).length ? answers : null;
}

/**
 * Files a GeoReport v2 service request as a citizen event in the key's area. A location is
 * required: lat and long, address_string, or address_id (the code of an area of the key's subtree).
 * The reporter's name and phone are kept like any reporter's (encrypted, shown masked) but as given:
 * Chinese-mobile rules stay on our own forms. E-mail, device and account ids are not stored.
 */
export async function fileServiceRequest(
  db: Db,
  actor: Actor & { viewer: TokenViewer },
  cipher: FieldCipher,
  input: {
    form: ServiceRequestForm;
    attributes: Record<string, string[]>;
    service: ServiceRow | undefined;
    photos: readonly PreparedPhoto[];
  },
): Promise<{ code: string; notice: string }> {
  const { form } = input;
  const serviceCode = text(form.service_code, 'service_code', 40);
  if (!serviceCode) throw invalid('service_code is required');
  if (!input.service) throw new AppError('NOT_FOUND', 404, `service_code ${serviceCode} is not provided`);
  let area = await jurisdictionPath(db, form.jurisdiction_id, actor.viewer);
  const lat = coordinate(form.lat, 'lat', -90, 90);
  const lng = coordinate(form.long, 'long', -180, 180);
  if ((lat === null) !== (lng === null)) throw invalid('lat and long must be given together');
  const address = text(form.address_string, 'address_string', 200);
  const addressId = text(form.address_id, 'address_id', 40);
  if (addressId) {
    const addressed = await findAreaByCode(db, addressId);
    if (!addressed || !addressed.path.startsWith(area!.path))
      throw invalid(`address_id ${addressId} is not an area this key serves`);
    area = addressed;
  }
  if (lat === null && !address && !addressId)
    throw invalid('A location is required: lat and long, address_string or address_id');
  const mediaUrl = text(form.media_url, 'media_url', 500);
  if (mediaUrl && !/^https?:\/\/[^\s]+$/.test(mediaUrl)) throw invalid('media_url must be an http(s) URL');
  const created = await fileCitizenEvent(db, actor, cipher, {
    categoryCode: serviceCode,
    area: area!,
    description: text(form.description, 'description', 4000),
    address,
    lng,
    lat,
    reporterName: fullName(
      text(form.first_name, 'first_name', MAX_NAME),
      text(form.last_name, 'last_name', MAX_NAME),
    ),
    reporterPhone: phone(form.phone),
    mediaUrl,
    attributes: checkAttributes(input.service.attributes, input.attributes),
    photos: input.photos,
  });
  return { code: created.code, notice: '已受理，请凭编号查询处理进度 (received; follow it by its id)' };
}
