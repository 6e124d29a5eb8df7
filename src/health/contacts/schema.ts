import { type Static, Type } from 'typebox';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);
const AreaSummary = Type.Object({ id: Type.Integer(), code: Type.String(), name: Type.String() });

export const DEFAULT_CONTACT_HOURS = 2;
export const DEFAULT_LOOKBACK_DAYS = 4;

export const PersonParams = Type.Object(
  { personId: Type.Integer({ minimum: 1, maximum: 2147483647 }) },
  { $id: 'PersonParams' },
);

const WindowFields = {
  from: Type.Optional(
    Type.String({
      format: 'date-time',
      description: `Start of the period searched; default ${DEFAULT_LOOKBACK_DAYS} days before the latest positive test (or before now)`,
    }),
  ),
  to: Type.Optional(
    Type.String({ format: 'date-time', description: 'End of the period searched; default now' }),
  ),
  hours: Type.Optional(
    Type.Number({
      minimum: 0.25,
      maximum: 24,
      description: `Place codes record arrivals only: someone who scanned the same place within this many hours before or after the case counts as a contact (default ${DEFAULT_CONTACT_HOURS})`,
    }),
  ),
};

export const ContactQuery = Type.Object(WindowFields, { $id: 'ContactQuery' });
export type ContactQuery = Static<typeof ContactQuery>;

export const Encounter = Type.Object(
  {
    placeId: Type.Integer(),
    placeName: Type.String(),
    caseScannedAt: Type.String({ format: 'date-time' }),
    scannedAt: Type.String({ format: 'date-time' }),
    minutesApart: Type.Integer(),
  },
  { $id: 'Encounter' },
);

export const ContactView = Type.Object(
  {
    /** Names the contact when turning contacts into leads: person:<id> or scan:<id>. */
    ref: Type.String(),
    sources: Type.Array(Type.Enum(['scan', 'household'])),
    /** Matched to a registered person by ID or phone hash. */
    registered: Type.Boolean(),
    /** The registered person, only when the caller may read them. */
    person: Nullable(Type.Object({ id: Type.Integer(), area: Nullable(AreaSummary) })),
    nameMasked: Nullable(Type.String()),
    documentMasked: Nullable(Type.String()),
    phoneMasked: Nullable(Type.String()),
    encounters: Type.Array(Encounter),
    firstAt: Nullable(Type.String({ format: 'date-time' })),
  },
  { $id: 'ContactView' },
);
export type ContactView = Static<typeof ContactView>;

export const ContactList = Type.Object(
  {
    case: Type.Object({
      personId: Type.Integer(),
      nameMasked: Type.String(),
      documentMasked: Type.String(),
      area: Nullable(AreaSummary),
      /** The latest positive test of the person, if any. */
      positive: Nullable(
        Type.Object({ recordId: Type.Integer(), occurredAt: Type.String({ format: 'date-time' }) }),
      ),
    }),
    window: Type.Object({
      from: Type.String({ format: 'date-time' }),
      to: Type.String({ format: 'date-time' }),
      hours: Type.Number(),
    }),
    /** The case's own place-code scans in the period. */
    visits: Type.Array(
      Type.Object({
        placeId: Type.Integer(),
        placeName: Type.String(),
        scannedAt: Type.String({ format: 'date-time' }),
      }),
    ),
    contacts: Type.Array(ContactView),
  },
  { $id: 'ContactList' },
);
export type ContactList = Static<typeof ContactList>;

export const ContactLeadsBody = Type.Object(
  {
    ...WindowFields,
    refs: Type.Array(Type.String({ maxLength: 40 }), {
      minItems: 1,
      maxItems: 2000,
      uniqueItems: true,
      description: 'Refs from GET /api/contacts/{personId} with the same window',
    }),
    deadlineHours: Type.Optional(Type.Integer({ minimum: 1, maximum: 168, description: 'Default 24' })),
  },
  { $id: 'ContactLeadsBody', additionalProperties: false },
);
export type ContactLeadsBody = Static<typeof ContactLeadsBody>;

export const ContactLeadsResult = Type.Object(
  {
    inserted: Type.Integer(),
    unchanged: Type.Integer({ description: 'Contacts of this case already turned into leads' }),
    routed: Type.Object({ person: Type.Integer(), address: Type.Integer(), inbox: Type.Integer() }),
    leads: Type.Array(
      Type.Object({
        ref: Type.String(),
        id: Type.Integer(),
        routedBy: Type.String(),
        area: Nullable(AreaSummary),
      }),
    ),
  },
  { $id: 'ContactLeadsResult' },
);
export type ContactLeadsResult = Static<typeof ContactLeadsResult>;
