import type { Updateable } from 'kysely';
import type { Actor, Db } from '../../auth/context.js';
import { can, scopePaths, type Viewer } from '../../auth/scope.js';
import { recordAudit } from '../../audit/repository.js';
import { AppError, conflict, invalid, notFound } from '../../core/errors.js';
import { pageWindow } from '../../core/pagination.js';
import type { EnterpriseFilingsTable } from '../../db/schema.js';
import type { PreparedDocument } from '../../events/photos/documents.js';
import { findAreaInScope } from '../../hierarchy/repository.js';
import { communitiesOf } from '../../household-codes/repository.js';
import { notifyInTheirLanguage } from '../../notifications/notify.js';
import { notificationText } from '../../i18n/notifications.js';
import { chinaDate } from '../../household-codes/dates.js';
import { findUnitInScope, type UnitRow } from '../../register/repository.js';
import { unitByToken } from '../links/service.js';
import {
  COMMITMENT_CLAUSES,
  COMMITMENT_TITLE,
  COMMITMENT_VERSION,
  renderCommitmentLetter,
} from './commitment.js';
import * as repo from './repository.js';
import type {
  EnterpriseFilingView,
  EnterpriseList,
  EnterpriseListQuery,
  Filing,
  FilingDocument,
  FilingDraftBody,
  FilingFigures,
  PublicFiling,
} from './schema.js';
import {
  allowedActions,
  type FilingAction,
  type FilingDecision,
  isAwaitingDecision,
  isEditable,
  nextState,
} from './transitions.js';

/** Who acts through an enterprise code: audit entries and steps read 企业（备案码）. */
export const ENTERPRISE_VIEWER: Viewer = Object.freeze({ kind: 'system', name: 'enterprise' });

/** At most this many documents per filing (licence, plan, photos of the site…). */
export const MAX_FILING_DOCUMENTS = 10;
export const MAX_DOCUMENT_BYTES = 5 * 1024 * 1024;

const DAY_MS = 24 * 3600 * 1000;

const filingNotFound = () => notFound('FILING_NOT_FOUND', 'No such filing, or it is outside your area');
const unitNotFound = (id: number) =>
  notFound('UNIT_NOT_FOUND', `Unit ${id} does not exist, is not an enterprise, or is outside your area`);
const stateConflict = (state: string, action: string) =>
  conflict('FILING_STATE_CONFLICT', `A ${state} filing cannot ${action}`, undefined, { state, action });
const notEditable = (state: string) =>
  conflict('FILING_NOT_EDITABLE', `A ${state} filing cannot be changed`, undefined, { state });

const actorNameOf = (viewer: Viewer) =>
  viewer.kind === 'user' ? viewer.username : `${viewer.kind}:${viewer.name}`;

// ---------------------------------------------------------------------------------------------
// The rules, on a unit the caller has already resolved (by code or in the staff member's scope).

async function lockedFilingOf(trx: Db, unitId: number): Promise<repo.FilingRow | undefined> {
  const found = await repo.findFilingByUnit(trx, unitId);
  return found ? repo.lockFiling(trx, found.id) : undefined;
}

/** Moves a filing by one action of the transition table, recording the step and the audit entry. */
async function move(
  trx: Db,
  actor: Actor,
  filing: repo.FilingRow,
  action: FilingAction,
  values: Updateable<EnterpriseFilingsTable>,
  step: { reason?: string | null; inspectionId?: number | null } = {},
): Promise<repo.FilingRow> {
  const to = nextState(filing.state, action);
  if (!to) throw stateConflict(filing.state, action);
  const now = actor.now();
  const updated = await repo.updateFiling(trx, filing.id, filing.state, {
    ...values,
    state: to,
    updated_at: now,
  });
  if (!updated) throw stateConflict(filing.state, action);
  await repo.insertStep(trx, {
    filing_id: filing.id,
    action,
    from_state: filing.state,
    to_state: to,
    actor_name: actorNameOf(actor.viewer),
    at: now,
    reason: step.reason ?? null,
    inspection_id: step.inspectionId ?? null,
  });
  await recordAudit(trx, actor, {
    action: `enterprise_filing.${action}`,
    entityType: 'enterprise_filing',
    entityId: filing.id,
    areaPath: filing.area_path,
    before: { state: filing.state },
    after: { state: to },
    reason: step.reason ?? null,
  });
  return updated;
}

