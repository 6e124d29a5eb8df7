import { ImportFileError } from './errors.js';

export interface ColumnDef {
  /** Header titles that mean this field, Chinese and English; the first is shown to users. */
  labels: readonly string[];
  required?: boolean;
}

export interface Columns<F extends string> {
  readonly fields: readonly F[];
  readonly defs: Readonly<Record<F, ColumnDef>>;
  /** The title to show for a field (its first label). */
  label(field: F): string;
  /** The field a header title means, if any. */
  fieldFor(header: string): F | undefined;
}

/** A required/optional mark at either end: 姓名*, *姓名, 姓名(必填), 姓名【必填】, Name (required). */
const MARK =
  /^(?:[*※]+|[([【](?:必填项?|必须|选填|可选|非必填|required|optional)[)\]】])+|(?:[*※]+|[([【](?:必填项?|必须|选填|可选|非必填|required|optional)[)\]】])+$/g;

/**
 * The comparable form of a header title: NFKC folds full-width letters, digits,
 * parentheses and spaces to half-width; case, whitespace, BOM, a trailing colon
 * and required marks do not count.
 */
export function normalizeHeader(header: string): string {
  let key = header
    .normalize('NFKC')
    .replace(/\uFEFF/g, '')
    .toLowerCase()
    .replace(/\s+/g, '');
  for (let previous = ''; previous !== key;) {
    previous = key;
    key = key.replace(MARK, '').replace(/:+$/, '');
  }
  return key;
}

/**
 * Declares the columns an importer understands. The field name itself is also
 * accepted as a title, so files exported by Gridguard round-trip.
 */
export function defineColumns<F extends string>(defs: Record<F, ColumnDef>): Columns<F> {
  const fields = Object.keys(defs) as F[];
  const byKey = new Map<string, F>();
  for (const field of fields) {
    for (const label of [field, ...defs[field].labels]) {
      const key = normalizeHeader(label);
      if (key === '') throw new Error(`column ${field} has an empty label`);
      const other = byKey.get(key);
      if (other !== undefined && other !== field) {
        throw new Error(`column label "${label}" is claimed by both ${other} and ${field}`);
      }
      byKey.set(key, field);
    }
  }
  return {
    fields,
    defs,
    label: (field) => defs[field].labels[0] ?? field,
    fieldFor: (header) => byKey.get(normalizeHeader(header)),
  };
}

export interface HeaderMapping<F extends string> {
  /** Field → header title in the file; absent when the file has no such column. */
  mapping: Partial<Record<F, string>>;
  /** Headers that mean nothing to this importer (their data is ignored). */
  unknownHeaders: string[];
  /** Required fields no header maps to. */
  missingRequired: F[];
  /** Fields several headers map to: the first is used; the rest should be fixed by an override. */
  duplicates: Array<{ field: F; headers: string[] }>;
}

/**
 * Matches file headers to fields. `overrides` (header → field, or null to
 * ignore the column) come from the web column-mapping step and win over
 * automatic recognition.
 */
export function mapHeaders<F extends string>(
  headers: readonly string[],
  columns: Columns<F>,
  overrides: Readonly<Record<string, string | null>> = {},
): HeaderMapping<F> {
  const mapping: Partial<Record<F, string>> = {};
  const handled = new Set<string>();
  const isField = (name: string): name is F => (columns.fields as readonly string[]).includes(name);

  for (const [header, target] of Object.entries(overrides)) {
    const actual = headers.includes(header)
      ? header
      : headers.find((h) => normalizeHeader(h) === normalizeHeader(header));
    if (actual === undefined) {
      throw new ImportFileError(
        'MAPPING_INVALID',
        `the column mapping names column ${header}, which the file does not have`,
        { column: header },
      );
    }
    handled.add(actual);
    if (target === null) continue;
    if (!isField(target)) {
      throw new ImportFileError(
        'MAPPING_INVALID',
        `the column mapping maps ${header} to unknown field ${target}`,
        { column: header },
      );
    }
    if (mapping[target] !== undefined) {
      throw new ImportFileError(
        'MAPPING_INVALID',
        `the column mapping maps both ${mapping[target]} and ${header} to ${target}`,
        { column: header },
      );
    }
    mapping[target] = actual;
  }

  // A header pushed aside by an override is ignored data, like an unknown one.
  const overridden = new Set<string>(Object.values(overrides).filter((t): t is string => t !== null));
  const unknownHeaders: string[] = [];
  const claims = new Map<F, string[]>();
  for (const header of headers) {
    if (handled.has(header)) continue;
    const field = columns.fieldFor(header);
    if (field === undefined || overridden.has(field)) unknownHeaders.push(header);
    else claims.set(field, [...(claims.get(field) ?? []), header]);
  }
  const duplicates: HeaderMapping<F>['duplicates'] = [];
  for (const [field, list] of claims) {
    mapping[field] = list[0];
    if (list.length > 1) duplicates.push({ field, headers: list });
  }

  const missingRequired = columns.fields.filter(
    (field) => columns.defs[field].required === true && mapping[field] === undefined,
  );
  return { mapping, unknownHeaders, missingRequired, duplicates };
}

/** Throws the error a clerk should see when the mapping cannot be imported as is. */
export function assertMappingComplete<F extends string>(result: HeaderMapping<F>, columns: Columns<F>): void {
  const missing = result.missingRequired[0];
  if (missing !== undefined) {
    const names = result.missingRequired.map((f) => columns.label(f)).join(', ');
    throw new ImportFileError('MAPPING_INVALID', `missing required column ${names}`, { field: missing });
  }
  const duplicate = result.duplicates[0];
  if (duplicate !== undefined) {
    throw new ImportFileError(
      'MAPPING_INVALID',
      `columns ${duplicate.headers.join(' and ')} both mean ${columns.label(duplicate.field)}; keep one`,
      { field: duplicate.field },
    );
  }
}

/**
 * One row by field. A field whose column the file lacks is absent (not ''), so
 * an update can leave it unchanged; a present but empty cell is ''.
 */
export function mapRow<F extends string>(
  values: Readonly<Record<string, string>>,
  mapping: Readonly<Partial<Record<F, string>>>,
): Partial<Record<F, string>> {
  const row: Partial<Record<F, string>> = {};
  for (const field in mapping) {
    const header = mapping[field];
    if (header !== undefined) row[field] = values[header] ?? '';
  }
  return row;
}
