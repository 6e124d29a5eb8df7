import type { Db } from '../auth/context.js';
import { notFound } from '../core/errors.js';
import type { AccessCodesTable, PendingChangeKind } from '../db/schema.js';
import type { EncryptedRecordFields, FieldCipher } from '../privacy/field-crypto.js';
import { protectIdentity } from '../privacy/protect.js';
import { DOCUMENT_TYPE_LABELS, DOCUMENT_TYPES } from '../register/identity/documents.js';
import { checkedDocument, checkedPhone } from '../register/person-service.js';
import type { Selectable } from 'kysely';
import { addDays, chinaDate } from './dates.js';
import * as repo from './repository.js';
import {
  ARRIVAL_REASONS,
  type ArrivalBody,
  type DepartureBody,
  DOOR_INSTRUCTION,
  type FormOptions,
  HEALTH_CODE_COLOURS,
  HEALTH_CODE_LABELS,
  type HouseholdDoorPage,
  RELATIONS,
  type SelfReportBody,
  type SelfReportPage,
} from './schema.js';
import { tokenHash } from './tokens.js';
import { blankField, checkedDate, checkedName, checkedOptionalText, checkedText } from './validation.js';

/** The same answer for unknown, revoked and retired codes: a scanner learns nothing else. */
const CODE_NOT_FOUND = () =>
  notFound('CODE_NOT_FOUND', 'This code is unknown or no longer valid (二维码无效或已停用)');

const RECEIPT = {
  status: 'pending' as const,
  message: '已提交，待网格员确认 (submitted; the grid worker will confirm it)',
};

/** Which dates the forms accept, relative to today in China. */
function dateLimits(now: Date) {
  const today = chinaDate(now);
  return {
    arrivalDate: { min: addDays(today, -365), max: addDays(today, 7) },
    departedOn: { min: addDays(today, -90), max: addDays(today, 60) },
    travelStartedOn: { min: addDays(today, -90), max: today },
    selfReportArrivalDate: { min: addDays(today, -90), max: addDays(today, 7) },
  };
}

function formOptions(now: Date): FormOptions {
  return {
    documentTypes: DOCUMENT_TYPES.map((value) => ({ value, label: DOCUMENT_TYPE_LABELS[value] })),
    healthCodeColours: HEALTH_CODE_COLOURS.map((value) => ({ value, label: HEALTH_CODE_LABELS[value] })),
    vaccinationDoses: { minimum: 0, maximum: 4 },
    arrivalReasons: [...ARRIVAL_REASONS],
    relations: [...RELATIONS],
    dateLimits: dateLimits(now),
  };
}

async function activeCode(db: Db, kind: Selectable<AccessCodesTable>['kind'], token: string) {
  const code = await repo.findActiveCode(db, kind, tokenHash(token));
  if (!code) throw CODE_NOT_FOUND();
  return code;
}

async function householdByToken(db: Db, token: string) {
  const code = await activeCode(db, 'household', token);
  const house = await repo.findActiveHouseForDoor(db, code.house_id!);
  if (!house) throw CODE_NOT_FOUND();
  return { code, house };
}

async function communityByToken(db: Db, token: string) {
  const code = await activeCode(db, 'self_report', token);
  const area = await repo.findActiveCommunity(db, code.area_id);
  if (!area) throw CODE_NOT_FOUND();
  return { code, area };
}

/** What the door page shows: the address and community, never who lives there. */
export async function householdDoorPage(db: Db, now: Date, token: string): Promise<HouseholdDoorPage> {
  const { house } = await householdByToken(db, token);
  const community = (await repo.communitiesOf(db, [house.area_path])).get(house.area_path);
  return {
    house: {
      address: house.address,
      doorNumber: house.door_number,
      building: house.building,
      unitNumber: house.unit_number,
      room: house.room,
    },
    community: community ? { name: community } : null,
    instruction: DOOR_INSTRUCTION,
    forms: formOptions(now),
  };
}

export async function selfReportPage(db: Db, now: Date, token: string): Promise<SelfReportPage> {
  const { area } = await communityByToken(db, token);
  return {
    community: { name: area.name },
    instruction: '返乡/来访人员自主报备：请如实填写，网格员将与您联系',
    forms: formOptions(now),
  };
}

interface Identity {
  type: (typeof DOCUMENT_TYPES)[number];
  number: string;
  name: string;
}

function checkedIdentity(
  body: { documentType?: Identity['type']; documentNumber: string; name: string },
  now: Date,
) {
  const type = body.documentType ?? 'resident_id';
  const document = checkedDocument(type, body.documentNumber, 'body.documentNumber', now);
  return { type, number: document.number, name: checkedName(body.name, 'body.name') };
}

interface Submission {
  kind: PendingChangeKind;
  codeId: number;
  houseId: number | null;
  areaId: number;
  areaPath: string;
  identity: Identity;
  phone: string | null;
  eventDate: string;
  answers: EncryptedRecordFields;
}

