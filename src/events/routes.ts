import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { TSchema } from 'typebox';
import { errors } from '../core/schemas.js';
import { configRoutes } from './config-routes.js';
import { receiveDeviceAlert } from './devices.js';
import { checkForm, checkTypedForm } from './form.js';
import { readFormWithPhotos } from './photos/multipart.js';
import { publicEventRoutes } from './public-routes.js';
import {
  ActionParams,
  AssignBody,
  CreatedEvent,
  CreateEventBody,
  DeviceAlertBody,
  DeviceAlertResult,
  EvaluateBody,
  EventBoard,
  EventBoardQuery,
  EventDetail,
  EventSummary,
  EventSummaryQuery,
  MergeBody,
  MineList,
  NoteBody,
  RequiredNoteBody,
  SuspendBody,
} from './schema.js';
import * as service from './service.js';
import type { WorkflowAction } from './transitions.js';
import { IdempotencyHeaders, inTransaction } from '../auth/idempotency.js';

/** Photos attached to one report back; each is re-encoded, so a phone photo of a few MB is fine. */
export const MAX_PHOTOS = 4;
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

/** A multipart event entry: its text fields typed and checked like the JSON body, its photos re-encoded. */
async function readCreateEventForm(request: FastifyRequest) {
  const form = await readFormWithPhotos(request, { maxPhotos: MAX_PHOTOS, maxPhotoBytes: MAX_PHOTO_BYTES });
  return { ...checkTypedForm(CreateEventBody, form.fields), photos: form.photos };
}

/** Every action but 'report' (which also takes photos) has a JSON body of its own. */
const ACTIONS: Array<{ action: Exclude<WorkflowAction, 'report'>; body: TSchema; summary: string }> = [
  {
    action: 'register',
    body: NoteBody,
    summary: 'Verify and register a collected event (立案); the dispatch clock starts',
  },
  {
    action: 'reject',
    body: RequiredNoteBody,
    summary: 'Reject a collected or registered report (not an event, duplicate, …) with a reason',
  },
  {
    action: 'dispatch',
    body: AssignBody,
    summary:
      'Dispatch a registered event to a responder inside its tier area, a team, or a department; the handling clock starts',
  },
  {
    action: 'reassign',
    body: AssignBody,
    summary: 'Give a dispatched or handling event to another assignee (the clock runs on)',
  },
  {
    action: 'accept',
    body: NoteBody,
    summary: 'The assignee starts handling; from registered, a handler takes the event on themselves',
  },
  {
    action: 'return',
    body: RequiredNoteBody,
    summary:
      'Checker returns a report to the handler (reported → handling), or the handler returns the event to dispatch (→ registered)',
  },
  { action: 'close', body: NoteBody, summary: 'Check the report and close the event (核查结案)' },
  {
    action: 'evaluate',
    body: EvaluateBody,
    summary: 'Rate a closed event 1–5 on behalf of the reporter (综合评价)',
  },
  {
    action: 'suspend',
    body: SuspendBody,
    summary: 'Suspend an open event with a reason; its step clock stops',
  },
  {
    action: 'resume',
    body: NoteBody,
    summary: 'Resume a suspended event; its step continues with the time that was left',
  },
  { action: 'merge', body: MergeBody, summary: 'Merge this duplicate into another open event in your area' },
];

