import { AnnouncementKind, AnnouncementStatus, PersonTag } from '../core/closed-schemas.js';
import { type Static, Type } from 'typebox';
import { Page, PageQuery } from '../core/pagination.js';
import { Id, RequiredParagraph, RequiredText } from '../core/schemas.js';
import { ANNOUNCEMENT_KINDS, ANNOUNCEMENT_STATUSES } from '../core/vocabulary.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);
const DateTime = Type.String({ format: 'date-time' });

export { ANNOUNCEMENT_KINDS, ANNOUNCEMENT_STATUSES };

/** Addressed to households with a resident holding one of these register tags (e.g. elderly_alone 独居老人). */
const Tags = Type.Array(PersonTag, { maxItems: 10, uniqueItems: true });

export const AnnouncementView = Type.Object(
  {
    id: Type.Integer(),
    area: Type.Object({ id: Type.Integer(), code: Type.String(), name: Type.String(), level: Type.String() }),
    kind: AnnouncementKind,
    title: Type.String(),
    body: Type.String(),
    tags: Type.Array(Type.String()),
    status: AnnouncementStatus,
    /** Published and past its expiry. */
    expired: Type.Boolean(),
    publishedAt: Nullable(DateTime),
    expiresAt: Nullable(DateTime),
    createdBy: Nullable(Type.String()),
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { $id: 'AnnouncementView' },
);
export type AnnouncementView = Static<typeof AnnouncementView>;
export const AnnouncementPage = Type.With(Page(AnnouncementView), { $id: 'AnnouncementPage' });

export const CreateAnnouncementBody = Type.Object(
  {
    areaId: Id({ description: 'Addressed to every household of this subtree' }),
    kind: AnnouncementKind,
    title: RequiredText(100),
    body: RequiredParagraph(10000),
    tags: Type.Optional(Tags),
    expiresAt: Type.Optional(Nullable(DateTime)),
  },
  { $id: 'CreateAnnouncementBody', additionalProperties: false },
);
export type CreateAnnouncementBody = Static<typeof CreateAnnouncementBody>;

export const UpdateAnnouncementBody = Type.Object(
  {
    kind: Type.Optional(AnnouncementKind),
    title: Type.Optional(RequiredText(100)),
    body: Type.Optional(RequiredParagraph(10000)),
    tags: Type.Optional(Tags),
    expiresAt: Type.Optional(Nullable(DateTime)),
  },
  { $id: 'UpdateAnnouncementBody', additionalProperties: false, minProperties: 1 },
);
export type UpdateAnnouncementBody = Static<typeof UpdateAnnouncementBody>;

export const AnnouncementQuery = Type.Intersect(
  [
    PageQuery,
    Type.Object({
      areaId: Type.Optional(Id({ description: 'Addressed to this area: kept at it, above or below it' })),
      status: Type.Optional(AnnouncementStatus),
      kind: Type.Optional(AnnouncementKind),
    }),
  ],
  { $id: 'AnnouncementQuery' },
);
export type AnnouncementQuery = Static<typeof AnnouncementQuery>;

export const ReadsReport = Type.Object(
  {
    announcement: Type.Object({
      id: Type.Integer(),
      title: Type.String(),
      status: AnnouncementStatus,
      tags: Type.Array(Type.String()),
    }),
    /** Per grid of your area the announcement reaches: households addressed, and those that opened it. */
    grids: Type.Array(
      Type.Object({
        grid: Type.Object({ id: Type.Integer(), code: Type.String(), name: Type.String() }),
        targetedHouseholds: Type.Integer(),
        readHouseholds: Type.Integer(),
      }),
    ),
    totals: Type.Object({ targetedHouseholds: Type.Integer(), readHouseholds: Type.Integer() }),
  },
  { $id: 'ReadsReport' },
);
export type ReadsReport = Static<typeof ReadsReport>;

export const PublicAnnouncement = Type.Object(
  {
    id: Type.Integer(),
    kind: AnnouncementKind,
    kindLabel: Type.String(),
    title: Type.String(),
    body: Type.String(),
    /** Who sent it: the area's name (e.g. 星火村). */
    from: Type.String(),
    publishedAt: DateTime,
    expiresAt: Nullable(DateTime),
    read: Type.Boolean(),
  },
  { $id: 'PublicAnnouncement' },
);
export type PublicAnnouncement = Static<typeof PublicAnnouncement>;
export const PublicAnnouncementList = Type.Object(
  { items: Type.Array(PublicAnnouncement) },
  { $id: 'PublicAnnouncementList' },
);
export type PublicAnnouncementList = Static<typeof PublicAnnouncementList>;

export const PublicReadParams = Type.Object(
  {
    token: Type.String({ maxLength: 64, pattern: '^[A-Za-z0-9_-]{22}$' }),
    id: Type.Integer({ minimum: 1, maximum: 2147483647 }),
  },
  { $id: 'PublicReadParams' },
);
export const PublicReadReceipt = Type.Object(
  {
    id: Type.Integer(),
    read: Type.Literal(true),
    readAt: DateTime,
  },
  { $id: 'PublicReadReceipt' },
);
export type PublicReadReceipt = Static<typeof PublicReadReceipt>;
