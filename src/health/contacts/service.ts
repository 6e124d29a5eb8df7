import { recordAudit } from '../../audit/repository.js';
import type { Right } from '../../auth/rights.js';
import { can, scopePaths, type Viewer } from '../../auth/scope.js';
import type { Actor, Db } from '../../auth/context.js';
import { invalid, notFound } from '../../core/errors.js';
import type { FieldCipher } from '../../privacy/field-crypto.js';
import { presentPersonName } from '../../privacy/present.js';
import { findPersonInScope, type PersonRow } from '../../register/repository.js';
import { revealPerson } from '../../register/protect.js';
import * as leads from '../leads/repository.js';
import { routingScopeOf } from '../leads/routing.js';
import { countRoutes, type PreparedLead, protectLeadIdentity, storeLeads } from '../leads/service.js';
import * as repo from './repository.js';
import {
  type ContactLeadsBody,
  type ContactLeadsResult,
  type ContactList,
  type ContactQuery,
  type ContactView,
  DEFAULT_CONTACT_HOURS,
  DEFAULT_LOOKBACK_DAYS,
} from './schema.js';

const HOUR_MS = 3600 * 1000;
const DAY_MS = 24 * HOUR_MS;
/** Place scans are kept 21 days by default; a longer period finds nothing more. */
const MAX_PERIOD_DAYS = 31;

interface Window {
  from: Date;
  to: Date;
  hours: number;
}

interface Encounter {
  placeId: number;
  placeName: string;
  caseAt: Date;
  at: Date;
}

/** One contact as found, with what lead creation needs (hashes, the encrypted identity). */
interface Contact {
  ref: string;
  sources: Set<'scan' | 'household'>;
  person: repo.ContactPersonRow | null;
  /** The first scan of an unregistered contact: its identity is the lead's. */
  scan: repo.ContactScanRow | null;
  encounters: Encounter[];
}

interface Found {
  person: PersonRow;
  positive: { id: number; occurred_at: Date } | undefined;
  window: Window;
  visits: Awaited<ReturnType<typeof repo.caseScans>>;
  contacts: Contact[];
}

const PERSON_NOT_FOUND = (id: number) =>
  notFound('PERSON_NOT_FOUND', `Person ${id} does not exist or is outside your area`);

function windowOf(query: ContactQuery, positiveAt: Date | undefined, now: Date, field: string): Window {
  const to = query.to ? new Date(query.to) : now;
  const from = query.from
    ? new Date(query.from)
    : new Date((positiveAt ?? now).getTime() - DEFAULT_LOOKBACK_DAYS * DAY_MS);
  if (from >= to)
    throw invalid('VALIDATION_FAILED', `${field}.to must be after ${field}.from`, [
      { field: `${field}.to`, code: 'periodInvalid', message: 'is not after from' },
    ]);
  if (to.getTime() - from.getTime() > MAX_PERIOD_DAYS * DAY_MS)
    throw invalid('VALIDATION_FAILED', `${field}: the period is longer than ${MAX_PERIOD_DAYS} days`, [
      {
        field: `${field}.from`,
        code: 'periodTooLong',
        params: { days: MAX_PERIOD_DAYS },
        message: `is more than ${MAX_PERIOD_DAYS} days before to`,
      },
    ]);
  return { from, to, hours: query.hours ?? DEFAULT_CONTACT_HOURS };
}

/**
 * Contacts of a case: everyone else who scanned a place code within ±hours of one of the
 * case's scans in the period, matched to registered persons by ID hash (else by phone hash when
 * exactly one active person has that phone), plus the other active members of the household.
 */
