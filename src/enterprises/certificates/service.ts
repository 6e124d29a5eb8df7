import { recordAnonymousAudit, recordAudit } from '../../audit/repository.js';
import type { Actor, Db } from '../../auth/context.js';
import { can, scopePaths, type Viewer } from '../../auth/scope.js';
import { AppError, conflict, forbidden, invalid, notFound } from '../../core/errors.js';
import { findAreaById, findAreaInScope } from '../../hierarchy/repository.js';
import { chinaDate } from '../../household-codes/dates.js';
import { CODE_NOT_FOUND } from '../../household-codes/house-by-token.js';
import { newToken, tokenHash } from '../../household-codes/tokens.js';
import { checkedName } from '../../household-codes/validation.js';
import type { Locale } from '../../i18n/locale.js';
import type { FieldCipher } from '../../privacy/field-crypto.js';
import { maskName } from '../../privacy/masking.js';
import { healthStatuses } from '../../health/status/service.js';
import { type CertificatePdf, type CommitmentPdf, renderCertificatePdf, renderCommitmentPdf } from './pdf.js';
import * as repo from './repository.js';
import type {
  Certificate,
  CertificateFigures,
  CertificateList,
  Commitment,
  CommitmentList,
  CommitmentReceipt,
  DeskCommitmentBody,
  DoorCommitmentBody,
  DoorCommitmentPage,
  FiguresQuery,
  IssueBody,
  ListQuery,
  PublicCertificate,
  RevokeBody,
} from './schema.js';
import { CERTIFICATE_TITLES, commitmentText, CURRENT_COMMITMENT_VERSION, VALIDITY_DAYS } from './texts.js';

/** The public check's address: a page of the web app (/v/<token>) that calls /api/public/certificates/<token>. */
export const verifyUrl = (baseUrl: string, token: string) => `${baseUrl.replace(/\/+$/, '')}/v/${token}`;

/**
 * Whether a typed name is the register's: compared as the register stores it (trimmed, inner spaces
 * collapsed), and width-folded (NFKC) and case-folded so a full-width or capitalised entry of the same
 * name is the same name.
 */
export function sameName(typed: string, registered: string): boolean {
  const fold = (value: string) => value.normalize('NFKC').replace(/\s+/g, '').toLowerCase();
  return fold(typed) !== '' && fold(typed) === fold(registered);
}

const NAME_MISMATCH = () =>
  invalid('COMMITMENT_NAME_MISMATCH', 'body.name is not the registered name of this person', [
    { field: 'body.name', code: 'invalid' },
  ]);

