import { RequestKind, ServiceRequestStatus, Urgency } from '../../core/closed-schemas.js';
import { type Static, Type } from 'typebox';
import { Page, PageQuery } from '../../core/pagination.js';
import { Id, RequiredParagraph } from '../../core/schemas.js';
import {
  REQUEST_KINDS,
  SERVICE_REQUEST_STATUSES as REQUEST_STATUSES,
  URGENCIES,
} from '../../core/vocabulary.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);
const DateTime = Type.String({ format: 'date-time' });

export { REQUEST_KINDS, REQUEST_STATUSES, URGENCIES };

export const REQUEST_CODE_PATTERN = '^RQ[0-9]{8}[0-9A-Z]{6}$';

const RequestFields = {
  kind: RequestKind,
  details: RequiredParagraph(1000, { description: 'What is needed (药名、数量…)' }),
  urgency: Type.Optional(Type.Enum(URGENCIES, { default: 'normal' })),
  requesterName: Type.Optional(Type.String({ maxLength: 50 })),
  contactPhone: Type.Optional(
    Type.String({ maxLength: 30, description: 'Stored encrypted, shown masked; optional' }),
  ),
};

export const PublicRequestBody = Type.Object(RequestFields, {
  $id: 'PublicRequestBody',
  additionalProperties: false,
});
export type PublicRequestBody = Static<typeof PublicRequestBody>;

export const WorkerRequestBody = Type.Object(
  { houseId: Type.Integer({ minimum: 1, maximum: 2147483647 }), ...RequestFields },
  { $id: 'WorkerRequestBody', additionalProperties: false },
);
export type WorkerRequestBody = Static<typeof WorkerRequestBody>;

/**
 * What the follow link shows whoever asked: what they asked, its status and the volunteer's display
 * name, nothing else about people. The door page shows no requests at all.
 */
export const PublicRequestView = Type.Object(
  {
    code: Type.String(),
    kind: RequestKind,
    kindLabel: Type.String(),
    details: Type.String(),
    urgency: Urgency,
    status: ServiceRequestStatus,
    volunteer: Nullable(Type.Object({ name: Type.String() })),
    createdAt: DateTime,
    acceptedAt: Nullable(DateTime),
    deliveredAt: Nullable(DateTime),
    closedAt: Nullable(DateTime),
  },
  { $id: 'PublicRequestView' },
);
export type PublicRequestView = Static<typeof PublicRequestView>;

/** A follow link's token: 192 random bits, 32 base64url characters. */
export const FOLLOW_TOKEN_PATTERN = '^[A-Za-z0-9_-]{32}$';
export const FollowParams = Type.Object(
  {
    token: Type.String({ maxLength: 64, pattern: FOLLOW_TOKEN_PATTERN }),
  },
  { $id: 'RequestFollowParams' },
);

export const RequestView = Type.Object(
  {
    id: Type.Integer(),
    code: Type.String(),
    kind: RequestKind,
    details: Type.String(),
    urgency: Urgency,
    status: ServiceRequestStatus,
    channel: Type.Enum(['household_code', 'worker']),
    house: Type.Object({ id: Type.Integer(), address: Type.String() }),
    area: Type.Object({ id: Type.Integer(), code: Type.String(), name: Type.String() }),
    /** Masked (first character kept). */
    requesterName: Nullable(Type.String()),
    contactMasked: Nullable(Type.String()),
    /** Null: nobody covers the house; the grid's responders were told. */
    volunteer: Nullable(Type.Object({ userId: Type.Integer(), name: Type.String() })),
    createdBy: Nullable(Type.String()),
    note: Nullable(Type.String()),
    createdAt: DateTime,
    acceptedAt: Nullable(DateTime),
    deliveredAt: Nullable(DateTime),
    closedAt: Nullable(DateTime),
    /** What the caller may do to it now (the rule the actions enforce): accept, deliver, close, cancel, reassign, reveal. */
    allowedActions: Type.Array(Type.String()),
  },
  { $id: 'RequestView' },
);
export type RequestView = Static<typeof RequestView>;
export const RequestPage = Type.With(Page(RequestView), { $id: 'RequestPage' });

export const HistoryEntry = Type.Object(
  {
    at: DateTime,
    action: Type.String(),
    actor: Type.String(),
    fromStatus: Nullable(Type.String()),
    toStatus: Nullable(Type.String()),
    note: Nullable(Type.String()),
  },
  { $id: 'HistoryEntry' },
);
export const RequestDetail = Type.Intersect(
  [RequestView, Type.Object({ history: Type.Array(HistoryEntry) })],
  { $id: 'RequestDetail' },
);
export type RequestDetail = Static<typeof RequestDetail>;

/** A yes/no query parameter written true/false or 1/0 (the web client and links use both). */
const QueryFlag = (description: string) =>
  Type.Union([Type.Boolean(), Type.Enum(['1', '0'])], { description });
export const isSet = (flag: boolean | '1' | '0' | undefined): boolean | undefined =>
  flag === undefined ? undefined : flag === true || flag === '1';

export const RequestQuery = Type.Intersect(
  [
    PageQuery,
    Type.Object({
      mine: Type.Optional(QueryFlag('true or 1: the requests routed to me (my queue)')),
      status: Type.Optional(
        Type.Enum([...REQUEST_STATUSES, 'active'], { description: 'active: open or accepted or delivered' }),
      ),
      kind: Type.Optional(RequestKind),
      urgency: Type.Optional(Urgency),
      areaId: Type.Optional(Id({ description: 'Only requests under this area' })),
      unassigned: Type.Optional(QueryFlag('true or 1: requests no volunteer holds; false or 0: held ones')),
    }),
  ],
  { $id: 'RequestQuery' },
);
export type RequestQuery = Static<typeof RequestQuery>;

export const NoteBody = Type.Object(
  { note: Type.Optional(Type.String({ maxLength: 1000 })) },
  { $id: 'RequestNoteBody', additionalProperties: false },
);
export type NoteBody = Static<typeof NoteBody>;

export const ReassignBody = Type.Object(
  {
    volunteerUserId: Type.Integer({ minimum: 1, maximum: 2147483647 }),
    note: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { $id: 'ReassignBody', additionalProperties: false },
);
export type ReassignBody = Static<typeof ReassignBody>;

export const RevealBody = Type.Object(
  { reason: Type.String({ minLength: 2, maxLength: 200 }) },
  { $id: 'RequestRevealBody', additionalProperties: false },
);
export const ContactResponse = Type.Object({ phone: Nullable(Type.String()) }, { $id: 'ContactResponse' });

export const PublicReceipt = Type.Object(
  {
    code: Type.String(),
    status: ServiceRequestStatus,
    /** Whether a volunteer covers this household (the request went straight to them). */
    routedToVolunteer: Type.Boolean(),
    message: Type.String(),
    /**
     * The secret of this request's follow link (web page /help/{followToken}); given only here, once.
     * Whoever holds it can follow and withdraw the request; the door code cannot.
     */
    followToken: Type.String({ pattern: FOLLOW_TOKEN_PATTERN }),
  },
  { $id: 'PublicReceipt' },
);
export type PublicReceipt = Static<typeof PublicReceipt>;
