// The events (事件) and notifications API: types mirror src/events/schema.ts and src/notifications/schema.ts.
import { http } from './client';
import { useResource } from './hooks';
import type { AreaGeometry, Right } from './types';

/** The right the event settings need (a word of the shared vocabulary, checked by the compiler). */
export const EVENT_CONFIGURE: Right = 'event.configure';

export const EVENT_TIERS = ['microgrid', 'grid', 'village', 'township', 'county'] as const;
export const EVENT_STATUSES = [
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
] as const;
export const EVENT_SOURCES = ['citizen', 'patrol', 'hotline', 'resident_group', 'device', 'open311'] as const;
export const STAFF_SOURCES = ['patrol', 'hotline', 'resident_group'] as const;
export const EVENT_STEPS = ['register', 'dispatch', 'handle', 'check'] as const;
export const LIMIT_UNITS = ['minutes', 'work_hours', 'work_days'] as const;
/** Every workflow action the server knows; `allowedActions` of a detail names the caller's. */
export const EVENT_ACTIONS = [
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
] as const;

export type EventTier = (typeof EVENT_TIERS)[number];
export type EventStatus = (typeof EVENT_STATUSES)[number];
export type EventSource = (typeof EVENT_SOURCES)[number];
export type StaffSource = (typeof STAFF_SOURCES)[number];
export type EventStep = (typeof EVENT_STEPS)[number];
export type LimitUnit = (typeof LIMIT_UNITS)[number];
export type EventAction = (typeof EVENT_ACTIONS)[number];

/** Statuses still being worked on (their step clock may run). */
export const OPEN_STATUSES: readonly EventStatus[] = [
  'collected',
  'registered',
  'dispatched',
  'handling',
  'reported',
  'suspended',
];

// ---- categories and calendar ----

export interface TimeLimit {
  amount: number;
  unit: LimitUnit;
}
export type StepLimits = Partial<Record<EventStep, TimeLimit>>;

export interface EventCategory {
  id: number;
  parentId: number | null;
  code: string;
  nameZh: string;
  nameEn: string;
  startTier: EventTier;
  limits: StepLimits;
  public: boolean;
  sort: number;
  retired: boolean;
}
export interface EventCategoryClass extends EventCategory {
  children: EventCategory[];
}

export interface CreateCategoryInput {
  parentId?: number;
  code: string;
  nameZh: string;
  nameEn: string;
  startTier: EventTier;
  limits: StepLimits;
  public?: boolean;
  sort?: number;
}
export type UpdateCategoryInput = Partial<Omit<CreateCategoryInput, 'parentId' | 'code'>>;

export interface PublicCategory {
  code: string;
  nameZh: string;
  nameEn: string;
}
export interface PublicCategoryClass extends PublicCategory {
  children: PublicCategory[];
}

export type CalendarKind = 'holiday' | 'workday';
export interface CalendarDay {
  day: string;
  kind: CalendarKind;
  name: string;
  updatedAt: string;
}

// ---- events ----

export interface AreaBrief {
  id: number;
  code: string;
  name: string;
  level: string;
}
export interface CategoryBrief {
  id: number;
  code: string;
  nameZh: string;
  nameEn: string;
}
export interface Assignee {
  userId: number | null;
  userName: string | null;
  teamId: number | null;
  teamName: string | null;
  department: string | null;
}

export interface EventListItem {
  id: number;
  code: string;
  title: string;
  status: EventStatus;
  source: EventSource;
  tier: EventTier;
  category: CategoryBrief;
  area: AreaBrief;
  assignee: Assignee | null;
  step: EventStep | null;
  stepDeadline: string | null;
  overdue: boolean;
  escalationCount: number;
  alertCount: number;
  createdAt: string;
  updatedAt: string;
}

export interface EventBoard {
  items: EventListItem[];
  nextCursor: string | null;
}

