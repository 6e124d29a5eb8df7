import { Type, type Static } from 'typebox';
import { Page, PageQuery } from '../core/pagination.js';
import { Id, RequiredText } from '../core/schemas.js';
import { DOCUMENT_TYPES } from '../register/identity/documents.js';
import { AreaSummary } from '../register/schema.js';

/** What a pass is now: the stored status, with an active pass past its end shown as expired. */
export const PASS_VIEW_STATUSES = ['pending', 'active', 'expired', 'revoked', 'rejected'] as const;

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);
const DateTime = (description?: string) =>
  Type.String({ format: 'date-time', ...(description ? { description } : {}) });
const CheckpointIds = Type.Array(Id(), {
  maxItems: 50,
  uniqueItems: true,
  description: 'Checkpoints the pass opens; empty or omitted = every checkpoint of the holder’s area',
});

export const PassIssueBody = Type.Object(
  {
    personId: Id({ description: 'The holder, a registered person in your area' }),
    purpose: RequiredText(200),
    validFrom: DateTime(),
    validTo: DateTime('After validFrom; the longest span is configured (GRIDGUARD_PASS_MAX_DAYS)'),
    checkpointIds: Type.Optional(CheckpointIds),
  },
  { $id: 'PassIssueBody', additionalProperties: false },
);
export type PassIssueBody = Static<typeof PassIssueBody>;

export const PassApproveBody = Type.Object(
  { checkpointIds: Type.Optional(CheckpointIds) },
  { $id: 'PassApproveBody', additionalProperties: false },
);
export type PassApproveBody = Static<typeof PassApproveBody>;

export const PassReasonBody = Type.Object(
  { reason: RequiredText(200) },
  { $id: 'PassReasonBody', additionalProperties: false },
);
export type PassReasonBody = Static<typeof PassReasonBody>;

export const PassView = Type.Object(
  {
    id: Type.Integer(),
    code: Type.String({ description: 'The printed pass number' }),
    status: Type.Enum(PASS_VIEW_STATUSES),
    personId: Type.Integer(),
    holder: Type.Object({ nameMasked: Type.String(), documentMasked: Type.String() }),
    area: AreaSummary,
    purpose: Type.String(),
    validFrom: DateTime(),
    validTo: DateTime(),
    checkpoints: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String() })),
    appliedBy: Type.Enum(['staff', 'resident']),
    issuedAt: Nullable(DateTime()),
    issuedBy: Nullable(Type.String()),
    revokedAt: Nullable(DateTime()),
    revokedBy: Nullable(Type.String()),
    revokeReason: Nullable(Type.String()),
    decidedAt: Nullable(DateTime()),
    decidedBy: Nullable(Type.String()),
    rejectReason: Nullable(Type.String()),
    createdAt: DateTime(),
    token: Type.Optional(
      Type.String({
        description: 'The signed QR text (GGP1.…) of an active pass; in single-pass answers only',
      }),
    ),
  },
  { $id: 'PassView' },
);
export type PassView = Static<typeof PassView>;
export const PassPage = Type.With(Page(PassView), { $id: 'PassPage' });

export const PassQuery = Type.Intersect(
  [
    PageQuery,
    Type.Object({
      status: Type.Optional(Type.Enum(PASS_VIEW_STATUSES)),
      personId: Type.Optional(Id()),
    }),
  ],
  { $id: 'PassQuery' },
);
export type PassQuery = Static<typeof PassQuery>;

export const PassQrQuery = Type.Object(
  { format: Type.Optional(Type.Enum(['svg', 'png'], { description: 'Default svg' })) },
  { $id: 'PassQrQuery', additionalProperties: false },
);

const PublicJwk = Type.Object({ kty: Type.String(), crv: Type.String(), x: Type.String(), y: Type.String() });

export const PassVerificationQuery = Type.Object(
  {
    since: Type.Optional(
      DateTime(
        'Only passes revoked after this moment (the syncedAt of the last sync); keys always come whole',
      ),
    ),
  },
  { $id: 'PassVerificationQuery', additionalProperties: false },
);

