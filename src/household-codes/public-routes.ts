import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errors } from '../core/schemas.js';
import { clientKey, HOUSEHOLD_FORM_LIMITS, PAGE_LIMITS, publicLimits, tokenOf } from './public-limits.js';
import {
  ArrivalBody,
  DepartureBody,
  HouseholdDoorPage,
  SelfReportBody,
  SelfReportPage,
  SubmissionReceipt,
  TokenParams,
} from './schema.js';
import * as submissions from './submission-service.js';

/** Public forms are small; anything bigger is not a form. */
export const PUBLIC_BODY_LIMIT = 8 * 1024;

/**
 * The pages a QR code opens, without sign-in: the door page (来时登记、走时注销) and the
 * community self-report form. Nothing here reads or reveals the register.
 */
export const publicRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['public forms'];
  const security: Array<Record<string, string[]>> = [];
  const pageLimit = publicLimits(app, 'public-page', PAGE_LIMITS);
  // One counter per client across every public form, one per code across its forms (the pass form too).
  const householdLimit = publicLimits(app, 'household', HOUSEHOLD_FORM_LIMITS);
  // A community's code is shared by many returnees, so it allows more per code.
  const selfReportLimit = publicLimits(app, 'self-report', [
    { max: 30, key: clientKey },
    { max: 60, key: tokenOf },
  ]);

  app.get(
    '/api/public/households/:token',
    {
      schema: {
        operationId: 'getPublicHousehold',
        tags,
        security,
        summary: 'Door page of a household code: address, community and form options (never the residents)',
        params: TokenParams,
        response: { 200: HouseholdDoorPage, ...errors(400, 404, 429) },
      },
      onRequest: pageLimit,
    },
    async (request) => submissions.householdDoorPage(app.db, app.clock(), request.params.token),
  );

  app.post(
    '/api/public/households/:token/arrivals',
    {
      schema: {
        operationId: 'submitArrival',
        tags,
        security,
        summary:
          'Register an arrival at this house (来时登记); lands as a pending change for the grid worker',
        params: TokenParams,
        body: ArrivalBody,
        response: { 202: SubmissionReceipt, ...errors(400, 404, 413, 429) },
      },
      bodyLimit: PUBLIC_BODY_LIMIT,
      onRequest: householdLimit,
    },
    async (request, reply) =>
      reply
        .status(202)
        .send(
          await submissions.submitArrival(
            app.db,
            app.cipher,
            app.clock(),
            request.params.token,
            request.body,
          ),
        ),
  );

  app.post(
    '/api/public/households/:token/departures',
    {
      schema: {
        operationId: 'submitDeparture',
        tags,
        security,
        summary:
          'Register a departure from this house (走时注销); accepted the same way whether or not the person is registered there',
        params: TokenParams,
        body: DepartureBody,
        response: { 202: SubmissionReceipt, ...errors(400, 404, 413, 429) },
      },
      bodyLimit: PUBLIC_BODY_LIMIT,
      onRequest: householdLimit,
    },
    async (request, reply) =>
      reply
        .status(202)
        .send(
          await submissions.submitDeparture(
            app.db,
            app.cipher,
            app.clock(),
            request.params.token,
            request.body,
          ),
        ),
  );

  app.get(
    '/api/public/self-report/:token',
    {
      schema: {
        operationId: 'getSelfReportPage',
        tags,
        security,
        summary: 'Self-report page of a community code (自主报备码): community name and form options',
        params: TokenParams,
        response: { 200: SelfReportPage, ...errors(400, 404, 429) },
      },
      onRequest: pageLimit,
    },
    async (request) => submissions.selfReportPage(app.db, app.clock(), request.params.token),
  );

  app.post(
    '/api/public/self-report/:token',
    {
      schema: {
        operationId: 'submitSelfReport',
        tags,
        security,
        summary: 'Self-report of a returnee to the community; lands as a pending change for its staff',
        params: TokenParams,
        body: SelfReportBody,
        response: { 202: SubmissionReceipt, ...errors(400, 404, 413, 429) },
      },
      bodyLimit: PUBLIC_BODY_LIMIT,
      onRequest: selfReportLimit,
    },
    async (request, reply) =>
      reply
        .status(202)
        .send(
          await submissions.submitSelfReport(
            app.db,
            app.cipher,
            app.clock(),
            request.params.token,
            request.body,
          ),
        ),
  );
};