function draftValues(body: FilingDraftBody): Updateable<EnterpriseFilingsTable> {
  const values: Updateable<EnterpriseFilingsTable> = {};
  if (body.plannedOn !== undefined) values.planned_on = body.plannedOn;
  if (body.headcount !== undefined) values.headcount = body.headcount;
  if (body.supplies !== undefined) values.supplies = JSON.stringify(body.supplies);
  if (body.plan !== undefined) values.plan = body.plan === null || body.plan === '' ? null : body.plan;
  return values;
}

/**
 * Starts the unit's filing or changes its draft (also after a return). A change of what was
 * signed for takes the signature away: the legal person signs the filing as it is submitted.
 */
async function saveDraft(
  trx: Db,
  actor: Actor,
  unit: UnitRow,
  body: FilingDraftBody,
): Promise<repo.FilingRow> {
  const now = actor.now();
  const existing = await lockedFilingOf(trx, unit.id);
  const values = draftValues(body);
  if (!existing) {
    const created = await repo.insertFiling(trx, {
      unit_id: unit.id,
      area_id: unit.area_id,
      area_path: unit.area_path,
      planned_on: (values.planned_on as string | null | undefined) ?? null,
      headcount: (values.headcount as number | null | undefined) ?? null,
      supplies: (values.supplies as string | undefined) ?? '{}',
      plan: (values.plan as string | null | undefined) ?? null,
      created_by: actorNameOf(actor.viewer),
      created_at: now,
      updated_at: now,
    });
    await repo.insertStep(trx, {
      filing_id: created.id,
      action: 'create',
      from_state: null,
      to_state: 'draft',
      actor_name: actorNameOf(actor.viewer),
      at: now,
      reason: null,
      inspection_id: null,
    });
    await recordAudit(trx, actor, {
      action: 'enterprise_filing.save',
      entityType: 'enterprise_filing',
      entityId: created.id,
      areaPath: created.area_path,
      after: { state: 'draft', unitId: unit.id },
    });
    return created;
  }
  if (!isEditable(existing.state)) throw notEditable(existing.state);
  const changed =
    (body.plannedOn !== undefined && body.plannedOn !== existing.planned_on) ||
    (body.headcount !== undefined && body.headcount !== existing.headcount) ||
    (body.plan !== undefined && (body.plan || null) !== existing.plan) ||
    (body.supplies !== undefined && JSON.stringify(body.supplies) !== JSON.stringify(existing.supplies));
  if (changed && existing.signed_at) {
    values.signer_name = null;
    values.signed_at = null;
    values.commitment_version = null;
  }
  const updated = await repo.updateFiling(trx, existing.id, existing.state, { ...values, updated_at: now });
  if (!updated) throw notEditable(existing.state);
  await recordAudit(trx, actor, {
    action: 'enterprise_filing.save',
    entityType: 'enterprise_filing',
    entityId: existing.id,
    areaPath: existing.area_path,
    after: { state: existing.state, signatureCleared: changed && existing.signed_at !== null },
  });
  return updated;
}

const compact = (name: string) => name.replace(/\s+/g, '');

