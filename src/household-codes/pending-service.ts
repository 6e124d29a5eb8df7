import { recordAudit } from '../audit/repository.js';
import { can, type Viewer, viewerName } from '../auth/scope.js';
import type { Actor, Db } from '../auth/context.js';
import { conflict, forbidden, invalid, notFound } from '../core/errors.js';
import type { PageOf } from '../core/pagination.js';
import { findAreaInScope } from '../hierarchy/repository.js';
import type { EncryptedRecordFields, FieldCipher } from '../privacy/field-crypto.js';
import type { DocumentType } from '../register/identity/documents.js';
import { departPerson, registerPerson } from '../register/person-service.js';
import { findHouseInScope } from '../register/repository.js';
import type { PersonView, RegisterPersonBody } from '../register/schema.js';
import * as repo from './repository.js';
import type { PendingRow } from './repository.js';
import type { ConfirmBody, PendingAnswers, PendingChangeView, PendingQuery } from './schema.js';

const PENDING_NOT_FOUND = (id: number) =>
  notFound('PENDING_CHANGE_NOT_FOUND', `Pending change ${id} does not exist or is outside your area`);

const ANSWER_FIELDS = [
  'arrivedFrom',
  'arrivalDate',
  'arrivalReason',
  'relation',
  'departedOn',
  'destination',
  'travelStartedOn',
  'transport',
  'address',
] as const satisfies ReadonlyArray<keyof PendingAnswers>;

/** Which person a change points at: for departures only the active resident of that house counts. */
function matchedPerson(row: PendingRow, viewer: Viewer): number | null {
  if (row.match_id === null) return null;
  if (row.kind === 'departure') {
    return row.match_house_id === row.house_id && row.match_status === 'active' ? row.match_id : null;
  }
  return row.match_area_path && can(viewer, 'person.read', row.match_area_path) ? row.match_id : null;
}

/** The one place a pending row becomes an API object: document and phone masked, health by right. */
export function presentPending(row: PendingRow, viewer: Viewer, cipher: FieldCipher): PendingChangeView {
  const secret = cipher.decryptRecord(row.secret);
  const answers: PendingAnswers = {};
  for (const field of ANSWER_FIELDS) {
    const value = secret[field];
    if (typeof value === 'string') answers[field] = value;
  }
  const doses = secret.vaccinationDoses;
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    submittedAt: row.submitted_at.toISOString(),
    house: row.house_id !== null ? { id: row.house_id, address: row.house_address ?? '' } : null,
    area: { id: row.area_id, code: row.area_code, name: row.area_name },
    name: secret.name ?? row.name_masked,
    documentType: row.document_type,
    documentMasked: row.document_masked,
    phoneMasked: row.phone_masked,
    answers,
    health:
      row.kind !== 'departure' && can(viewer, 'health.read', row.area_path)
        ? {
            healthCodeColour: secret.healthCodeColour ?? null,
            vaccinationDoses: doses === null || doses === undefined ? null : Number(doses),
          }
        : null,
    matchedPersonId: matchedPerson(row, viewer),
    decidedAt: row.decided_at?.toISOString() ?? null,
    decidedBy: row.decided_by,
    rejectReason: row.reject_reason,
    personId: row.person_id,
  };
}

export async function listPendingChanges(
  db: Db,
  actor: Actor,
  cipher: FieldCipher,
  query: PendingQuery,
): Promise<PageOf<PendingChangeView>> {
  let withinPath: string | undefined;
  if (query.within !== undefined) {
    const area = await findAreaInScope(db, actor.viewer, 'person.read', query.within);
    if (!area)
      throw notFound('AREA_NOT_FOUND', `Area ${query.within} does not exist or is outside your area`);
    withinPath = area.path;
  }
  const page = await repo.listPending(db, actor.viewer, { ...query, withinPath });
  return { ...page, items: page.items.map((row) => presentPending(row, actor.viewer, cipher)) };
}

export async function getPendingChange(db: Db, actor: Actor, cipher: FieldCipher, id: number) {
  const row = await repo.findPendingInScope(db, actor.viewer, id);
  if (!row) throw PENDING_NOT_FOUND(id);
  return presentPending(row, actor.viewer, cipher);
}

/** The change, locked, if the caller may decide it. */
async function undecided(db: Db, actor: Actor, id: number): Promise<PendingRow> {
  const row = await repo.findPendingInScope(db, actor.viewer, id, { lock: true });
  if (!row) throw PENDING_NOT_FOUND(id);
  if (!can(actor.viewer, 'person.write', row.area_path))
    throw forbidden('You may see this change but not decide it');
  if (row.status !== 'pending') {
    throw conflict('PENDING_CHANGE_DECIDED', `Pending change ${id} was already ${row.status}`);
  }
  return row;
}

const text = (fields: EncryptedRecordFields, name: string): string | undefined => fields[name] ?? undefined;

