import { DocumentType, PersonTag, ResidenceType, UnitCategory } from '../core/closed-schemas.js';
import { Type, type Static } from 'typebox';
import { Page, PageQuery } from '../core/pagination.js';
import { Id, RequiredParagraph, RequiredText } from '../core/schemas.js';
import {
  HOUSE_TENURES,
  HOUSE_TYPES,
  HOUSE_USES,
  PERSON_HEALTH_FILTERS,
  PERSON_STATUSES,
  SEXES,
} from '../core/vocabulary.js';

// The register's words live in the shared vocabulary (the web offers the same lists).
export {
  HOUSE_TENURES,
  HOUSE_TYPES,
  HOUSE_USES,
  PERSON_TAGS,
  RESIDENCE_TYPES,
  UNIT_CATEGORIES,
} from '../core/vocabulary.js';

const DateString = Type.String({ format: 'date' });
const Text = (max: number) => Type.String({ maxLength: max });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

export const AreaSummary = Type.Object(
  {
    id: Type.Integer(),
    code: Type.String(),
    name: Type.String(),
    /** "/1/5/23/": the web checks the caller's grants against it before offering an action. */
    path: Type.Optional(Type.String()),
  },
  { $id: 'AreaSummary' },
);

export const PersonView = Type.Object(
  {
    id: Type.Integer(),
    name: Type.String(),
    documentType: Type.String(),
    /** Always masked to its first and last character, e.g. 1****************4; the number itself only through /reveal. */
    documentMasked: Type.String(),
    sex: Type.String(),
    /** The year only: with the masked number the full date would rebuild it (full date through /reveal). */
    birthYear: Nullable(Type.Integer()),
    phoneMasked: Nullable(Type.String()),
    hukouAddress: Nullable(Type.String()),
    currentAddress: Nullable(Type.String()),
    residenceType: Type.String(),
    relation: Nullable(Type.String()),
    arrivalDate: Nullable(Type.String()),
    arrivalReason: Nullable(Type.String()),
    arrivedFrom: Nullable(Type.String()),
    expectedDeparture: Nullable(Type.String()),
    workplace: Nullable(Type.String()),
    tags: Type.Array(Type.String()),
    status: Type.String(),
    departedOn: Nullable(Type.String()),
    departureDestination: Nullable(Type.String()),
    area: Nullable(AreaSummary),
    house: Nullable(Type.Object({ id: Type.Integer(), address: Type.String() })),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'PersonView' },
);
export type PersonView = Static<typeof PersonView>;

export const PersonHistoryEntry = Type.Object(
  {
    at: Type.String({ format: 'date-time' }),
    kind: Type.String(),
    fromArea: Nullable(Type.String()),
    toArea: Nullable(Type.String()),
    fromHouse: Nullable(Type.String()),
    toHouse: Nullable(Type.String()),
    /** Changed fields by their API names, e.g. {"residenceType": {"from": "floating", "to": "permanent"}}. */
    changes: Type.Unknown(),
    actor: Type.String(),
    source: Nullable(Type.String()),
  },
  { $id: 'PersonHistoryEntry' },
);
export const PersonDetail = Type.Intersect(
  [PersonView, Type.Object({ history: Type.Array(PersonHistoryEntry) })],
  { $id: 'PersonDetail' },
);
export type PersonDetail = Static<typeof PersonDetail>;

export const PersonFields = {
  name: RequiredText(100),
  sex: Type.Enum(SEXES),
  birthDate: DateString,
  phone: Type.String({ maxLength: 30 }),
  hukouAddress: Text(200),
  currentAddress: Text(200),
  residenceType: ResidenceType,
  relation: Text(20),
  arrivalDate: DateString,
  arrivalReason: Text(200),
  arrivedFrom: Text(200),
  expectedDeparture: DateString,
  workplace: Text(200),
  tags: Type.Array(PersonTag, { maxItems: 10, uniqueItems: true }),
};

export const RegisterPersonBody = Type.Object(
  {
    documentType: Type.Optional(DocumentType),
    documentNumber: RequiredText(40),
    areaId: Type.Optional(Id({ description: 'Row cell, micro-grid or grid; or give houseId' })),
    houseId: Type.Optional(Id()),
    name: PersonFields.name,
    sex: Type.Optional(PersonFields.sex),
    birthDate: Type.Optional(PersonFields.birthDate),
    phone: Type.Optional(PersonFields.phone),
    hukouAddress: Type.Optional(PersonFields.hukouAddress),
    currentAddress: Type.Optional(PersonFields.currentAddress),
    residenceType: Type.Optional(PersonFields.residenceType),
    relation: Type.Optional(PersonFields.relation),
    arrivalDate: Type.Optional(PersonFields.arrivalDate),
    arrivalReason: Type.Optional(PersonFields.arrivalReason),
    arrivedFrom: Type.Optional(PersonFields.arrivedFrom),
    expectedDeparture: Type.Optional(PersonFields.expectedDeparture),
    workplace: Type.Optional(PersonFields.workplace),
    tags: Type.Optional(PersonFields.tags),
  },
  { $id: 'RegisterPersonBody', additionalProperties: false },
);
export type RegisterPersonBody = Static<typeof RegisterPersonBody>;

