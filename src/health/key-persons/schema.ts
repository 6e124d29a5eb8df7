import { KeyPersonCategory } from '../../core/closed-schemas.js';
import { Type, type Static } from 'typebox';
import { Page, PageQuery } from '../../core/pagination.js';
import { MAX_PERIOD_DAYS } from './plan.js';
import { Id, RequiredText } from '../../core/schemas.js';
import { KEY_PERSON_REASON_CODES, KEY_PERSON_STATUSES } from '../../core/vocabulary.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);
const DateString = Type.String({ format: 'date' });
const PlanDays = (description: string) =>
  Type.Array(Type.Integer({ minimum: 1, maximum: MAX_PERIOD_DAYS }), {
    maxItems: MAX_PERIOD_DAYS,
    uniqueItems: true,
    description,
  });
const DateOf = (description: string) => Type.String({ format: 'date', description });

export { KEY_PERSON_STATUSES };
export const FOLLOW_UP_KINDS = ['temperature', 'test', 'visit', 'call'] as const;

export const FollowUpPlan = Type.Object(
  {
    temperatureSlots: Type.Optional(
      Type.Array(Type.Enum(['am', 'pm']), {
        maxItems: 2,
        uniqueItems: true,
        description: 'Temperature readings per day: ["am", "pm"] is twice a day',
      }),
    ),
    testDays: Type.Optional(PlanDays('Days of the period with a test (day 1 = first day)')),
    dailyCall: Type.Optional(Type.Boolean({ description: 'A phone call every day' })),
    visitDays: Type.Optional(PlanDays('Days of the period with a home visit')),
  },
  { $id: 'FollowUpPlan', additionalProperties: false },
);
export type FollowUpPlanBody = Static<typeof FollowUpPlan>;

export const PersonSummary = Type.Object(
  {
    id: Type.Integer(),
    name: Type.String(),
    documentMasked: Type.String(),
    phoneMasked: Nullable(Type.String()),
    address: Nullable(Type.String()),
    area: Nullable(Type.Object({ id: Type.Integer(), code: Type.String(), name: Type.String() })),
  },
  { $id: 'PersonSummary' },
);

export const KeyPersonView = Type.Object(
  {
    id: Type.Integer(),
    person: PersonSummary,
    /** The follow-up's area, "/1/5/23/": the web checks the caller's grants against it before offering an action. */
    areaPath: Type.Optional(Type.String()),
    category: KeyPersonCategory,
    status: Type.Enum(KEY_PERSON_STATUSES),
    startsOn: DateString,
    endsOn: DateString,
    responsible: Nullable(Type.Object({ id: Type.Integer(), name: Type.String() })),
    plan: FollowUpPlan,
    reason: Nullable(Type.String()),
    /** Why a rule opened it, as a code with its figures: the page words it in the reader's language. */
    reasonCode: Nullable(Type.Enum(KEY_PERSON_REASON_CODES)),
    reasonParams: Nullable(Type.Record(Type.String(), Type.String())),
    source: Type.String(),
    createdAt: Type.String({ format: 'date-time' }),
    endedAt: Nullable(Type.String({ format: 'date-time' })),
    endedBy: Nullable(Type.String()),
    endNote: Nullable(Type.String()),
    followUps: Type.Object({
      dueToday: Type.Integer(),
      doneToday: Type.Integer(),
      missing: Type.Integer({ description: 'Due before today and never recorded' }),
    }),
  },
  { $id: 'KeyPersonView' },
);
export type KeyPersonView = Static<typeof KeyPersonView>;
export const KeyPersonPage = Type.With(Page(KeyPersonView), { $id: 'KeyPersonPage' });

export const FollowUpView = Type.Object(
  {
    id: Type.Integer(),
    dueOn: DateString,
    slot: Type.String(),
    kind: Type.Enum(FOLLOW_UP_KINDS),
    done: Type.Boolean(),
    doneAt: Nullable(Type.String({ format: 'date-time' })),
    doneBy: Nullable(Type.String()),
    temperature: Nullable(Type.Number()),
    symptoms: Nullable(Type.String()),
    note: Nullable(Type.String()),
  },
  { $id: 'FollowUpView' },
);
export type FollowUpView = Static<typeof FollowUpView>;

