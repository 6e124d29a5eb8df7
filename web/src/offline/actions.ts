// The writes a worker can make without a connection, typed by the API's own schemas. Each goes
// through sendOrQueue: sent now when it can be, otherwise kept and sent once, in order, later.
import type {
  CreatedEvent,
  CreateEventBody,
  EventDetail,
  FollowUpView,
  MarkBody,
  MarkView,
  RecordFollowUpBody,
  SweepHouseholdDetail,
  SweepVisitBody,
  VerifyBody,
  VerifyResult,
  VisitBody,
  VisitResult,
} from '../api/model';
import { type SendOutcome, sendOrQueue } from './outbox';

/** A multipart form sends text: numbers as their decimal text, absent values left out. */
function formFields(values: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values)
      .filter(([, value]) => value !== undefined && value !== null && value !== '')
      .map(([name, value]) => [name, String(value)]),
  );
}

export const offlineActions = {
  recordVisit: (body: VisitBody, summary: string): Promise<SendOutcome<VisitResult>> =>
    sendOrQueue({ kind: 'visit', method: 'POST', path: '/visits', body, summary }),

  /** A patrol finding or a report taken for a resident; with photos it goes as one multipart form. */
  createEvent: (body: CreateEventBody, photos: File[]): Promise<SendOutcome<CreatedEvent>> =>
    sendOrQueue(
      photos.length > 0
        ? { kind: 'event', method: 'POST', path: '/events', fields: formFields(body), summary: body.title }
        : { kind: 'event', method: 'POST', path: '/events', body, summary: body.title },
      photos,
    ),

  recordFollowUp: (
    keyPersonId: number,
    followUpId: number,
    body: RecordFollowUpBody,
    summary: string,
  ): Promise<SendOutcome<FollowUpView>> =>
    sendOrQueue({
      kind: 'followUp',
      method: 'POST',
      path: `/key-persons/${keyPersonId}/follow-ups/${followUpId}`,
      body,
      summary,
    }),

  markPerson: (
    roundId: number,
    personId: number,
    body: MarkBody,
    summary: string,
  ): Promise<SendOutcome<MarkView>> =>
    sendOrQueue({ kind: 'mark', method: 'PUT', path: `/rounds/${roundId}/marks/${personId}`, body, summary }),

  /** A door-to-door sweep's visit (or its correction) at one household. */
  recordSweepVisit: (
    sweepId: number,
    houseId: number,
    body: SweepVisitBody,
    summary: string,
  ): Promise<SendOutcome<SweepHouseholdDetail>> =>
    sendOrQueue({
      kind: 'sweepVisit',
      method: 'POST',
      path: `/sweeps/${sweepId}/households/${houseId}/visits`,
      body,
      summary,
    }),

  verifyLead: (leadId: number, body: VerifyBody, summary: string): Promise<SendOutcome<VerifyResult>> =>
    sendOrQueue({ kind: 'verify', method: 'POST', path: `/leads/${leadId}/verify`, body, summary }),

  /** Report back the handling (反馈) with its photos. */
  reportBack: (
    eventId: number,
    note: string,
    photos: File[],
    summary: string,
  ): Promise<SendOutcome<EventDetail>> =>
    sendOrQueue(
      photos.length > 0
        ? {
            kind: 'reportBack',
            method: 'POST',
            path: `/events/${eventId}/actions/report`,
            fields: { note },
            summary,
          }
        : {
            kind: 'reportBack',
            method: 'POST',
            path: `/events/${eventId}/actions/report`,
            body: { note },
            summary,
          },
      photos,
    ),
};
