import { randomBytes } from 'node:crypto';
import { recordAudit, recordAuditMany } from '../audit/repository.js';
import type { Actor, Db } from '../auth/context.js';
import { can } from '../auth/scope.js';
import { AppError, conflict, invalid, notFound } from '../core/errors.js';
import type { HealthVerdict } from '../core/vocabulary.js';
import { createEvent } from '../events/service.js';
import { healthStatuses, sortReasons, verdictOf } from '../health/status/service.js';
import { chinaDate } from '../household-codes/dates.js';
import { CODE_NOT_FOUND } from '../household-codes/house-by-token.js';
import { findActiveCode } from '../household-codes/repository.js';
import { parseScannedCode } from '../household-codes/scan-service.js';
import { tokenHash } from '../household-codes/tokens.js';
import type { FieldCipher } from '../privacy/field-crypto.js';
import { maskName } from '../privacy/masking.js';
import { documentHashes, idNumberInClear } from '../privacy/protect.js';
import { LookupRateLimited, spendLookup } from '../register/lookup-budget.js';
import { checkedDocument } from '../register/person-service.js';
import * as repo from './check-repository.js';
import type {
  CheckBody,
  CheckRecordView,
  CheckResult,
  CheckSubject,
  GateReason,
  IdentifyBody,
  IdentifyResult,
  RecentChecks,
} from './check-schema.js';
import type { CheckpointRow } from './duty-repository.js';
import {
  CHECKPOINT_NOT_FOUND,
  gateBudgetOf,
  mayStaff,
  requireDutyAt,
  staffableCheckpoint,
} from './duty-service.js';
import { findCheckpoint } from './duty-repository.js';
import { type PassTokenProblem, verifyPassToken } from './pass-token.js';
import { healthRules } from '../health/rules/settings.js';

/** How long an identification may be recorded: the person is standing at the gate. */
export const HANDLE_TTL_MS = 10 * 60_000;
/** How recent a face-gate read must be to identify the person standing there. */
export const DEVICE_RECORD_WINDOW_MS = 30 * 60_000;
/** From this temperature on a reading is a fever (发热): the deployment's threshold (37.3 °C unless configured). */
const feverFrom = (): number => healthRules().feverThreshold;

/** A pass shown at the gate: which one, and what is wrong with it (null: valid). */
interface Presented {
  passId: number;
  problem: PassTokenProblem | null;
}

/** What a check handle seals (field cipher: opaque and tamper-proof to the phone). */
interface HandleData {
  v: 1;
  /** Nonce: one staff record per identification. */
  n: string;
  c: number;
  u: number;
  p: number;
  x: number;
  pass: Presented | null;
}

const HANDLE_INVALID = () =>
  invalid(
    'CHECK_HANDLE_INVALID',
    'body.handle: expired, altered or from another checkpoint; identify again',
    [{ field: 'body.handle', code: 'invalid' }],
  );

function openHandle(
  cipher: FieldCipher,
  handle: string,
  checkpointId: number,
  userId: number,
  now: Date,
): HandleData {
  let data: HandleData;
  try {
    data = JSON.parse(cipher.decrypt(handle)) as HandleData;
  } catch {
    throw HANDLE_INVALID();
  }
  if (data.v !== 1 || data.c !== checkpointId || data.u !== userId || data.x < now.getTime())
    throw HANDLE_INVALID();
  return data;
}

const gateReason = (
  code: GateReason['code'],
  severity: GateReason['severity'],
  params: GateReason['params'] = {},
) => ({
  code,
  severity,
  params,
});

/** Why the pass row itself does not open this checkpoint now, or null. Revocation first, as on the phone. */
function passRowProblem(row: repo.PassRow, checkpoint: CheckpointRow, now: Date): PassTokenProblem | null {
  if (row.status !== 'active' || row.revoked_at) return 'PASS_REVOKED';
  if (row.valid_from > now) return 'PASS_NOT_YET_VALID';
  if (row.valid_to <= now) return 'PASS_EXPIRED';
  const opens =
    row.checkpoint_ids.length > 0
      ? row.checkpoint_ids.includes(checkpoint.id)
      : checkpoint.area_path.startsWith(row.area_path) || row.area_path.startsWith(checkpoint.area_path);
  return opens ? null : 'PASS_WRONG_CHECKPOINT';
}

interface GateVerdict {
  verdict: HealthVerdict;
  reasons: GateReason[];
  pass: repo.PassRow | null;
}