export const KeyPersonDetail = Type.Intersect(
  [KeyPersonView, Type.Object({ schedule: Type.Array(FollowUpView) })],
  { $id: 'KeyPersonDetail' },
);
export type KeyPersonDetail = Static<typeof KeyPersonDetail>;

export const CreateKeyPersonBody = Type.Object(
  {
    personId: Id(),
    category: KeyPersonCategory,
    startsOn: Type.Optional(DateOf('Default today')),
    endsOn: Type.Optional(DateOf('Default: the category’s usual period')),
    responsibleUserId: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 2147483647,
        description: 'Default: the grid worker of the person’s micro-grid or grid, if there is exactly one',
      }),
    ),
    plan: Type.Optional(FollowUpPlan),
    reason: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { $id: 'CreateKeyPersonBody', additionalProperties: false },
);
export type CreateKeyPersonBody = Static<typeof CreateKeyPersonBody>;

export const UpdateKeyPersonBody = Type.Object(
  {
    endsOn: Type.Optional(DateOf('Extend or shorten the period')),
    responsibleUserId: Type.Optional(Id()),
    plan: Type.Optional(FollowUpPlan),
  },
  { $id: 'UpdateKeyPersonBody', additionalProperties: false, minProperties: 1 },
);
export type UpdateKeyPersonBody = Static<typeof UpdateKeyPersonBody>;

export const EndKeyPersonBody = Type.Object(
  { note: Type.Optional(Type.String({ maxLength: 500 })) },
  { $id: 'EndKeyPersonBody', additionalProperties: false },
);
export type EndKeyPersonBody = Static<typeof EndKeyPersonBody>;

export const TransferKeyPersonBody = Type.Object(
  {
    destination: RequiredText(200, {
      description: 'Where the person went: a quarantine hotel, a hospital, another district',
    }),
  },
  { $id: 'TransferKeyPersonBody', additionalProperties: false },
);
export type TransferKeyPersonBody = Static<typeof TransferKeyPersonBody>;

export const FollowUpParams = Type.Object({ id: Id(), followUpId: Id() }, { $id: 'FollowUpParams' });

export const RecordFollowUpBody = Type.Object(
  {
    temperature: Type.Optional(Type.Number({ minimum: 30, maximum: 45, description: '°C' })),
    symptoms: Type.Optional(Type.String({ maxLength: 200 })),
    note: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { $id: 'RecordFollowUpBody', additionalProperties: false },
);
export type RecordFollowUpBody = Static<typeof RecordFollowUpBody>;

export const KeyPersonQuery = Type.Intersect(
  [
    PageQuery,
    Type.Object({
      within: Type.Optional(Id()),
      category: Type.Optional(KeyPersonCategory),
      status: Type.Optional(Type.Enum([...KEY_PERSON_STATUSES, 'all'], { default: 'active' })),
      responsible: Type.Optional(
        Type.Union([Type.Literal('me'), Id()], {
          description: '"me" or a user id',
        }),
      ),
    }),
  ],
  { $id: 'KeyPersonQuery' },
);
export type KeyPersonQuery = Static<typeof KeyPersonQuery>;

export const TaskQuery = Type.Intersect(
  [
    PageQuery,
    Type.Object({
      within: Type.Optional(Id()),
      responsible: Type.Optional(Type.Union([Type.Literal('me'), Id()])),
    }),
  ],
  { $id: 'TaskQuery' },
);
export type TaskQuery = Static<typeof TaskQuery>;

export const TaskView = Type.Object(
  {
    kind: Type.Enum(['follow_up_missing', 'period_ended'], {
      description:
        'follow_up_missing: follow-ups due on an earlier day never recorded; period_ended: the period is over but the key person is still active',
    }),
    keyPersonId: Type.Integer(),
    category: KeyPersonCategory,
    person: PersonSummary,
    responsible: Nullable(Type.Object({ id: Type.Integer(), name: Type.String() })),
    since: DateString,
    missing: Type.Integer({ description: 'How many follow-ups are missing (0 for period_ended)' }),
    endsOn: DateString,
  },
  { $id: 'TaskView' },
);
export type TaskView = Static<typeof TaskView>;
export const TaskPage = Type.With(Page(TaskView), { $id: 'TaskPage' });

export const ScanResult = Type.Object(
  {
    flagged: Type.Integer({ description: 'Returnees newly flagged in your area' }),
  },
  { $id: 'ScanResult' },
);