/** The event capability: board, details, entry, workflow actions, configuration, public page and device alerts. */
export const eventRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['events'];
  const read = app.requireRight('event.read');
  const tx = app.db.transaction.bind(app.db);

  await app.register(configRoutes);
  await app.register(publicEventRoutes);

  app.get(
    '/api/events',
    {
      schema: {
        operationId: 'listEvents',
        tags,
        summary:
          'The event board in scope, newest first; keyset pages (pass nextCursor as cursor). status may repeat (?status=a&status=b)',
        querystring: EventBoardQuery,
        response: { 200: EventBoard, ...errors(400, 401, 403, 404) },
      },
      preHandler: read,
    },
    async (request) => service.listEvents(request.readDb(), request.actor(), request.query),
  );

  app.get(
    '/api/events/summary',
    {
      schema: {
        operationId: 'getEventSummary',
        tags,
        summary: 'Open events per status and how many are overdue, within scope (optionally under areaId)',
        querystring: EventSummaryQuery,
        response: { 200: EventSummary, ...errors(400, 401, 403, 404) },
      },
      preHandler: read,
    },
    async (request) => service.eventSummary(request.readDb(), request.actor(), request.query.areaId),
  );

  app.get(
    '/api/events/mine',
    {
      schema: {
        operationId: 'listMyEvents',
        tags,
        summary: 'Open events assigned to me or one of my teams, most urgent deadline first (the phone view)',
        response: { 200: MineList, ...errors(401, 403) },
      },
      preHandler: [app.requireUser, read],
    },
    async (request) => service.myEvents(app.db, request.actor()),
  );

  app.get(
    '/api/events/:id',
    {
      schema: {
        operationId: 'getEvent',
        tags,
        summary: 'An event with its timeline, deadlines, photos and the actions the caller may take',
        params: ActionParams,
        response: { 200: EventDetail, ...errors(400, 401, 403, 404) },
      },
      preHandler: read,
    },
    async (request) => service.getEventDetail(app.db, request.actor(), request.params.id),
  );

  app.post(
    '/api/events',
    {
      schema: {
        operationId: 'createEvent',
        tags,
        summary: `Enter an event: a patrol finding (registered at once) or a report taken for a resident by hotline or resident group. JSON, or multipart with the same fields and up to ${MAX_PHOTOS} photos (file parts "photos")`,
        consumes: ['application/json', 'multipart/form-data'],
        body: { content: { 'application/json': { schema: CreateEventBody } } },
        headers: IdempotencyHeaders,
        response: { 201: CreatedEvent, ...errors(400, 401, 403, 404, 409, 413, 415, 422) },
      },
      preHandler: app.requireUser,
    },
    async (request, reply) => {
      const actor = request.actor();
      const input = request.isMultipart()
        ? await readCreateEventForm(request)
        : { ...(request.body as CreateEventBody), photos: [] };
      const answer = await inTransaction(
        request,
        reply,
        async (trx) => {
          const created = await service.createEvent(trx, actor, input, { cipher: app.cipher });
          return {
            id: created.id,
            code: created.code,
            status: created.status,
            tier: created.tier,
            feedbackToken: created.feedbackToken,
          };
        },
        201,
      );
      return reply.status(201).send(answer);
    },
  );

  for (const { action, body, summary } of ACTIONS) {
    app.post(
      `/api/events/:id/actions/${action}`,
      {
        schema: {
          operationId: `${action}Event`,
          tags,
          summary,
          params: ActionParams,
          body,
          response: { 200: EventDetail, ...errors(400, 401, 403, 404, 409) },
        },
        preHandler: read,
      },
      async (request) =>
        tx().execute((trx) =>
          service.applyAction(trx, request.actor(), request.params.id, {
            action,
            ...(request.body as object),
          } as service.ActionInput),
        ),
    );
  }

  app.post(
    '/api/events/:id/actions/report',
    {
      schema: {
        operationId: 'reportEvent',
        tags,
        summary: `Report back the handling (反馈): JSON {note}, or multipart with field "note" and up to ${MAX_PHOTOS} photos (file parts "photos")`,
        params: ActionParams,
        consumes: ['application/json', 'multipart/form-data'],
        body: { content: { 'application/json': { schema: RequiredNoteBody } } },
        headers: IdempotencyHeaders,
        response: { 200: EventDetail, ...errors(400, 401, 403, 404, 409, 413, 415, 422) },
      },
      preHandler: read,
    },
    async (request, reply) => {
      const actor = request.actor();
      const form = request.isMultipart()
        ? await readFormWithPhotos(request, { maxPhotos: MAX_PHOTOS, maxPhotoBytes: MAX_PHOTO_BYTES })
        : { fields: request.body as Record<string, string>, photos: [] };
      const { note } = checkForm(RequiredNoteBody, form.fields);
      return inTransaction(request, reply, (trx) =>
        service.applyAction(trx, actor, request.params.id, { action: 'report', note, photos: form.photos }),
      );
    },
  );

  app.post(
    '/api/devices/alerts',
    {
      schema: {
        operationId: 'receiveDeviceAlert',
        tags,
        summary:
          'A camera or gate alert (bearer token with capability device.alerts): opens an event, or merges into the open one of the same camera and kind',
        body: DeviceAlertBody,
        response: { 200: DeviceAlertResult, ...errors(400, 401, 403, 404, 409) },
      },
      preHandler: app.requireCapability('device.alerts'),
    },
    async (request) =>
      tx().execute((trx) =>
        receiveDeviceAlert(trx, request.actor(), request.body, {
          mergeWindowSeconds: app.config.alertMergeSeconds,
          outbox: app.notificationOutbox,
        }),
      ),
  );
};
