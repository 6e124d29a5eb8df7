import type { NotificationText } from './notifications.zh-CN.js';

/** Titles of the notifications the server writes, in English; `{kind}` is the vocabulary's name. */
export const NOTIFICATIONS_EN: Readonly<Record<NotificationText, string>> = {
  requestNew: 'Help requested: {kind}',
  requestNewUrgent: '[Urgent] Help requested: {kind}',
  requestWithdrawn: 'The resident withdrew the request: {kind}',
  requestCancelled: 'Request cancelled: {kind}',
  requestReassigned: 'Request passed on to you: {kind}',
  requestReassignedUrgent: '[Urgent] Request passed on to you: {kind}',
  announcementPublished: '{kind}: {title}',
  eventNew: 'New event {code}: {title}',
  eventDispatched: 'Dispatched to you: {code} {title}',
  eventReported: 'Handling reported, to check: {code} {title}',
  eventReportReturned: 'Check failed, handle it again: {code} {title}',
  eventReturned: 'Event returned, dispatch it again: {code} {title}',
  eventEscalated: 'Event overdue and escalated: {code} {title}',
  eventEscalatedBody: 'Escalated to {area}; please follow it up',
  unmatchedRecordLead: 'Unmatched {kind} record (source: {source}, {why})',
  unmatchedRecordLeadWithResult: 'Unmatched {kind} record (source: {source}, result: {result}, {why})',
  unmatchedInvalidNumber: 'invalid ID number',
  unmatchedNotRegistered: 'not registered here',
  recordKindTest: 'nucleic-acid test',
  recordKindVaccination: 'vaccination',
  recordKindTemperature: 'temperature',
  recordKindHealthCode: 'health code',
  inboxTurnedIntoLead: 'turned into lead {id}',
};