/**
 * The checkpoint's verdict for each person: the shared health verdict under the checkpoint's
 * test window and health-code setting, plus its own rules — a pass shown must hold (else red), a
 * pass-required gate needs a valid pass, a residents-only gate lets in residents of its area and
 * holders of a valid pass. Set-based: three statements whatever the number of persons.
 */
async function gateVerdicts(
  db: Db,
  checkpoint: CheckpointRow,
  persons: readonly repo.PersonBasics[],
  now: Date,
  presented: Presented | null,
): Promise<Map<number, GateVerdict>> {
  const ids = persons.map((p) => p.id);
  const [statuses, passes, shown] = await Promise.all([
    healthStatuses(db, ids, now, {
      testWithinHours: checkpoint.test_within_hours,
      checkHealthCode: checkpoint.check_health_code,
    }),
    repo.validPassesAt(db, ids, checkpoint, now),
    presented ? repo.findPass(db, presented.passId) : Promise.resolve(undefined),
  ]);
  const result = new Map<number, GateVerdict>();
  for (const person of persons) {
    const status = statuses.get(person.id);
    if (!status) continue;
    const reasons: GateReason[] = [...status.reasons];
    let pass: repo.PassRow | null = null;
    if (presented && shown?.person_id === person.id) {
      const problem =
        shown.status !== 'active' || shown.revoked_at
          ? 'PASS_REVOKED'
          : (presented.problem ?? passRowProblem(shown, checkpoint, now));
      if (problem === null) pass = shown;
      else
        reasons.push(
          gateReason(problem as GateReason['code'], 'red', {
            code: shown.code,
            validTo: shown.valid_to.toISOString(),
          }),
        );
    } else pass = passes.get(person.id) ?? null;
    const resident =
      person.status === 'active' &&
      person.area_path !== null &&
      person.area_path.startsWith(checkpoint.area_path);
    if (pass)
      reasons.push(
        gateReason('PASS_VALID', 'info', { code: pass.code, validTo: pass.valid_to.toISOString() }),
      );
    else if (checkpoint.pass_required && !presented) reasons.push(gateReason('PASS_REQUIRED', 'red'));
    if (checkpoint.residents_only && !resident && !pass) reasons.push(gateReason('NOT_RESIDENT', 'red'));
    sortReasons(reasons);
    result.set(person.id, { verdict: verdictOf(reasons), reasons, pass });
  }
  return result;
}

async function spendIdLookup(
  db: Db,
  actor: Actor,
  checkpointId: number,
  detail: Record<string, unknown>,
): Promise<void> {
  const budget = await gateBudgetOf(db, actor, checkpointId);
  const refused = await spendLookup(db, actor.viewer, actor.now(), budget);
  if (!refused) return;
  if (refused.firstRefusal)
    await recordAudit(db, actor, {
      action: 'person.lookup_refused',
      entityType: 'person',
      after: { ...detail, budget, retryAfterSeconds: refused.retryAfterSeconds },
    });
  throw new LookupRateLimited(refused.retryAfterSeconds);
}

const VIA = {
  idNumber: 'id_number',
  doorToken: 'door_code',
  passToken: 'pass',
  recordId: 'device_record',
} as const;

