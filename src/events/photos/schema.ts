import { type Static, Type } from 'typebox';
import type { PhotoMetadataRow } from './repository.js';

/** A photo as event details and lists show it: metadata and the address of its bytes. */
export const PhotoView = Type.Object({
  id: Type.Integer(),
  purpose: Type.Union([Type.Literal('report'), Type.Literal('feedback')], {
    description: "report: sent with the report; feedback: the handler's photos when reporting back",
  }),
  mime: Type.Union([Type.Literal('image/jpeg'), Type.Literal('image/png'), Type.Literal('image/webp')]),
  width: Type.Integer(),
  height: Type.Integer(),
  bytes: Type.Integer(),
  url: Type.String({ description: 'Where the image is served (signed-in, or public for the reporter)' }),
  createdAt: Type.String({ format: 'date-time' }),
});
export type PhotoView = Static<typeof PhotoView>;

export const photoUrl = (eventId: number, photoId: number) => `/api/events/${eventId}/photos/${photoId}`;
export const publicPhotoUrl = (token: string, photoId: number) =>
  `/api/public/events/${encodeURIComponent(token)}/photos/${photoId}`;

/**
 * Maps a stored photo's metadata for a response; `url` for signed-in users by default, or the
 * reporter's public address when their follow-link token is given.
 */
export function presentPhoto(row: PhotoMetadataRow, feedbackToken?: string): PhotoView {
  return {
    id: row.id,
    purpose: row.purpose,
    mime: row.mime,
    width: row.width,
    height: row.height,
    bytes: row.bytes,
    url: feedbackToken ? publicPhotoUrl(feedbackToken, row.id) : photoUrl(row.event_id, row.id),
    createdAt: row.created_at.toISOString(),
  };
}
