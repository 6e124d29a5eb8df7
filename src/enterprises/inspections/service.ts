import * as filings from '../filings/service.js';
import { findFilingByUnit } from '../filings/repository.js';
import { recordAudit } from '../../audit/repository.js';
import type { Actor, Db } from '../../auth/context.js';
import { can, scopePaths, viewerName } from '../../auth/scope.js';
import type { Viewer } from '../../auth/scope.js';
import { forbidden, invalid, notFound } from '../../core/errors.js';
import type { PageOf } from '../../core/pagination.js';
import { pageWindow, type PageQuery } from '../../core/pagination.js';
import type { InspectionAnswer, InspectionItem } from '../../db/schema.js';
import { tierChain, tierRank } from '../../events/responders.js';
import type { PreparedPhoto } from '../../events/photos/photos.js';
import { findAreaInScope } from '../../hierarchy/repository.js';
import { DEFAULT_CHECKLIST, DEFAULT_RECTIFICATION_DAYS } from './checklist.js';
import * as repo from './repository.js';
import type {
  ChecklistView,
  CreateRoundBody,
  InspectionView,
  RecordInspectionBody,
  RectificationView,
  RoundView,
  SaveTemplateBody,
} from './schema.js';

const DAY_MS = 86_400_000;
const MAX_ROUND_DAYS = 31;
/** Photos one inspection may carry. */
export const MAX_INSPECTION_PHOTOS = 6;
/** Templates are set by district (区县) or street (街道/乡镇) staff for their own area. */
const TEMPLATE_LEVELS = new Set(['city', 'county', 'township']);

const chinaMidnight = (date: string) => new Date(`${date}T00:00:00+08:00`);
const enterpriseNotFound = (id: number) =>
  notFound('ENTERPRISE_NOT_FOUND', `Enterprise ${id} does not exist or is outside your area`);
const inspectionNotFound = (id: number) =>
  notFound('INSPECTION_NOT_FOUND', `Inspection ${id} does not exist or is outside your area`);
const roundNotFound = (id: number) =>
  notFound('INSPECTION_ROUND_NOT_FOUND', `Inspection round ${id} does not exist or is outside your area`);

// ---- checklists --------------------------------------------------------------------------------

function presentChecklist(row: repo.TemplateRow | undefined, areaName: string | null = null): ChecklistView {
  if (!row)
    return {
      templateId: null,
      version: 0,
      area: null,
      items: DEFAULT_CHECKLIST.map((key) => ({ key, label: null })),
      rectificationDays: DEFAULT_RECTIFICATION_DAYS,
      createdBy: null,
      createdAt: null,
    };
  return {
    templateId: row.id,
    version: row.version,
    area: { id: row.area_id, name: areaName ?? '' },
    items: row.items,
    rectificationDays: row.rectification_days,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
  };
}

/** The checklist in force for an enterprise or an area: the nearest template above it, else the built-in one. */
export async function checklistFor(
  db: Db,
  viewer: Viewer,
  query: { unitId?: number; areaId?: number },
): Promise<ChecklistView> {
  let path: string;
  if (query.unitId !== undefined) {
    const unit = await repo.findEnterprise(db, viewer, 'enterprise.inspect', query.unitId);
    if (!unit) throw enterpriseNotFound(query.unitId);
    path = unit.area_path;
  } else if (query.areaId !== undefined) {
    const area = await findAreaInScope(db, viewer, 'enterprise.inspect', query.areaId);
    if (!area)
      throw notFound('AREA_NOT_FOUND', `Area ${query.areaId} does not exist or is outside your area`);
    path = area.path;
  } else {
    throw invalid('AREA_REQUIRED', 'Give unitId or areaId', [
      { field: 'querystring.unitId', code: 'required', message: 'unitId or areaId is required' },
    ]);
  }
  const row = await repo.nearestTemplate(db, path);
  return presentChecklist(row, row ? await areaName(db, row.area_id) : null);
}

async function areaName(db: Db, id: number): Promise<string> {
  return (await repo.areaNameOf(db, id)) ?? '';
}

export async function listTemplates(db: Db, viewer: Viewer): Promise<{ items: ChecklistView[] }> {
  const rows = await repo.currentTemplates(db, viewer);
  return { items: [presentChecklist(undefined), ...rows.map((r) => presentChecklist(r, r.area_name))] };
}

/**
 * Saves a new version of an area's checklist. Items keep their key when they have one (a built-in
 * item or an edited one); a new typed item gets the next free key. Earlier inspections keep the
 * items they were done with.
 */
