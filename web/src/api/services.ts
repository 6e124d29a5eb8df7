// Community services: teams (1+1+N+K), volunteers' households, resident requests, the resource and
// service lists, announcements and the performance review. Types mirror src/teams, src/services,
// src/announcements and src/review; calls go through the shared transport.
import { http } from './client';
import { useResource } from './hooks';
import type { Page, PageQuery, PersonTag, Right } from './types';

const get = <T>(path: string, query?: object, signal?: AbortSignal) =>
  http.request<T>('GET', path, { query, ...(signal ? { signal } : {}) });
const post = <T>(path: string, body?: unknown) => http.request<T>('POST', path, { body: body ?? {} });
const patch = <T>(path: string, body: unknown) => http.request<T>('PATCH', path, { body });
const put = <T>(path: string, body: unknown) => http.request<T>('PUT', path, { body });
const del = <T>(path: string) => http.request<T>('DELETE', path);
const tokenPath = (token: string) => `/public/households/${encodeURIComponent(token)}`;
const followPath = (token: string) => `/public/requests/${encodeURIComponent(token)}`;

/** The rights these pages check (words of the shared vocabulary, so no cast is needed). */
export type ServiceRight = Extract<
  Right,
  'service.handle' | 'service.manage' | 'team.manage' | 'announcement.write' | 'review.read'
>;
export const serviceRight = (right: ServiceRight): Right => right;

export interface AreaBrief {
  id: number;
  code: string;
  name: string;
  level: string;
}
export interface HouseRef {
  id: number;
  address: string;
}
export interface UserRef {
  userId: number;
  name: string;
}

// ---- Teams (一格多员) ----

export const TEAM_KINDS = ['grid', 'service', 'checkpoint', 'department'] as const;
export type TeamKind = (typeof TEAM_KINDS)[number];
export const TEAM_DUTIES = [
  'leader',
  'grid_worker',
  'police',
  'doctor',
  'volunteer',
  'checkpoint',
  'member',
] as const;
export type TeamDuty = (typeof TEAM_DUTIES)[number];

export interface Team {
  id: number;
  name: string;
  kind: TeamKind;
  area: AreaBrief;
  leader: UserRef | null;
  memberCount: number;
  retiredAt: string | null;
  createdAt: string;
}
export interface TeamMember {
  userId: number;
  name: string;
  duty: TeamDuty;
  since: string;
}
export interface TeamDetail extends Team {
  members: TeamMember[];
}
export interface TeamQuery extends PageQuery {
  areaId?: number;
  kind?: TeamKind;
  includeRetired?: boolean;
}
export interface CreateTeamInput {
  areaId: number;
  name: string;
  kind: TeamKind;
  leaderUserId?: number | null;
}
export interface UpdateTeamInput {
  name?: string;
  leaderUserId?: number | null;
}
export interface Responsibility {
  id: number;
  user: UserRef;
  area: AreaBrief;
  house: HouseRef | null;
  createdAt: string;
}
export interface ResponsibilityQuery extends PageQuery {
  areaId?: number;
  userId?: number;
}
export interface CreateResponsibilityInput {
  userId: number;
  areaId?: number;
  houseId?: number;
}
export interface GridPerson {
  userId: number;
  name: string;
  area: { id: number; name: string; level: string } | null;
  inTeam: boolean;
}
export interface GridVolunteer extends GridPerson {
  households: number;
}
export interface GridTeam {
  grid: AreaBrief;
  leaders: GridPerson[];
  workers: GridPerson[];
  police: GridPerson[];
  doctors: GridPerson[];
  volunteers: GridVolunteer[];
  checkpoints: GridPerson[];
  serviceTeams: Array<{
    id: number;
    name: string;
    area: AreaBrief;
    leader: UserRef | null;
    members: TeamMember[];
  }>;
  responsibilities: Responsibility[];
  counts: {
    workers: number;
    police: number;
    doctors: number;
    volunteers: number;
    checkpoints: number;
    coveredHouseholds: number;
  };
}

// ---- Volunteers' households ----