async function find(
  db: Db,
  viewer: Viewer,
  right: Right,
  personId: number,
  query: ContactQuery,
  now: Date,
  field: string,
): Promise<Found> {
  const person = await findPersonInScope(db, viewer, right, personId);
  if (!person) throw PERSON_NOT_FOUND(personId);
  const positive = await repo.latestPositiveTest(db, person.id);
  const window = windowOf(query, positive?.occurred_at, now, field);
  const who = { documentHash: person.document_hash, phoneHash: person.phone_hash };
  const visits = await repo.caseScans(db, who, window.from, window.to);
  const scans = await repo.contactScans(
    db,
    visits.map((v) => v.id),
    who,
    window.hours * 3600,
  );

  const byDocument = new Map(
    (
      await repo.personsByDocumentHash(
        db,
        scans.flatMap((s) => (s.document_hash ? [s.document_hash] : [])),
      )
    ).map((p) => [p.document_hash, p]),
  );
  const byPhone = new Map<string, repo.ContactPersonRow[]>();
  for (const p of await repo.activePersonsByPhoneHash(
    db,
    scans.flatMap((s) =>
      s.phone_hash && !(s.document_hash && byDocument.has(s.document_hash)) ? [s.phone_hash] : [],
    ),
  )) {
    byPhone.set(p.phone_hash!, [...(byPhone.get(p.phone_hash!) ?? []), p]);
  }

  const contacts = new Map<string, Contact>();
  const groupOf = new Map<string, string>();
  for (const s of scans) {
    const phoneMatches = s.phone_hash ? byPhone.get(s.phone_hash) : undefined;
    const registered =
      (s.document_hash ? byDocument.get(s.document_hash) : undefined) ??
      (phoneMatches?.length === 1 ? phoneMatches[0] : undefined);
    if (registered?.id === person.id) continue;
    // An unregistered scanner is one contact per ID hash (else phone hash), named by their first scan.
    const identity = registered
      ? `person:${registered.id}`
      : s.document_hash
        ? `doc:${s.document_hash}`
        : `phone:${s.phone_hash}`;
    let ref = groupOf.get(identity);
    if (!ref) {
      ref = registered ? `person:${registered.id}` : `scan:${s.id}`;
      groupOf.set(identity, ref);
      contacts.set(ref, {
        ref,
        sources: new Set(),
        person: registered ?? null,
        scan: registered ? null : s,
        encounters: [],
      });
    }
    const contact = contacts.get(ref)!;
    contact.sources.add('scan');
    if (
      !contact.encounters.some((e) => e.at.getTime() === s.scanned_at.getTime() && e.placeId === s.place_id)
    )
      contact.encounters.push({
        placeId: s.place_id,
        placeName: s.place_name,
        caseAt: s.case_at,
        at: s.scanned_at,
      });
  }
  if (person.house_id !== null && person.status === 'active') {
    for (const member of await repo.householdMembers(db, person.house_id, person.id)) {
      const ref = `person:${member.id}`;
      const contact = contacts.get(ref) ?? {
        ref,
        sources: new Set(),
        person: member,
        scan: null,
        encounters: [],
      };
      contact.sources.add('household');
      contacts.set(ref, contact);
    }
  }
  const first = (c: Contact) => c.encounters[0]?.at.getTime() ?? Number.POSITIVE_INFINITY;
  return {
    person,
    positive,
    window,
    visits,
    contacts: [...contacts.values()].sort((a, b) => first(a) - first(b) || a.ref.localeCompare(b.ref)),
  };
}

function presentContact(contact: Contact, viewer: Viewer): ContactView {
  const p = contact.person;
  const visible = p?.area_path ? can(viewer, 'person.read', p.area_path) : false;
  return {
    ref: contact.ref,
    sources: [...contact.sources].sort(),
    registered: p !== null,
    person:
      p && visible
        ? {
            id: p.id,
            area:
              p.area_id !== null && p.area_code !== null
                ? { id: p.area_id, code: p.area_code, name: p.area_name ?? '' }
                : null,
          }
        : null,
    nameMasked: p ? presentPersonName(p.name) : (contact.scan?.name_masked ?? null),
    documentMasked: p ? p.document_masked : (contact.scan?.document_masked ?? null),
    phoneMasked: p ? p.phone_masked : (contact.scan?.phone_masked ?? null),
    encounters: contact.encounters.map((e) => ({
      placeId: e.placeId,
      placeName: e.placeName,
      caseScannedAt: e.caseAt.toISOString(),
      scannedAt: e.at.toISOString(),
      minutesApart: Math.round(Math.abs(e.at.getTime() - e.caseAt.getTime()) / 60000),
    })),
    firstAt: contact.encounters[0]?.at.toISOString() ?? null,
  };
}

/** `GET /api/contacts/{personId}`: masked, and logged (whereabouts are sensitive). */
export async function findContacts(
  db: Db,
  actor: Actor,
  personId: number,
  query: ContactQuery,
): Promise<ContactList> {
  const found = await find(db, actor.viewer, 'health.read', personId, query, actor.now(), 'querystring');
  const { person, window } = found;
  await recordAudit(db, actor, {
    action: 'contacts.find',
    entityType: 'person',
    entityId: person.id,
    areaPath: person.area_path,
    after: {
      from: window.from.toISOString(),
      to: window.to.toISOString(),
      hours: window.hours,
      contacts: found.contacts.length,
    },
  });
  return {
    case: {
      personId: person.id,
      nameMasked: presentPersonName(person.name),
      documentMasked: person.document_masked,
      area:
        person.area_id !== null && person.area_code !== null
          ? { id: person.area_id, code: person.area_code, name: person.area_name ?? '' }
          : null,
      positive: found.positive
        ? { recordId: found.positive.id, occurredAt: found.positive.occurred_at.toISOString() }
        : null,
    },
    window: { from: window.from.toISOString(), to: window.to.toISOString(), hours: window.hours },
    visits: found.visits.map((v) => ({
      placeId: v.place_id,
      placeName: v.place_name,
      scannedAt: v.scanned_at.toISOString(),
    })),
    contacts: found.contacts.map((c) => presentContact(c, actor.viewer)),
  };
}