export async function saveTemplate(db: Db, actor: Actor, body: SaveTemplateBody): Promise<ChecklistView> {
  const area = await findAreaInScope(db, actor.viewer, 'enterprise.inspect', body.areaId);
  if (!area) throw notFound('AREA_NOT_FOUND', `Area ${body.areaId} does not exist or is outside your area`);
  if (!can(actor.viewer, 'enterprise.configure', area.path))
    throw forbidden('You may not set checklists here');
  if (!TEMPLATE_LEVELS.has(area.level))
    throw invalid('INSPECTION_TEMPLATE_AREA_INVALID', 'Checklists are set for a district or a street', [
      { field: 'body.areaId', code: 'wrongLevel', message: 'must be a district or a street' },
    ]);
  const builtin = new Set<string>(DEFAULT_CHECKLIST);
  const items: InspectionItem[] = [];
  const seen = new Set<string>();
  const labels = new Set<string>();
  let next = 1;
  const problem = (i: number, message: string) =>
    invalid('INSPECTION_TEMPLATE_ITEMS_INVALID', `body.items[${i}] ${message}`, [
      { field: `body.items[${i}]`, code: 'invalid', message },
    ]);
  for (const [i, item] of body.items.entries()) {
    const label = item.label?.trim() || null;
    if (!label && !(item.key && builtin.has(item.key))) throw problem(i, 'needs a label');
    let key = item.key;
    if (!key) {
      while (seen.has(`c${next}`) || body.items.some((x) => x.key === `c${next}`)) next += 1;
      key = `c${next}`;
    }
    if (seen.has(key)) throw problem(i, 'repeats a key');
    if (label && labels.has(label)) throw problem(i, 'repeats a label');
    seen.add(key);
    if (label) labels.add(label);
    // A built-in item whose label equals nothing typed stays translatable.
    items.push({ key, label: builtin.has(key) && !item.label ? null : label });
  }
  const version = (await repo.latestVersionAt(db, area.id)) + 1;
  const row = await repo.insertTemplate(db, {
    area_id: area.id,
    area_path: area.path,
    version,
    items: JSON.stringify(items),
    rectification_days: body.rectificationDays ?? DEFAULT_RECTIFICATION_DAYS,
    created_by: viewerName(actor.viewer),
    created_at: actor.now(),
  });
  await recordAudit(db, actor, {
    action: 'inspection.template_save',
    entityType: 'inspection_template',
    entityId: row.id,
    areaPath: area.path,
    after: { version, items, rectificationDays: row.rectification_days },
  });
  return presentChecklist(row, area.name);
}

// ---- inspections -------------------------------------------------------------------------------

/** What an inspection settles, for the filings to hook on (an inspected filing moves on). */
export interface InspectionOutcome {
  inspectionId: number;
  unitId: number;
  filingId: number | null;
  passed: boolean;
}

