import { type Static, type TSchema, Type } from 'typebox';
import { Id } from '../../core/schemas.js';
import { AreaSummary } from '../../register/schema.js';
import { TEMPERATURE_MAX, TEMPERATURE_MIN } from './parse.js';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const CHECKIN_CHANNELS = ['door', 'proxy', 'sms', 'voice', 'staff'] as const;
const Channel = Type.Enum(CHECKIN_CHANNELS, {
  description: 'door page, proxy (worker/volunteer for the household), SMS, voice robot, staff (inbox)',
});
const Temperature = Type.Number({
  minimum: TEMPERATURE_MIN,
  maximum: TEMPERATURE_MAX,
  description: 'Body temperature in °C (34.0–43.0; kept to one decimal)',
});
const Well = Type.Boolean({ description: 'true: 平安 (well); false: 不适 (unwell)' });

// ---- door page (public)

export const DoorCheckinMember = Type.Object(
  {
    slot: Type.Integer({ minimum: 1, description: 'The member as numbered on the page (成员1, 成员2, …)' }),
    sex: Type.Enum(['male', 'female', 'unknown']),
    birthDecade: Nullable(Type.Integer({ description: 'e.g. 1980 for someone born in the 1980s' })),
    reportedToday: Type.Boolean(),
  },
  { $id: 'DoorCheckinMember' },
);

export const DoorCheckinPage = Type.Object(
  {
    day: Type.String({ format: 'date', description: 'Today in China time' }),
    members: Type.Array(DoorCheckinMember, {
      description: 'The household members without names: a passer-by learns no one’s name',
    }),
    temperature: Type.Object({ minimum: Type.Number(), maximum: Type.Number() }),
  },
  { $id: 'DoorCheckinPage' },
);
export type DoorCheckinPage = Static<typeof DoorCheckinPage>;

export const DoorCheckinBody = Type.Object(
  {
    members: Type.Array(
      Type.Object(
        { slot: Type.Integer({ minimum: 1, maximum: 50 }), temperature: Nullable(Temperature), well: Well },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 50 },
    ),
  },
  { $id: 'DoorCheckinBody', additionalProperties: false },
);
export type DoorCheckinBody = Static<typeof DoorCheckinBody>;

export const CheckinReceipt = Type.Object(
  {
    day: Type.String({ format: 'date' }),
    recorded: Type.Integer({ description: 'Members whose check-in of the day was stored or replaced' }),
  },
  { $id: 'CheckinReceipt' },
);
export type CheckinReceipt = Static<typeof CheckinReceipt>;

// ---- proxy reports (代报)

export const ProxyHouseholdsQuery = Type.Object(
  { areaId: Type.Optional(Id({ description: 'Only houses under this area (grid staff)' })) },
  { $id: 'CheckinProxyHouseholdsQuery', additionalProperties: false },
);
export type ProxyHouseholdsQuery = Static<typeof ProxyHouseholdsQuery>;

export const ProxyMember = Type.Object(
  {
    personId: Type.Integer(),
    name: Type.String({ description: 'In full for holders of person.read there, else masked (张**)' }),
    sex: Type.Enum(['male', 'female', 'unknown']),
    birthYear: Nullable(Type.Integer()),
    phoneMasked: Nullable(Type.String()),
    today: Nullable(
      Type.Object({ temperature: Nullable(Type.Number()), well: Type.Boolean(), channel: Channel }),
    ),
  },
  { $id: 'CheckinProxyMember' },
);

export const ProxyHousehold = Type.Object(
  {
    houseId: Type.Integer(),
    address: Type.String(),
    members: Type.Array(ProxyMember),
  },
  { $id: 'CheckinProxyHousehold' },
);
export type ProxyHousehold = Static<typeof ProxyHousehold>;

export const ProxyHouseholdList = Type.Object(
  {
    day: Type.String({ format: 'date' }),
    households: Type.Array(ProxyHousehold),
    truncated: Type.Boolean({ description: 'More houses than shown: narrow with areaId' }),
  },
  { $id: 'CheckinProxyHouseholdList' },
);
export type ProxyHouseholdList = Static<typeof ProxyHouseholdList>;

