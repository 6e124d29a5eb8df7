import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { errors } from '../core/schemas.js';
import { AppError } from '../core/errors.js';
import { CSRF_COOKIE, SESSION_COOKIE } from './plugin.js';
import { deleteSession } from './repository.js';
import { confirmEnrolment, startEnrolment } from './mfa.js';
import {
  ChangePasswordBody,
  LoginBody,
  MeResponse,
  MfaChallengeResponse,
  MfaConfirmBody,
  MfaConfirmResponse,
  MfaSetupResponse,
  SecondStepBody,
  UpdateMeBody,
} from './schema.js';
import {
  changeOwnLocale,
  changePassword,
  completeLogin,
  describeUser,
  login,
  type LoginResult,
} from './service.js';

export const authRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const cookieOptions = { path: '/', sameSite: 'strict' as const, secure: app.config.cookieSecure };

  const budgets = { client: app.config.loginClientBudget, global: app.config.loginGlobalBudget };

  /** Sets the session cookies and answers with the signed-in user, or the second step's challenge. */
  const answer = async (reply: FastifyReply, result: LoginResult) => {
    if (result.kind === 'challenge') {
      return reply.status(202).send({
        mfaRequired: true as const,
        challenge: result.challenge,
        expiresAt: result.expiresAt.toISOString(),
      });
    }
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
    return reply
      .status(200)
      .send(await describeUser(app.db, result.userId, result.csrfToken, app.config.mfa));
  };

  /** A refused attempt over budget says when to come back. */
  const withRetryAfter = async <T>(reply: FastifyReply, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      if (error instanceof AppError && error.code === 'RATE_LIMITED') {
        const seconds = (error.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds;
        if (seconds) reply.header('retry-after', String(seconds));
      }
      throw error;
    }
  };

  app.post(
    '/api/auth/login',
    {
      schema: {
        operationId: 'login',
        tags: ['auth'],
        summary:
          'Sign in with username and password; sets the session cookie, or answers 202 with a challenge when the account has a second factor',
        body: LoginBody,
        response: { 200: MeResponse, 202: MfaChallengeResponse, ...errors(400, 401, 429) },
      },
    },
    async (request, reply) =>
      withRetryAfter(reply, async () =>
        answer(
          reply,
          await login(app.db, {
            username: request.body.username,
            password: request.body.password,
            ip: request.ip,
            userAgent: request.headers['user-agent'] ?? null,
            now: app.clock(),
            budgets,
            mfa: app.config.mfa,
          }),
        ),
      ),
  );

  app.post(
    '/api/auth/login/mfa',
    {
      schema: {
        operationId: 'loginMfa',
        tags: ['auth'],
        summary: 'Second sign-in step: the challenge with an authenticator code or a recovery code',
        body: SecondStepBody,
        response: { 200: MeResponse, ...errors(400, 401, 429) },
      },
    },
    async (request, reply) =>
      withRetryAfter(reply, async () =>
        answer(
          reply,
          await completeLogin(app.db, app.cipher, {
            challenge: request.body.challenge,
            code: request.body.code,
            ip: request.ip,
            userAgent: request.headers['user-agent'] ?? null,
            now: app.clock(),
            budgets,
          }),
        ),
      ),
  );

  app.post(
    '/api/auth/mfa/setup',
    {
      schema: {
        operationId: 'setupMfa',
        tags: ['auth'],
        summary: 'Start setting up the second factor: a new TOTP secret and its QR code',
        response: { 200: MfaSetupResponse, ...errors(401, 403, 409) },
      },
      preHandler: app.requireUser,
    },
    async (request) => startEnrolment(app.db, app.cipher, request.actor(), app.config.mfa),
  );

  app.post(
    '/api/auth/mfa/confirm',
    {
      schema: {
        operationId: 'confirmMfa',
        tags: ['auth'],
        summary: 'Finish the set-up with a first code; answers the recovery codes, shown this once',
        body: MfaConfirmBody,
        response: { 200: MfaConfirmResponse, ...errors(400, 401, 403, 409) },
      },
      preHandler: app.requireUser,
    },
    async (request) =>
      app.db
        .transaction()
        .execute((trx) =>
          confirmEnrolment(trx, app.cipher, request.actor(), request.body.code, app.config.mfa),
        ),
  );

  app.get(
    '/api/auth/me',
    {
      schema: {
        operationId: 'getMe',
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
      return describeUser(app.db, viewer.userId, request.csrfToken, app.config.mfa);
    },
  );

  app.patch(
    '/api/auth/me',
    {
      schema: {
        operationId: 'updateMe',
        tags: ['auth'],
        summary: 'Change the own settings (the language answers are worded in); answers the signed-in user',
        body: UpdateMeBody,
        response: { 200: MeResponse, ...errors(400, 401) },
      },
      preHandler: app.requireUser,
    },
    async (request) => {
      const viewer = request.viewer;
      if (viewer?.kind !== 'user' || !request.csrfToken)
        throw new AppError('UNAUTHENTICATED', 401, 'Sign in first');
      await changeOwnLocale(app.db, request.actor(), request.body.locale);
      return describeUser(app.db, viewer.userId, request.csrfToken, app.config.mfa);
    },
  );

  app.post(
    '/api/auth/logout',
    {
      schema: {
        operationId: 'logout',
        tags: ['auth'],
        summary: 'End the session',
        response: { 204: Type.Null() },
      },
    },
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
        operationId: 'changePassword',
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
        demoPassword: app.config.demoPassword,
      });
      return reply.status(204).send(null);
    },
  );
};