export interface VolunteerCoverage {
  userId: number;
  name: string;
  households: number;
  underMinimum: boolean;
  houses: HouseRef[];
}
export interface CoverageReport {
  area: AreaBrief;
  minimum: number;
  maximum: number;
  totals: {
    houses: number;
    covered: number;
    uncovered: number;
    volunteers: number;
    volunteersUnderMinimum: number;
  };
  volunteers: VolunteerCoverage[];
  uncoveredHouses: HouseRef[];
}
export interface AssignResult {
  volunteer: { userId: number; name: string; households: number };
  assigned: HouseRef[];
}
export interface AutoAssignResult {
  assigned: Array<{ houseId: number; address: string; volunteerUserId: number }>;
  coverage: CoverageReport;
}

// ---- Resident requests (问题清单) ----

export const REQUEST_KINDS = ['medicine', 'groceries', 'gas', 'doctor_visit', 'transport', 'other'] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];
export const REQUEST_STATUSES = ['open', 'accepted', 'delivered', 'closed', 'cancelled'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];
export const URGENCIES = ['normal', 'urgent'] as const;
export type Urgency = (typeof URGENCIES)[number];

export interface RequestInput {
  kind: RequestKind;
  details: string;
  urgency?: Urgency;
  requesterName?: string;
  contactPhone?: string;
}
export interface WorkerRequestInput extends RequestInput {
  houseId: number;
}
export interface PublicRequest {
  code: string;
  kind: RequestKind;
  kindLabel: string;
  details: string;
  urgency: Urgency;
  status: RequestStatus;
  volunteer: { name: string } | null;
  createdAt: string;
  acceptedAt: string | null;
  deliveredAt: string | null;
  closedAt: string | null;
}
export interface PublicReceipt {
  code: string;
  status: RequestStatus;
  routedToVolunteer: boolean;
  message: string;
  /** The secret of the request's follow link (/help/:token), given only on asking. */
  followToken: string;
}
export interface ServiceRequest {
  id: number;
  code: string;
  kind: RequestKind;
  details: string;
  urgency: Urgency;
  status: RequestStatus;
  channel: 'household_code' | 'worker';
  house: HouseRef;
  area: { id: number; code: string; name: string };
  requesterName: string | null;
  contactMasked: string | null;
  volunteer: UserRef | null;
  createdBy: string | null;
  note: string | null;
  createdAt: string;
  acceptedAt: string | null;
  deliveredAt: string | null;
  closedAt: string | null;
  /** What the caller may do now, as the server decides it. */
  allowedActions: Array<RequestAction | 'reassign' | 'reveal'>;
}
export interface RequestHistoryEntry {
  at: string;
  action: string;
  actor: string;
  fromStatus: string | null;
  toStatus: string | null;
  note: string | null;
}
export interface ServiceRequestDetail extends ServiceRequest {
  history: RequestHistoryEntry[];
}
export interface RequestQuery extends PageQuery {
  mine?: boolean;
  status?: RequestStatus | 'active';
  kind?: RequestKind;
  urgency?: Urgency;
  areaId?: number;
  unassigned?: boolean;
}
export type RequestAction = 'accept' | 'deliver' | 'close' | 'cancel';

// ---- Resource and service lists ----

export const LISTS = ['resource', 'service'] as const;
export type ListName = (typeof LISTS)[number];
export const RESOURCE_KINDS = [
  'pharmacy',
  'shop',
  'supermarket',
  'donor',
  'vehicle',
  'clinic',
  'warehouse',
  'other',
];
export const SERVICE_KINDS = [
  'elderly_care',
  'medical',
  'delivery',
  'psychological',
  'legal',
  'repair',
  'childcare',
  'other',
];

