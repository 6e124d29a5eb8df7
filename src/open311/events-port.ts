import type { Viewer } from '../auth/scope.js';
import type { Actor, Db } from '../auth/context.js';
import { AppError } from '../core/errors.js';
import { findCategoryByCode } from '../events/repository.js';
import { deepestMappedAreaAt } from '../events/location.js';
import type { PreparedPhoto } from '../events/photos/photos.js';
import { tierChain } from '../events/responders.js';
import { createEvent } from '../events/service.js';
import { findAreaById } from '../hierarchy/repository.js';
import type { FieldCipher } from '../privacy/field-crypto.js';
import { hasMappedAreaIn } from './repository.js';

export interface CitizenEventInput {
  categoryCode: string;
  /** Where an address-only request lands: the address_id's or jurisdiction's area, else the key's. */
  area: { id: number; path: string };
  description: string | null;
  address: string | null;
  lng: number | null;
  lat: number | null;
  reporterName: string | null;
  /** As the client sent it (Open311 phones are not Chinese mobiles); stored encrypted and masked. */
  reporterPhone: string | null;
  mediaUrl: string | null;
  attributes: Record<string, string | string[]> | null;
  photos: readonly PreparedPhoto[];
}

/**
 * The area an Open311 request lands in: the deepest mapped area of the given area's subtree holding
 * the point; the given area itself when only an address is known. A point outside the map is refused.
 */
async function locate(
  db: Db,
  area: { id: number; path: string },
  point: { lng: number; lat: number } | null,
) {
  if (!point) return area.id;
  const hit = await deepestMappedAreaAt(db, area.path, point);
  if (hit) return hit.id;
  // A key over an unmapped subtree takes the point as given; over a mapped one it must fall inside.
  if (await hasMappedAreaIn(db, area.path))
    throw new AppError('VALIDATION_FAILED', 400, 'lat/long lie outside the area this key serves');
  return area.id;
}

/** Files an Open311 request through the events service, as source 'open311'. */
export async function fileCitizenEvent(
  db: Db,
  actor: Actor & { viewer: Extract<Viewer, { kind: 'token' }> },
  cipher: FieldCipher,
  input: CitizenEventInput,
): Promise<{ id: number; code: string }> {
  const category = await findCategoryByCode(db, input.categoryCode);
  if (!category || category.retired_at || !category.public)
    throw new AppError('NOT_FOUND', 404, `service_code ${input.categoryCode} is not provided`);
  const point = input.lng !== null && input.lat !== null ? { lng: input.lng, lat: input.lat } : null;
  const areaId = await locate(db, input.area, point);
  const area = await findAreaById(db, areaId);
  if (!area) throw new AppError('NOT_FOUND', 404, 'The key’s area no longer exists');
  // An area above every desk (a city key with an address only) has no inbox to route to.
  if ((await tierChain(db, area.path)).length === 0)
    throw new AppError(
      'VALIDATION_FAILED',
      400,
      'The location is above every district: send lat and long, an address_id or a jurisdiction_id of a district or below',
    );
  const created = await createEvent(
    db,
    actor,
    {
      source: 'open311',
      categoryId: category.id,
      areaId,
      title: (input.description ?? category.name_zh).slice(0, 60),
      description: input.description,
      address: input.address,
      lng: input.lng,
      lat: input.lat,
      reporterName: input.reporterName,
      reporterPhone: input.reporterPhone,
      reporterPhoneRule: 'asGiven',
      mediaUrl: input.mediaUrl,
      attributes: input.attributes,
      photos: input.photos,
    },
    { cipher },
  );
  return { id: created.id, code: created.code };
}