/** Stores a public submission as a pending change: personal answers encrypted, masked copies beside. */
async function storeSubmission(db: Db, cipher: FieldCipher, now: Date, submission: Submission) {
  const { identity, phone } = submission;
  const submitted = protectIdentity(
    cipher,
    { documentType: identity.type, documentNumber: identity.number, name: identity.name, phone },
    submission.answers,
  );
  await repo.insertPendingChange(db, {
    kind: submission.kind,
    code_id: submission.codeId,
    house_id: submission.houseId,
    area_id: submission.areaId,
    area_path: submission.areaPath,
    document_type: identity.type,
    document_hash: submitted.documentHash!,
    document_masked: submitted.documentMasked!,
    name_masked: submitted.nameMasked!,
    phone_masked: submitted.phoneMasked,
    secret: submitted.secret,
    event_date: submission.eventDate,
    submitted_at: now,
  });
  return RECEIPT;
}

/** 来时登记: lands as a pending arrival for the grid worker of that house. */
export async function submitArrival(
  db: Db,
  cipher: FieldCipher,
  now: Date,
  token: string,
  body: ArrivalBody,
) {
  const identity = checkedIdentity(body, now);
  const phone = checkedPhone(body.phone, 'body.phone');
  if (!phone) throw blankField('body.phone');
  const limits = dateLimits(now);
  const answers = {
    arrivedFrom: checkedText(body.arrivedFrom, 'body.arrivedFrom'),
    arrivalDate: checkedDate(
      body.arrivalDate,
      'body.arrivalDate',
      limits.arrivalDate.min,
      limits.arrivalDate.max,
    ),
    arrivalReason: checkedText(body.arrivalReason, 'body.arrivalReason'),
    relation: checkedOptionalText(body.relation, 'body.relation'),
    healthCodeColour: body.healthCodeColour,
    vaccinationDoses: String(body.vaccinationDoses),
  };
  const { code, house } = await householdByToken(db, token);
  return storeSubmission(db, cipher, now, {
    kind: 'arrival',
    codeId: code.id,
    houseId: house.id,
    areaId: house.area_id,
    areaPath: house.area_path,
    identity,
    phone,
    eventDate: answers.arrivalDate,
    answers,
  });
}

/**
 * 走时注销: lands as a pending departure whether or not the person is registered in the house,
 * so the answer never tells a scanner who lives there; the worker sorts it out.
 */
export async function submitDeparture(
  db: Db,
  cipher: FieldCipher,
  now: Date,
  token: string,
  body: DepartureBody,
) {
  const identity = checkedIdentity(body, now);
  const limits = dateLimits(now);
  const answers = {
    departedOn: checkedDate(body.departedOn, 'body.departedOn', limits.departedOn.min, limits.departedOn.max),
    destination: checkedText(body.destination, 'body.destination'),
  };
  const { code, house } = await householdByToken(db, token);
  return storeSubmission(db, cipher, now, {
    kind: 'departure',
    codeId: code.id,
    houseId: house.id,
    areaId: house.area_id,
    areaPath: house.area_path,
    identity,
    phone: null,
    eventDate: answers.departedOn,
    answers,
  });
}

/** 自主报备: routed to the community of the code; the worker chooses the house on confirmation. */
export async function submitSelfReport(
  db: Db,
  cipher: FieldCipher,
  now: Date,
  token: string,
  body: SelfReportBody,
) {
  const identity = checkedIdentity(body, now);
  const phone = checkedPhone(body.phone, 'body.phone');
  if (!phone) throw blankField('body.phone');
  const limits = dateLimits(now);
  const travelStartedOn = checkedDate(
    body.travelStartedOn,
    'body.travelStartedOn',
    limits.travelStartedOn.min,
    limits.travelStartedOn.max,
  );
  const answers = {
    arrivedFrom: checkedText(body.arrivedFrom, 'body.arrivedFrom'),
    travelStartedOn,
    arrivalDate: checkedDate(
      body.arrivalDate,
      'body.arrivalDate',
      travelStartedOn > limits.selfReportArrivalDate.min ? travelStartedOn : limits.selfReportArrivalDate.min,
      limits.selfReportArrivalDate.max,
    ),
    transport: checkedOptionalText(body.transport, 'body.transport'),
    address: checkedText(body.address, 'body.address'),
    healthCodeColour: body.healthCodeColour,
    vaccinationDoses: body.vaccinationDoses === undefined ? null : String(body.vaccinationDoses),
  };
  const { code, area } = await communityByToken(db, token);
  return storeSubmission(db, cipher, now, {
    kind: 'self_report',
    codeId: code.id,
    houseId: null,
    areaId: area.id,
    areaPath: area.path,
    identity,
    phone,
    eventDate: answers.arrivalDate,
    answers,
  });
}
