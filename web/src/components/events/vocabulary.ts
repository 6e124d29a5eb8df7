// The event words the forms and filters offer, typed by the generated contract: a word the server
// adds or drops fails the build here until the list follows.
import type {
  CategoryView,
  CreateEventBody,
  EventListItem,
  EventSummary,
  StepLimitsSchema,
} from '../../api/model';
import type { paths } from '../../api/schema.gen';

/** A list that names every word of `T` (and nothing else): `allOf<Tier>()(['grid', …])`. */
export const allOf =
  <T extends string>() =>
  <const L extends readonly T[]>(list: L & ([Exclude<T, L[number]>] extends [never] ? unknown : never)) =>
    list;

export type EventStatus = EventListItem['status'];
export type EventTier = EventListItem['tier'];
export type EventSource = EventListItem['source'];
export type StaffSource = CreateEventBody['source'];
export type EventStep = NonNullable<EventListItem['step']>;
export type StepLimits = StepLimitsSchema;
export type LimitUnit = NonNullable<StepLimitsSchema[EventStep]>['unit'];
export type EventCategory = CategoryView;
/** The workflow actions: one route each (/api/events/{id}/actions/<action>). */
export type EventAction = {
  [P in keyof paths]: P extends `/api/events/{id}/actions/${infer A}` ? A : never;
}[keyof paths];

export const EVENT_STATUSES = allOf<EventStatus>()([
  'collected',
  'registered',
  'dispatched',
  'handling',
  'reported',
  'closed',
  'evaluated',
  'suspended',
  'merged',
  'rejected',
]);
export const EVENT_TIERS = allOf<EventTier>()(['microgrid', 'grid', 'village', 'township', 'county']);
export const EVENT_SOURCES = allOf<EventSource>()([
  'citizen',
  'patrol',
  'hotline',
  'resident_group',
  'device',
  'open311',
]);
export const STAFF_SOURCES = allOf<StaffSource>()(['patrol', 'hotline', 'resident_group']);
export const EVENT_STEPS = allOf<EventStep>()(['register', 'dispatch', 'handle', 'check']);
export const LIMIT_UNITS = allOf<LimitUnit>()(['minutes', 'work_hours', 'work_days']);
/** Every workflow action, in the order a handler meets them. */
export const EVENT_ACTIONS = allOf<EventAction>()([
  'register',
  'reject',
  'dispatch',
  'reassign',
  'accept',
  'report',
  'return',
  'close',
  'evaluate',
  'suspend',
  'resume',
  'merge',
]);

/** Statuses still being worked on (their step clock may run): the summary counts them. */
export const OPEN_STATUSES = allOf<keyof EventSummary['byStatus']>()([
  'collected',
  'registered',
  'dispatched',
  'handling',
  'reported',
  'suspended',
]);

/** A photo of an event, as an image address (the browser sends the session cookie). */
export const eventPhotoUrl = (eventId: number, photoId: number) => `/api/events/${eventId}/photos/${photoId}`;