export async function recordInspection(
  db: Db,
  actor: Actor,
  body: RecordInspectionBody,
): Promise<{ outcome: InspectionOutcome; view: InspectionView }> {
  const unit = await repo.findEnterprise(db, actor.viewer, 'enterprise.inspect', body.unitId);
  if (!unit) throw enterpriseNotFound(body.unitId);
  if (unit.retired_at) throw invalid('ENTERPRISE_NOT_FOUND', `Enterprise ${unit.id} is retired`);
  const now = actor.now();

  // The checklist is the one in force at the enterprise; a phone that loaded an older version may
  // still send it (an offline queue), as long as that version applies here.
  const current = await repo.nearestTemplate(db, unit.area_path);
  let template = current;
  if (body.templateId != null && body.templateId !== current?.id) {
    const sent = await repo.findTemplate(db, body.templateId);
    if (!sent || !unit.area_path.startsWith(sent.area_path))
      throw invalid('INSPECTION_ANSWERS_INVALID', 'templateId is not a checklist of this enterprise', [
        { field: 'body.templateId', code: 'invalid', message: 'is not a checklist of this enterprise' },
      ]);
    template = sent;
  }
  const items: InspectionItem[] = template
    ? template.items
    : DEFAULT_CHECKLIST.map((key) => ({ key, label: null }));
  const answers = checkAnswers(items, body.answers);

  let roundId: number | null = null;
  if (body.roundId != null) {
    const round = await repo.findRound(db, actor.viewer, body.roundId);
    if (!round || !unit.area_path.startsWith(round.area_path)) throw roundNotFound(body.roundId);
    if (round.status === 'closed')
      throw invalid('INSPECTION_ROUND_CLOSED', `Round ${round.id} is closed`, [
        { field: 'body.roundId', code: 'invalid', message: 'is closed' },
      ]);
    roundId = round.id;
  }

  const inspectedAt = body.inspectedAt ? new Date(body.inspectedAt) : now;
  // A queued inspection may be hours old, never from the future nor older than a week.
  if (
    inspectedAt.getTime() > now.getTime() + 5 * 60_000 ||
    inspectedAt.getTime() < now.getTime() - 7 * DAY_MS
  )
    throw invalid('INSPECTION_ANSWERS_INVALID', 'inspectedAt must be within the last 7 days', [
      { field: 'body.inspectedAt', code: 'tooLongAgo', message: 'must be within the last 7 days' },
    ]);
  const passed = answers.every((a) => a.result !== 'fail');
  const findings = body.findings?.trim() || null;
  // The filing this inspection decides: the one named, which must be this enterprise's; else the
  // enterprise's filing awaiting inspection, if any (a worker on site inspects the enterprise, and
  // its submitted filing moves on with it). A routine inspection of a resumed firm names none.
  const filing = await filingToInspect(db, unit.id, body.filingId ?? null);
  const row = await repo.insertInspection(db, {
    unit_id: unit.id,
    area_id: unit.area_id,
    area_path: unit.area_path,
    filing_id: filing?.id ?? null,
    round_id: roundId,
    template_id: template?.id ?? null,
    items: JSON.stringify(items),
    answers: JSON.stringify(answers),
    findings,
    passed,
    inspector_user_id: actor.viewer.kind === 'user' ? actor.viewer.userId : null,
    inspector_name: actor.viewer.kind === 'user' ? actor.viewer.displayName : viewerName(actor.viewer),
    inspected_at: inspectedAt,
    lng: body.lng ?? null,
    lat: body.lat ?? null,
    created_at: now,
  });

  // Failed items open a task each (one open task per item); passed items close theirs.
  const open = await repo.openRectificationsOf(db, unit.id);
  const openByKey = new Map(open.map((t) => [t.item_key, t]));
  const toClose = answers
    .filter((a) => a.result === 'pass' && openByKey.has(a.key))
    .map((a) => openByKey.get(a.key)!.id);
  await repo.closeRectifications(db, toClose, { inspectionId: row.id, now });
  const failed = answers.filter((a) => a.result === 'fail' && !openByKey.has(a.key));
  let opened: number[] = [];
  if (failed.length > 0) {
    const start = await startingTier(db, unit.area_path);
    const deadline = new Date(
      inspectedAt.getTime() + (template?.rectification_days ?? DEFAULT_RECTIFICATION_DAYS) * DAY_MS,
    );
    const labelOf = new Map(items.map((i) => [i.key, i.label]));
    opened = await repo.insertRectifications(
      db,
      failed.map((a) => ({
        unit_id: unit.id,
        area_id: unit.area_id,
        area_path: unit.area_path,
        inspection_id: row.id,
        item_key: a.key,
        item_label: labelOf.get(a.key) ?? null,
        note: a.note,
        deadline,
        tier: start.tier,
        tier_area_id: start.areaId,
        escalate_at: deadline,
        created_at: now,
      })),
    );
  }
  if (filing) await filings.recordInspection(db, actor, filing.id, { inspectionId: row.id, passed });
  await recordAudit(db, actor, {
    action: 'inspection.record',
    entityType: 'enterprise_inspection',
    entityId: row.id,
    areaPath: unit.area_path,
    after: {
      unitId: unit.id,
      passed,
      failed: answers.filter((a) => a.result === 'fail').map((a) => a.key),
      roundId,
    },
  });
  return {
    outcome: { inspectionId: row.id, unitId: unit.id, filingId: row.filing_id, passed },
    view: presentInspection({ ...row, unit_name: unit.name }, [], opened, toClose),
  };
}

async function filingToInspect(db: Db, unitId: number, filingId: number | null) {
  const filing = await findFilingByUnit(db, unitId);
  if (filingId !== null) {
    if (!filing || filing.id !== filingId)
      throw invalid('INSPECTION_ANSWERS_INVALID', 'filingId is not this enterprise’s filing', [
        { field: 'body.filingId', code: 'invalid', message: 'is not this enterprise’s filing' },
      ]);
    return filing;
  }
  return filing?.state === 'submitted' ? filing : null;
}

