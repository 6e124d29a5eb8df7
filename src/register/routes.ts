import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errors, IdParams } from '../core/schemas.js';
import * as houses from './house-service.js';
import * as persons from './person-service.js';
import {
  DepartPersonBody,
  HouseBody,
  HouseDetail,
  HousePage,
  HouseQuery,
  HouseView,
  LookupBody,
  LookupResponse,
  MovePersonBody,
  PersonDetail,
  PersonPage,
  PersonQuery,
  PersonView,
  RegisterPersonBody,
  RevealBody,
  CallNumber,
  RevealResponse,
  TenancyBody,
  UnitBody,
  UnitPage,
  UnitQuery,
  UnitView,
  RetireUnitBody,
  UpdateHouseBody,
  UpdatePersonBody,
} from './schema.js';
import * as units from './unit-service.js';

export const registerRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const read = app.requireRight('person.read');
  const write = app.requireRight('person.write');
  const tags = ['register'];
  const tx = app.db.transaction.bind(app.db);

  app.get(
    '/api/persons',
    {
      schema: {
        operationId: 'listPersons',
        tags,
        summary: 'Search the register (name, full or masked ID, phone, address, tag)',
        querystring: PersonQuery,
        response: { 200: PersonPage, ...errors(400, 401, 403, 404, 429) },
      },
      preHandler: read,
    },
    async (request) =>
      persons.listPersons(app.db, request.actor(), app.cipher, request.query, {
        feverThreshold: app.config.healthRules.feverThreshold,
        read: request.readDb(),
      }),
  );

  app.post(
    '/api/persons',
    {
      schema: {
        operationId: 'registerPerson',
        tags,
        summary: 'Register a person; a known document number updates that same person',
        body: RegisterPersonBody,
        response: { 200: PersonView, 201: PersonView, ...errors(400, 401, 403, 404, 409) },
      },
      preHandler: write,
    },
    async (request, reply) => {
      const result = await tx().execute((trx) =>
        persons.registerPerson(trx, request.actor(), app.cipher, request.body),
      );
      return reply.status(result.created ? 201 : 200).send(result.person);
    },
  );

  app.post(
    '/api/persons/lookup',
    {
      schema: {
        operationId: 'lookupPerson',
        tags,
        summary:
          'What an ID number tells: sex, birth date, region, the person if registered in your area, whether registering it here would be refused (audited, 20 a minute)',
        body: LookupBody,
        response: { 200: LookupResponse, ...errors(400, 401, 403, 429) },
      },
      preHandler: read,
    },
    async (request) =>
      persons.lookupDocument(
        app.db,
        request.actor(),
        app.cipher,
        request.body.documentType ?? 'resident_id',
        request.body.documentNumber,
      ),
  );

  app.get(
    '/api/persons/:id',
    {
      schema: {
        operationId: 'getPerson',
        tags,
        summary: 'A person with their history',
        params: IdParams,
        response: { 200: PersonDetail, ...errors(401, 403, 404) },
      },
      preHandler: read,
    },
    async (request) => persons.getPerson(app.db, request.actor(), request.params.id),
  );

  app.patch(
    '/api/persons/:id',
    {
      schema: {
        operationId: 'updatePerson',
        tags,
        summary: 'Change a person’s details (history keeps the old values)',
        params: IdParams,
        body: UpdatePersonBody,
        response: { 200: PersonView, ...errors(400, 401, 403, 404) },
      },
      preHandler: write,
    },
    async (request) =>
      tx().execute((trx) =>
        persons.updatePerson(trx, request.actor(), app.cipher, request.params.id, request.body),
      ),
  );

  app.post(
    '/api/persons/:id/move',
    {
      schema: {
        operationId: 'movePerson',
        tags,
        summary: 'Move a person to another house or area',
        params: IdParams,
        body: MovePersonBody,
        response: { 200: PersonView, ...errors(400, 401, 403, 404) },
      },
      preHandler: write,
    },
    async (request) =>
      tx().execute((trx) => persons.movePerson(trx, request.actor(), request.params.id, request.body)),
  );

  app.post(
    '/api/persons/:id/depart',
    {
      schema: {
        operationId: 'departPerson',
        tags,
        summary: 'Record a departure (走时注销)',
        params: IdParams,
        body: DepartPersonBody,
        response: { 200: PersonView, ...errors(400, 401, 403, 404) },
      },
      preHandler: write,
    },
    async (request) =>
      tx().execute((trx) => persons.departPerson(trx, request.actor(), request.params.id, request.body)),
  );

  app.post(
    '/api/persons/:id/reveal',
    {
      schema: {
        operationId: 'revealPerson',
        tags,
        summary: 'Show the unmasked document number, phone and birth date (audit-logged with the reason)',
        params: IdParams,
        body: RevealBody,
        response: { 200: RevealResponse, ...errors(400, 401, 403, 404) },
      },
      preHandler: app.requireRight('person.reveal'),
    },
    async (request, reply) => {
      const secrets = await tx().execute((trx) =>
        persons.revealPerson(trx, request.actor(), app.cipher, request.params.id, request.body.reason),
      );
      reply.header('cache-control', 'no-store');
      return secrets;
    },
  );

  app.post(
    '/api/persons/:id/call',
    {
      schema: {
        operationId: 'callPerson',
        tags,
        summary:
          'The full phone number alone, to call the person (tel: link) from the doorstep; audit-logged with the reason',
        params: IdParams,
        body: RevealBody,
        response: { 200: CallNumber, ...errors(400, 401, 403, 404) },
      },
      preHandler: app.requireRight('person.reveal'),
    },
    async (request, reply) => {
      const number = await tx().execute((trx) =>
        persons.phoneToCall(trx, request.actor(), app.cipher, request.params.id, request.body.reason),
      );
      reply.header('cache-control', 'no-store');
      return number;
    },
  );

  app.get(
    '/api/houses',
    {
      schema: {
        operationId: 'listHouses',
        tags,
        summary: 'Houses in scope',
        querystring: HouseQuery,
        response: { 200: HousePage, ...errors(400, 401, 403, 404) },
      },
      preHandler: read,
    },
    async (request) => houses.listHouses(request.readDb(), request.actor(), request.query),
  );
  app.post(
    '/api/houses',
    {
      schema: {
        operationId: 'createHouse',
        tags,
        summary: 'Register a house at a standard address',
        body: HouseBody,
        response: { 201: HouseView, ...errors(400, 401, 403, 404, 409) },
      },
      preHandler: write,
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await tx().execute((trx) => houses.createHouse(trx, request.actor(), request.body))),
  );
  app.get(
    '/api/houses/:id',
    {
      schema: {
        operationId: 'getHouse',
        tags,
        summary: 'A house with its residents and tenancies',
        params: IdParams,
        response: { 200: HouseDetail, ...errors(401, 403, 404) },
      },
      preHandler: read,
    },
    async (request) => houses.getHouse(app.db, request.actor(), request.params.id),
  );
  app.patch(
    '/api/houses/:id',
    {
      schema: {
        operationId: 'updateHouse',
        tags,
        summary: 'Change a house',
        params: IdParams,
        body: UpdateHouseBody,
        response: { 200: HouseView, ...errors(400, 401, 403, 404, 409) },
      },
      preHandler: write,
    },
    async (request) =>
      tx().execute((trx) => houses.updateHouse(trx, request.actor(), request.params.id, request.body)),
  );
  app.post(
    '/api/houses/:id/tenancies',
    {
      schema: {
        operationId: 'addHouseTenancy',
        tags,
        summary: 'Record a lease (online tenancy)',
        params: IdParams,
        body: TenancyBody,
        response: { 201: HouseDetail, ...errors(400, 401, 403, 404) },
      },
      preHandler: write,
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await tx().execute((trx) =>
            houses.createTenancy(trx, request.actor(), request.params.id, request.body),
          ),
        ),
  );

  app.get(
    '/api/units',
    {
      schema: {
        operationId: 'listUnits',
        tags,
        summary: 'Units (enterprises, shops, schools, sites, hotels) in scope',
        querystring: UnitQuery,
        response: { 200: UnitPage, ...errors(400, 401, 403, 404) },
      },
      preHandler: read,
    },
    async (request) => units.listUnits(request.readDb(), request.actor(), request.query),
  );
  app.post(
    '/api/units',
    {
      schema: {
        operationId: 'createUnit',
        tags,
        summary: 'Register a unit',
        body: UnitBody,
        response: { 201: UnitView, ...errors(400, 401, 403, 404, 409) },
      },
      preHandler: write,
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await tx().execute((trx) => units.createUnit(trx, request.actor(), app.cipher, request.body))),
  );
  app.get(
    '/api/units/:id',
    {
      schema: {
        operationId: 'getUnit',
        tags,
        summary: 'One unit',
        params: IdParams,
        response: { 200: UnitView, ...errors(401, 403, 404) },
      },
      preHandler: read,
    },
    async (request) => units.getUnit(app.db, request.actor(), request.params.id),
  );
  app.post(
    '/api/units/:id/retire',
    {
      schema: {
        operationId: 'retireUnit',
        tags,
        summary: 'Retire a unit',
        params: IdParams,
        body: RetireUnitBody,
        response: { 204: Type.Null(), ...errors(401, 403, 404) },
      },
      preHandler: write,
    },
    async (request, reply) => {
      await tx().execute((trx) =>
        units.retireUnit(trx, request.actor(), request.params.id, request.body.reason),
      );
      return reply.status(204).send(null);
    },
  );
};
