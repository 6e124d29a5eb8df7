import type { Db } from '../auth/context.js';
import { invalid } from '../core/errors.js';
import type { FieldCipher } from '../privacy/field-crypto.js';
import { resolveReportArea } from './location.js';
import type { PreparedPhoto } from './photos/photos.js';
import { storePhotos } from './photos/repository.js';
import * as repo from './repository.js';
import type { PublicReportFields, PublicReportReceipt } from './schema.js';
import { createEvent, REPORTER_VIEWER } from './service.js';

const coordinate = (value: string | undefined) => (value === undefined ? null : Number(value));

/**
 * A resident's report from the public page (随手拍): a public category, a point on the map or an
 * address inside the page's community, a description, up to four photos and optional contact.
 * Lands as a collected event for the tier to verify; the receipt carries the follow-and-rate token.
 */
export async function submitPublicReport(
  db: Db,
  context: { now: Date; ip: string | null; cipher: FieldCipher },
  fields: PublicReportFields,
  photos: readonly PreparedPhoto[],
): Promise<PublicReportReceipt> {
  const category = await repo.findCategoryByCode(db, fields.category);
  if (!category || category.retired_at || !category.public)
    throw invalid('EVENT_CATEGORY_INVALID', `category: ${fields.category} is not offered on this page`, [
      { field: 'category', code: 'notPublicCategory', message: 'is not a public category' },
    ]);
  const lng = coordinate(fields.lng);
  const lat = coordinate(fields.lat);
  if ((lng === null) !== (lat === null))
    throw invalid('REPORT_LOCATION_INVALID', 'lng and lat go together', [
      {
        field: lng === null ? 'lng' : 'lat',
        code: 'requiredWith',
        params: { other: lng === null ? 'lng' : 'lat' },
        message: 'is required with the other coordinate',
      },
    ]);
  if (lng !== null && lat !== null && (Math.abs(lng) > 180 || Math.abs(lat) > 90))
    throw invalid('REPORT_LOCATION_INVALID', 'lng/lat are out of range', [
      { field: 'lng', code: 'coordinate', message: 'out of range' },
    ]);
  const accuracyM = fields.accuracyM === undefined ? null : Number(fields.accuracyM);
  if (accuracyM !== null && accuracyM > 10000)
    throw invalid('REPORT_LOCATION_INVALID', 'accuracyM must be between 0 and 10000 metres', [
      { field: 'accuracyM', code: 'coordinate', message: 'out of range' },
    ]);
  const address = fields.address?.trim() || null;
  if (lng === null && !address)
    throw invalid('REPORT_LOCATION_MISSING', 'Give the place: a point on the map (lng, lat) or an address', [
      {
        field: 'address',
        code: 'requiredOr',
        params: { other: 'lng/lat' },
        message: 'or lng/lat is required',
      },
    ]);
  const area = await resolveReportArea(
    db,
    fields.community,
    lng !== null && lat !== null ? { lng, lat } : null,
  );
  const description = fields.description.trim();
  const created = await createEvent(
    db,
    { viewer: REPORTER_VIEWER, ip: context.ip, now: () => context.now },
    {
      source: 'citizen',
      categoryId: category.id,
      areaId: area.id,
      title: `${category.name_zh}：${description}`.slice(0, 60),
      description,
      address,
      lng,
      lat,
      accuracyM,
      reporterName: fields.name ?? null,
      reporterPhone: fields.phone ?? null,
    },
    { cipher: context.cipher },
  );
  await storePhotos(db, { eventId: created.id, stepId: null, purpose: 'report', photos });
  return { code: created.code, followToken: created.feedbackToken!, photos: photos.length };
}