/** Every item answered once, nothing else: the answers in the checklist's order. */
function checkAnswers(
  items: readonly InspectionItem[],
  input: RecordInspectionBody['answers'],
): InspectionAnswer[] {
  const byKey = new Map(input.map((a) => [a.key, a]));
  const wrong = (field: string, message: string) =>
    invalid('INSPECTION_ANSWERS_INVALID', `${field} ${message}`, [{ field, code: 'invalid', message }]);
  if (byKey.size !== input.length) throw wrong('body.answers', 'answers an item twice');
  const keys = new Set(items.map((i) => i.key));
  input.forEach((a, i) => {
    if (!keys.has(a.key)) throw wrong(`body.answers[${i}].key`, 'is not an item of the checklist');
  });
  const missing = items.find((i) => !byKey.has(i.key));
  if (missing) throw wrong('body.answers', `misses item ${missing.key}`);
  return items.map((i) => {
    const a = byKey.get(i.key)!;
    return { key: i.key, result: a.result, note: a.note?.trim() || null };
  });
}

/** Rectifications start with the enterprise's grid (its lowest tier at or above grid). */
async function startingTier(db: Db, areaPath: string) {
  const chain = await tierChain(db, areaPath);
  const start = chain.find((t) => tierRank(t.tier) >= tierRank('grid')) ?? chain[chain.length - 1];
  if (!start) throw new Error(`Area ${areaPath} lies under no tier area`);
  return start;
}

function presentInspection(
  row: repo.InspectionRow & { unit_name: string },
  photos: readonly repo.PhotoMetadataRow[],
  opened: readonly number[],
  closed: readonly number[],
): InspectionView {
  return {
    id: row.id,
    unitId: row.unit_id,
    unitName: row.unit_name,
    filingId: row.filing_id,
    roundId: row.round_id,
    templateId: row.template_id,
    items: row.items,
    answers: row.answers,
    findings: row.findings,
    passed: row.passed,
    inspector: row.inspector_name,
    inspectedAt: row.inspected_at.toISOString(),
    lng: row.lng,
    lat: row.lat,
    photos: photos.map((p) => ({ id: p.id, mime: p.mime, width: p.width, height: p.height })),
    rectificationsOpened: [...opened],
    rectificationsClosed: [...closed],
  };
}

export async function getInspection(db: Db, viewer: Viewer, id: number): Promise<InspectionView> {
  const row = await repo.findInspection(db, viewer, id);
  if (!row) throw inspectionNotFound(id);
  const [photos, tasks] = await Promise.all([
    repo.listPhotos(db, [id]),
    repo.rectificationsTouchedBy(db, id),
  ]);
  return presentInspection(
    row,
    photos,
    tasks.filter((t) => t.inspection_id === id).map((t) => t.id),
    tasks.filter((t) => t.closed_by_inspection_id === id).map((t) => t.id),
  );
}

export async function listInspections(
  db: Db,
  viewer: Viewer,
  query: PageQuery & { unitId?: number; roundId?: number },
): Promise<PageOf<InspectionView>> {
  const { page, pageSize, offset } = pageWindow(query);
  const { rows, total } = await repo.listInspections(db, viewer, { ...query, limit: pageSize, offset });
  const photos = await repo.listPhotos(
    db,
    rows.map((r) => r.id),
  );
  return {
    items: rows.map((r) =>
      presentInspection(
        r,
        photos.filter((p) => p.inspection_id === r.id),
        [],
        [],
      ),
    ),
    page,
    pageSize,
    total,
  };
}

/** Adds photos to an inspection: by its inspector, within an hour (the phone sends them right after). */
export async function addPhotos(
  db: Db,
  actor: Actor,
  inspectionId: number,
  photos: readonly PreparedPhoto[],
): Promise<InspectionView> {
  const row = await repo.findInspection(db, actor.viewer, inspectionId);
  if (!row) throw inspectionNotFound(inspectionId);
  const own = actor.viewer.kind === 'user' && row.inspector_user_id === actor.viewer.userId;
  if (!own || actor.now().getTime() - row.created_at.getTime() > 3600_000)
    throw forbidden('Only the inspector adds photos, within an hour of the inspection');
  const count = await repo.countPhotos(db, inspectionId);
  if (count + photos.length > MAX_INSPECTION_PHOTOS)
    throw invalid('PHOTO_TOO_MANY', `At most ${MAX_INSPECTION_PHOTOS} photos per inspection`, [
      { field: 'photos', code: 'maxItems', params: { max: MAX_INSPECTION_PHOTOS } },
    ]);
  await repo.storePhotos(
    db,
    inspectionId,
    photos.map((p) => ({
      mime: p.mime,
      width: p.width,
      height: p.height,
      bytes: p.bytes,
      sha256: p.sha256,
      content: p.content,
    })),
  );
  return getInspection(db, actor.viewer, inspectionId);
}

