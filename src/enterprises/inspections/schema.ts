import { Type, type Static } from 'typebox';
import { Page, PageQuery } from '../../core/pagination.js';
import { Id, RequiredText } from '../../core/schemas.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

export const InspectionResult = Type.Enum(['pass', 'fail', 'na'], { $id: 'InspectionResult' });
export const RectificationStatus = Type.Enum(['open', 'closed'], { $id: 'RectificationStatus' });
export const InspectionRoundStatus = Type.Enum(['open', 'closed'], { $id: 'InspectionRoundStatus' });
export const InspectionRoundPhase = Type.Enum(['upcoming', 'running', 'ended', 'closed'], {
  $id: 'InspectionRoundPhase',
});
const Tier = Type.Enum(['microgrid', 'grid', 'village', 'township', 'county']);

/** A checklist item: `label` null means a built-in item, named by the client from its key. */
export const ChecklistItem = Type.Object(
  {
    key: Type.String(),
    label: Nullable(Type.String()),
  },
  { $id: 'ChecklistItem' },
);

export const ChecklistView = Type.Object(
  {
    /** null: the built-in default checklist. */
    templateId: Nullable(Type.Integer()),
    version: Type.Integer({ description: '0 for the built-in default' }),
    area: Nullable(Type.Object({ id: Type.Integer(), name: Type.String() })),
    items: Type.Array(ChecklistItem),
    rectificationDays: Type.Integer(),
    createdBy: Nullable(Type.String()),
    createdAt: Nullable(Type.String({ format: 'date-time' })),
  },
  { $id: 'ChecklistView' },
);
export type ChecklistView = Static<typeof ChecklistView>;
export const ChecklistList = Type.Object({ items: Type.Array(ChecklistView) }, { $id: 'ChecklistList' });

export const SaveTemplateBody = Type.Object(
  {
    areaId: Id(),
    /** Built-in items are kept by key (label null); the district's own are typed text. */
    items: Type.Array(
      Type.Object(
        {
          key: Type.Optional(Type.String({ minLength: 1, maxLength: 40, pattern: '^[A-Za-z0-9_-]+$' })),
          label: Type.Optional(Nullable(RequiredText(100))),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 40 },
    ),
    rectificationDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 60 })),
  },
  { $id: 'SaveTemplateBody', additionalProperties: false },
);
export type SaveTemplateBody = Static<typeof SaveTemplateBody>;

export const ChecklistQuery = Type.Object(
  { unitId: Type.Optional(Id()), areaId: Type.Optional(Id()) },
  { $id: 'ChecklistQuery' },
);

export const InspectionAnswerInput = Type.Object(
  {
    key: Type.String({ minLength: 1, maxLength: 40 }),
    result: InspectionResult,
    note: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
  },
  { additionalProperties: false },
);

export const RecordInspectionBody = Type.Object(
  {
    unitId: Id(),
    filingId: Type.Optional(Nullable(Id())),
    roundId: Type.Optional(Nullable(Id())),
    /** The checklist the phone showed (its template id; null or absent: the built-in default). */
    templateId: Type.Optional(Nullable(Id())),
    answers: Type.Array(InspectionAnswerInput, { minItems: 1, maxItems: 40 }),
    findings: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
    /** When it was done (a phone that queued it offline sends the time it was recorded). */
    inspectedAt: Type.Optional(Type.String({ format: 'date-time' })),
    lng: Type.Optional(Nullable(Type.Number({ minimum: -180, maximum: 180 }))),
    lat: Type.Optional(Nullable(Type.Number({ minimum: -90, maximum: 90 }))),
  },
  { $id: 'RecordInspectionBody', additionalProperties: false },
);
export type RecordInspectionBody = Static<typeof RecordInspectionBody>;

export const InspectionPhotoView = Type.Object(
  { id: Type.Integer(), mime: Type.String(), width: Type.Integer(), height: Type.Integer() },
  { $id: 'InspectionPhotoView' },
);

export const InspectionView = Type.Object(
  {
    id: Type.Integer(),
    unitId: Type.Integer(),
    unitName: Type.String(),
    filingId: Nullable(Type.Integer()),
    roundId: Nullable(Type.Integer()),
    templateId: Nullable(Type.Integer()),
    items: Type.Array(ChecklistItem),
    answers: Type.Array(
      Type.Object({ key: Type.String(), result: InspectionResult, note: Nullable(Type.String()) }),
    ),
    findings: Nullable(Type.String()),
    passed: Type.Boolean(),
    inspector: Type.String(),
    inspectedAt: Type.String({ format: 'date-time' }),
    lng: Nullable(Type.Number()),
    lat: Nullable(Type.Number()),
    photos: Type.Array(InspectionPhotoView),
    /** Tasks opened by this inspection's failed items, and tasks its passes closed. */
    rectificationsOpened: Type.Array(Type.Integer()),
    rectificationsClosed: Type.Array(Type.Integer()),
  },
  { $id: 'InspectionView' },
);
export type InspectionView = Static<typeof InspectionView>;
export const InspectionPage = Type.With(Page(InspectionView), { $id: 'InspectionPage' });

