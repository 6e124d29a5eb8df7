import { AreaLevel } from '../../core/closed-schemas.js';
import { type Static, Type } from 'typebox';
import { Page, PageQuery } from '../../core/pagination.js';
import { Id, RequiredText } from '../../core/schemas.js';
import { RESOURCE_KINDS, RESOURCE_LISTS, SERVICE_KINDS } from '../../core/vocabulary.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

/** The lists and suggested kinds live in core/vocabulary.ts; the kind itself is free (lower-case words). */
export { RESOURCE_KINDS, SERVICE_KINDS };
export const LISTS = RESOURCE_LISTS;

const Kind = Type.String({
  pattern: '^[a-z_]{1,30}$',
  description: 'e.g. pharmacy, shop, donor, vehicle; elderly_care, medical',
});
const OptionalText = (max: number) => Type.Optional(Nullable(Type.String({ maxLength: max })));

export const ResourceView = Type.Object(
  {
    id: Type.Integer(),
    list: Type.Enum(LISTS),
    kind: Type.String(),
    name: Type.String(),
    area: Type.Object({
      id: Type.Integer(),
      code: Type.String(),
      name: Type.String(),
      level: AreaLevel,
    }),
    contactName: Nullable(Type.String()),
    phoneMasked: Nullable(Type.String()),
    address: Nullable(Type.String()),
    details: Nullable(Type.String()),
    retiredAt: Nullable(Type.String({ format: 'date-time' })),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'ResourceView' },
);
export type ResourceView = Static<typeof ResourceView>;
export const ResourcePage = Type.With(Page(ResourceView), { $id: 'ResourcePage' });

export const CreateResourceBody = Type.Object(
  {
    areaId: Id({ description: 'The community (village) or an area above it' }),
    list: Type.Enum(LISTS),
    kind: Kind,
    name: RequiredText(100),
    contactName: OptionalText(50),
    phone: OptionalText(30),
    address: OptionalText(200),
    details: OptionalText(1000),
  },
  { $id: 'CreateResourceBody', additionalProperties: false },
);
export type CreateResourceBody = Static<typeof CreateResourceBody>;

export const UpdateResourceBody = Type.Object(
  {
    kind: Type.Optional(Kind),
    name: Type.Optional(RequiredText(100)),
    contactName: OptionalText(50),
    phone: OptionalText(30),
    address: OptionalText(200),
    details: OptionalText(1000),
  },
  { $id: 'UpdateResourceBody', additionalProperties: false, minProperties: 1 },
);
export type UpdateResourceBody = Static<typeof UpdateResourceBody>;

export const ResourceQuery = Type.Intersect(
  [
    PageQuery,
    Type.Object({
      list: Type.Optional(Type.Enum(LISTS)),
      kind: Type.Optional(Kind),
      areaId: Type.Optional(
        Id({
          description: 'Entries serving this area: kept at it, above it or below it',
        }),
      ),
      q: Type.Optional(Type.String({ maxLength: 50, description: 'Part of the name or address' })),
      includeRetired: Type.Optional(Type.Boolean()),
    }),
  ],
  { $id: 'ResourceQuery' },
);
export type ResourceQuery = Static<typeof ResourceQuery>;

const ListSummary = Type.Object({
  total: Type.Integer(),
  byKind: Type.Record(Type.String(), Type.Integer()),
  top: Type.Array(ResourceView),
});

export const ThreeLists = Type.Object(
  {
    area: Type.Object({
      id: Type.Integer(),
      code: Type.String(),
      name: Type.String(),
      level: AreaLevel,
    }),
    /** 问题清单: what residents still wait for and the events still open in the area. */
    problems: Type.Object({
      openRequests: Type.Integer(),
      urgentRequests: Type.Integer(),
      unassignedRequests: Type.Integer(),
      openEvents: Type.Integer(),
      overdueEvents: Type.Integer(),
      requestsByKind: Type.Record(Type.String(), Type.Integer()),
      topRequests: Type.Array(
        Type.Object({
          id: Type.Integer(),
          code: Type.String(),
          kind: Type.String(),
          urgency: Type.String(),
          status: Type.String(),
          address: Type.String(),
          volunteer: Nullable(Type.String()),
          createdAt: Type.String({ format: 'date-time' }),
        }),
      ),
      /** Only when the caller may read events there (event.read). */
      topEvents: Type.Array(
        Type.Object({
          id: Type.Integer(),
          code: Type.String(),
          title: Type.String(),
          status: Type.String(),
          deadline: Nullable(Type.String({ format: 'date-time' })),
          createdAt: Type.String({ format: 'date-time' }),
        }),
      ),
    }),
    /** 资源清单 */
    resources: ListSummary,
    /** 服务清单 */
    services: ListSummary,
  },
  { $id: 'ThreeLists' },
);
export type ThreeLists = Static<typeof ThreeLists>;