/** 2026年12月9日 (China time): how the letters and certificates date themselves. */
export function chineseDate(instant: Date): string {
  const [y, m, d] = chinaDate(instant).split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

const decade = (year: number | null) => (year === null ? null : Math.floor(year / 10) * 10);
const userIdOf = (viewer: Viewer) => (viewer.kind === 'user' ? viewer.userId : null);

// ---------------------------------------------------------------- commitment letters (复工承诺书)

/** The door page's commitment section: the letter, and the members numbered (never named) with their last signature. */
export async function doorCommitmentPage(db: Db, token: string, locale: Locale): Promise<DoorCommitmentPage> {
  const members = await repo.doorMembers(db, tokenHash(token));
  if (!members) throw CODE_NOT_FOUND();
  const signed = await repo.latestSignatures(
    db,
    members.map((m) => m.id),
  );
  return {
    letter: commitmentText(CURRENT_COMMITMENT_VERSION, locale),
    members: members.map((m, i) => ({
      slot: i + 1,
      sex: m.sex,
      birthDecade: decade(m.birth_year),
      signedAt: signed.get(m.id)?.toISOString() ?? null,
    })),
  };
}

/** A household member signs at the door page: the member as numbered there, and their name typed in full. */
export async function signAtDoor(
  trx: Db,
  now: Date,
  ip: string | null,
  token: string,
  body: DoorCommitmentBody,
): Promise<CommitmentReceipt> {
  const members = await repo.doorMembers(trx, tokenHash(token));
  if (!members) throw CODE_NOT_FOUND();
  const member = members[body.slot - 1];
  const name = checkedName(body.name, 'body.name');
  // The same answer for a wrong slot as for a wrong name: the page never confirms who lives here.
  if (!member || !sameName(name, member.name)) throw NAME_MISMATCH();
  const letter = await repo.insertCommitment(trx, {
    personId: member.id,
    areaPath: member.area_path,
    version: CURRENT_COMMITMENT_VERSION,
    channel: 'door',
    recordedBy: null,
    signedAt: now,
  });
  await recordAnonymousAudit(
    trx,
    { name: 'system:resident', userId: null, ip, at: now },
    {
      action: 'commitment.sign',
      entityType: 'commitment_letter',
      entityId: letter.id,
      areaPath: member.area_path,
      after: { personId: member.id, version: CURRENT_COMMITMENT_VERSION, channel: 'door' },
    },
  );
  return { signedAt: now.toISOString(), version: CURRENT_COMMITMENT_VERSION };
}

const personMissing = (id: number) =>
  notFound('PERSON_NOT_FOUND', `Person ${id} does not exist, is not active or is outside your area`);

/** A person signs at the desk (窗口) before staff of their area, who type the name the person gives. */
export async function signAtDesk(trx: Db, actor: Actor, body: DeskCommitmentBody): Promise<Commitment> {
  const person = await repo.personInScope(trx, actor.viewer, 'person.write', body.personId);
  if (!person) throw personMissing(body.personId);
  if (!sameName(checkedName(body.name, 'body.name'), person.name)) throw NAME_MISMATCH();
  const now = actor.now();
  const letter = await repo.insertCommitment(trx, {
    personId: person.id,
    areaPath: person.area_path,
    version: CURRENT_COMMITMENT_VERSION,
    channel: 'desk',
    recordedBy: userIdOf(actor.viewer),
    signedAt: now,
  });
  await recordAudit(trx, actor, {
    action: 'commitment.sign',
    entityType: 'commitment_letter',
    entityId: letter.id,
    areaPath: person.area_path,
    after: { personId: person.id, version: CURRENT_COMMITMENT_VERSION, channel: 'desk' },
  });
  return {
    id: letter.id,
    personId: person.id,
    name: maskName(person.name),
    version: CURRENT_COMMITMENT_VERSION,
    channel: 'desk',
    signedAt: now.toISOString(),
  };
}

async function areaWithin(db: Db, viewer: Viewer, areaId: number | undefined) {
  if (areaId === undefined) return null;
  const area = await findAreaInScope(db, viewer, 'person.read', areaId);
  if (!area) throw notFound('AREA_NOT_FOUND', `Area ${areaId} does not exist or is outside your area`);
  return area.path;
}

export async function listCommitments(db: Db, actor: Actor, query: ListQuery): Promise<CommitmentList> {
  const within = await areaWithin(db, actor.viewer, query.areaId);
  const { rows, truncated } = await repo.listCommitments(db, actor.viewer, {
    within,
    personId: query.personId ?? null,
  });
  return {
    truncated,
    items: rows.map((r) => ({
      id: r.id,
      personId: r.person_id,
      name: maskName(r.name),
      version: r.text_version,
      channel: r.channel,
      signedAt: r.signed_at.toISOString(),
    })),
  };
}

/** The signed letter as a PDF: the text as signed, the full name, the masked ID number, the date (audited). */
export async function commitmentPdf(
  trx: Db,
  actor: Actor,
  id: number,
): Promise<{ pdf: Buffer; fileName: string }> {
  const letter = await repo.commitmentInScope(trx, actor.viewer, id);
  if (!letter)
    throw notFound('COMMITMENT_NOT_FOUND', `Commitment letter ${id} does not exist or is outside your area`);
  await recordAudit(trx, actor, {
    action: 'commitment.pdf',
    entityType: 'commitment_letter',
    entityId: id,
    areaPath: letter.area_path,
  });
  const text = commitmentText(letter.text_version, 'zh-CN');
  const content: CommitmentPdf = {
    title: text.title,
    paragraphs: text.paragraphs,
    version: letter.text_version,
    name: letter.name,
    documentMasked: letter.document_masked,
    signedOn: chineseDate(letter.signed_at),
    channel: letter.channel === 'door' ? '门牌码' : '窗口',
  };
  return { pdf: await renderCommitmentPdf(content), fileName: `commitment-${id}.pdf` };
}

// ---------------------------------------------------------------- certificates (健康证明, 居住证明)

const DAY_MS = 86_400_000;

/** What a health certificate states, from the shared health status; refused unless the verdict is green. */
async function healthStatement(db: Db, personId: number, now: Date) {
  const status = (await healthStatuses(db, [personId], now)).get(personId);
  if (!status || status.verdict !== 'green') {
    const reasons = (status?.reasons ?? []).filter((r) => r.severity !== 'info').map((r) => r.code);
    throw conflict(
      'CERTIFICATE_HEALTH_NOT_CLEAR',
      `The health status of person ${personId} is ${status?.verdict ?? 'unknown'}`,
      { verdict: status?.verdict ?? null, reasons },
    );
  }
  const negative = status.facts.lastTestResult === 'negative' ? status.facts.lastTestAt : null;
  return {
    healthCode: status.facts.healthCode,
    healthCodeAt: status.facts.healthCodeAt,
    lastNegativeTestAt: negative,
  };
}

/** The sentences a certificate prints, from what it stated at issue. */
function certificateBody(row: {
  kind: 'health' | 'residence';
  name: string;
  documentMasked: string;
  issuer: string;
  address: string | null;
  statement: Record<string, string | null>;
}): string[] {
  const who = `兹证明 ${row.name}（证件号码 ${row.documentMasked}）`;
  if (row.kind === 'residence')
    return [
      `${who}现居住于${row.address ?? ''}，系本${row.issuer.endsWith('村') ? '村' : '社区'}登记居民。`,
      '特此证明。',
    ];
  const lines = [`${who}经核查，截至出具时健康状况正常：`];
  if (row.statement.healthCode === 'GREEN')
    lines.push(
      `健康码为绿码（${row.statement.healthCodeAt ? chineseDate(new Date(row.statement.healthCodeAt)) : ''}核验）；`,
    );
  lines.push(
    row.statement.lastNegativeTestAt
      ? `最近一次核酸检测结果为阴性（采样日期 ${chineseDate(new Date(row.statement.lastNegativeTestAt))}）；`
      : '无核酸检测记录；',
  );
  lines.push('无发热等异常情况，不属于隔离或管控人员。', '特此证明。');
  return lines;
}

/**
 * Issues a numbered certificate for a person of the caller's area (person.write there). Its number is
 * the next of the issuing committee's year, taken in this transaction; the QR token is 128 random bits
 * kept as a hash, and encrypted to print the PDF again.
 */
export async function issueCertificate(
  trx: Db,
  actor: Actor,
  cipher: FieldCipher,
  body: IssueBody,
): Promise<Certificate> {
  const viewer = actor.viewer;
  if (viewer.kind !== 'user') throw forbidden('Certificates are issued by a signed-in staff member');
  const person = await repo.personInScope(trx, viewer, 'person.write', body.personId);
  if (!person) throw personMissing(body.personId);
  const limits = VALIDITY_DAYS[body.kind];
  const days = body.validDays ?? limits.default;
  if (days > limits.max)
    throw new AppError(
      'CERTIFICATE_VALIDITY_INVALID',
      400,
      `body.validDays must be at most ${limits.max} for a ${body.kind} certificate`,
      [{ field: 'body.validDays', code: 'maximum', params: { limit: limits.max } }],
      { max: limits.max },
    );
  const issuer = await repo.issuingArea(trx, person.area_path);
  if (!issuer)
    throw conflict('CERTIFICATE_ISSUER_MISSING', `Person ${person.id} lives under no village or community`);
  const now = actor.now();
  let statement: Record<string, string | null> = {};
  let houseId: number | null = null;
  if (body.kind === 'health') statement = await healthStatement(trx, person.id, now);
  else {
    const house = person.house_id ? await repo.liveHouseUnder(trx, person.house_id, issuer.path) : undefined;
    if (!house)
      throw conflict(
        'CERTIFICATE_NO_RESIDENCE',
        `Person ${person.id} lives at no registered house of ${issuer.name}`,
      );
    houseId = house.id;
  }
  const year = Number(chinaDate(now).slice(0, 4));
  const sequence = await repo.nextNumber(trx, issuer.id, year);
  const number = `${issuer.code}-${year}-${String(sequence).padStart(6, '0')}`;
  const token = newToken();
  const { id } = await repo.insertCertificate(trx, {
    number,
    kind: body.kind,
    person_id: person.id,
    house_id: houseId,
    area_path: person.area_path,
    issuer_area_id: issuer.id,
    issuer_name: issuer.name,
    issued_by: viewer.userId,
    issued_at: now,
    valid_until: new Date(now.getTime() + days * DAY_MS),
    name_masked: maskName(person.name),
    statement: JSON.stringify(statement),
    token_hash: tokenHash(token),
    token_secret: cipher.encrypt(token),
  });
  await recordAudit(trx, actor, {
    action: 'certificate.issue',
    entityType: 'certificate',
    entityId: id,
    areaPath: person.area_path,
    after: { number, kind: body.kind, personId: person.id, validDays: days },
  });
  const row = await repo.certificateInScope(trx, viewer, 'person.read', id);
  return presentCertificate(row!, now);
}

function stateOf(row: { revoked_at: Date | null; valid_until: Date }, now: Date) {
  return row.revoked_at ? 'revoked' : row.valid_until <= now ? 'expired' : 'valid';
}

function presentCertificate(row: repo.CertificateRow, now: Date): Certificate {
  return {
    id: row.id,
    number: row.number,
    kind: row.kind,
    state: stateOf(row, now),
    personId: row.person_id,
    name: row.name_masked,
    issuer: committeeOf(row.issuer_name),
    issuedBy: row.issued_by_name,
    issuedAt: row.issued_at.toISOString(),
    validUntil: row.valid_until.toISOString(),
    revokedAt: row.revoked_at?.toISOString() ?? null,
    revokeReason: row.revoke_reason,
  };
}

export async function listCertificates(db: Db, actor: Actor, query: ListQuery): Promise<CertificateList> {
  const within = await areaWithin(db, actor.viewer, query.areaId);
  const { rows, truncated } = await repo.listCertificates(db, actor.viewer, {
    within,
    personId: query.personId ?? null,
  });
  const now = actor.now();
  return { truncated, items: rows.map((r) => presentCertificate(r, now)) };
}

const certificateMissing = (id: number) =>
  notFound('CERTIFICATE_NOT_FOUND', `Certificate ${id} does not exist or is outside your area`);

/** Revokes a certificate with a reason (person.write in its area; audited). The public check then says revoked. */
export async function revokeCertificate(
  trx: Db,
  actor: Actor,
  id: number,
  body: RevokeBody,
): Promise<Certificate> {
  const row = await repo.certificateInScope(trx, actor.viewer, 'person.write', id);
  if (!row) throw certificateMissing(id);
  const now = actor.now();
  if (!(await repo.revokeCertificate(trx, id, userIdOf(actor.viewer), body.reason, now)))
    throw conflict('CERTIFICATE_ALREADY_REVOKED', `Certificate ${row.number} is already revoked`);
  await recordAudit(trx, actor, {
    action: 'certificate.revoke',
    entityType: 'certificate',
    entityId: id,
    areaPath: row.area_path,
    reason: body.reason,
    after: { number: row.number },
  });
  const after = await repo.certificateInScope(trx, actor.viewer, 'person.read', id);
  return presentCertificate(after!, now);
}

/** The certificate as a PDF with its QR code (audited): the full name and masked ID number, as issued. */
export async function certificatePdf(
  trx: Db,
  actor: Actor,
  cipher: FieldCipher,
  id: number,
  baseUrl: string,
): Promise<{ pdf: Buffer; fileName: string }> {
  const row = await repo.certificateInScope(trx, actor.viewer, 'person.read', id);
  if (!row) throw certificateMissing(id);
  const person = await repo.personInScope(trx, actor.viewer, 'person.read', row.person_id);
  const house = row.house_id ? await repo.liveHouseUnder(trx, row.house_id, '/') : undefined;
  await recordAudit(trx, actor, {
    action: 'certificate.pdf',
    entityType: 'certificate',
    entityId: id,
    areaPath: row.area_path,
    after: { number: row.number },
  });
  const content: CertificatePdf = {
    title: CERTIFICATE_TITLES[row.kind],
    number: row.number,
    body: certificateBody({
      kind: row.kind,
      name: person?.name ?? row.name_masked,
      documentMasked: person?.document_masked ?? '',
      issuer: row.issuer_name,
      address: house?.address ?? null,
      statement: row.statement,
    }),
    issuer: committeeOf(row.issuer_name),
    issuedBy: row.issued_by_name,
    issuedOn: chineseDate(row.issued_at),
    validUntil: chineseDate(row.valid_until),
    verifyUrl: verifyUrl(baseUrl, cipher.decrypt(row.token_secret)),
  };
  return { pdf: await renderCertificatePdf(content), fileName: `certificate-${row.number}.pdf` };
}

/** 星火村 → 星火村村民委员会; 测试社区 → 测试社区居民委员会. */
export function committeeOf(areaName: string): string {
  if (/委员会$/.test(areaName)) return areaName;
  return `${areaName}${areaName.endsWith('村') ? '村民委员会' : '居民委员会'}`;
}

const NOT_FOUND_PUBLIC = () => notFound('CERTIFICATE_NOT_FOUND', 'This certificate is unknown (证明不存在)');

/** The public check behind the QR code: validity, kind, number, issuer, dates and the masked name only. */
export async function publicCertificate(db: Db, now: Date, token: string): Promise<PublicCertificate> {
  const row = await repo.publicCertificate(db, tokenHash(token));
  if (!row) throw NOT_FOUND_PUBLIC();
  return {
    state: stateOf(row, now),
    kind: row.kind,
    number: row.number,
    issuer: committeeOf(row.issuer_name),
    issuedOn: chinaDate(row.issued_at),
    validUntil: row.valid_until.toISOString(),
    name: row.name_masked,
  };
}

// ---------------------------------------------------------------- figures (big screen)

/** Per child area: persons who signed a commitment letter, and certificates issued (not revoked) by kind. */
export async function figures(db: Db, actor: Actor, query: FiguresQuery): Promise<CertificateFigures> {
  const viewer = actor.viewer;
  let area;
  if (query.areaId !== undefined) area = await findAreaInScope(db, viewer, 'person.read', query.areaId);
  else {
    const id = scopePaths(viewer, 'person.read')[0]?.split('/').filter(Boolean).pop();
    area = id ? await findAreaById(db, Number(id)) : undefined;
  }
  if (!area || !can(viewer, 'person.read', area.path))
    throw notFound('AREA_NOT_FOUND', `Area ${query.areaId ?? ''} does not exist or is outside your area`);
  const children = await repo.childAreas(db, area.id);
  const counts = await repo.countsByChild(db, area.path, children);
  const summary = (a: { id: number; code: string; name: string; path: string }) => ({
    id: a.id,
    code: a.code,
    name: a.name,
    path: a.path,
  });
  return {
    area: summary(area),
    total: counts.total,
    children: children.map((c, i) => {
      const { area_id: _id, ...n } = counts.children[i]!;
      return { area: summary(c), ...n };
    }),
  };
}
