/**
 * Stable codes of field problems: a request field or an import cell that cannot be accepted.
 * The API and the import reports send `{field, code, params}`; the sentence is made from the code
 * and params in the reader's language (problems.zh-CN.ts, problems.en.ts). No imports: the web
 * bundles this file as is.
 */
export const PROBLEM_CODES = [
  // Shapes, as a schema checks them (AJV keywords) and as import cells are checked.
  'required',
  'blank',
  'maxLength',
  'minLength',
  'pattern',
  'date',
  'format',
  'oneOf',
  'type',
  'number',
  'integer',
  'minimum',
  'maximum',
  'greaterThan',
  'lessThan',
  'minItems',
  'maxItems',
  'uniqueItems',
  'unknownField',
  'invalid',
  'controlChars',
  'digits',
  'before',
  'after',
  'taken',
  // A spreadsheet program stored a long code as a number and rounded it.
  'excelRounded',
  // Identity documents (GB 11643 and the permits).
  'idLength',
  'idFormat',
  'passportFormat',
  'hkMacaoPermitFormat',
  'taiwanPermitFormat',
  'foreignPermanentFormat',
  'hmtPermitFormat',
  'checksum',
  'birthDate',
  'birthDateTooEarly',
  'birthDateFuture',
  'region',
  'sexMismatch',
  'birthDateMismatch',
  'creditCode',
  'phone',
  // An SMS address: a mobile only, no landline.
  'mobile',
  // Words of the register's vocabularies.
  'documentType',
  'sex',
  'residenceType',
  'tag',
  'unknownWord',
  // Areas and records an import row refers to.
  'unknownArea',
  'areaForbidden',
  'areaRetired',
  'areaLevel',
  'houseNotFound',
  'addressTaken',
  'addressCode',
  'duplicateInFile',
  'houseAreaMismatch',
  'unitAreaMismatch',
  'nameMismatch',
  'registeredElsewhere',
  // Area codes and the area import.
  'areaCodeFormat',
  'digitsOnly',
  'areaCodeGb2260',
  'areaCodeProvince',
  'areaCodeLength',
  'areaCodePrefix',
  'areaCodeSegment',
  'areaCodeZero',
  'parentNotFound',
  'topLevelSystemOnly',
  'areaMoveByImport',
  'areaLevelStored',
  'noChildLevel',
  'levelUnderParent',
  // Health feeds and leads.
  'time',
  'timeMissing',
  'timeTooEarly',
  'timeInFuture',
  'dose',
  'temperature',
  'testResult',
  'reportedBeforeSampled',
  'healthCode',
  'regionCode',
  'riskLevel',
  'periodInvalid',
  // Licence plates (checkpoints/plate.ts).
  'plateProvince',
  'plateFormat',
  'leadIdentity',
  'deadline',
  'deadlinePast',
  // Requests the services check beyond their schema.
  'mustBeFuture',
  'inactiveCategory',
  'topLevelCategory',
  'weekendOnly',
  'outsideCommunity',
  'notPublicCategory',
  'requiredWith',
  'coordinate',
  'requiredOr',
  'exactlyOne',
  'notResponder',
  'inactiveTeam',
  'periodTooLong',
  'notContact',
  'noRoleInArea',
  'wrongLevel',
  'geometry',
  'areaCode',
  'insideSubtree',
  'selfReportOnly',
  'mustBeEmpty',
  'webhookUrl',
  'notHouseArea',
  'areaOutOfReach',
  'volunteerRole',
  'noMicrogrid',
  'departmentOnly',
  'passwordWeak',
  'notResident',
  'nobodyHome',
  'tooLongAgo',
  'mfaCode',
  'passwordWrong',
  'demoPassword',
  'samePassword',
  'tooLong',
  'fileTooLarge',
  'notImage',
  'tooManyPixels',
  'notDocument',
  'notLegalPerson',
  // A whole import file that cannot be read (ImportFileProblem).
  'fileNotTabular',
  'fileLegacyXls',
  'fileHtmlDisguised',
  'fileDamaged',
  'fileNoHeader',
  'fileDuplicateColumn',
  'fileSheetNotFound',
  'fileEncoding',
  'fileCsvMalformed',
  'fileMappingInvalid',
] as const;

export type ProblemCode = (typeof PROBLEM_CODES)[number];

const KNOWN: ReadonlySet<string> = new Set(PROBLEM_CODES);

export function isProblemCode(value: unknown): value is ProblemCode {
  return typeof value === 'string' && KNOWN.has(value);
}

/**
 * A field the request or an import row got wrong: a stable code with its params (a limit, a value),
 * and the sentence made from them in the caller's language. The web reads the same shape.
 */
export interface FieldProblem {
  field: string;
  code: ProblemCode;
  params?: Readonly<Record<string, string | number | boolean | null>>;
  message: string;
}
