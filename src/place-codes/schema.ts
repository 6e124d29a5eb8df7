import { Type, type Static } from 'typebox';
import { Page, PageQuery } from '../core/pagination.js';
import { CodeView } from '../household-codes/schema.js';
import { DOCUMENT_TYPES } from '../register/identity/documents.js';
import { AreaSummary } from '../register/schema.js';
import { Id, RequiredText } from '../core/schemas.js';

export const PLACE_KINDS = [
  'shop',
  'office',
  'gate',
  'site',
  'school',
  'hotel',
  'transport',
  'other',
] as const;
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

export const PlaceBody = Type.Object(
  {
    areaId: Id({ description: 'Community, grid, micro-grid or cell the place is in' }),
    name: RequiredText(100),
    kind: Type.Enum(PLACE_KINDS),
    unitId: Type.Optional(Id({ description: 'The registered unit (shop, enterprise…) it belongs to' })),
    address: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { $id: 'PlaceBody', additionalProperties: false },
);
export type PlaceBody = Static<typeof PlaceBody>;

export const PlaceView = Type.Object(
  {
    id: Type.Integer(),
    name: Type.String(),
    kind: Type.Enum(PLACE_KINDS),
    address: Nullable(Type.String()),
    unitId: Nullable(Type.Integer()),
    area: AreaSummary,
    activeCodeId: Nullable(Type.Integer()),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'PlaceView' },
);
export type PlaceView = Static<typeof PlaceView>;
export const PlacePage = Type.With(Page(PlaceView), { $id: 'PlacePage' });
export const PlaceCreated = Type.Object({ place: PlaceView, code: CodeView }, { $id: 'PlaceCreated' });

export const PlaceQuery = Type.Intersect(
  [
    PageQuery,
    Type.Object({
      within: Type.Optional(Id()),
      kind: Type.Optional(Type.Enum(PLACE_KINDS)),
      q: Type.Optional(Type.String({ maxLength: 100, description: 'Part of the name' })),
    }),
  ],
  { $id: 'PlaceQuery' },
);
export type PlaceQuery = Static<typeof PlaceQuery>;

export const ScanBody = Type.Object(
  {
    documentType: Type.Optional(Type.Enum(DOCUMENT_TYPES, { description: 'Default resident_id' })),
    documentNumber: Type.Optional(RequiredText(40)),
    phone: Type.Optional(RequiredText(30)),
    name: Type.Optional(RequiredText(50)),
  },
  {
    $id: 'ScanBody',
    additionalProperties: false,
    description: 'documentNumber or phone (or both) is required',
  },
);
export type ScanBody = Static<typeof ScanBody>;

export const ScanReceipt = Type.Object(
  {
    status: Type.Literal('recorded'),
    place: Type.String(),
    scannedAt: Type.String({ format: 'date-time' }),
    message: Type.String(),
  },
  { $id: 'ScanReceipt' },
);

export const PlacePublicPage = Type.Object(
  {
    place: Type.Object({ name: Type.String(), kind: Type.Enum(PLACE_KINDS) }),
    community: Nullable(Type.Object({ name: Type.String() })),
    instruction: Type.String(),
    retentionDays: Type.Integer({ description: 'How long a scan is kept before it is deleted' }),
  },
  { $id: 'PlacePublicPage' },
);

export const ScanView = Type.Object(
  {
    id: Type.Integer(),
    scannedAt: Type.String({ format: 'date-time' }),
    nameMasked: Nullable(Type.String()),
    documentMasked: Nullable(Type.String()),
    phoneMasked: Nullable(Type.String()),
  },
  { $id: 'ScanView' },
);
export type ScanView = Static<typeof ScanView>;
export const ScanPage = Type.With(Page(ScanView), { $id: 'ScanPage' });
export const ScanQuery = Type.Intersect(
  [
    PageQuery,
    Type.Object({
      from: Type.Optional(Type.String({ format: 'date-time' })),
      to: Type.Optional(Type.String({ format: 'date-time' })),
    }),
  ],
  { $id: 'ScanQuery' },
);
export type ScanQuery = Static<typeof ScanQuery>;