export const ProxyCheckinBody = Type.Object(
  {
    houseId: Type.Integer(),
    members: Type.Array(
      Type.Object(
        { personId: Type.Integer(), temperature: Nullable(Temperature), well: Well },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 50 },
    ),
  },
  { $id: 'ProxyCheckinBody', additionalProperties: false },
);
export type ProxyCheckinBody = Static<typeof ProxyCheckinBody>;

// ---- inbound channels (SMS gateway, voice robot)

export const SmsInboundBody = Type.Object(
  {
    messageId: Type.String({
      minLength: 1,
      maxLength: 100,
      description: 'The gateway’s message id (retries carry the same)',
    }),
    from: Type.String({ minLength: 3, maxLength: 30, description: 'The sender’s phone number' }),
    text: Type.String({ maxLength: 500 }),
    receivedAt: Type.Optional(
      Type.String({ format: 'date-time', description: 'When the gateway received it' }),
    ),
  },
  { $id: 'SmsInboundBody', additionalProperties: false },
);
export type SmsInboundBody = Static<typeof SmsInboundBody>;

export const INBOUND_OUTCOMES = ['recorded', 'unparsed', 'unmatched'] as const;
export const InboundResult = Type.Object(
  {
    messageId: Type.String(),
    outcome: Type.Enum(INBOUND_OUTCOMES, {
      description: 'recorded; unparsed or unmatched: left in the worker’s inbox',
    }),
    recorded: Type.Integer({ description: 'Persons whose check-in was stored' }),
    duplicate: Type.Boolean({ description: 'The message id was received before: nothing changed' }),
  },
  { $id: 'CheckinInboundResult' },
);
export type InboundResult = Static<typeof InboundResult>;

export const VoiceAnswers = Type.Object(
  {
    temperature: Type.Optional(Nullable(Type.Union([Type.Number(), Type.String({ maxLength: 20 })]))),
    well: Type.Optional(Nullable(Type.Boolean())),
    persons: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 50 }))),
    text: Type.Optional(
      Nullable(Type.String({ maxLength: 500, description: 'The recognised answer as text' })),
    ),
  },
  { $id: 'CheckinVoiceAnswers', additionalProperties: false },
);
export type VoiceAnswers = Static<typeof VoiceAnswers>;