/** The legal person signs the commitment letter by typing their name; the time is recorded. */
async function sign(trx: Db, actor: Actor, unit: UnitRow, signerName: string): Promise<repo.FilingRow> {
  const filing = await lockedFilingOf(trx, unit.id);
  if (!filing) throw filingNotFound();
  if (!isEditable(filing.state)) throw notEditable(filing.state);
  if (unit.legal_person && compact(unit.legal_person) !== compact(signerName))
    throw new AppError('FILING_SIGNER_MISMATCH', 400, 'The signer is not the registered legal person', [
      { field: 'signerName', code: 'notLegalPerson' },
    ]);
  const now = actor.now();
  const updated = await repo.updateFiling(trx, filing.id, filing.state, {
    signer_name: signerName.trim(),
    signed_at: now,
    commitment_version: COMMITMENT_VERSION,
    updated_at: now,
  });
  if (!updated) throw notEditable(filing.state);
  await recordAudit(trx, actor, {
    action: 'enterprise_filing.sign',
    entityType: 'enterprise_filing',
    entityId: filing.id,
    areaPath: filing.area_path,
    after: { version: COMMITMENT_VERSION },
  });
  return updated;
}

/** Submits a complete, signed filing; staff must inspect and decide it within `decideDays`. */
async function submit(trx: Db, actor: Actor, unit: UnitRow, decideDays: number): Promise<repo.FilingRow> {
  const filing = await lockedFilingOf(trx, unit.id);
  if (!filing) throw filingNotFound();
  if (!nextState(filing.state, 'submit')) throw stateConflict(filing.state, 'submit');
  const missing = [
    filing.planned_on === null && 'plannedOn',
    filing.headcount === null && 'headcount',
    !filing.plan && 'plan',
    !filing.signed_at && 'signerName',
  ].filter((f): f is string => f !== false);
  if (missing.length > 0)
    throw invalid(
      'FILING_INCOMPLETE',
      `The filing lacks ${missing.join(', ')}`,
      missing.map((field) => ({ field, code: 'required' })),
    );
  const now = actor.now();
  const updated = await move(trx, actor, filing, 'submit', {
    submitted_at: now,
    decide_by: new Date(now.getTime() + decideDays * DAY_MS),
    reminded_at: null,
    inspection_id: null,
    inspection_passed: null,
    return_reasons: null,
  });
  await notifyWorkers(trx, updated, unit.name, now, 'submitted');
  return updated;
}

async function notifyWorkers(
  trx: Db,
  filing: repo.FilingRow,
  name: string,
  now: Date,
  what: 'submitted' | 'overdue',
): Promise<void> {
  const workers = await repo.gridWorkersOver(trx, filing.area_path);
  if (workers.length === 0) return;
  const decideBy = filing.decide_by ? chinaDate(filing.decide_by) : '';
  await notifyInTheirLanguage(trx, {
    userIds: workers,
    kind: what === 'submitted' ? 'enterprise_filing.submitted' : 'enterprise_filing.overdue',
    priority: what === 'overdue' ? 'urgent' : 'normal',
    title: (locale) =>
      notificationText(locale, what === 'submitted' ? 'filingSubmitted' : 'filingOverdue', { name }),
    body: (locale) => notificationText(locale, 'filingDecideBy', { date: decideBy }),
    link: `/enterprises/${filing.unit_id}`,
    readRule: repo.FILING_READ_RULE,
    entityId: filing.id,
    dedupeKey: `enterprise_filing:${filing.id}:${what}:${filing.submitted_at?.toISOString() ?? ''}`,
    now,
  });
}

/**
 * Reminds the grid workers of each filing whose decision deadline has passed, once per
 * submission (the periodic job runs it). Answers the filing ids reminded.
 */
export async function remindOverdueFilings(db: Db, now: Date): Promise<number[]> {
  return db.transaction().execute(async (trx) => {
    const claimed = await repo.claimOverdueFilings(trx, now);
    for (const row of claimed) {
      const filing = await repo.lockFiling(trx, row.id);
      if (filing) await notifyWorkers(trx, filing, row.name, now, 'overdue');
    }
    return claimed.map((row) => row.id);
  });
}

/**
 * An inspection of the enterprise was recorded (called by the inspections module in its
 * transaction): a submitted filing becomes inspected, whether it passed or not; staff then decide.
 * Any other state is refused with 409 FILING_STATE_CONFLICT.
 */