/** Who stands at the gate, by exactly one of the four ways; the persons and the pass shown, if any. */
async function identifyPersons(
  db: Db,
  actor: Actor,
  cipher: FieldCipher,
  checkpoint: CheckpointRow,
  body: IdentifyBody,
): Promise<{ persons: repo.PersonBasics[]; presented: Presented | null }> {
  const now = actor.now();
  if (body.idNumber !== undefined) {
    const document = checkedDocument('resident_id', body.idNumber, 'body.idNumber', now);
    const { hash, masked } = idNumberInClear(cipher, 'resident_id', document.number);
    await spendIdLookup(db, actor, checkpoint.id, {
      documentType: 'resident_id',
      documentMasked: masked,
      documentHash: hash,
    });
    const person = await repo.findPersonByDocumentHashes(
      db,
      documentHashes(cipher, 'resident_id', document.number),
    );
    if (!person) {
      await recordAudit(db, actor, {
        action: 'checkpoint.identify',
        entityType: 'checkpoint',
        entityId: checkpoint.id,
        areaPath: checkpoint.area_path,
        after: { via: 'id_number', documentMasked: masked, documentHash: hash, answer: 'not_found' },
      });
      throw notFound('PERSON_NOT_FOUND', 'body.idNumber: no one with this ID number is in the register');
    }
    return { persons: [person], presented: null };
  }
  if (body.doorToken !== undefined) {
    const parsed = parseScannedCode(body.doorToken);
    if (parsed?.kind !== 'household')
      throw new AppError(
        'CODE_NOT_HOUSEHOLD',
        400,
        'body.doorToken: not a household door code of this system',
        {
          kind: parsed?.kind ?? null,
        },
      );
    const code = await findActiveCode(db, 'household', tokenHash(parsed.token));
    if (!code?.house_id) throw CODE_NOT_FOUND();
    return { persons: await repo.houseMembers(db, code.house_id), presented: null };
  }
  if (body.passToken !== undefined) {
    const keys = (await repo.passPublicKeys(db)).map((k) => ({ kid: k.kid, jwk: k.public_jwk as never }));
    const verified = await verifyPassToken(body.passToken, keys, {
      now: Math.floor(now.getTime() / 1000),
      revoked: new Set(),
      checkpoint: { id: checkpoint.id, areaPath: checkpoint.area_path },
    });
    const payload = verified.payload;
    const row = payload ? await repo.findPass(db, payload.pid) : undefined;
    if (!payload || !row || row.code !== payload.code)
      throw new AppError(
        'PASS_INVALID',
        400,
        `body.passToken: ${verified.ok ? 'PASS_UNKNOWN' : verified.problem}`,
        [
          {
            field: 'body.passToken',
            code: 'invalid',
            params: { problem: verified.ok ? 'PASS_UNKNOWN' : verified.problem },
          },
        ],
      );
    const problem = verified.ok ? null : verified.problem;
    return { persons: await repo.personsByIds(db, [row.person_id]), presented: { passId: row.id, problem } };
  }
  if (body.recordId !== undefined) {
    const record = await repo.findDeviceRecord(
      db,
      body.recordId,
      checkpoint.id,
      new Date(now.getTime() - DEVICE_RECORD_WINDOW_MS),
    );
    if (!record?.person_id)
      throw notFound(
        'CHECKPOINT_RECORD_NOT_FOUND',
        `body.recordId: no recent face-gate record ${body.recordId} here`,
      );
    return { persons: await repo.personsByIds(db, [record.person_id]), presented: null };
  }
  throw invalid('BAD_REQUEST', 'body: give one of idNumber, doorToken, passToken, recordId', [
    { field: 'body.idNumber', code: 'required' },
  ]);
}

/**
 * POST /api/checkpoints/:id/checks/identify. Anyone who may staff the checkpoint identifies a
 * person there, from anywhere (checking visitors is the gate's job), and sees the verdict and the
 * masked identity only. Each person gets a short-lived sealed handle to record the crossing with.
 * Every identification is audited under the person's area. Pass the database, not a transaction:
 * a spent lookup stays spent.
 */
export async function identify(
  db: Db,
  actor: Actor,
  cipher: FieldCipher,
  checkpointId: number,
  body: IdentifyBody,
): Promise<IdentifyResult> {
  const checkpoint = await staffableCheckpoint(db, actor, checkpointId);
  const given = (Object.keys(VIA) as Array<keyof typeof VIA>).filter((k) => body[k] !== undefined);
  if (given.length !== 1)
    throw invalid('BAD_REQUEST', 'body: give exactly one of idNumber, doorToken, passToken, recordId', [
      { field: `body.${given[1] ?? 'idNumber'}`, code: given.length === 0 ? 'required' : 'invalid' },
    ]);
  const via = VIA[given[0]!];
  const now = actor.now();
  const { persons, presented } = await identifyPersons(db, actor, cipher, checkpoint, body);
  const verdicts = await gateVerdicts(db, checkpoint, persons, now, presented);
  const userId = actor.viewer.kind === 'user' ? actor.viewer.userId : 0;
  const expires = new Date(now.getTime() + HANDLE_TTL_MS);
  const subjects: CheckSubject[] = persons.flatMap((person) => {
    const gate = verdicts.get(person.id);
    if (!gate) return [];
    const data: HandleData = {
      v: 1,
      n: randomBytes(12).toString('base64url'),
      c: checkpoint.id,
      u: userId,
      p: person.id,
      x: expires.getTime(),
      pass: presented,
    };
    return [
      {
        handle: cipher.encrypt(JSON.stringify(data)),
        handleExpiresAt: expires.toISOString(),
        nameMasked: maskName(person.name),
        documentMasked: person.document_masked,
        verdict: gate.verdict,
        reasons: gate.reasons,
        pass: gate.pass
          ? { code: gate.pass.code, purpose: gate.pass.purpose, validTo: gate.pass.valid_to.toISOString() }
          : null,
      },
    ];
  });
  await recordAuditMany(
    db,
    actor,
    persons.map((person) => ({
      action: 'checkpoint.identify' as const,
      entityType: 'person' as const,
      entityId: person.id,
      // The person's area, so its auditors see who checked their residents, and where.
      areaPath: person.area_path ?? checkpoint.area_path,
      after: {
        checkpointId: checkpoint.id,
        via,
        verdict: verdicts.get(person.id)?.verdict ?? null,
        documentMasked: person.document_masked,
        passId: presented?.passId ?? null,
      },
    })),
  );
  return { checkpoint: { id: checkpoint.id, name: checkpoint.name }, via, subjects };
}