export interface EventBoardQuery {
  status?: EventStatus[];
  category?: number;
  tier?: EventTier;
  overdue?: boolean;
  source?: EventSource;
  areaId?: number;
  assignee?: 'me';
  q?: string;
  cursor?: string;
  limit?: number;
}

export interface EventSummary {
  byStatus: Record<'collected' | 'registered' | 'dispatched' | 'handling' | 'reported' | 'suspended', number>;
  open: number;
  overdue: number;
}

export interface EventStepView {
  id: number;
  at: string;
  action: string;
  fromStatus: string | null;
  toStatus: string | null;
  fromTier: string | null;
  toTier: string | null;
  actor: string;
  note: string | null;
  details: unknown;
}

export interface EventPhoto {
  id: number;
  stepId: number | null;
  purpose: 'report' | 'feedback';
  mime: string;
  width: number;
  height: number;
  bytes: number;
}

export interface EventDetail extends EventListItem {
  description: string | null;
  address: string | null;
  lng: number | null;
  lat: number | null;
  areaPath: AreaBrief[];
  tierArea: AreaBrief;
  reporterName: string | null;
  reporterPhone: string | null;
  camera: { id: number; code: string; name: string; kind: string } | null;
  alertKind: string | null;
  lastAlertAt: string | null;
  stepStartedAt: string | null;
  escalatedAt: string | null;
  suspendedReason: string | null;
  mergedInto: { id: number; code: string } | null;
  rating: number | null;
  ratingComment: string | null;
  ratedAt: string | null;
  registeredAt: string | null;
  dispatchedAt: string | null;
  respondedAt: string | null;
  reportedAt: string | null;
  closedAt: string | null;
  steps: EventStepView[];
  photos: EventPhoto[];
  allowedActions: string[];
}

export interface CreateEventInput {
  source: StaffSource;
  categoryId: number;
  areaId: number;
  title: string;
  description?: string;
  address?: string;
  lng?: number;
  lat?: number;
  reporterName?: string;
  reporterPhone?: string;
}

export interface CreatedEvent {
  id: number;
  code: string;
  status: EventStatus;
  tier: EventTier;
  feedbackToken: string | null;
}

/** Exactly one of userId, teamId, department. */
export interface AssignInput {
  userId?: number;
  teamId?: number;
  department?: string;
  note?: string;
}

/** The JSON body of each action ('report' goes as multipart, see `reportBack`). */
export interface ActionBodies {
  register: { note?: string };
  reject: { note: string };
  dispatch: AssignInput;
  reassign: AssignInput;
  accept: { note?: string };
  return: { note: string };
  close: { note?: string };
  evaluate: { rating: number; comment?: string };
  suspend: { reason: string };
  resume: { note?: string };
  merge: { intoEventId: number; note?: string };
}

// ---- public (随手拍) ----

export interface PublicReportInput {
  category: string;
  community: string;
  description: string;
  lng?: number;
  lat?: number;
  address?: string;
  name?: string;
  phone?: string;
}

export interface PublicReportReceipt {
  code: string;
  followToken: string;
  photos: number;
}

export interface PublicEventView {
  code: string;
  category: { nameZh: string; nameEn: string };
  status: EventStatus;
  createdAt: string;
  closedAt: string | null;
  timeline: Array<{ at: string; action: string; status: string | null }>;
  photos: Array<{ id: number; purpose: 'report' | 'feedback' }>;
  canRate: boolean;
  rating: number | null;
  ratingComment: string | null;
}

// ---- teams (the dispatch dialog's candidates) ----

export interface TeamBrief {
  id: number;
  name: string;
  kind: 'grid' | 'service' | 'checkpoint' | 'department';
  area: AreaBrief;
  leader: { userId: number; name: string } | null;
  memberCount: number;
}

// ---- notifications ----

export const CHANNELS = ['sms', 'webhook', 'voice'] as const;
export type Channel = (typeof CHANNELS)[number];