export async function recordInspection(
  trx: Db,
  actor: Actor,
  filingId: number,
  inspection: { inspectionId: number; passed: boolean },
): Promise<repo.FilingRow> {
  const scoped = await repo.findFilingInScope(trx, actor.viewer, 'enterprise.inspect', filingId);
  if (!scoped) throw filingNotFound();
  const filing = await repo.lockFiling(trx, scoped.id);
  if (!filing) throw filingNotFound();
  return move(
    trx,
    actor,
    filing,
    'inspect',
    { inspection_id: inspection.inspectionId, inspection_passed: inspection.passed },
    { inspectionId: inspection.inspectionId, reason: inspection.passed ? null : 'inspection failed' },
  );
}

/**
 * A staff decision: approve (back at work; after a passed inspection, or again after a
 * suspension), return with reasons (the enterprise edits and resubmits), or suspend an approved
 * enterprise with a reason. Reasons are required for return and suspend.
 */
export async function decide(
  trx: Db,
  actor: Actor,
  filingId: number,
  decision: FilingDecision,
  reason: string | undefined,
): Promise<Filing> {
  const scoped = await repo.findFilingInScope(trx, actor.viewer, 'enterprise.manage', filingId);
  if (!scoped) throw filingNotFound();
  const filing = await repo.lockFiling(trx, scoped.id);
  if (!filing) throw filingNotFound();
  const text = reason?.trim() || null;
  if (decision !== 'approve' && !text)
    throw invalid('FILING_REASON_REQUIRED', 'Give the reason', [{ field: 'reason', code: 'required' }]);
  if (!nextState(filing.state, decision)) throw stateConflict(filing.state, decision);
  if (decision === 'approve' && filing.state === 'inspected' && filing.inspection_passed === false)
    throw conflict('FILING_INSPECTION_FAILED', 'The inspection did not pass');
  const now = actor.now();
  const values: Updateable<EnterpriseFilingsTable> = { decided_at: now };
  if (decision !== 'approve') values.return_reasons = text;
  else values.return_reasons = null;
  const moved = await move(trx, actor, filing, decision, values, { reason: text });
  return presentFiling(trx, actor.viewer, moved, now);
}

// ---------------------------------------------------------------------------------------------
// Presenting.