export const VoicePushBody = Type.Object(
  {
    results: Type.Array(
      Type.Object(
        {
          callId: Type.String({ minLength: 1, maxLength: 100 }),
          phone: Type.String({ minLength: 3, maxLength: 30 }),
          calledAt: Type.String({ format: 'date-time' }),
          answers: VoiceAnswers,
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 500 },
    ),
  },
  { $id: 'VoicePushBody', additionalProperties: false },
);
export type VoicePushBody = Static<typeof VoicePushBody>;

export const InboundResults = Type.Object(
  { results: Type.Array(InboundResult) },
  { $id: 'CheckinInboundResults' },
);

export const VoiceImportReject = Type.Object(
  {
    row: Type.Integer(),
    column: Nullable(Type.String()),
    code: Type.String({ description: 'required, phone, date_time, temperature, no_answer' }),
  },
  { $id: 'CheckinVoiceImportReject' },
);
export type VoiceImportReject = Static<typeof VoiceImportReject>;

export const VoiceImportReport = Type.Object(
  {
    rows: Type.Integer(),
    recorded: Type.Integer({ description: 'Rows that stored a check-in' }),
    inbox: Type.Integer({ description: 'Rows left in the inbox (unparsed or unmatched phone)' }),
    duplicates: Type.Integer({ description: 'Calls imported before' }),
    rejected: Type.Array(VoiceImportReject),
  },
  { $id: 'CheckinVoiceImportReport' },
);
export type VoiceImportReport = Static<typeof VoiceImportReport>;

// ---- inbox

export const InboxQuery = Type.Object(
  { areaId: Type.Optional(Id()) },
  { $id: 'CheckinInboxQuery', additionalProperties: false },
);
export type InboxQuery = Static<typeof InboxQuery>;

export const InboxMessage = Type.Object(
  {
    id: Type.Integer(),
    channel: Type.Enum(['sms', 'voice']),
    receivedAt: Type.String({ format: 'date-time' }),
    sentAt: Nullable(Type.String({ format: 'date-time' })),
    phoneMasked: Nullable(Type.String()),
    text: Nullable(Type.String({ description: 'The text as sent (SMS) or the recognised answers (voice)' })),
    outcome: Type.Enum(['unparsed', 'unmatched']),
    house: Nullable(Type.Object({ id: Type.Integer(), address: Type.String() })),
    areaPath: Type.String(),
  },
  { $id: 'CheckinInboxMessage' },
);
export type InboxMessage = Static<typeof InboxMessage>;

export const InboxList = Type.Object({ items: Type.Array(InboxMessage) }, { $id: 'CheckinInboxList' });

export const ResolveBody = Type.Object(
  {
    personId: Type.Optional(Type.Integer({ description: 'Record the message as this resident’s check-in' })),
    temperature: Type.Optional(Nullable(Temperature)),
    well: Type.Optional(Well),
    note: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { $id: 'CheckinResolveBody', additionalProperties: false },
);
export type ResolveBody = Static<typeof ResolveBody>;

export const ResolveResult = Type.Object(
  { recorded: Type.Integer({ description: '1 when the message became a check-in' }) },
  { $id: 'CheckinResolveResult' },
);

// ---- figures

export const CheckinFiguresQuery = Type.Object(
  {
    areaId: Type.Optional(Id({ description: 'The area (and below); default: the top of your health scope' })),
    date: Type.Optional(
      Type.String({ format: 'date', description: 'YYYY-MM-DD (China time); default today' }),
    ),
  },
  { $id: 'CheckinFiguresQuery', additionalProperties: false },
);
export type CheckinFiguresQuery = Static<typeof CheckinFiguresQuery>;

const countFields = {
  households: Type.Integer({ description: 'Households with active residents' }),
  householdsReported: Type.Integer({ description: 'Households with at least one check-in today' }),
  persons: Type.Integer(),
  reported: Type.Integer(),
  notReported: Type.Integer(),
  fevers: Type.Integer({ description: 'Check-ins at or above 37.3 °C' }),
  unwell: Type.Integer({ description: 'Check-ins marked unwell (fevers included)' }),
};
export const CheckinCounts = Type.Object(countFields, { $id: 'CheckinCounts' });
export type CheckinCounts = Static<typeof CheckinCounts>;

export const CheckinAreaFigures = Type.Object(
  { area: AreaSummary, level: Type.Enum(['grid', 'cell']), ...countFields },
  { $id: 'CheckinAreaFigures' },
);
export type CheckinAreaFigures = Static<typeof CheckinAreaFigures>;

export const CheckinAttention = Type.Object(
  {
    personId: Type.Integer(),
    name: Type.String(),
    phoneMasked: Nullable(Type.String()),
    houseId: Type.Integer(),
    address: Type.String(),
    state: Type.Enum(['not_reported', 'fever', 'unwell']),
    temperature: Nullable(Type.Number()),
    channel: Nullable(Channel),
    reportedAt: Nullable(Type.String({ format: 'date-time' })),
  },
  { $id: 'CheckinAttention' },
);
export type CheckinAttention = Static<typeof CheckinAttention>;

export const CheckinFigures = Type.Object(
  {
    area: AreaSummary,
    date: Type.String({ format: 'date' }),
    total: CheckinCounts,
    grids: Type.Array(CheckinAreaFigures),
    cells: Type.Array(CheckinAreaFigures, { description: 'Rows (埭/楼栋): the cell areas' }),
    attention: Type.Array(CheckinAttention, {
      description: 'Fevers and unwell first, then those not reported; at most 500',
    }),
    attentionTruncated: Type.Boolean(),
    inboxOpen: Type.Integer({ description: 'Open inbox messages under the area' }),
  },
  { $id: 'CheckinFigures' },
);
export type CheckinFigures = Static<typeof CheckinFigures>;