export interface NotificationView {
  id: number;
  kind: string;
  priority: 'normal' | 'urgent';
  title: string;
  body: string | null;
  /** A path inside the web app, e.g. /events/42. */
  link: string | null;
  entity: { type: string; id: string | null } | null;
  createdAt: string;
  readAt: string | null;
}
export interface DeliveryState {
  channel: Channel;
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
}
export interface InboxItem extends NotificationView {
  deliveries: DeliveryState[];
}
export interface InboxPage {
  items: InboxItem[];
  nextBefore: number | null;
}
export interface NotificationQuery {
  before?: number;
  limit?: number;
  unread?: boolean;
}
export interface ChannelPreference {
  channel: Channel;
  enabled: boolean;
  urgentOnly: boolean;
  /** Masked: 138****5678, https://host/… */
  address: string | null;
  /** False while the server only logs the channel (no gateway configured). */
  live: boolean;
}
export interface ChannelPreferenceInput {
  channel: Channel;
  enabled: boolean;
  urgentOnly?: boolean;
  /** Omitted: keep; null: forget; a string: the new phone or https URL. */
  address?: string | null;
}

// ---- transport ----

const { request } = http;
const get = <T>(path: string, query?: object, signal?: AbortSignal) =>
  request<T>('GET', path, { query, ...(signal ? { signal } : {}) });
const post = <T>(path: string, body?: unknown) => request<T>('POST', path, { body: body ?? {} });

/** `status` repeats in the query (?status=a&status=b); queryString() keeps one value per key. */
function boardPath(query: EventBoardQuery): string {
  const { status, ...rest } = query;
  const params = new URLSearchParams(http.queryString(rest).slice(1));
  for (const value of status ?? []) params.append('status', value);
  const text = params.toString();
  return `/events${text ? `?${text}` : ''}`;
}

function photoForm(fields: Record<string, string | number | undefined>, photos: File[]): FormData {
  const form = new FormData();
  // Fields first: the server reads the multipart stream in order.
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined && value !== '') form.append(key, String(value));
  }
  for (const photo of photos) form.append('photos', photo, photo.name);
  return form;
}

export const eventsApi = {
  board: (query: EventBoardQuery, signal?: AbortSignal) =>
    get<EventBoard>(boardPath(query), undefined, signal),
  summary: (areaId: number | undefined, signal?: AbortSignal) =>
    get<EventSummary>('/events/summary', { areaId }, signal),
  mine: (signal?: AbortSignal) => get<{ items: EventListItem[] }>('/events/mine', undefined, signal),
  get: (id: number, signal?: AbortSignal) => get<EventDetail>(`/events/${id}`, undefined, signal),
  create: (input: CreateEventInput) => post<CreatedEvent>('/events', input),
  act: <A extends keyof ActionBodies>(id: number, action: A, body: ActionBodies[A]) =>
    post<EventDetail>(`/events/${id}/actions/${action}`, body),
  /** Report back with photos (multipart: field "note", file parts "photos"). */
  reportBack: (id: number, note: string, photos: File[]) =>
    request<EventDetail>('POST', `/events/${id}/actions/report`, { form: photoForm({ note }, photos) }),
  photoUrl: (id: number, photoId: number) => `/api/events/${id}/photos/${photoId}`,

  categories: (includeRetired = false, signal?: AbortSignal) =>
    get<{ items: EventCategoryClass[] }>('/events/categories', { includeRetired }, signal),
  createCategory: (input: CreateCategoryInput) => post<EventCategory>('/events/categories', input),
  updateCategory: (id: number, input: UpdateCategoryInput) =>
    request<EventCategory>('PATCH', `/events/categories/${id}`, { body: input }),
  retireCategory: (id: number) => post<EventCategory>(`/events/categories/${id}/retire`),
  calendar: (year: number, signal?: AbortSignal) =>
    get<{ year: number; items: CalendarDay[] }>('/events/calendar', { year }, signal),
  setCalendarDay: (day: string, kind: CalendarKind, name: string) =>
    request<CalendarDay>('PUT', `/events/calendar/${day}`, { body: { kind, name } }),
  deleteCalendarDay: (day: string) => request<void>('DELETE', `/events/calendar/${day}`),

  teams: (areaId: number, signal?: AbortSignal) =>
    get<{ items: TeamBrief[]; total: number }>('/teams', { areaId, pageSize: 100 }, signal),
};

