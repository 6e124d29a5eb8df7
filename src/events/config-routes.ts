import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errors, IdParams } from '../core/schemas.js';
import * as config from './config-service.js';
import {
  CalendarDayBody,
  CalendarDayParams,
  CalendarDayView,
  CalendarQuery,
  CalendarYear,
  CategoryTree,
  CategoryTreeQuery,
  CategoryView,
  CreateCategoryBody,
  UpdateCategoryBody,
} from './schema.js';

/** Event categories with their time limits, and the working calendar the limits are counted in. */
export const configRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['events'];
  const read = app.requireRight('event.read');
  const configure = app.requireRight('event.configure');
  const tx = app.db.transaction.bind(app.db);

  app.get(
    '/api/events/categories',
    {
      schema: {
        operationId: 'listEventCategories',
        tags,
        summary: 'The category tree: classes with their sub-categories, start tier and step limits',
        querystring: CategoryTreeQuery,
        response: { 200: CategoryTree, ...errors(400, 401, 403) },
      },
      preHandler: read,
    },
    async (request) => config.categoryTree(app.db, request.query.includeRetired ?? false),
  );

  app.post(
    '/api/events/categories',
    {
      schema: {
        operationId: 'createEventCategory',
        tags,
        summary: 'Add a class or a sub-category (event.configure over the whole tree)',
        body: CreateCategoryBody,
        response: { 201: CategoryView, ...errors(400, 401, 403, 409) },
      },
      preHandler: configure,
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await tx().execute((trx) => config.createCategory(trx, request.actor(), request.body))),
  );

  app.patch(
    '/api/events/categories/:id',
    {
      schema: {
        operationId: 'updateEventCategory',
        tags,
        summary: 'Change names, start tier, step limits, public flag or order of a category',
        params: IdParams,
        body: UpdateCategoryBody,
        response: { 200: CategoryView, ...errors(400, 401, 403, 404, 409) },
      },
      preHandler: configure,
    },
    async (request) =>
      tx().execute((trx) => config.updateCategory(trx, request.actor(), request.params.id, request.body)),
  );

  app.post(
    '/api/events/categories/:id/retire',
    {
      schema: {
        operationId: 'retireEventCategory',
        tags,
        summary: 'Retire a category (a class with its sub-categories); existing events keep it',
        params: IdParams,
        response: { 200: CategoryView, ...errors(401, 403, 404) },
      },
      preHandler: configure,
    },
    async (request) => tx().execute((trx) => config.retireCategory(trx, request.actor(), request.params.id)),
  );

  app.get(
    '/api/events/calendar',
    {
      schema: {
        operationId: 'getWorkCalendar',
        tags,
        summary: 'The special days of a year: public holidays and swapped working days (调休)',
        querystring: CalendarQuery,
        response: { 200: CalendarYear, ...errors(400, 401, 403) },
      },
      preHandler: read,
    },
    async (request) => config.calendarYear(app.db, request.query.year),
  );

  app.put(
    '/api/events/calendar/:day',
    {
      schema: {
        operationId: 'setWorkCalendarDay',
        tags,
        summary:
          'Mark a day as a holiday or a swapped working day (event.configure over the whole tree; audited)',
        params: CalendarDayParams,
        body: CalendarDayBody,
        response: { 200: CalendarDayView, ...errors(400, 401, 403) },
      },
      preHandler: configure,
    },
    async (request) =>
      tx().execute((trx) => config.setCalendarDay(trx, request.actor(), request.params.day, request.body)),
  );

  app.delete(
    '/api/events/calendar/:day',
    {
      schema: {
        operationId: 'clearWorkCalendarDay',
        tags,
        summary: 'Make a day ordinary again (Monday–Friday worked, weekend off)',
        params: CalendarDayParams,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
      },
      preHandler: configure,
    },
    async (request, reply) => {
      await tx().execute((trx) => config.deleteCalendarDay(trx, request.actor(), request.params.day));
      return reply.status(204).send(null);
    },
  );
};
