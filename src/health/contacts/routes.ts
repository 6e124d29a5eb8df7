import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errors } from '../../core/schemas.js';
import { ContactLeadsBody, ContactLeadsResult, ContactList, ContactQuery, PersonParams } from './schema.js';
import * as service from './service.js';

/** Contact finding: who shared a place (by place-code scans) or a household with a case. */
export const contactRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['contacts'];
  const tx = app.db.transaction.bind(app.db);

  app.get(
    '/api/contacts/:personId',
    {
      schema: {
        operationId: 'findContacts',
        tags,
        summary:
          'Contacts of a case: everyone who scanned the same place code within ±hours of the case’s scans in the period, and the household; masked, audit-logged',
        params: PersonParams,
        querystring: ContactQuery,
        response: { 200: ContactList, ...errors(400, 401, 403, 404) },
      },
      preHandler: app.requireRight('health.read'),
    },
    async (request) =>
      tx().execute((trx) =>
        service.findContacts(trx, request.actor(), request.params.personId, request.query),
      ),
  );

  app.post(
    '/api/contacts/:personId/leads',
    {
      schema: {
        operationId: 'createContactLeads',
        tags,
        summary: 'Turn the chosen contacts into close-contact leads (deadline 24 h), routed like other leads',
        params: PersonParams,
        body: ContactLeadsBody,
        response: { 201: ContactLeadsResult, ...errors(400, 401, 403, 404) },
      },
      preHandler: app.requireRight('health.write'),
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await tx().execute((trx) =>
            service.createContactLeads(
              trx,
              request.actor(),
              app.cipher,
              request.params.personId,
              request.body,
            ),
          ),
        ),
  );
};
