import { Type, type Static } from 'typebox';
import { Page, PageQuery } from '../core/pagination.js';
import { AREA_KINDS, LEVELS } from '../core/vocabulary.js';
import { AreaKind, AreaLevel, Role } from '../core/closed-schemas.js';
import { Id, RequiredParagraph, RequiredText } from '../core/schemas.js';
import { RowRejectSchema } from '../imports/schema.js';

export const LEVEL_VALUES = LEVELS;
export const KIND_VALUES = AREA_KINDS;

const Position = Type.Number({ minimum: -180, maximum: 180 });
export const Centre = Type.Object(
  { lng: Position, lat: Type.Number({ minimum: -90, maximum: 90 }) },
  { $id: 'Centre', additionalProperties: false },
);

/** A GeoJSON Polygon or MultiPolygon; rings are checked in the service (closed, ≥ 4 positions). */
export const Geometry = Type.Object(
  {
    type: Type.Enum(['Polygon', 'MultiPolygon']),
    coordinates: Type.Array(Type.Unknown(), { minItems: 1 }),
  },
  { $id: 'Geometry', additionalProperties: false },
);

export const AreaView = Type.Object(
  {
    id: Type.Integer(),
    parentId: Type.Union([Type.Integer(), Type.Null()]),
    code: Type.String(),
    name: Type.String(),
    level: AreaLevel,
    kind: AreaKind,
    depth: Type.Integer(),
    centre: Type.Union([Centre, Type.Null()]),
    hasBoundary: Type.Boolean(),
    retired: Type.Boolean(),
    childCount: Type.Integer(),
  },
  { $id: 'AreaView' },
);
export type AreaView = Static<typeof AreaView>;

export const AreaRef = Type.Object(
  {
    id: Type.Integer(),
    code: Type.String(),
    name: Type.String(),
    level: AreaLevel,
  },
  { $id: 'AreaRef' },
);

export const AreaDetail = Type.Intersect(
  [
    AreaView,
    Type.Object({
      ancestors: Type.Array(AreaRef),
      boundary: Type.Union([Geometry, Type.Null()]),
      /** Live descendants by level, e.g. {"grid": 4, "microgrid": 20, "cell": 160}. */
      descendantCounts: Type.Record(Type.String(), Type.Integer()),
      staff: Type.Array(
        Type.Object({
          userId: Type.Integer(),
          displayName: Type.String(),
          username: Type.String(),
          role: Role,
        }),
      ),
    }),
  ],
  { $id: 'AreaDetail' },
);
export type AreaDetail = Static<typeof AreaDetail>;

export const AreaListQuery = Type.Intersect(
  [
    PageQuery,
    Type.Object({
      parentId: Type.Optional(Id()),
      /** Everything under this area, not only its children. */
      within: Type.Optional(Id()),
      level: Type.Optional(AreaLevel),
      kind: Type.Optional(AreaKind),
      q: Type.Optional(Type.String({ maxLength: 100, description: 'Matches name or code prefix' })),
      includeRetired: Type.Optional(Type.Boolean()),
    }),
  ],
  { $id: 'AreaListQuery' },
);
export type AreaListQuery = Static<typeof AreaListQuery>;
export const AreaPage = Type.With(Page(AreaView), { $id: 'AreaPage' });

export const CreateAreaBody = Type.Object(
  {
    parentId: Type.Union([Id(), Type.Null()]),
    code: Type.Optional(
      Type.String({
        pattern: '^[0-9]{6,24}$',
        description: 'Omit for grid levels to take the next free sequence',
      }),
    ),
    name: RequiredText(100),
    level: Type.Optional(AreaLevel),
    kind: Type.Optional(AreaKind),
    boundary: Type.Optional(Type.Union([Geometry, Type.Null()])),
    centre: Type.Optional(Type.Union([Centre, Type.Null()])),
  },
  { $id: 'CreateAreaBody', additionalProperties: false },
);
export type CreateAreaBody = Static<typeof CreateAreaBody>;

export const UpdateAreaBody = Type.Object(
  {
    name: Type.Optional(RequiredText(100)),
    kind: Type.Optional(AreaKind),
    boundary: Type.Optional(Type.Union([Geometry, Type.Null()])),
    centre: Type.Optional(Type.Union([Centre, Type.Null()])),
  },
  { $id: 'UpdateAreaBody', additionalProperties: false, minProperties: 1 },
);
export type UpdateAreaBody = Static<typeof UpdateAreaBody>;

export const MoveAreaBody = Type.Object(
  { parentId: Id() },
  { $id: 'MoveAreaBody', additionalProperties: false },
);
export const RetireAreaBody = Type.Object(
  { reason: RequiredParagraph(500) },
  { $id: 'RetireAreaBody', additionalProperties: false },
);

export const ChildFeatures = Type.Object(
  {
    type: Type.Literal('FeatureCollection'),
    features: Type.Array(
      Type.Object({
        type: Type.Literal('Feature'),
        id: Type.Integer(),
        properties: Type.Object({
          id: Type.Integer(),
          code: Type.String(),
          name: Type.String(),
          level: AreaLevel,
          kind: AreaKind,
        }),
        geometry: Type.Union([Geometry, Type.Null()]),
      }),
    ),
  },
  { $id: 'ChildFeatures' },
);

export const ImportReportSchema = Type.Object(
  {
    inserted: Type.Integer(),
    updated: Type.Integer(),
    unchanged: Type.Integer(),
    rejected: Type.Array(RowRejectSchema, {
      description:
        'Every problem of each rejected row; row is the spreadsheet row or the GeoJSON feature (1-based)',
    }),
  },
  { $id: 'AreaImportReport' },
);

/** The top areas of the caller's scope, where the navigator starts. */
export const AreaRootList = Type.Object({ items: Type.Array(AreaView) }, { $id: 'AreaRootList' });

/** How many areas a retirement took out of service (the area and everything under it). */
export const AreaRetired = Type.Object({ retired: Type.Integer() }, { $id: 'AreaRetired' });