function presentDocument(row: repo.FilingDocumentMeta): FilingDocument {
  return {
    id: row.id,
    title: row.title,
    mime: row.mime,
    bytes: row.bytes,
    createdAt: row.created_at.toISOString(),
  };
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

async function commonFields(db: Db, row: repo.FilingRow) {
  const documents = await repo.listDocuments(db, row.id);
  return {
    id: row.id,
    unitId: row.unit_id,
    state: row.state,
    plannedOn: row.planned_on,
    headcount: row.headcount,
    supplies: row.supplies,
    plan: row.plan,
    signerName: row.signer_name,
    signedAt: iso(row.signed_at),
    commitmentVersion: row.commitment_version,
    submittedAt: iso(row.submitted_at),
    returnReasons: row.return_reasons,
    editable: isEditable(row.state),
    documents: documents.map(presentDocument),
    updatedAt: row.updated_at.toISOString(),
  };
}

async function presentFiling(db: Db, viewer: Viewer, row: repo.FilingRow, now: Date): Promise<Filing> {
  const steps = await repo.listSteps(db, row.id);
  const manage = can(viewer, 'enterprise.manage', row.area_path);
  return {
    ...(await commonFields(db, row)),
    areaId: row.area_id,
    decideBy: iso(row.decide_by),
    overdue: isAwaitingDecision(row.state) && row.decide_by !== null && row.decide_by <= now,
    inspectionId: row.inspection_id,
    inspectionPassed: row.inspection_passed,
    decidedAt: iso(row.decided_at),
    createdAt: row.created_at.toISOString(),
    // Inspections are recorded by the inspections module; staff here submit, approve, return, suspend.
    actions: manage ? allowedActions(row.state).filter((a) => a !== 'inspect') : [],
    steps: steps.map((s) => ({
      id: s.id,
      action: s.action,
      fromState: s.from_state,
      toState: s.to_state,
      at: s.at.toISOString(),
      reason: s.reason,
      actorName: s.actor_name,
      inspectionId: s.inspection_id,
    })),
  };
}

async function presentPublic(db: Db, unit: UnitRow, row: repo.FilingRow | undefined): Promise<PublicFiling> {
  const community = (await communitiesOf(db, [unit.area_path])).get(unit.area_path) ?? unit.area_name;
  let filing: PublicFiling['filing'] = null;
  if (row) {
    const steps = await repo.listSteps(db, row.id);
    filing = {
      ...(await commonFields(db, row)),
      steps: steps.map((s) => ({
        action: s.action,
        fromState: s.from_state,
        toState: s.to_state,
        at: s.at.toISOString(),
        reason: s.reason,
      })),
    };
  }
  return {
    enterprise: { name: unit.name, community, hasLegalPerson: unit.legal_person !== null },
    filing,
    commitment: { version: COMMITMENT_VERSION, title: COMMITMENT_TITLE, clauses: [...COMMITMENT_CLAUSES] },
  };
}

// ---------------------------------------------------------------------------------------------
// Through the enterprise's own code (no account): only its own unit is ever reached.

const ownUnit = (db: Db, token: string) => unitByToken(db, 'enterprise', token);

export async function publicFiling(db: Db, token: string): Promise<PublicFiling> {
  const unit = await ownUnit(db, token);
  return presentPublic(db, unit, await repo.findFilingByUnit(db, unit.id));
}

export async function saveOwnDraft(trx: Db, actor: Actor, token: string, body: FilingDraftBody) {
  const unit = await ownUnit(trx, token);
  return presentPublic(trx, unit, await saveDraft(trx, actor, unit, body));
}

export async function signOwn(trx: Db, actor: Actor, token: string, signerName: string) {
  const unit = await ownUnit(trx, token);
  return presentPublic(trx, unit, await sign(trx, actor, unit, signerName));
}

export async function submitOwn(trx: Db, actor: Actor, token: string, decideDays: number) {
  const unit = await ownUnit(trx, token);
  return presentPublic(trx, unit, await submit(trx, actor, unit, decideDays));
}

async function addDocuments(
  trx: Db,
  actor: Actor,
  unit: UnitRow,
  title: string,
  files: readonly PreparedDocument[],
): Promise<repo.FilingRow> {
  // A first document starts the filing, as a first save does.
  const filing = (await lockedFilingOf(trx, unit.id)) ?? (await saveDraft(trx, actor, unit, {}));
  if (!isEditable(filing.state)) throw notEditable(filing.state);
  const count = await repo.countDocuments(trx, filing.id);
  if (count + files.length > MAX_FILING_DOCUMENTS)
    throw conflict('FILING_DOCUMENTS_FULL', 'Too many documents', undefined, { max: MAX_FILING_DOCUMENTS });
  const now = actor.now();
  const stored = await repo.insertDocuments(
    trx,
    files.map((file, i) => ({
      filing_id: filing.id,
      title: files.length > 1 ? `${title} (${i + 1})` : title,
      mime: file.mime,
      bytes: file.bytes,
      sha256: file.sha256,
      content: file.content,
      created_by: actorNameOf(actor.viewer),
      created_at: now,
    })),
  );
  await recordAudit(trx, actor, {
    action: 'enterprise_filing.document_upload',
    entityType: 'enterprise_filing',
    entityId: filing.id,
    areaPath: filing.area_path,
    after: { documents: stored.map((d) => ({ id: d.id, mime: d.mime, bytes: d.bytes })) },
  });
  return filing;
}

export async function uploadOwnDocuments(
  trx: Db,
  actor: Actor,
  token: string,
  title: string,
  files: readonly PreparedDocument[],
) {
  const unit = await ownUnit(trx, token);
  return presentPublic(trx, unit, await addDocuments(trx, actor, unit, title, files));
}

async function removeDocument(trx: Db, actor: Actor, unit: UnitRow, documentId: number) {
  const filing = await lockedFilingOf(trx, unit.id);
  if (!filing) throw notFound('FILING_DOCUMENT_NOT_FOUND', 'No such document');
  if (!isEditable(filing.state)) throw notEditable(filing.state);
  if (!(await repo.deleteDocument(trx, filing.id, documentId)))
    throw notFound('FILING_DOCUMENT_NOT_FOUND', 'No such document');
  await recordAudit(trx, actor, {
    action: 'enterprise_filing.document_delete',
    entityType: 'enterprise_filing',
    entityId: filing.id,
    areaPath: filing.area_path,
    before: { documentId },
  });
  return filing;
}

export async function deleteOwnDocument(trx: Db, actor: Actor, token: string, documentId: number) {
  const unit = await ownUnit(trx, token);
  return presentPublic(trx, unit, await removeDocument(trx, actor, unit, documentId));
}

export async function ownDocument(db: Db, token: string, documentId: number) {
  const unit = await ownUnit(db, token);
  const filing = await repo.findFilingByUnit(db, unit.id);
  const document = filing && (await repo.readDocument(db, filing.id, documentId));
  if (!document) throw notFound('FILING_DOCUMENT_NOT_FOUND', 'No such document');
  return document;
}

async function letterOf(db: Db, unit: UnitRow, filing: repo.FilingRow | undefined): Promise<Buffer> {
  if (!filing?.signed_at || !filing.signer_name)
    throw conflict('FILING_INCOMPLETE', 'The commitment letter is not signed yet', [
      { field: 'signerName', code: 'required' },
    ]);
  const community = (await communitiesOf(db, [unit.area_path])).get(unit.area_path) ?? unit.area_name;
  return renderCommitmentLetter({
    enterpriseName: unit.name,
    creditCode: unit.credit_code,
    community,
    signerName: filing.signer_name,
    signedAt: filing.signed_at,
    version: filing.commitment_version ?? COMMITMENT_VERSION,
  });
}

export async function ownCommitmentLetter(db: Db, token: string): Promise<Buffer> {
  const unit = await ownUnit(db, token);
  return letterOf(db, unit, await repo.findFilingByUnit(db, unit.id));
}

// ---------------------------------------------------------------------------------------------
// Staff: in their scope, read with enterprise.read, act with enterprise.manage.

async function enterpriseInScope(
  db: Db,
  viewer: Viewer,
  right: 'enterprise.read' | 'enterprise.manage',
  id: number,
) {
  const unit = await findUnitInScope(db, viewer, right, id);
  if (!unit || unit.category !== 'enterprise') throw unitNotFound(id);
  return unit;
}

export async function listEnterprises(
  db: Db,
  actor: Actor,
  query: EnterpriseListQuery,
): Promise<EnterpriseList> {
  const { page, pageSize, offset } = pageWindow(query);
  let withinPath: string | undefined;
  if (query.areaId !== undefined) {
    const area = await findAreaInScope(db, actor.viewer, 'enterprise.read', query.areaId);
    if (!area)
      throw notFound('AREA_NOT_FOUND', `Area ${query.areaId} does not exist or is outside your area`);
    withinPath = area.path;
  }
  const now = actor.now();
  const { rows, total } = await repo.listEnterprisesInScope(
    db,
    actor.viewer,
    { withinPath, state: query.state, overdue: query.overdue, q: query.q, limit: pageSize, offset },
    now,
  );
  return {
    items: rows.map((r) => ({
      unitId: r.unit_id,
      name: r.name,
      areaId: r.area_id,
      areaName: r.area_name,
      employees: r.employees,
      filingId: r.filing_id,
      state: r.state,
      plannedOn: r.planned_on,
      headcount: r.headcount,
      submittedAt: iso(r.submitted_at),
      decideBy: iso(r.decide_by),
      overdue: r.overdue,
    })),
    page,
    pageSize,
    total,
  };
}

export async function enterpriseView(db: Db, actor: Actor, unitId: number): Promise<EnterpriseFilingView> {
  const unit = await enterpriseInScope(db, actor.viewer, 'enterprise.read', unitId);
  const filing = await repo.findFilingByUnit(db, unit.id);
  return {
    enterprise: {
      id: unit.id,
      name: unit.name,
      areaId: unit.area_id,
      areaName: unit.area_name,
      creditCode: unit.credit_code,
      legalPerson: unit.legal_person,
      employees: unit.employees,
      address: unit.address,
    },
    filing: filing ? await presentFiling(db, actor.viewer, filing, actor.now()) : null,
    canManage: can(actor.viewer, 'enterprise.manage', unit.area_path),
  };
}

export async function filingView(db: Db, actor: Actor, filingId: number): Promise<Filing> {
  const filing = await repo.findFilingInScope(db, actor.viewer, 'enterprise.read', filingId);
  if (!filing) throw filingNotFound();
  return presentFiling(db, actor.viewer, filing, actor.now());
}

export async function saveDraftFor(trx: Db, actor: Actor, unitId: number, body: FilingDraftBody) {
  const unit = await enterpriseInScope(trx, actor.viewer, 'enterprise.manage', unitId);
  await saveDraft(trx, actor, unit, body);
  return enterpriseView(trx, actor, unitId);
}

export async function signFor(trx: Db, actor: Actor, unitId: number, signerName: string) {
  const unit = await enterpriseInScope(trx, actor.viewer, 'enterprise.manage', unitId);
  await sign(trx, actor, unit, signerName);
  return enterpriseView(trx, actor, unitId);
}

export async function submitFor(trx: Db, actor: Actor, unitId: number, decideDays: number) {
  const unit = await enterpriseInScope(trx, actor.viewer, 'enterprise.manage', unitId);
  await submit(trx, actor, unit, decideDays);
  return enterpriseView(trx, actor, unitId);
}

export async function staffDocument(db: Db, actor: Actor, filingId: number, documentId: number) {
  const filing = await repo.findFilingInScope(db, actor.viewer, 'enterprise.read', filingId);
  const document = filing && (await repo.readDocument(db, filing.id, documentId));
  if (!document) throw notFound('FILING_DOCUMENT_NOT_FOUND', 'No such document');
  return document;
}

/** The signed letter for staff: the download is audited. */
export async function staffCommitmentLetter(db: Db, actor: Actor, filingId: number): Promise<Buffer> {
  const filing = await repo.findFilingInScope(db, actor.viewer, 'enterprise.read', filingId);
  if (!filing) throw filingNotFound();
  const unit = await enterpriseInScope(db, actor.viewer, 'enterprise.read', filing.unit_id);
  const pdf = await letterOf(db, unit, filing);
  await recordAudit(db, actor, {
    action: 'enterprise_filing.commitment_download',
    entityType: 'enterprise_filing',
    entityId: filing.id,
    areaPath: filing.area_path,
  });
  return pdf;
}

/** Figures of the enterprises in the viewer's scope, or of one area of it. */
export async function figures(db: Db, actor: Actor, areaId: number | undefined): Promise<FilingFigures> {
  let prefixes = scopePaths(actor.viewer, 'enterprise.read');
  if (areaId !== undefined) {
    const area = await findAreaInScope(db, actor.viewer, 'enterprise.read', areaId);
    if (!area) throw notFound('AREA_NOT_FOUND', `Area ${areaId} does not exist or is outside your area`);
    prefixes = [area.path];
  }
  return repo.filingFigures(db, prefixes, actor.now());
}
