import { EntityType } from '../core/closed-schemas.js';
import { Type, type Static } from 'typebox';
import { Page, PageQuery } from '../core/pagination.js';
import { AUDIT_ACTIONS } from '../core/vocabulary.js';

export const AuditQuery = Type.Intersect(
  [
    PageQuery,
    Type.Object({
      action: Type.Optional(
        Type.String({ maxLength: 64, description: 'An audit action, or the start of one ("person.")' }),
      ),
      entityType: Type.Optional(EntityType),
      entityId: Type.Optional(Type.String({ maxLength: 64 })),
      actor: Type.Optional(Type.String({ maxLength: 64 })),
      from: Type.Optional(Type.String({ format: 'date-time' })),
      to: Type.Optional(Type.String({ format: 'date-time' })),
    }),
  ],
  { $id: 'AuditQuery' },
);
export type AuditQuery = Static<typeof AuditQuery>;

export const AuditEntryView = Type.Object(
  {
    id: Type.Integer(),
    at: Type.String({ format: 'date-time' }),
    actor: Type.String(),
    ip: Type.Union([Type.String(), Type.Null()]),
    action: Type.Enum(AUDIT_ACTIONS),
    entityType: EntityType,
    entityId: Type.Union([Type.String(), Type.Null()]),
    before: Type.Unknown(),
    after: Type.Unknown(),
    reason: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'AuditEntryView' },
);
export type AuditEntryView = Static<typeof AuditEntryView>;

export const AuditPage = Type.With(Page(AuditEntryView), { $id: 'AuditPage' });