export const PassVerificationMaterial = Type.Object(
  {
    syncedAt: DateTime('Server time of this answer: the next incremental sync’s `since`'),
    keys: Type.Array(Type.Object({ kid: Type.String(), jwk: PublicJwk })),
    revoked: Type.Array(Type.Object({ id: Type.Integer(), revokedAt: DateTime() })),
    checkpoints: Type.Array(
      Type.Object({ id: Type.Integer(), name: Type.String(), areaPath: Type.String() }),
      { description: 'Checkpoints where the caller checks (to verify a pass against one offline)' },
    ),
  },
  { $id: 'PassVerificationMaterial' },
);
export type PassVerificationMaterial = Static<typeof PassVerificationMaterial>;

export const PassApplicationBody = Type.Object(
  {
    documentType: Type.Optional(Type.Enum(DOCUMENT_TYPES, { description: 'Default resident_id' })),
    documentNumber: RequiredText(40),
    name: RequiredText(50),
    purpose: RequiredText(200),
    validFrom: Type.String({ format: 'date', description: 'First day (China time)' }),
    validTo: Type.String({ format: 'date', description: 'Last day (China time)' }),
  },
  { $id: 'PassApplicationBody', additionalProperties: false },
);
export type PassApplicationBody = Static<typeof PassApplicationBody>;

export const PassApplicationReceipt = Type.Object(
  {
    status: Type.Literal('pending'),
    code: Type.String({ description: 'The pass number to ask the grid worker about' }),
    message: Type.String(),
  },
  { $id: 'PassApplicationReceipt' },
);

/** What the place-scan page of a residents-only gate adds: the houses a visitor may name as host. */
export const GatePublicPage = Type.Object(
  {
    residentsOnly: Type.Boolean({
      description: 'The place is the visitor code of a residents-only checkpoint',
    }),
    checkpoint: Nullable(Type.Object({ name: Type.String() })),
    houses: Type.Array(Type.Object({ id: Type.Integer(), address: Type.String() }), {
      description: 'Houses of the checkpoint’s area (address only, never who lives there)',
    }),
  },
  { $id: 'GatePublicPage' },
);
export type GatePublicPage = Static<typeof GatePublicPage>;

export const GateVisitBody = Type.Object(
  {
    documentType: Type.Optional(Type.Enum(DOCUMENT_TYPES, { description: 'Default resident_id' })),
    documentNumber: Type.Optional(RequiredText(40)),
    phone: Type.Optional(RequiredText(30)),
    name: Type.Optional(RequiredText(50)),
    hostHouseId: Id({ description: 'The household visited, one of the page’s houses' }),
    purpose: RequiredText(200),
  },
  {
    $id: 'GateVisitBody',
    additionalProperties: false,
    description: 'documentNumber or phone (or both) is required',
  },
);
export type GateVisitBody = Static<typeof GateVisitBody>;

export const GateVisitReceipt = Type.Object(
  {
    status: Type.Literal('recorded'),
    place: Type.String(),
    scannedAt: DateTime(),
    message: Type.String(),
  },
  { $id: 'GateVisitReceipt' },
);

export const GateVisitView = Type.Object(
  {
    id: Type.Integer(),
    visitedAt: DateTime(),
    purpose: Type.String(),
    hostAddress: Type.String(),
    nameMasked: Nullable(Type.String()),
    documentMasked: Nullable(Type.String()),
    phoneMasked: Nullable(Type.String()),
  },
  { $id: 'GateVisitView' },
);
export type GateVisitView = Static<typeof GateVisitView>;
export const GateVisitPage = Type.With(Page(GateVisitView), { $id: 'GateVisitPage' });
export const GateVisitQuery = Type.Intersect([PageQuery, Type.Object({ checkpointId: Id() })], {
  $id: 'GateVisitQuery',
});
export type GateVisitQuery = Static<typeof GateVisitQuery>;

export const PassKeyRotation = Type.Object(
  {
    kid: Type.String({ description: 'The new active signing key' }),
    published: Type.Array(Type.String(), {
      description:
        'Keys gate phones now receive: the new one, and retired ones while passes signed before remain valid',
    }),
  },
  { $id: 'PassKeyRotation' },
);
