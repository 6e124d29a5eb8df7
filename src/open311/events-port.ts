import type { Viewer } from '../auth/scope.js';
import type { Actor, Db } from '../auth/context.js';
import { AppError } from '../core/errors.js';
import { findCategoryByCode } from '../events/repository.js';
import { deepestMappedAreaAt } from '../events/location.js';
import { createEvent } from '../events/service.js';
import { findAreaById } from '../hierarchy/repository.js';
import type { FieldCipher } from '../privacy/field-crypto.js';
import { hasMappedAreaIn } from './repository.js';

export interface CitizenEventInput {
  categoryCode: string;
  description: string | null;
  address: string | null;
  lng: number | null;
  lat: number | null;
  reporterName: string | null;
  reporterPhone: string | null;
  mediaUrl: string | null;
}

/**
 * The area an Open311 request lands in: the deepest mapped area of the key's subtree holding the
 * point; the key's own area when only an address is given. A point outside the key's map is refused.
 */
async function locate(db: Db, areaPath: string, areaId: number, point: { lng: number; lat: number } | null) {
  if (!point) return areaId;
  const hit = await deepestMappedAreaAt(db, areaPath, point);
  if (hit) return hit.id;
  // A key over an unmapped subtree takes the point as given; over a mapped one it must fall inside.
  if (await hasMappedAreaIn(db, areaPath))
    throw new AppError('VALIDATION_FAILED', 400, 'lat/long lie outside the area this key serves');
  return areaId;
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
  const areaId = await locate(db, actor.viewer.areaPath, actor.viewer.areaId, point);
  const area = await findAreaById(db, areaId);
  if (!area) throw new AppError('NOT_FOUND', 404, 'The key’s area no longer exists');
  const description = [input.description, input.mediaUrl ? `media_url: ${input.mediaUrl}` : null]
    .filter(Boolean)
    .join('\n');
  const created = await createEvent(
    db,
    actor,
    {
      source: 'open311',
      categoryId: category.id,
      areaId,
      title: (input.description ?? category.name_zh).slice(0, 60),
      description: description || null,
      address: input.address,
      lng: input.lng,
      lat: input.lat,
      reporterName: input.reporterName,
      reporterPhone: input.reporterPhone,
    },
    { cipher },
  );
  return { id: created.id, code: created.code };
}
