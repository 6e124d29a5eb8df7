// The community-service words the forms and filters offer, typed by the generated contract: a word
// the server adds or drops fails the build here until the list follows.
import type { AnnouncementView, MemberView, RequestView, ResourceView, TeamView } from '../../api/model';
import { allOf } from '../events/vocabulary';

export type TeamKind = TeamView['kind'];
export type TeamDuty = MemberView['duty'];
export type RequestKind = RequestView['kind'];
export type RequestStatus = RequestView['status'];
export type Urgency = RequestView['urgency'];
export type ListName = ResourceView['list'];
export type AnnouncementKind = AnnouncementView['kind'];
export type AnnouncementStatus = AnnouncementView['status'];

export const TEAM_KINDS = allOf<TeamKind>()(['grid', 'service', 'checkpoint', 'department']);
export const TEAM_DUTIES = allOf<TeamDuty>()([
  'leader',
  'grid_worker',
  'police',
  'doctor',
  'volunteer',
  'checkpoint',
  'member',
]);
export const REQUEST_KINDS = allOf<RequestKind>()([
  'medicine',
  'groceries',
  'gas',
  'doctor_visit',
  'transport',
  'other',
]);
export const REQUEST_STATUSES = allOf<RequestStatus>()([
  'open',
  'accepted',
  'delivered',
  'closed',
  'cancelled',
]);
export const URGENCIES = allOf<Urgency>()(['normal', 'urgent']);
export const LISTS = allOf<ListName>()(['resource', 'service']);
export const ANNOUNCEMENT_KINDS = allOf<AnnouncementKind>()(['policy', 'rumour_rebuttal', 'alert', 'notice']);
export const ANNOUNCEMENT_STATUSES = allOf<AnnouncementStatus>()(['draft', 'published', 'withdrawn']);

/** Suggested kinds for the forms; the server takes any lower-case word, so a community may add its own. */
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