export const UpdatePersonBody = Type.Object(
  {
    name: Type.Optional(PersonFields.name),
    phone: Type.Optional(Nullable(PersonFields.phone)),
    hukouAddress: Type.Optional(Nullable(PersonFields.hukouAddress)),
    currentAddress: Type.Optional(Nullable(PersonFields.currentAddress)),
    residenceType: Type.Optional(PersonFields.residenceType),
    relation: Type.Optional(Nullable(PersonFields.relation)),
    arrivalDate: Type.Optional(Nullable(PersonFields.arrivalDate)),
    arrivalReason: Type.Optional(Nullable(PersonFields.arrivalReason)),
    arrivedFrom: Type.Optional(Nullable(PersonFields.arrivedFrom)),
    expectedDeparture: Type.Optional(Nullable(PersonFields.expectedDeparture)),
    workplace: Type.Optional(Nullable(PersonFields.workplace)),
    tags: Type.Optional(PersonFields.tags),
  },
  { $id: 'UpdatePersonBody', additionalProperties: false, minProperties: 1 },
);
export type UpdatePersonBody = Static<typeof UpdatePersonBody>;

export const MovePersonBody = Type.Object(
  {
    areaId: Type.Optional(Id()),
    houseId: Type.Optional(Id()),
    reason: Type.Optional(Text(200)),
  },
  { $id: 'MovePersonBody', additionalProperties: false, minProperties: 1 },
);
export type MovePersonBody = Static<typeof MovePersonBody>;

export const DepartPersonBody = Type.Object(
  { departedOn: DateString, destination: Type.Optional(Text(200)) },
  { $id: 'DepartPersonBody', additionalProperties: false },
);
export type DepartPersonBody = Static<typeof DepartPersonBody>;

export const RevealBody = Type.Object(
  { reason: Type.String({ minLength: 2, maxLength: 200 }) },
  { $id: 'PersonRevealBody', additionalProperties: false },
);
export const RevealResponse = Type.Object(
  {
    documentNumber: Type.String(),
    phone: Nullable(Type.String()),
    birthDate: Nullable(Type.String()),
  },
  { $id: 'RevealResponse' },
);

export const CallNumber = Type.Object(
  {
    phone: Nullable(
      Type.String({ description: 'The full number, for a tel: link; null when none is registered' }),
    ),
  },
  { $id: 'PersonCallNumber' },
);

export const LookupBody = Type.Object(
  {
    documentType: Type.Optional(DocumentType),
    documentNumber: RequiredText(40),
  },
  { $id: 'LookupBody', additionalProperties: false },
);
export const LookupResponse = Type.Object(
  {
    documentType: Type.String(),
    documentMasked: Type.String(),
    sex: Nullable(Type.String()),
    birthDate: Nullable(Type.String()),
    regionCode: Nullable(Type.String()),
    /** The registered person with this document, if they live in the caller's area. */
    existing: Nullable(PersonView),
    /** True when the person is registered, but elsewhere (nothing more is said). */
    registeredElsewhere: Type.Boolean(),
  },
  { $id: 'LookupResponse' },
);

export const PersonQuery = Type.Intersect(
  [
    PageQuery,
    Type.Object({
      q: Type.Optional(
        Type.String({
          maxLength: 100,
          description:
            'Name, full or masked ID number, phone or its last 4 digits, or address (a full ID or phone number counts as a lookup: audited and budgeted)',
        }),
      ),
      within: Type.Optional(Id()),
      houseId: Type.Optional(Id()),
      tag: Type.Optional(PersonTag),
      residenceType: Type.Optional(ResidenceType),
      status: Type.Optional(Type.Enum([...PERSON_STATUSES, 'all'])),
      health: Type.Optional(
        Type.Enum(PERSON_HEALTH_FILTERS, {
          description:
            'Only persons whose health facts match: fever within 24 h (the deployment’s threshold), an active key person, no vaccination dose, positive within 14 days, red or yellow code. Needs health.read over them.',
        }),
      ),
    }),
  ],
  { $id: 'PersonQuery' },
);
export type PersonQuery = Static<typeof PersonQuery>;
export const PersonPage = Type.With(Page(PersonView), { $id: 'PersonPage' });

export const HouseView = Type.Object(
  {
    id: Type.Integer(),
    address: Type.String(),
    addressCode: Nullable(Type.String()),
    road: Nullable(Type.String()),
    doorNumber: Nullable(Type.String()),
    building: Nullable(Type.String()),
    unitNumber: Nullable(Type.String()),
    room: Nullable(Type.String()),
    use: Type.String(),
    tenure: Type.String(),
    houseType: Type.String(),
    rooms: Nullable(Type.Integer()),
    floorArea: Nullable(Type.Number()),
    landlordPersonId: Nullable(Type.Integer()),
    area: AreaSummary,
    occupants: Type.Integer(),
  },
  { $id: 'HouseView' },
);
export type HouseView = Static<typeof HouseView>;
export const HousePage = Type.With(Page(HouseView), { $id: 'HousePage' });