export const InspectionQuery = Type.Intersect(
  [PageQuery, Type.Object({ unitId: Type.Optional(Id()), roundId: Type.Optional(Id()) })],
  { $id: 'InspectionQuery' },
);

export const DueEnterprise = Type.Object(
  {
    id: Type.Integer(),
    name: Type.String(),
    address: Nullable(Type.String()),
    areaName: Type.String(),
    lastInspectedAt: Nullable(Type.String({ format: 'date-time' })),
    openRectifications: Type.Integer(),
  },
  { $id: 'DueEnterprise' },
);
export const DueEnterprisePage = Type.With(Page(DueEnterprise), { $id: 'DueEnterprisePage' });
export const DueQuery = Type.Intersect([PageQuery, Type.Object({ roundId: Type.Optional(Id()) })], {
  $id: 'DueEnterpriseQuery',
});

export const RectificationView = Type.Object(
  {
    id: Type.Integer(),
    unitId: Type.Integer(),
    unitName: Type.String(),
    inspectionId: Type.Integer(),
    itemKey: Type.String(),
    itemLabel: Nullable(Type.String()),
    note: Nullable(Type.String()),
    deadline: Type.String({ format: 'date-time' }),
    overdue: Type.Boolean(),
    status: RectificationStatus,
    tier: Tier,
    escalationCount: Type.Integer(),
    closedAt: Nullable(Type.String({ format: 'date-time' })),
    closedByInspectionId: Nullable(Type.Integer()),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'RectificationView' },
);
export type RectificationView = Static<typeof RectificationView>;
export const RectificationPage = Type.With(Page(RectificationView), { $id: 'RectificationPage' });
export const RectificationQuery = Type.Intersect(
  [
    PageQuery,
    Type.Object({
      status: Type.Optional(RectificationStatus),
      overdue: Type.Optional(Type.Boolean()),
      unitId: Type.Optional(Id()),
    }),
  ],
  { $id: 'RectificationQuery' },
);

export const CreateRoundBody = Type.Object(
  {
    areaId: Id(),
    name: RequiredText(100),
    startsOn: Type.String({ format: 'date', description: 'First day (China time)' }),
    endsOn: Type.String({ format: 'date', description: 'Last day, included; at most 31 days' }),
  },
  { $id: 'CreateInspectionRoundBody', additionalProperties: false },
);
export type CreateRoundBody = Static<typeof CreateRoundBody>;

export const RoundView = Type.Object(
  {
    id: Type.Integer(),
    name: Type.String(),
    areaId: Type.Integer(),
    startsOn: Type.String({ format: 'date' }),
    endsOn: Type.String({ format: 'date' }),
    status: InspectionRoundStatus,
    phase: InspectionRoundPhase,
    escalatedAt: Nullable(Type.String({ format: 'date-time' })),
    createdBy: Type.String(),
    createdAt: Type.String({ format: 'date-time' }),
    total: Type.Integer({ description: 'Resumed enterprises you may see in the round' }),
    inspected: Type.Integer(),
  },
  { $id: 'InspectionRoundView' },
);
export type RoundView = Static<typeof RoundView>;
export const RoundPage = Type.With(Page(RoundView), { $id: 'InspectionRoundPage' });
export const RoundQuery = Type.Intersect(
  [PageQuery, Type.Object({ status: Type.Optional(InspectionRoundStatus) })],
  {
    $id: 'InspectionRoundQuery',
  },
);

export const GridProgress = Type.Object(
  {
    gridId: Nullable(Type.Integer()),
    gridName: Nullable(Type.String()),
    total: Type.Integer(),
    inspected: Type.Integer(),
  },
  { $id: 'InspectionGridProgress' },
);
export const RoundProgress = Type.Object(
  { round: RoundView, grids: Type.Array(GridProgress) },
  { $id: 'InspectionRoundProgress' },
);

export const UninspectedEnterprise = Type.Object(
  { id: Type.Integer(), name: Type.String(), address: Nullable(Type.String()), areaName: Type.String() },
  { $id: 'UninspectedEnterprise' },
);
export const UninspectedPage = Type.With(Page(UninspectedEnterprise), { $id: 'UninspectedEnterprisePage' });