/** Where a self-report is registered: a house or area inside the community it was sent to. */
async function selfReportPlace(db: Db, actor: Actor, row: PendingRow, body: ConfirmBody) {
  if ((body.houseId === undefined) === (body.areaId === undefined)) {
    throw invalid(
      'VALIDATION_FAILED',
      'body.houseId or body.areaId (one of them) is required for a self-report',
      [
        {
          field: body.houseId === undefined ? 'body.houseId' : 'body.areaId',
          code: 'exactlyOne',
          params: { fields: 'houseId, areaId' },
          message: 'give exactly one of houseId, areaId',
        },
      ],
    );
  }
  if (body.houseId !== undefined) {
    const house = await findHouseInScope(db, actor.viewer, 'person.write', body.houseId);
    if (!house)
      throw notFound(
        'HOUSE_NOT_FOUND',
        `body.houseId: house ${body.houseId} does not exist or is outside your area`,
      );
    if (!house.area_path.startsWith(row.area_path)) {
      throw invalid('VALIDATION_FAILED', 'body.houseId is not in the community the report was sent to', [
        { field: 'body.houseId', code: 'outsideCommunity', message: 'is outside the community' },
      ]);
    }
    return { houseId: house.id };
  }
  const area = await findAreaInScope(db, actor.viewer, 'person.write', body.areaId!);
  if (!area)
    throw notFound(
      'AREA_NOT_FOUND',
      `body.areaId: area ${body.areaId} does not exist or is outside your area`,
    );
  if (!area.path.startsWith(row.area_path)) {
    throw invalid('VALIDATION_FAILED', 'body.areaId is not in the community the report was sent to', [
      { field: 'body.areaId', code: 'outsideCommunity', message: 'is outside the community' },
    ]);
  }
  return { areaId: area.id };
}

/**
 * Applies a change to the register: an arrival registers the person into the house (or updates
 * the person already known by that document), a departure de-registers the matching resident,
 * a self-report registers the person where the worker says.
 */
export async function confirmPendingChange(
  db: Db,
  actor: Actor,
  cipher: FieldCipher,
  id: number,
  body: ConfirmBody,
): Promise<{ change: PendingChangeView; person: PersonView }> {
  const row = await undecided(db, actor, id);
  const fields = cipher.decryptRecord(row.secret);
  const type = row.document_type as DocumentType;
  const documentNumber = fields.documentNumber ?? '';
  let person: PersonView;
  switch (row.kind) {
    case 'arrival':
    case 'self_report': {
      let place: { houseId?: number; areaId?: number };
      if (row.kind === 'arrival') {
        if (body.houseId !== undefined || body.areaId !== undefined) {
          throw invalid(
            'VALIDATION_FAILED',
            'An arrival is registered into the house of its code; omit houseId/areaId',
            [
              {
                field: body.houseId !== undefined ? 'body.houseId' : 'body.areaId',
                code: 'selfReportOnly',
                message: 'only for self-reports',
              },
            ],
          );
        }
        place = { houseId: row.house_id! };
      } else {
        place = await selfReportPlace(db, actor, row, body);
      }
      const register: RegisterPersonBody = {
        documentType: type,
        documentNumber,
        name: fields.name ?? '',
        ...place,
        ...(fields.phone ? { phone: fields.phone } : {}),
        ...(text(fields, 'arrivedFrom') ? { arrivedFrom: text(fields, 'arrivedFrom') } : {}),
        ...(text(fields, 'arrivalDate') ? { arrivalDate: text(fields, 'arrivalDate') } : {}),
        arrivalReason: text(fields, 'arrivalReason') ?? (row.kind === 'self_report' ? '返乡报备' : undefined),
        ...(text(fields, 'relation') ? { relation: text(fields, 'relation') } : {}),
        ...(place.areaId !== undefined && text(fields, 'address')
          ? { currentAddress: text(fields, 'address') }
          : {}),
      };
      // People new to the register arriving by code are floating population unless the worker says otherwise.
      const known = row.match_id !== null;
      const residenceType = body.residenceType ?? (known ? undefined : 'floating');
      if (residenceType) register.residenceType = residenceType;
      const result = await registerPerson(
        db,
        actor,
        cipher,
        register,
        row.kind === 'arrival' ? 'household_code' : 'self_report',
      );
      person = result.person;
      break;
    }
    case 'departure': {
      if (body.houseId !== undefined || body.areaId !== undefined || body.residenceType !== undefined) {
        throw invalid('VALIDATION_FAILED', 'A departure is confirmed with an empty body', [
          { field: 'body', code: 'mustBeEmpty', message: 'must be empty for a departure' },
        ]);
      }
      const resident = await repo.activeResident(db, row.house_id!, row.document_hash);
      if (!resident) {
        throw conflict(
          'PENDING_NO_MATCH',
          'Nobody registered in this house holds this document; the departure can only be rejected',
        );
      }
      person = await departPerson(
        db,
        actor,
        resident.id,
        { departedOn: text(fields, 'departedOn') ?? '', destination: text(fields, 'destination') ?? '' },
        'household_code',
      );
      break;
    }
  }
  await repo.decidePending(db, id, {
    status: 'confirmed',
    at: actor.now(),
    by: viewerName(actor.viewer),
    personId: person.id,
  });
  await recordAudit(db, actor, {
    action: 'pending_change.confirm',
    entityType: 'pending_change',
    entityId: id,
    areaPath: row.area_path,
    after: { kind: row.kind, personId: person.id },
  });
  return { change: await getPendingChange(db, actor, cipher, id), person };
}

export async function rejectPendingChange(
  db: Db,
  actor: Actor,
  cipher: FieldCipher,
  id: number,
  reason: string,
): Promise<PendingChangeView> {
  const row = await undecided(db, actor, id);
  await repo.decidePending(db, id, {
    status: 'rejected',
    at: actor.now(),
    by: viewerName(actor.viewer),
    reason: reason.trim(),
  });
  await recordAudit(db, actor, {
    action: 'pending_change.reject',
    entityType: 'pending_change',
    entityId: id,
    areaPath: row.area_path,
    after: { kind: row.kind },
    reason,
  });
  return getPendingChange(db, actor, cipher, id);
}