export interface ServiceResource {
  id: number;
  list: ListName;
  kind: string;
  name: string;
  area: AreaBrief;
  contactName: string | null;
  phoneMasked: string | null;
  address: string | null;
  details: string | null;
  retiredAt: string | null;
  createdAt: string;
  updatedAt: string;
}
export interface ResourceQuery extends PageQuery {
  list?: ListName;
  kind?: string;
  areaId?: number;
  q?: string;
  includeRetired?: boolean;
}
export interface CreateResourceInput {
  areaId: number;
  list: ListName;
  kind: string;
  name: string;
  contactName?: string | null;
  phone?: string | null;
  address?: string | null;
  details?: string | null;
}
export type UpdateResourceInput = Partial<Omit<CreateResourceInput, 'areaId' | 'list'>>;
interface ListSummary {
  total: number;
  byKind: Record<string, number>;
  top: ServiceResource[];
}
export interface ThreeLists {
  area: AreaBrief;
  problems: {
    openRequests: number;
    urgentRequests: number;
    unassignedRequests: number;
    openEvents: number;
    overdueEvents: number;
    requestsByKind: Record<string, number>;
    topRequests: Array<{
      id: number;
      code: string;
      kind: string;
      urgency: string;
      status: string;
      address: string;
      volunteer: string | null;
      createdAt: string;
    }>;
    topEvents: Array<{
      id: number;
      code: string;
      title: string;
      status: string;
      deadline: string | null;
      createdAt: string;
    }>;
  };
  resources: ListSummary;
  services: ListSummary;
}

// ---- Announcements ----

export const ANNOUNCEMENT_KINDS = ['policy', 'rumour_rebuttal', 'alert', 'notice'] as const;
export type AnnouncementKind = (typeof ANNOUNCEMENT_KINDS)[number];
export const ANNOUNCEMENT_STATUSES = ['draft', 'published', 'withdrawn'] as const;
export type AnnouncementStatus = (typeof ANNOUNCEMENT_STATUSES)[number];

export interface Announcement {
  id: number;
  area: AreaBrief;
  kind: AnnouncementKind;
  title: string;
  body: string;
  tags: string[];
  status: AnnouncementStatus;
  expired: boolean;
  publishedAt: string | null;
  expiresAt: string | null;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
}
export interface AnnouncementQuery extends PageQuery {
  areaId?: number;
  status?: AnnouncementStatus;
  kind?: AnnouncementKind;
}
export interface CreateAnnouncementInput {
  areaId: number;
  kind: AnnouncementKind;
  title: string;
  body: string;
  tags?: PersonTag[];
  expiresAt?: string | null;
}
export type UpdateAnnouncementInput = Partial<Omit<CreateAnnouncementInput, 'areaId'>>;
export interface ReadsReport {
  announcement: { id: number; title: string; status: AnnouncementStatus; tags: string[] };
  grids: Array<{
    grid: { id: number; code: string; name: string };
    targetedHouseholds: number;
    readHouseholds: number;
  }>;
  totals: { targetedHouseholds: number; readHouseholds: number };
}
export interface PublicAnnouncement {
  id: number;
  kind: AnnouncementKind;
  kindLabel: string;
  title: string;
  body: string;
  from: string;
  publishedAt: string;
  expiresAt: string | null;
  read: boolean;
}

// ---- Performance review (考核) ----

export interface ReviewQuery {
  areaId: number;
  /** YYYY-MM-DD, China time, inclusive. */
  from: string;
  to: string;
}
export interface ReviewFigures {
  eventsHandled: number;
  medianRespondMinutes: number | null;
  medianCloseMinutes: number | null;
  overdueEvents: number;
  overdueShare: number | null;
  ratingAverage: number | null;
  ratingCount: number;
  visits: number;
}
export interface WorkerReview extends ReviewFigures {
  userId: number;
  username: string;
  displayName: string;
  roles: string[];
  areas: Array<{ id: number; name: string }>;
}
export interface WorkerReviewPage extends Page<WorkerReview> {
  area: AreaBrief;
  period: { from: string; to: string };
}
export interface AreaReview extends ReviewFigures {
  areaId: number;
  code: string;
  name: string;
  level: string;
  ownLevel: boolean;
  eventsCreated: number;
}
export interface AreaReviewList {
  area: AreaBrief;
  period: { from: string; to: string };
  items: AreaReview[];
  total: Omit<AreaReview, 'ownLevel'>;
}