/** The report page's community: its name and boundary, and its mapped grids (no personal data). */
export interface PublicCommunity {
  code: string;
  name: string;
  path: string[];
  boundary: AreaGeometry | null;
  centre: { lng: number; lat: number } | null;
  areas: Array<{ code: string; name: string; level: string; boundary: AreaGeometry }>;
}

export const publicEventsApi = {
  community: (code: string, signal?: AbortSignal) =>
    get<PublicCommunity>(`/public/communities/${encodeURIComponent(code)}`, undefined, signal),
  categories: (signal?: AbortSignal) =>
    get<{ items: PublicCategoryClass[] }>('/public/event-categories', undefined, signal),
  report: (input: PublicReportInput, photos: File[]) =>
    request<PublicReportReceipt>('POST', '/public/reports', {
      form: photoForm({ ...input }, photos),
    }),
  follow: (token: string, signal?: AbortSignal) =>
    get<PublicEventView>(`/public/events/${encodeURIComponent(token)}`, undefined, signal),
  rate: (token: string, rating: number, comment?: string) =>
    post<PublicEventView>(`/public/events/${encodeURIComponent(token)}/rating`, {
      rating,
      ...(comment ? { comment } : {}),
    }),
  photoUrl: (token: string, photoId: number) =>
    `/api/public/events/${encodeURIComponent(token)}/photos/${photoId}`,
};

export const notificationsApi = {
  list: (query: NotificationQuery, signal?: AbortSignal) => get<InboxPage>('/notifications', query, signal),
  unreadCount: (signal?: AbortSignal) =>
    get<{ count: number }>('/notifications/unread-count', undefined, signal),
  read: (id: number) => post<{ id: number; readAt: string }>(`/notifications/${id}/read`),
  readAll: (upToId?: number) =>
    post<{ updated: number }>('/notifications/read-all', upToId ? { upToId } : {}),
  preferences: (signal?: AbortSignal) =>
    get<{ channels: ChannelPreference[] }>('/notifications/preferences', undefined, signal),
  savePreferences: (channels: ChannelPreferenceInput[]) =>
    request<{ channels: ChannelPreference[] }>('PUT', '/notifications/preferences', { body: { channels } }),
};

// ---- hooks ----

export const useEventSummary = (areaId: number | undefined, version = 0) =>
  useResource((signal) => eventsApi.summary(areaId, signal), [areaId, version]);

export const useEvent = (id: number, version = 0) =>
  useResource((signal) => eventsApi.get(id, signal), [id, version]);

export const useMyEvents = (version = 0) => useResource((signal) => eventsApi.mine(signal), [version]);

export const useEventCategories = (includeRetired = false, version = 0) =>
  useResource((signal) => eventsApi.categories(includeRetired, signal), [includeRetired, version]);

export const useCalendar = (year: number, version = 0) =>
  useResource((signal) => eventsApi.calendar(year, signal), [year, version]);

export const usePublicCategories = () => useResource((signal) => publicEventsApi.categories(signal), []);

export const usePublicCommunity = (code: string) =>
  useResource((signal) => publicEventsApi.community(code, signal), [code]);

export const useFollowedEvent = (token: string, version = 0) =>
  useResource((signal) => publicEventsApi.follow(token, signal), [token, version]);

export const useNotificationPreferences = (version = 0) =>
  useResource((signal) => notificationsApi.preferences(signal), [version]);