// Event texts are stored in Chinese, as device alerts' are (events are worked in Chinese).
const REASON_ZH: Readonly<Record<GateReason['code'], string>> = {
  HEALTH_CODE_RED: '健康码红码',
  HEALTH_CODE_YELLOW: '健康码黄码',
  HEALTH_CODE_UNKNOWN: '健康码状态不明',
  HEALTH_CODE_STALE: '健康码未及时更新',
  TEST_POSITIVE: '核酸阳性',
  TEST_MISSING_IN_WINDOW: '规定时间内无阴性核酸',
  KEY_PERSON_QUARANTINE: '居家隔离/密接/阳性管控人员',
  KEY_PERSON: '重点人员',
  RISK_AREA_ARRIVAL: '近期来自风险地区',
  NO_VACCINATION: '未接种疫苗',
  FEVER_RECENT: '24 小时内体温异常',
  PASS_VALID: '通行证有效',
  PASS_REQUIRED: '需要通行证',
  PASS_EXPIRED: '通行证已过期',
  PASS_NOT_YET_VALID: '通行证未到生效时间',
  PASS_REVOKED: '通行证已吊销',
  PASS_WRONG_CHECKPOINT: '通行证不适用于本卡口',
  NOT_RESIDENT: '非本区域居民',
  FEVER: '体温异常',
};
const VERDICT_ZH: Readonly<Record<HealthVerdict, string>> = {
  green: '绿色',
  amber: '黄色',
  red: '红色（不得通行）',
};

function presentRecord(row: repo.RecordRow): CheckRecordView {
  return {
    id: String(row.id),
    at: row.at.toISOString(),
    subject: row.subject,
    source: row.source,
    direction: row.direction,
    nameMasked: row.name_masked,
    documentMasked: row.document_masked,
    plate: row.plate,
    temperature: row.temperature === null ? null : Number(row.temperature),
    fever: row.fever,
    disinfected: row.disinfected,
    verdict: row.verdict,
    reasons: row.reasons,
    decision: row.decision,
    eventId: row.event_id,
    recordedBy: row.recorded_by,
  };
}

const CHECKPOINT_ACTOR = (now: () => Date): Actor => ({
  viewer: { kind: 'system', name: 'checkpoint' },
  ip: null,
  now,
});

/**
 * POST /api/checkpoints/:id/checks (in the caller's transaction): records a person's crossing from
 * an identification's handle, by the user on duty there. The verdict is computed again now; red
 * (or a fever) can only be refused. A refusal or a fever opens an event in the person's area for
 * their grid worker, with the checkpoint's reasons.
 */
