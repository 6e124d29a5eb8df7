import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errors, IdParams, Id } from '../core/schemas.js';
import {
  AssignmentInput,
  CreateUserBody,
  ResetPasswordBody,
  UpdateUserBody,
  UserListQuery,
  UserPage,
  UserView,
} from './schema.js';
import * as service from './service.js';

export const userRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['users'];
  const read = app.requireRight('user.read');
  const manage = app.requireRight('user.manage');

  app.get(
    '/api/users',
    {
      schema: {
        operationId: 'listUsers',
        tags,
        summary: 'Users with a role in the caller’s scope, with those role assignments',
        querystring: UserListQuery,
        response: { 200: UserPage, ...errors(400, 401, 403, 404) },
      },
      preHandler: read,
    },
    async (request) => service.listUsers(app.db, request.actor(), request.query),
  );

  app.get(
    '/api/users/:id',
    {
      schema: {
        operationId: 'getUser',
        tags,
        summary: 'One user',
        params: IdParams,
        response: { 200: UserView, ...errors(401, 403, 404) },
      },
      preHandler: read,
    },
    async (request) => service.getUser(app.db, request.actor(), request.params.id),
  );

  app.post(
    '/api/users',
    {
      schema: {
        operationId: 'createUser',
        tags,
        summary: 'Create a user with role assignments; they must change the password at first sign-in',
        body: CreateUserBody,
        response: { 201: UserView, ...errors(400, 401, 403, 404, 409) },
      },
      preHandler: manage,
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await app.db.transaction().execute((trx) => service.createUser(trx, request.actor(), request.body)),
        ),
  );

  app.patch(
    '/api/users/:id',
    {
      schema: {
        operationId: 'updateUser',
        tags,
        summary: 'Rename, disable, enable or unlock a user',
        params: IdParams,
        body: UpdateUserBody,
        response: { 200: UserView, ...errors(400, 401, 403, 404) },
      },
      preHandler: manage,
    },
    async (request) =>
      app.db
        .transaction()
        .execute((trx) => service.updateUser(trx, request.actor(), request.params.id, request.body)),
  );

  app.post(
    '/api/users/:id/password',
    {
      schema: {
        operationId: 'resetUserPassword',
        tags,
        summary: 'Set a temporary password (changed at next sign-in)',
        params: IdParams,
        body: ResetPasswordBody,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
      },
      preHandler: manage,
    },
    async (request, reply) => {
      await app.db
        .transaction()
        .execute((trx) =>
          service.resetPassword(trx, request.actor(), request.params.id, request.body.newPassword),
        );
      return reply.status(204).send(null);
    },
  );

  app.delete(
    '/api/users/:id/mfa',
    {
      schema: {
        operationId: 'resetUserMfa',
        tags,
        summary: 'Reset the second factor (lost phone); audited',
        params: IdParams,
        response: { 200: UserView, ...errors(401, 403, 404, 409) },
      },
      preHandler: manage,
    },
    async (request) =>
      app.db.transaction().execute((trx) => service.resetMfa(trx, request.actor(), request.params.id)),
  );

  app.post(
    '/api/users/:id/assignments',
    {
      schema: {
        operationId: 'addUserAssignment',
        tags,
        summary: 'Grant a role on an area',
        params: IdParams,
        body: AssignmentInput,
        response: { 200: UserView, ...errors(400, 401, 403, 404) },
      },
      preHandler: manage,
    },
    async (request) =>
      app.db
        .transaction()
        .execute((trx) => service.addAssignment(trx, request.actor(), request.params.id, request.body)),
  );

  app.delete(
    '/api/users/:id/assignments/:assignmentId',
    {
      schema: {
        operationId: 'removeUserAssignment',
        tags,
        summary: 'Withdraw a role',
        params: Type.Object({ id: Id(), assignmentId: Id() }),
        response: { 200: UserView, ...errors(401, 403, 404) },
      },
      preHandler: manage,
    },
    async (request) =>
      app.db
        .transaction()
        .execute((trx) =>
          service.removeAssignment(trx, request.actor(), request.params.id, request.params.assignmentId),
        ),
  );
};