export const servicesApi = {
  teams: {
    list: (query: TeamQuery, signal?: AbortSignal) => get<Page<Team>>('/teams', query, signal),
    get: (id: number, signal?: AbortSignal) => get<TeamDetail>(`/teams/${id}`, undefined, signal),
    create: (input: CreateTeamInput) => post<TeamDetail>('/teams', input),
    update: (id: number, input: UpdateTeamInput) => patch<TeamDetail>(`/teams/${id}`, input),
    retire: (id: number) => post<TeamDetail>(`/teams/${id}/retire`),
    setMember: (id: number, userId: number, duty: TeamDuty) =>
      put<TeamDetail>(`/teams/${id}/members/${userId}`, { duty }),
    removeMember: (id: number, userId: number) => del<TeamDetail>(`/teams/${id}/members/${userId}`),
    gridTeam: (areaId: number, signal?: AbortSignal) =>
      get<GridTeam>(`/areas/${areaId}/grid-team`, undefined, signal),
  },
  responsibilities: {
    list: (query: ResponsibilityQuery, signal?: AbortSignal) =>
      get<Page<Responsibility>>('/responsibilities', query, signal),
    create: (input: CreateResponsibilityInput) => post<Responsibility>('/responsibilities', input),
    remove: (id: number) => del<void>(`/responsibilities/${id}`),
  },
  volunteers: {
    coverage: (areaId: number, signal?: AbortSignal) =>
      get<CoverageReport>(`/areas/${areaId}/volunteer-coverage`, undefined, signal),
    assign: (volunteerUserId: number, houseIds: number[]) =>
      post<AssignResult>('/volunteer-households', { volunteerUserId, houseIds }),
    unassign: (houseId: number) => del<void>(`/volunteer-households/${houseId}`),
    autoAssign: (areaId: number) => post<AutoAssignResult>(`/areas/${areaId}/volunteer-coverage/auto-assign`),
  },
  requests: {
    list: (query: RequestQuery, signal?: AbortSignal) =>
      get<Page<ServiceRequest>>('/service-requests', query, signal),
    get: (id: number, signal?: AbortSignal) =>
      get<ServiceRequestDetail>(`/service-requests/${id}`, undefined, signal),
    create: (input: WorkerRequestInput) => post<ServiceRequestDetail>('/service-requests', input),
    act: (id: number, action: RequestAction, note?: string) =>
      post<ServiceRequestDetail>(
        `/service-requests/${id}/${action}`,
        note?.trim() ? { note: note.trim() } : {},
      ),
    reassign: (id: number, volunteerUserId: number, note?: string) =>
      post<ServiceRequestDetail>(`/service-requests/${id}/reassign`, {
        volunteerUserId,
        ...(note?.trim() ? { note: note.trim() } : {}),
      }),
    /** Audit-logged with the reason. */
    revealContact: (id: number, reason: string) =>
      post<{ phone: string | null }>(`/service-requests/${id}/contact`, { reason }),
  },
  resources: {
    list: (query: ResourceQuery, signal?: AbortSignal) =>
      get<Page<ServiceResource>>('/service-resources', query, signal),
    create: (input: CreateResourceInput) => post<ServiceResource>('/service-resources', input),
    update: (id: number, input: UpdateResourceInput) =>
      patch<ServiceResource>(`/service-resources/${id}`, input),
    retire: (id: number) => post<ServiceResource>(`/service-resources/${id}/retire`),
    threeLists: (areaId: number, signal?: AbortSignal) =>
      get<ThreeLists>(`/areas/${areaId}/three-lists`, undefined, signal),
  },
  announcements: {
    list: (query: AnnouncementQuery, signal?: AbortSignal) =>
      get<Page<Announcement>>('/announcements', query, signal),
    create: (input: CreateAnnouncementInput) => post<Announcement>('/announcements', input),
    update: (id: number, input: UpdateAnnouncementInput) =>
      patch<Announcement>(`/announcements/${id}`, input),
    publish: (id: number) => post<Announcement>(`/announcements/${id}/publish`),
    withdraw: (id: number) => post<Announcement>(`/announcements/${id}/withdraw`),
    reads: (id: number, signal?: AbortSignal) =>
      get<ReadsReport>(`/announcements/${id}/reads`, undefined, signal),
  },
  review: {
    workers: (query: ReviewQuery & PageQuery, signal?: AbortSignal) =>
      get<WorkerReviewPage>('/review/workers', query, signal),
    areas: (query: ReviewQuery, signal?: AbortSignal) => get<AreaReviewList>('/review/areas', query, signal),
    exportXlsx: (query: ReviewQuery, lang: 'zh-CN' | 'en') =>
      http.download('/review/export.xlsx', `review-${query.from}-${query.to}.xlsx`, { ...query, lang }),
  },
  /** The door page (一户一码): no sign-in. */
  household: {
    announcements: (token: string, signal?: AbortSignal) =>
      get<{ items: PublicAnnouncement[] }>(`${tokenPath(token)}/announcements`, undefined, signal),
    markRead: (token: string, id: number) =>
      post<{ id: number; read: true; readAt: string }>(`${tokenPath(token)}/announcements/${id}/read`),
    ask: (token: string, input: RequestInput) => post<PublicReceipt>(`${tokenPath(token)}/requests`, input),
  },
  /** A request's follow link (/help/:token), held only by whoever asked: no sign-in. */
  followedRequest: {
    get: (followToken: string, signal?: AbortSignal) =>
      get<PublicRequest>(followPath(followToken), undefined, signal),
    withdraw: (followToken: string) => post<PublicRequest>(`${followPath(followToken)}/cancel`),
  },
};