export async function recordCheck(
  db: Db,
  actor: Actor,
  cipher: FieldCipher,
  checkpointId: number,
  body: CheckBody,
): Promise<CheckResult> {
  const checkpoint = await staffableCheckpoint(db, actor, checkpointId);
  const duty = await requireDutyAt(db, actor, checkpoint.id);
  const now = actor.now();
  const data = openHandle(cipher, body.handle, checkpoint.id, duty.user_id, now);
  if (checkpoint.check_temperature && body.temperature === undefined)
    throw invalid('BAD_REQUEST', 'body.temperature: this checkpoint takes the temperature', [
      { field: 'body.temperature', code: 'required' },
    ]);
  if (await repo.staffCheckExists(db, data.n))
    throw conflict('CHECK_ALREADY_RECORDED', 'This identification has already been recorded');
  const [person] = await repo.personsByIds(db, [data.p]);
  const gate = person
    ? (await gateVerdicts(db, checkpoint, [person], now, data.pass)).get(person.id)
    : undefined;
  if (!person || !gate) throw HANDLE_INVALID();
  const temperature = body.temperature ?? null;
  const fever = temperature !== null && temperature >= feverFrom();
  const reasons = [...gate.reasons];
  if (fever) reasons.push(gateReason('FEVER', 'red', { temperature }));
  sortReasons(reasons);
  const verdict = verdictOf(reasons);
  if (verdict === 'red' && body.decision === 'allowed')
    throw conflict('CHECK_MUST_REFUSE', 'This person is red (must not pass): record a refusal', {
      reasons: reasons.filter((r) => r.severity === 'red').map((r) => r.code),
    });
  const nameMasked = maskName(person.name);
  let row: repo.RecordRow;
  try {
    row = await repo.insertRecord(db, {
      checkpoint_id: checkpoint.id,
      area_path: checkpoint.area_path,
      subject: 'person',
      source: 'staff',
      at: now,
      direction: body.direction,
      person_id: person.id,
      document_masked: person.document_masked,
      name_masked: nameMasked,
      temperature,
      fever,
      disinfected: body.disinfected ?? null,
      verdict,
      reasons: JSON.stringify(reasons.map((r) => r.code)),
      decision: body.decision,
      pass_id: gate.pass?.id ?? data.pass?.passId ?? null,
      external_id: data.n,
      duty_id: duty.id,
      recorded_by_user_id: duty.user_id,
      recorded_by: duty.user_name,
    });
  } catch (error) {
    // A second submit racing the first: the nonce's unique index keeps one.
    if ((error as { code?: string }).code === '23505')
      throw conflict('CHECK_ALREADY_RECORDED', 'This identification has already been recorded');
    throw error;
  }
  let event: CheckResult['event'] = null;
  if (body.decision === 'refused' || fever) {
    const categoryCode = fever ? 'epidemic.fever' : 'epidemic.checkpoint_refusal';
    const category = await repo.categoryByCode(db, categoryCode);
    if (!category || category.retired_at)
      throw conflict('EVENT_CATEGORY_MISSING', `The category ${categoryCode} is missing or retired`);
    const why = reasons.filter((r) => r.severity !== 'info').map((r) => REASON_ZH[r.code]);
    const created = await createEvent(db, CHECKPOINT_ACTOR(actor.now), {
      source: 'patrol',
      categoryId: category.id,
      areaId: person.area_id ?? checkpoint.area_id,
      title: `${checkpoint.name}：${fever ? '发热人员' : '劝返'} ${nameMasked}`,
      description: [
        `${nameMasked}（${person.document_masked}）${body.direction === 'in' ? '进入' : '离开'}${checkpoint.name}时${body.decision === 'refused' ? '被劝返' : '体温异常'}。`,
        `核验结果：${VERDICT_ZH[verdict]}${why.length ? `；原因：${why.join('、')}` : ''}。`,
        temperature !== null ? `体温 ${temperature.toFixed(1)} ℃。` : '',
        body.note ? `值守人员备注：${body.note}` : '',
      ]
        .filter(Boolean)
        .join(''),
      address: checkpoint.name,
      lng: checkpoint.lng,
      lat: checkpoint.lat,
    });
    await repo.setRecordEvent(db, row.id, created.id);
    row = { ...row, event_id: created.id };
    event = { id: created.id, code: created.code };
  }
  await recordAudit(db, actor, {
    action: 'checkpoint.check',
    entityType: 'checkpoint_record',
    entityId: Number(row.id),
    areaPath: person.area_path ?? checkpoint.area_path,
    after: {
      checkpointId: checkpoint.id,
      personId: person.id,
      direction: body.direction,
      decision: body.decision,
      verdict,
      fever,
      eventId: event?.id ?? null,
    },
  });
  return { record: presentRecord(row), event };
}

/** GET /api/checkpoints/:id/checks/recent: today's crossings (China time), masked, newest first. */
export async function recentChecks(db: Db, actor: Actor, checkpointId: number): Promise<RecentChecks> {
  const checkpoint = await findCheckpoint(db, checkpointId);
  if (
    !checkpoint ||
    !(
      can(actor.viewer, 'checkpoint.read', checkpoint.area_path) ||
      (await mayStaff(db, actor.viewer, checkpoint))
    )
  )
    throw CHECKPOINT_NOT_FOUND(checkpointId);
  const today = chinaDate(actor.now());
  const since = new Date(`${today}T00:00:00+08:00`);
  const rows = await repo.recentRecords(db, checkpoint.id, since, 200);
  return { items: rows.map(presentRecord) };
}
