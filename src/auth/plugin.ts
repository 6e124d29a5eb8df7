import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { AppError, forbidden } from '../core/errors.js';
import type { Actor } from './context.js';
import { resolveApiToken, resolveSession } from './repository.js';
import { type Capability, mfaEnrolmentRequired, type Right } from './rights.js';
import { canAnywhere, type Viewer } from './scope.js';

export const SESSION_COOKIE = 'gg_session';
export const CSRF_COOKIE = 'gg_csrf';
export const CSRF_HEADER = 'x-csrf-token';

declare module 'fastify' {
  interface FastifyRequest {
    viewer: Viewer | null;
    authMethod: 'cookie' | 'token' | null;
    sessionToken: string | null;
    csrfToken: string | null;
    mustChangePassword: boolean;
    /** The signed-in user's language setting; answers are worded in it (i18n/locale.ts). */
    userLocale: string | null;
    /** The signed-in caller; throws 401 when there is none. */
    actor(): Actor;
  }
  interface FastifyInstance {
    requireUser: preHandlerAsyncHookHandler;
    requireRight(right: Right): preHandlerAsyncHookHandler;
    requireCapability(capability: Capability): preHandlerAsyncHookHandler;
  }
}

const UNAUTHENTICATED = () => new AppError('UNAUTHENTICATED', 401, 'Sign in first');
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
// Reachable while a password change is pending.
const PASSWORD_CHANGE_ALLOWED = new Set([
  '/api/auth/me',
  '/api/auth/logout',
  '/api/auth/password',
  '/api/auth/login',
  '/api/auth/login/mfa',
]);
// Reachable while a required second factor is not yet set up.
const MFA_ENROLMENT_ALLOWED = new Set([
  ...PASSWORD_CHANGE_ALLOWED,
  '/api/auth/mfa/setup',
  '/api/auth/mfa/confirm',
]);

export const authPlugin = fp(async (app) => {
  app.decorateRequest('viewer', null);
  app.decorateRequest('authMethod', null);
  app.decorateRequest('sessionToken', null);
  app.decorateRequest('csrfToken', null);
  app.decorateRequest('mustChangePassword', false);
  app.decorateRequest('userLocale', null);
  app.decorateRequest('actor', function (this: FastifyRequest): Actor {
    if (!this.viewer) throw UNAUTHENTICATED();
    return { viewer: this.viewer, ip: this.ip, now: app.clock };
  });

  app.addHook('onRequest', async (request: FastifyRequest) => {
    if (!request.url.startsWith('/api/') && !request.url.startsWith('/open311/')) return;
    // Public forms (door codes, place codes) act for nobody: cookies are neither read nor needed.
    if (request.url.startsWith('/api/public/')) return;
    const authorization = request.headers.authorization;
    if (authorization?.startsWith('Bearer ')) {
      const viewer = await resolveApiToken(app.db, authorization.slice(7).trim(), app.clock());
      if (!viewer) throw new AppError('UNAUTHENTICATED', 401, 'The API token is unknown or revoked');
      request.viewer = viewer;
      request.authMethod = 'token';
      return;
    }
    const token = request.cookies[SESSION_COOKIE];
    if (!token) return;
    const session = await resolveSession(app.db, token, app.clock());
    if (!session) return;
    request.viewer = session.viewer;
    request.authMethod = 'cookie';
    request.sessionToken = token;
    request.csrfToken = session.csrfToken;
    request.mustChangePassword = session.mustChangePassword;
    request.userLocale = session.locale;
    // Cookie-authenticated writes must echo the session's CSRF token (synchronizer token).
    if (!SAFE_METHODS.has(request.method) && request.headers[CSRF_HEADER] !== session.csrfToken) {
      throw new AppError('CSRF_TOKEN_INVALID', 403, `Missing or wrong ${CSRF_HEADER} header`);
    }
    const route = request.url.split('?')[0] ?? '';
    if (session.mustChangePassword && !PASSWORD_CHANGE_ALLOWED.has(route)) {
      throw new AppError('PASSWORD_CHANGE_REQUIRED', 403, 'Change your password before continuing');
    }
    if (
      !MFA_ENROLMENT_ALLOWED.has(route) &&
      mfaEnrolmentRequired(app.config.mfa, session.mfaEnabled, session.viewer.assignments)
    ) {
      throw new AppError('MFA_ENROLMENT_REQUIRED', 403, 'Set up the second factor before continuing');
    }
  });

  app.decorate('requireUser', async (request: FastifyRequest, _reply: FastifyReply) => {
    if (!request.viewer) throw UNAUTHENTICATED();
    if (request.viewer.kind !== 'user') throw forbidden('This needs a signed-in user, not an API token');
  });

  app.decorate('requireRight', (right: Right) => async (request: FastifyRequest, _reply: FastifyReply) => {
    if (!request.viewer) throw UNAUTHENTICATED();
    if (!canAnywhere(request.viewer, right)) throw forbidden(`This needs the right ${right}`);
  });

  app.decorate(
    'requireCapability',
    (capability: Capability) => async (request: FastifyRequest, _reply: FastifyReply) => {
      if (!request.viewer) throw UNAUTHENTICATED();
      if (request.viewer.kind !== 'token' || request.viewer.capability !== capability) {
        throw forbidden(`This needs an API token with the capability ${capability}`);
      }
    },
  );
});