export async function photoOf(db: Db, viewer: Viewer, inspectionId: number, photoId: number) {
  const row = await repo.findInspection(db, viewer, inspectionId);
  const photo = row ? await repo.readPhoto(db, inspectionId, photoId) : undefined;
  if (!photo) throw notFound('PHOTO_NOT_FOUND', 'No such photo of this inspection');
  return photo;
}

export async function dueEnterprises(db: Db, viewer: Viewer, query: PageQuery & { roundId?: number }) {
  const { page, pageSize, offset } = pageWindow(query);
  let paths = scopePaths(viewer, 'enterprise.inspect');
  if (query.roundId !== undefined) {
    const round = await repo.findRound(db, viewer, query.roundId);
    if (!round) throw roundNotFound(query.roundId);
    paths = [round.area_path];
  }
  const { rows, total } = await repo.dueEnterprises(db, viewer, paths, { limit: pageSize, offset });
  return {
    items: rows.map((r) => ({
      id: r.id,
      name: r.name,
      address: r.address,
      areaName: r.area_name,
      lastInspectedAt: r.last_inspected_at?.toISOString() ?? null,
      openRectifications: r.open_rectifications,
    })),
    page,
    pageSize,
    total,
  };
}

// ---- rectifications ----------------------------------------------------------------------------

function presentRectification(row: repo.RectificationRow, now: Date): RectificationView {
  return {
    id: row.id,
    unitId: row.unit_id,
    unitName: row.unit_name,
    inspectionId: row.inspection_id,
    itemKey: row.item_key,
    itemLabel: row.item_label,
    note: row.note,
    deadline: row.deadline.toISOString(),
    overdue: row.status === 'open' && row.deadline < now,
    status: row.status,
    tier: row.tier,
    escalationCount: row.escalation_count,
    closedAt: row.closed_at?.toISOString() ?? null,
    closedByInspectionId: row.closed_by_inspection_id,
    createdAt: row.created_at.toISOString(),
  };
}

export async function listRectifications(
  db: Db,
  actor: Actor,
  query: PageQuery & { status?: 'open' | 'closed'; overdue?: boolean; unitId?: number },
): Promise<PageOf<RectificationView>> {
  const { page, pageSize, offset } = pageWindow(query);
  const now = actor.now();
  const { rows, total } = await repo.listRectifications(db, actor.viewer, {
    status: query.status,
    overdueAt: query.overdue ? now : undefined,
    unitId: query.unitId,
    limit: pageSize,
    offset,
  });
  return { items: rows.map((r) => presentRectification(r, now)), page, pageSize, total };
}

// ---- rounds ------------------------------------------------------------------------------------

type Phase = RoundView['phase'];
function phaseOf(row: repo.RoundRow, now: Date): Phase {
  if (row.status === 'closed') return 'closed';
  if (now < row.starts_at) return 'upcoming';
  if (now >= row.ends_at) return 'ended';
  return 'running';
}

/** Where the viewer sees a round's enterprises: the part of the round inside their subtrees. */
const roundWithin = (viewer: Viewer, round: repo.RoundRow) => {
  const paths = scopePaths(viewer, 'enterprise.inspect');
  return paths.flatMap((p) =>
    p.startsWith(round.area_path) ? [p] : round.area_path.startsWith(p) ? [round.area_path] : [],
  );
};

async function presentRound(db: Db, viewer: Viewer, row: repo.RoundRow, now: Date): Promise<RoundView> {
  const grids = await repo.roundProgressByGrid(db, row, roundWithin(viewer, row));
  return {
    id: row.id,
    name: row.name,
    areaId: row.area_id,
    startsOn: String(row.starts_on).slice(0, 10),
    endsOn: String(row.ends_on).slice(0, 10),
    status: row.status,
    phase: phaseOf(row, now),
    escalatedAt: row.escalated_at?.toISOString() ?? null,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    total: grids.reduce((s, g) => s + g.total, 0),
    inspected: grids.reduce((s, g) => s + g.inspected, 0),
  };
}