// ---- Hooks: `version` bumps reload after a change elsewhere on the page ----

const nothing = () => Promise.resolve(null);

export const useTeams = (query: TeamQuery, version = 0) =>
  useResource((signal) => servicesApi.teams.list(query, signal), [JSON.stringify(query), version]);

export const useTeam = (id: number | null, version = 0) =>
  useResource((signal) => (id === null ? nothing() : servicesApi.teams.get(id, signal)), [id, version]);

export const useGridTeam = (areaId: number | null, version = 0) =>
  useResource(
    (signal) => (areaId === null ? nothing() : servicesApi.teams.gridTeam(areaId, signal)),
    [areaId, version],
  );

export const useResponsibilities = (query: ResponsibilityQuery | null, version = 0) =>
  useResource(
    (signal) => (query === null ? nothing() : servicesApi.responsibilities.list(query, signal)),
    [JSON.stringify(query), version],
  );

export const useVolunteerCoverage = (areaId: number | null, version = 0) =>
  useResource(
    (signal) => (areaId === null ? nothing() : servicesApi.volunteers.coverage(areaId, signal)),
    [areaId, version],
  );

export const useServiceRequests = (query: RequestQuery, version = 0) =>
  useResource((signal) => servicesApi.requests.list(query, signal), [JSON.stringify(query), version]);

export const useServiceRequest = (id: number | null, version = 0) =>
  useResource((signal) => (id === null ? nothing() : servicesApi.requests.get(id, signal)), [id, version]);

export const useResources = (query: ResourceQuery, version = 0) =>
  useResource((signal) => servicesApi.resources.list(query, signal), [JSON.stringify(query), version]);

export const useThreeLists = (areaId: number | null, version = 0) =>
  useResource(
    (signal) => (areaId === null ? nothing() : servicesApi.resources.threeLists(areaId, signal)),
    [areaId, version],
  );

export const useAnnouncements = (query: AnnouncementQuery, version = 0) =>
  useResource((signal) => servicesApi.announcements.list(query, signal), [JSON.stringify(query), version]);

export const useAnnouncementReads = (id: number | null, version = 0) =>
  useResource(
    (signal) => (id === null ? nothing() : servicesApi.announcements.reads(id, signal)),
    [id, version],
  );

export const useWorkerReview = (query: (ReviewQuery & PageQuery) | null, version = 0) =>
  useResource(
    (signal) => (query === null ? nothing() : servicesApi.review.workers(query, signal)),
    [JSON.stringify(query), version],
  );

export const useAreaReview = (query: ReviewQuery | null, version = 0) =>
  useResource(
    (signal) => (query === null ? nothing() : servicesApi.review.areas(query, signal)),
    [JSON.stringify(query), version],
  );

export const useHouseholdAnnouncements = (token: string, version = 0) =>
  useResource((signal) => servicesApi.household.announcements(token, signal), [token, version]);

export const useFollowedRequest = (followToken: string, version = 0) =>
  useResource((signal) => servicesApi.followedRequest.get(followToken, signal), [followToken, version]);
