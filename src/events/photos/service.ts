import { createHash } from 'node:crypto';
import type { Viewer } from '../../auth/scope.js';
import type { Db } from '../../auth/context.js';
import { notFound } from '../../core/errors.js';
import {
  findEventIdByFeedbackTokenHash,
  findReadableEventId,
  type PhotoRow,
  readPhoto,
} from './repository.js';

const photoNotFound = () => notFound('PHOTO_NOT_FOUND', 'No such photo of this event');

/** The hash stored for a reporter's follow-and-rate link: sha256 hex of the token. */
export const feedbackTokenHash = (token: string): string => createHash('sha256').update(token).digest('hex');

/** A photo of an event the viewer may read; an event outside their subtrees answers 404 like a missing one. */
export async function photoForViewer(
  db: Db,
  viewer: Viewer,
  eventId: number,
  photoId: number,
): Promise<PhotoRow> {
  const readableId = await findReadableEventId(db, viewer, eventId);
  if (readableId === undefined) throw photoNotFound();
  const photo = await readPhoto(db, readableId, photoId);
  if (!photo) throw photoNotFound();
  return photo;
}

/** A photo of the event a reporter's link points to (token from 随手拍 feedback), without sign-in. */
export async function photoForFeedbackToken(db: Db, token: string, photoId: number): Promise<PhotoRow> {
  const eventId = await findEventIdByFeedbackTokenHash(db, feedbackTokenHash(token));
  if (eventId === undefined) throw photoNotFound();
  const photo = await readPhoto(db, eventId, photoId);
  if (!photo) throw photoNotFound();
  return photo;
}
