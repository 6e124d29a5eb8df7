import { PersonTag } from '../core/closed-schemas.js';
import { Type, type Static } from 'typebox';
import { Page, PageQuery } from '../core/pagination.js';
import { AreaSummary, PersonView, RegisterPersonBody } from '../register/schema.js';
import { Id } from '../core/schemas.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);
const PersonId = Type.Integer({ minimum: 1, maximum: 2147483647 });

/** A newcomer met at the door: a register body without the place (it is the visited house). */
export const VisitArrival = Type.With(
  Type.Omit(RegisterPersonBody, ['areaId', 'houseId'], {
    additionalProperties: false,
  }),
  { $id: 'VisitArrival' },
);
export const VisitDeparture = Type.Object(
  {
    personId: PersonId,
    departedOn: Type.String({ format: 'date' }),
    destination: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { $id: 'VisitDeparture', additionalProperties: false },
);
export const PhoneUpdate = Type.Object(
  { personId: PersonId, phone: Nullable(Type.String({ maxLength: 30 })) },
  { $id: 'PhoneUpdate', additionalProperties: false },
);
export const TagUpdate = Type.Object(
  {
    personId: PersonId,
    tags: Type.Array(PersonTag, {
      maxItems: 10,
      uniqueItems: true,
      description: 'The full new set of tags',
    }),
  },
  { $id: 'TagUpdate', additionalProperties: false },
);

export const VisitBody = Type.Object(
  {
    houseId: Id(),
    visitedAt: Type.Optional(
      Type.String({ format: 'date-time', description: 'Default now; up to 31 days back' }),
    ),
    seenPersonIds: Type.Array(PersonId, {
      maxItems: 100,
      uniqueItems: true,
      description: 'Residents of the house met',
    }),
    notes: Type.Optional(Type.String({ maxLength: 2000 })),
    changes: Type.Optional(
      Type.Object(
        {
          arrivals: Type.Optional(Type.Array(VisitArrival, { maxItems: 20 })),
          departures: Type.Optional(Type.Array(VisitDeparture, { maxItems: 50 })),
          phoneUpdates: Type.Optional(Type.Array(PhoneUpdate, { maxItems: 50 })),
          tagUpdates: Type.Optional(Type.Array(TagUpdate, { maxItems: 50 })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { $id: 'VisitBody', additionalProperties: false },
);
export type VisitBody = Static<typeof VisitBody>;

export const VisitView = Type.Object(
  {
    id: Type.Integer(),
    house: Type.Object({ id: Type.Integer(), address: Type.String() }),
    area: AreaSummary,
    worker: Type.Object({ userId: Nullable(Type.Integer()), name: Type.String() }),
    visitedAt: Type.String({ format: 'date-time' }),
    seenPersonIds: Type.Array(Type.Integer()),
    counts: Type.Object({
      seen: Type.Integer(),
      arrivals: Type.Integer(),
      departures: Type.Integer(),
      phoneUpdates: Type.Integer(),
      tagUpdates: Type.Integer(),
    }),
    notes: Nullable(Type.String()),
  },
  { $id: 'VisitView' },
);
export type VisitView = Static<typeof VisitView>;
export const VisitPage = Type.With(Page(VisitView), { $id: 'VisitPage' });

export const VisitResult = Type.Object(
  {
    visit: VisitView,
    persons: Type.Object({
      arrived: Type.Array(PersonView),
      departed: Type.Array(PersonView),
      updated: Type.Array(PersonView),
    }),
  },
  { $id: 'VisitResult' },
);
export type VisitResult = Static<typeof VisitResult>;

export const VisitQuery = Type.Intersect(
  [
    PageQuery,
    Type.Object({
      within: Type.Optional(Id()),
      worker: Type.Optional(Id({ description: 'User id of the worker' })),
      houseId: Type.Optional(Id()),
      from: Type.Optional(Type.String({ format: 'date-time' })),
      to: Type.Optional(Type.String({ format: 'date-time' })),
    }),
  ],
  { $id: 'VisitQuery' },
);
export type VisitQuery = Static<typeof VisitQuery>;

export const CoverageQuery = Type.Object(
  {
    areaId: Id(),
    from: Type.Optional(
      Type.String({ format: 'date-time', description: 'Default: start of this month (China time)' }),
    ),
    to: Type.Optional(
      Type.String({ format: 'date-time', description: 'Exclusive; default: start of next month' }),
    ),
  },
  { $id: 'CoverageQuery' },
);
export type CoverageQuery = Static<typeof CoverageQuery>;

const WorkerCount = Type.Object({
  userId: Nullable(Type.Integer()),
  name: Type.String(),
  visits: Type.Integer(),
  houses: Type.Integer({ description: 'Distinct houses this worker visited' }),
});
export const CoverageRow = Type.Object(
  {
    area: Type.Object({ id: Type.Integer(), code: Type.String(), name: Type.String(), level: Type.String() }),
    houses: Type.Integer(),
    visitedHouses: Type.Integer(),
    /** visitedHouses / houses, 0 when there are no houses. */
    coverage: Type.Number(),
    visits: Type.Integer(),
    workers: Type.Array(WorkerCount),
  },
  { $id: 'CoverageRow' },
);
export type CoverageRow = Static<typeof CoverageRow>;
export const Coverage = Type.Object(
  {
    from: Type.String({ format: 'date-time' }),
    to: Type.String({ format: 'date-time' }),
    total: CoverageRow,
    /** Grids and micro-grids of the area, in code order. */
    rows: Type.Array(CoverageRow),
  },
  { $id: 'Coverage' },
);
export type Coverage = Static<typeof Coverage>;