export async function createRound(db: Db, actor: Actor, body: CreateRoundBody): Promise<RoundView> {
  const area = await findAreaInScope(db, actor.viewer, 'enterprise.inspect', body.areaId);
  if (!area) throw notFound('AREA_NOT_FOUND', `Area ${body.areaId} does not exist or is outside your area`);
  if (!can(actor.viewer, 'enterprise.manage', area.path)) throw forbidden('You may not start rounds here');
  if (area.retired_at) throw invalid('AREA_RETIRED', `Area ${area.code} is retired`);
  const startsAt = chinaMidnight(body.startsOn);
  const endsAt = new Date(chinaMidnight(body.endsOn).getTime() + DAY_MS);
  const days = Math.round((endsAt.getTime() - startsAt.getTime()) / DAY_MS);
  if (!(days >= 1 && days <= MAX_ROUND_DAYS))
    throw invalid(
      'INSPECTION_ROUND_WINDOW_INVALID',
      `body.endsOn must be 0–${MAX_ROUND_DAYS - 1} days after startsOn`,
      [
        days < 1
          ? { field: 'body.endsOn', code: 'periodInvalid', message: 'is before startsOn' }
          : { field: 'body.endsOn', code: 'periodTooLong', params: { days: MAX_ROUND_DAYS } },
      ],
    );
  const now = actor.now();
  const row = await repo.insertRound(db, {
    area_id: area.id,
    area_path: area.path,
    name: body.name.trim(),
    starts_on: body.startsOn,
    ends_on: body.endsOn,
    starts_at: startsAt,
    ends_at: endsAt,
    created_by: viewerName(actor.viewer),
    created_at: now,
  });
  await recordAudit(db, actor, {
    action: 'inspection.round_create',
    entityType: 'inspection_round',
    entityId: row.id,
    areaPath: area.path,
    after: { name: row.name, startsOn: body.startsOn, endsOn: body.endsOn },
  });
  return presentRound(db, actor.viewer, row, now);
}

export async function listRounds(
  db: Db,
  actor: Actor,
  query: PageQuery & { status?: 'open' | 'closed' },
): Promise<PageOf<RoundView>> {
  const { page, pageSize, offset } = pageWindow(query);
  const { rows, total } = await repo.listRounds(db, scopePaths(actor.viewer, 'enterprise.inspect'), {
    limit: pageSize,
    offset,
    status: query.status,
  });
  const now = actor.now();
  const items: RoundView[] = [];
  for (const row of rows) items.push(await presentRound(db, actor.viewer, row, now));
  return { items, page, pageSize, total };
}

export async function roundProgress(db: Db, actor: Actor, id: number) {
  const row = await repo.findRound(db, actor.viewer, id);
  if (!row) throw roundNotFound(id);
  const grids = await repo.roundProgressByGrid(db, row, roundWithin(actor.viewer, row));
  return {
    round: await presentRound(db, actor.viewer, row, actor.now()),
    grids: grids.map((g) => ({
      gridId: g.grid_id,
      gridName: g.grid_name,
      total: g.total,
      inspected: g.inspected,
    })),
  };
}

export async function roundUninspected(db: Db, actor: Actor, id: number, query: PageQuery) {
  const row = await repo.findRound(db, actor.viewer, id);
  if (!row) throw roundNotFound(id);
  const { page, pageSize, offset } = pageWindow(query);
  const { rows, total } = await repo.uninspectedOfRound(db, row, roundWithin(actor.viewer, row), {
    limit: pageSize,
    offset,
  });
  return {
    items: rows.map((r) => ({ id: r.id, name: r.name, address: r.address, areaName: r.area_name })),
    page,
    pageSize,
    total,
  };
}

export async function closeRound(db: Db, actor: Actor, id: number): Promise<RoundView> {
  const row = await repo.findRound(db, actor.viewer, id);
  if (!row) throw roundNotFound(id);
  if (!can(actor.viewer, 'enterprise.manage', row.area_path)) throw forbidden('You may not close this round');
  const now = actor.now();
  if (!(await repo.closeRound(db, id, viewerName(actor.viewer), now)))
    throw invalid('INSPECTION_ROUND_CLOSED', `Round ${id} is already closed`);
  await recordAudit(db, actor, {
    action: 'inspection.round_close',
    entityType: 'inspection_round',
    entityId: id,
    areaPath: row.area_path,
  });
  return presentRound(db, actor.viewer, (await repo.findRound(db, actor.viewer, id))!, now);
}
