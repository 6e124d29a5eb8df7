import type { Selectable } from 'kysely';
import { inScope, type Viewer } from '../../auth/scope.js';
import type { Db } from '../../auth/context.js';
import type { EventPhotosTable } from '../../db/schema.js';
import type { PreparedPhoto } from './photos.js';

export type PhotoPurpose = 'report' | 'feedback';

/** A stored photo without its bytes: what lists and event details show. */
export type PhotoMetadataRow = Omit<Selectable<EventPhotosTable>, 'content'>;
export type PhotoRow = Selectable<EventPhotosTable>;

const METADATA_COLUMNS = [
  'id',
  'event_id',
  'step_id',
  'purpose',
  'mime',
  'width',
  'height',
  'bytes',
  'sha256',
  'created_at',
] as const;

/**
 * Stores re-encoded photos in the database (never on a path the web server serves), in the caller's
 * transaction, so an event and its photos are written together. Returns the new ids in order.
 * The caller has already checked that it may write to the event.
 */
export async function storePhotos(
  db: Db,
  input: { eventId: number; stepId?: number | null; purpose: PhotoPurpose; photos: readonly PreparedPhoto[] },
): Promise<number[]> {
  if (input.photos.length === 0) return [];
  const rows = await db
    .insertInto('event_photos')
    .values(
      input.photos.map((photo) => ({
        event_id: input.eventId,
        step_id: input.stepId ?? null,
        purpose: input.purpose,
        mime: photo.mime,
        width: photo.width,
        height: photo.height,
        bytes: photo.bytes,
        sha256: photo.sha256,
        content: photo.content,
      })),
    )
    .returning('id')
    .execute();
  return rows.map((row) => row.id);
}

/** Metadata of every photo of these events, by event then id; the caller scopes the event ids. */
export async function listPhotos(db: Db, eventIds: readonly number[]): Promise<PhotoMetadataRow[]> {
  if (eventIds.length === 0) return [];
  return db
    .selectFrom('event_photos')
    .select(METADATA_COLUMNS)
    .where('event_id', 'in', [...eventIds])
    .orderBy('event_id')
    .orderBy('id')
    .execute();
}

/** One photo with its bytes, only if it belongs to this event; the caller scopes the event. */
export async function readPhoto(db: Db, eventId: number, photoId: number): Promise<PhotoRow | undefined> {
  return db
    .selectFrom('event_photos')
    .selectAll()
    .where('id', '=', photoId)
    .where('event_id', '=', eventId)
    .executeTakeFirst();
}

/** The id of an event the viewer may read (event.read over its area), else undefined. */
export async function findReadableEventId(
  db: Db,
  viewer: Viewer,
  eventId: number,
): Promise<number | undefined> {
  const row = await db
    .selectFrom('events as e')
    .select('e.id')
    .where('e.id', '=', eventId)
    .where(inScope(viewer, 'event.read', 'e.area_path'))
    .executeTakeFirst();
  return row?.id;
}

/** The id of the event whose reporter link carries this token hash (sha256 hex of the token). */
export async function findEventIdByFeedbackTokenHash(db: Db, tokenHash: string): Promise<number | undefined> {
  const row = await db
    .selectFrom('events')
    .select('id')
    .where('feedback_token_hash', '=', tokenHash)
    .executeTakeFirst();
  return row?.id;
}
