import { type Static, type TSchema, Type } from 'typebox';
import { Id, RequiredText } from '../../core/schemas.js';
import { AreaSummary } from '../../register/schema.js';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const CERTIFICATE_KINDS = ['health', 'residence'] as const;
const Kind = Type.Enum(CERTIFICATE_KINDS, {
  description:
    'health: 健康证明 (the health status at issue); residence: 居住证明 (居委会证明, lives at a house here)',
});
export const CERTIFICATE_STATES = ['valid', 'expired', 'revoked'] as const;
const State = Type.Enum(CERTIFICATE_STATES);
const Name = RequiredText(50, { description: 'The signer’s name as typed: must be their registered name' });

// ---- commitment letters (复工承诺书)

export const CommitmentText = Type.Object(
  {
    version: Type.String({ description: 'The letter text’s version, kept with every signature' }),
    title: Type.String(),
    paragraphs: Type.Array(Type.String()),
  },
  { $id: 'CommitmentText' },
);
export type CommitmentText = Static<typeof CommitmentText>;

export const DoorCommitmentMember = Type.Object(
  {
    slot: Type.Integer({ minimum: 1, description: 'The member as numbered on the page (成员1, 成员2, …)' }),
    sex: Type.Enum(['male', 'female', 'unknown']),
    birthDecade: Nullable(Type.Integer()),
    signedAt: Nullable(Type.String({ format: 'date-time', description: 'The latest signature, if any' })),
  },
  { $id: 'DoorCommitmentMember' },
);

export const DoorCommitmentPage = Type.Object(
  {
    letter: CommitmentText,
    members: Type.Array(DoorCommitmentMember, { description: 'Numbered, never named' }),
  },
  { $id: 'DoorCommitmentPage' },
);
export type DoorCommitmentPage = Static<typeof DoorCommitmentPage>;

export const DoorCommitmentBody = Type.Object(
  { slot: Type.Integer({ minimum: 1, maximum: 50 }), name: Name },
  { $id: 'DoorCommitmentBody', additionalProperties: false },
);
export type DoorCommitmentBody = Static<typeof DoorCommitmentBody>;

export const CommitmentReceipt = Type.Object(
  { signedAt: Type.String({ format: 'date-time' }), version: Type.String() },
  { $id: 'CommitmentReceipt' },
);
export type CommitmentReceipt = Static<typeof CommitmentReceipt>;

export const DeskCommitmentBody = Type.Object(
  { personId: Id(), name: Name },
  { $id: 'DeskCommitmentBody', additionalProperties: false },
);
export type DeskCommitmentBody = Static<typeof DeskCommitmentBody>;

export const Commitment = Type.Object(
  {
    id: Type.Integer(),
    personId: Type.Integer(),
    name: Type.String({ description: 'Masked (张**)' }),
    version: Type.String(),
    channel: Type.Enum(['door', 'desk']),
    signedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Commitment' },
);
export type Commitment = Static<typeof Commitment>;

export const ListQuery = Type.Object(
  {
    areaId: Type.Optional(Id({ description: 'Under this area; default: all of your scope' })),
    personId: Type.Optional(Id()),
  },
  { $id: 'CertificateListQuery', additionalProperties: false },
);
export type ListQuery = Static<typeof ListQuery>;

export const CommitmentList = Type.Object(
  { items: Type.Array(Commitment), truncated: Type.Boolean() },
  { $id: 'CommitmentList' },
);
export type CommitmentList = Static<typeof CommitmentList>;

// ---- certificates (健康证明, 居住证明)

export const IssueBody = Type.Object(
  {
    personId: Id(),
    kind: Kind,
    validDays: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 366,
        description:
          'Days from issue; default 7 (health) or 90 (residence); at most 14 (health), 180 (residence)',
      }),
    ),
  },
  { $id: 'CertificateIssueBody', additionalProperties: false },
);
export type IssueBody = Static<typeof IssueBody>;

export const RevokeBody = Type.Object(
  { reason: RequiredText(200, { description: 'Why it is revoked (shown to staff, never publicly)' }) },
  { $id: 'CertificateRevokeBody', additionalProperties: false },
);
export type RevokeBody = Static<typeof RevokeBody>;

export const Certificate = Type.Object(
  {
    id: Type.Integer(),
    number: Type.String({ description: 'Per issuing area and year: <area code>-<year>-<000123>' }),
    kind: Kind,
    state: State,
    personId: Type.Integer(),
    name: Type.String({ description: 'Masked (张**)' }),
    issuer: Type.String({ description: 'The committee that issued it' }),
    issuedBy: Type.String({ description: 'The staff member who issued it' }),
    issuedAt: Type.String({ format: 'date-time' }),
    validUntil: Type.String({ format: 'date-time' }),
    revokedAt: Nullable(Type.String({ format: 'date-time' })),
    revokeReason: Nullable(Type.String()),
  },
  { $id: 'Certificate' },
);
export type Certificate = Static<typeof Certificate>;

export const CertificateList = Type.Object(
  { items: Type.Array(Certificate), truncated: Type.Boolean() },
  { $id: 'CertificateList' },
);
export type CertificateList = Static<typeof CertificateList>;

/** What anyone holding the QR code learns: no ID number, no address, no health details. */
export const PublicCertificate = Type.Object(
  {
    state: State,
    kind: Kind,
    number: Type.String(),
    issuer: Type.String({ description: 'The committee that issued it' }),
    issuedOn: Type.String({ format: 'date' }),
    validUntil: Type.String({ format: 'date-time' }),
    name: Type.String({ description: 'Masked (张*)' }),
  },
  { $id: 'PublicCertificate', additionalProperties: false },
);
export type PublicCertificate = Static<typeof PublicCertificate>;

export const FiguresQuery = Type.Object(
  {
    areaId: Type.Optional(Id({ description: 'Per child area of this one; default: the top of your scope' })),
  },
  { $id: 'CertificateFiguresQuery', additionalProperties: false },
);
export type FiguresQuery = Static<typeof FiguresQuery>;

const counts = {
  commitments: Type.Integer({ description: 'Persons who signed a commitment letter' }),
  health: Type.Integer({ description: 'Health certificates issued (revoked ones not counted)' }),
  residence: Type.Integer({ description: 'Residence certificates issued (revoked ones not counted)' }),
};
export const CertificateFigures = Type.Object(
  {
    area: AreaSummary,
    total: Type.Object(counts),
    children: Type.Array(Type.Object({ area: AreaSummary, ...counts })),
  },
  { $id: 'CertificateFigures' },
);
export type CertificateFigures = Static<typeof CertificateFigures>;