export const HouseBody = Type.Object(
  {
    areaId: Id(),
    address: RequiredText(200),
    addressCode: Type.Optional(Type.String({ pattern: '^[0-9A-Za-z]{6,40}$' })),
    road: Type.Optional(Text(100)),
    doorNumber: Type.Optional(Text(30)),
    building: Type.Optional(Text(30)),
    unitNumber: Type.Optional(Text(30)),
    room: Type.Optional(Text(30)),
    use: Type.Optional(Type.Enum(HOUSE_USES)),
    tenure: Type.Optional(Type.Enum(HOUSE_TENURES)),
    houseType: Type.Optional(Type.Enum(HOUSE_TYPES)),
    rooms: Type.Optional(Type.Integer({ minimum: 0, maximum: 500 })),
    floorArea: Type.Optional(Type.Number({ minimum: 0, maximum: 1000000 })),
    landlordPersonId: Type.Optional(Id()),
  },
  { $id: 'HouseBody', additionalProperties: false },
);
export type HouseBody = Static<typeof HouseBody>;
export const UpdateHouseBody = Type.With(
  Type.Partial(Type.Omit(HouseBody, ['areaId']), {
    additionalProperties: false,
    minProperties: 1,
  }),
  { $id: 'UpdateHouseBody' },
);
export type UpdateHouseBody = Static<typeof UpdateHouseBody>;

export const HouseQuery = Type.Intersect(
  [PageQuery, Type.Object({ within: Type.Optional(Id()), q: Type.Optional(Text(100)) })],
  { $id: 'HouseQuery' },
);
export type HouseQuery = Static<typeof HouseQuery>;

export const HouseDetail = Type.Intersect(
  [
    HouseView,
    Type.Object({
      residents: Type.Array(PersonView),
      tenancies: Type.Array(
        Type.Object({
          id: Type.Integer(),
          tenantPersonId: Type.Integer(),
          tenantName: Type.String(),
          landlordPersonId: Nullable(Type.Integer()),
          startsOn: Type.String(),
          endsOn: Nullable(Type.String()),
          leaseReference: Nullable(Type.String()),
          status: Type.String(),
        }),
      ),
    }),
  ],
  { $id: 'HouseDetail' },
);
export type HouseDetail = Static<typeof HouseDetail>;

export const TenancyBody = Type.Object(
  {
    tenantPersonId: Id(),
    landlordPersonId: Type.Optional(Id()),
    startsOn: DateString,
    endsOn: Type.Optional(DateString),
    leaseReference: Type.Optional(Text(100)),
  },
  { $id: 'TenancyBody', additionalProperties: false },
);
export type TenancyBody = Static<typeof TenancyBody>;

export const UnitView = Type.Object(
  {
    id: Type.Integer(),
    name: Type.String(),
    category: Type.String(),
    creditCode: Nullable(Type.String()),
    legalPerson: Nullable(Type.String()),
    contactName: Nullable(Type.String()),
    contactPhoneMasked: Nullable(Type.String()),
    employees: Nullable(Type.Integer()),
    address: Nullable(Type.String()),
    area: AreaSummary,
    houseId: Nullable(Type.Integer()),
  },
  { $id: 'UnitView' },
);
export type UnitView = Static<typeof UnitView>;
export const UnitPage = Type.With(Page(UnitView), { $id: 'UnitPage' });
export const UnitBody = Type.Object(
  {
    areaId: Id(),
    name: RequiredText(200),
    category: UnitCategory,
    creditCode: Type.Optional(
      Type.String({
        pattern: '^[0-9A-HJ-NPQRTUWXY]{2}\\d{6}[0-9A-HJ-NPQRTUWXY]{10}$',
        description: 'Unified social credit code (GB 32100-2015)',
      }),
    ),
    legalPerson: Type.Optional(Text(100)),
    contactName: Type.Optional(Text(100)),
    contactPhone: Type.Optional(Type.String({ maxLength: 30 })),
    employees: Type.Optional(Type.Integer({ minimum: 0, maximum: 10000000 })),
    address: Type.Optional(Text(200)),
    houseId: Type.Optional(Id()),
  },
  { $id: 'UnitBody', additionalProperties: false },
);
export type UnitBody = Static<typeof UnitBody>;
export const UnitQuery = Type.Intersect(
  [
    PageQuery,
    Type.Object({
      within: Type.Optional(Id()),
      q: Type.Optional(Text(100)),
      category: Type.Optional(UnitCategory),
    }),
  ],
  { $id: 'UnitQuery' },
);
export type UnitQuery = Static<typeof UnitQuery>;

export const RetireUnitBody = Type.Object({ reason: RequiredParagraph(200) }, { $id: 'RetireUnitBody' });
