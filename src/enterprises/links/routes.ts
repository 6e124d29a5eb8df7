import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errors, IdParams } from '../../core/schemas.js';
import { PAGE_LIMITS, publicLimits } from '../../household-codes/public-limits.js';
import { TokenParams } from '../../household-codes/schema.js';
import { EnterpriseCodes, PublicEnterprise } from './schema.js';
import * as links from './service.js';

/** The codes an enterprise and its employees use without an account (复工备案码, 员工申请码). */
export const enterpriseLinkRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['enterprises'];
  const security: Array<Record<string, string[]>> = [];
  const pageLimit = publicLimits(app, 'public-page', PAGE_LIMITS);

  app.post(
    '/api/units/:id/enterprise-codes',
    {
      schema: {
        operationId: 'issueEnterpriseCodes',
        tags,
        summary:
          'Issue the enterprise’s filing code and its employees’ application code; re-issuing revokes the old ones at once',
        params: IdParams,
        response: { 201: EnterpriseCodes, ...errors(401, 403, 404, 409) },
      },
      preHandler: app.requireRight('enterprise.manage'),
    },
    async (request, reply) => {
      const codes = await app.db
        .transaction()
        .execute((trx) =>
          links.issueEnterpriseCodes(
            trx,
            request.actor(),
            app.cipher,
            request.params.id,
            app.config.publicUrl,
          ),
        );
      return reply.status(201).send(codes);
    },
  );

  app.get(
    '/api/public/enterprises/:token',
    {
      schema: {
        operationId: 'getPublicEnterprise',
        tags,
        security,
        summary: 'The enterprise an enterprise code opens: its name, category and community',
        params: TokenParams,
        response: { 200: PublicEnterprise, ...errors(400, 404, 429) },
      },
      onRequest: pageLimit,
    },
    async (request) => links.publicEnterprise(app.db, 'enterprise', request.params.token),
  );

  app.get(
    '/api/public/employee-codes/:token',
    {
      schema: {
        operationId: 'getPublicEmployeeCode',
        tags,
        security,
        summary: 'The enterprise an employee application code belongs to: its name, category and community',
        params: TokenParams,
        response: { 200: PublicEnterprise, ...errors(400, 404, 429) },
      },
      onRequest: pageLimit,
    },
    async (request) => links.publicEnterprise(app.db, 'employee_apply', request.params.token),
  );
};
