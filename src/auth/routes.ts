import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errors } from '../core/schemas.js';
import { AppError } from '../core/errors.js';
import { CSRF_COOKIE, SESSION_COOKIE } from './plugin.js';
import { deleteSession } from './repository.js';
import { ChangePasswordBody, LoginBody, MeResponse } from './schema.js';
import { changePassword, describeUser, login } from './service.js';

export const authRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const cookieOptions = { path: '/', sameSite: 'strict' as const, secure: app.config.cookieSecure };

  app.post(
    '/api/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign in with username and password; sets the session cookie',
        body: LoginBody,
        response: { 200: MeResponse, ...errors(400, 401, 423, 429) },
      },
      config: {
        rateLimit: {
          max: 20,
          timeWindow: '1 minute',
          keyGenerator: (r) =>
            `${r.ip}:${String((r.body as { username?: unknown } | undefined)?.username ?? '').toLowerCase()}`,
        },
      },
    },
    async (request, reply) => {
      const result = await login(app.db, {
        username: request.body.username.trim(),
        password: request.body.password,
        ip: request.ip,
        userAgent: request.headers['user-agent'] ?? null,
        now: app.clock(),
      });
      reply.setCookie(SESSION_COOKIE, result.token, {
        ...cookieOptions,
        httpOnly: true,
        expires: result.expiresAt,
      });
      // Readable by the page; the server still compares it with the session's own token.
      reply.setCookie(CSRF_COOKIE, result.csrfToken, {
        ...cookieOptions,
        httpOnly: false,
        expires: result.expiresAt,
      });
      return describeUser(app.db, result.userId, result.csrfToken);
    },
  );

  app.get(
    '/api/auth/me',
    {
      schema: {
        tags: ['auth'],
        summary: 'The signed-in user, role assignments and CSRF token',
        response: { 200: MeResponse, ...errors(401) },
      },
      preHandler: app.requireUser,
    },
    async (request) => {
      const viewer = request.viewer;
      if (viewer?.kind !== 'user' || !request.csrfToken)
        throw new AppError('UNAUTHENTICATED', 401, 'Sign in first');
      return describeUser(app.db, viewer.userId, request.csrfToken);
    },
  );

  app.post(
    '/api/auth/logout',
    { schema: { tags: ['auth'], summary: 'End the session', response: { 204: Type.Null() } } },
    async (request, reply) => {
      if (request.sessionToken) await deleteSession(app.db, request.sessionToken);
      reply.clearCookie(SESSION_COOKIE, { path: '/' }).clearCookie(CSRF_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/auth/password',
    {
      schema: {
        tags: ['auth'],
        summary: 'Change the own password; ends every other session',
        body: ChangePasswordBody,
        response: { 204: Type.Null(), ...errors(400, 401) },
      },
      preHandler: app.requireUser,
    },
    async (request, reply) => {
      await changePassword(app.db, request.actor(), {
        ...request.body,
        keepSessionToken: request.sessionToken,
      });
      return reply.status(204).send(null);
    },
  );
};