/** The widest area containing the case in which the caller may act: contact leads are routed under it. */
async function routingAreaFor(db: Db, viewer: Viewer, casePath: string) {
  const prefix = scopePaths(viewer, 'health.write').find((p) => casePath.startsWith(p));
  const path = prefix === '/' ? `/${casePath.split('/')[1]}/` : prefix;
  const area = path ? await leads.areaByPath(db, path) : undefined;
  if (!area) throw notFound('AREA_NOT_FOUND', 'The case lies outside the areas where you may create leads');
  return area;
}

function describe(contact: Contact): string {
  const places = [...new Set(contact.encounters.map((e) => e.placeName))];
  const parts: string[] = [];
  if (contact.sources.has('household')) parts.push('同户居住');
  if (places.length > 0)
    parts.push(`同时段到访${places.slice(0, 3).join('、')}${places.length > 3 ? '等' : ''}`);
  return parts.join('，');
}

/**
 * `POST /api/contacts/{personId}/leads`: the chosen contacts (refs from the same search)
 * become close-contact leads, deadline now + 24 h by default, routed like every lead under the
 * widest area where the caller may act. Choosing a contact again changes nothing.
 */
export async function createContactLeads(
  db: Db,
  actor: Actor,
  cipher: FieldCipher,
  personId: number,
  body: ContactLeadsBody,
): Promise<ContactLeadsResult> {
  const now = actor.now();
  const found = await find(db, actor.viewer, 'health.write', personId, body, now, 'body');
  const byRef = new Map(found.contacts.map((c) => [c.ref, c]));
  const unknown = body.refs.findIndex((ref) => !byRef.has(ref));
  if (unknown >= 0)
    throw invalid(
      'CONTACT_NOT_FOUND',
      `body.refs.${unknown}: ${body.refs[unknown]} is not a contact in this window`,
      [{ field: `body.refs.${unknown}`, code: 'notContact', message: 'is not a contact in this window' }],
    );
  const person = found.person;
  const caseLabel = `病例#${person.id}（${presentPersonName(person.name)}，${person.document_masked}）`;
  const batchReference = `contacts:person:${person.id}`;
  const deadline = new Date(now.getTime() + (body.deadlineHours ?? 24) * HOUR_MS);
  const prepared: PreparedLead[] = body.refs.map((ref, row) => {
    const contact = byRef.get(ref)!;
    const reason =
      `密切接触者核查（close contact of case #${person.id}）：${caseLabel}${describe(contact)}`.slice(0, 500);
    const common = {
      row,
      reason,
      deadline,
      sourceKey: cipher.lookupHash('lead', `${batchReference}:${ref}`),
    };
    const p = contact.person;
    if (p) {
      const secrets = revealPerson(cipher, p.secret);
      return {
        ...common,
        ...protectLeadIdentity(cipher, {
          documentNumber: secrets.documentNumber,
          phone: secrets.phone,
          name: p.name,
        }),
        documentMasked: p.document_masked,
        idHash: p.document_hash,
        phoneHash: p.phone_hash,
        address: p.house_address ?? p.current_address,
      };
    }
    const scan = contact.scan!;
    const fields = cipher.decryptRecord(scan.secret);
    return {
      ...common,
      ...protectLeadIdentity(cipher, {
        documentNumber: fields.documentNumber ?? null,
        phone: fields.phone ?? null,
        name: fields.name ?? null,
      }),
      documentMasked: scan.document_masked,
      phoneMasked: scan.phone_masked,
      nameMasked: scan.name_masked,
      idHash: scan.document_hash,
      phoneHash: scan.phone_hash,
      address: null,
    };
  });
  const scope = await routingScopeOf(db, await routingAreaFor(db, actor.viewer, person.area_path ?? '/'));
  const result = await storeLeads(db, actor, scope, batchReference, prepared, 'contacts');
  const routed = countRoutes(result.stored);
  await recordAudit(db, actor, {
    action: 'contacts.leads',
    entityType: 'person',
    entityId: person.id,
    areaPath: person.area_path,
    after: { inserted: result.stored.length, unchanged: result.unchanged, routed },
  });
  const rows = new Map(
    (
      await leads.findLeads(
        db,
        result.stored.map((s) => s.id),
      )
    ).map((r) => [r.id, r]),
  );
  return {
    inserted: result.stored.length,
    unchanged: result.unchanged,
    routed,
    leads: result.stored.map((s) => {
      const row = rows.get(s.id)!;
      return {
        ref: body.refs[s.row]!,
        id: s.id,
        routedBy: s.target.routedBy,
        area: can(actor.viewer, 'health.read', row.area_path)
          ? { id: row.area_id, code: row.area_code, name: row.area_name }
          : null,
      };
    }),
  };
}
