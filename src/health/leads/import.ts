import type { Kysely } from 'kysely';
import { recordAudit } from '../../audit/repository.js';
import type { Actor } from '../../auth/context.js';
import type { DB } from '../../db/schema.js';
import { chinaDate } from '../../household-codes/dates.js';
import { assertMappingComplete, mapHeaders, mapRow } from '../../imports/columns.js';
import type { EncodingOption } from '../../imports/encoding.js';
import type { ProgressReporter } from '../../imports/progress.js';
import { RejectCollector } from '../../imports/report.js';
import { openTable } from '../../imports/table-reader.js';
import type { TableSource } from '../../imports/table-types.js';
import type { FieldCipher } from '../../privacy/field-crypto.js';
import { CellProblem } from '../../register-import/values.js';
import { routingScopeOf } from './routing.js';
import type { LeadImportReport } from './schema.js';
import { countRoutes, importingArea, type PreparedLead, prepareCandidate, storeLeads } from './service.js';
import { LEAD_COLUMNS, leadKey, validateLeadRow } from './validate.js';

export interface LeadImportOptions {
  source: TableSource;
  /** The importing area (see routing.ts); the caller must hold health.manage there. */
  areaId: number;
  /** Names the list; default the file name and the date, so re-importing the same file the same day is a no-op. */
  batchReference?: string | undefined;
  sheet?: string | undefined;
  encoding?: EncodingOption | undefined;
  progress?: ProgressReporter | undefined;
  batchSize?: number | undefined;
}

export interface LeadImportResult {
  report: LeadImportReport;
  rejects: RejectCollector;
  headers: string[];
  batchReference: string;
}

/**
 * Imports a lead list (XLSX/CSV, UTF-8 or GBK): streams it, rejects invalid rows with row,
 * column, code and params of every problem of the row, and routes and stores the rest batch by
 * batch (one transaction each; a re-run stores nothing twice), then writes one audit entry.
 */
export async function importLeadFile(
  db: Kysely<DB>,
  actor: Actor,
  cipher: FieldCipher,
  options: LeadImportOptions,
): Promise<LeadImportResult> {
  const area = await importingArea(db, actor.viewer, options.areaId, 'areaId');
  const scope = await routingScopeOf(db, area);
  const table = await openTable(options.source, {
    ...(options.sheet !== undefined ? { sheet: options.sheet } : {}),
    ...(options.encoding !== undefined ? { encoding: options.encoding } : {}),
  });
  const now = actor.now();
  const batchReference =
    options.batchReference?.trim() || `${table.fileName} ${chinaDate(now)}`.slice(0, 200);
  const rejects = new RejectCollector();
  const routed = { person: 0, address: 0, inbox: 0 };
  let inserted = 0;
  let unchanged = 0;
  try {
    const mapped = mapHeaders(table.headers, LEAD_COLUMNS);
    assertMappingComplete(mapped, LEAD_COLUMNS);
    const headerOf = (field: string) => mapped.mapping[field as keyof typeof mapped.mapping] ?? field;
    const firstRow = new Map<string, number>();
    const batchSize = options.batchSize ?? 1000;
    let batch: PreparedLead[] = [];
    const flush = async () => {
      const rows = batch;
      batch = [];
      if (rows.length === 0) return;
      const result = await db
        .transaction()
        .execute((trx) => storeLeads(trx, actor, scope, batchReference, rows, 'import'));
      inserted += result.stored.length;
      unchanged += result.unchanged;
      const counts = countRoutes(result.stored);
      routed.person += counts.person;
      routed.address += counts.address;
      routed.inbox += counts.inbox;
      options.progress?.update(table.bytesRead, table.totalBytes);
    };
    for await (const { rowNumber, values } of table) {
      const candidate = validateLeadRow(mapRow(values, mapped.mapping), rowNumber, now);
      // Every problem of the row is listed; the row is stored only without any.
      if (Array.isArray(candidate)) {
        for (const problem of candidate) rejects.reject(rowNumber, headerOf(problem.field), problem, values);
        continue;
      }
      const key = leadKey(candidate);
      const first = firstRow.get(key);
      if (first !== undefined) {
        rejects.reject(
          rowNumber,
          headerOf('reason'),
          new CellProblem('', 'duplicateInFile', { row: first }),
          values,
        );
        continue;
      }
      firstRow.set(key, rowNumber);
      batch.push(prepareCandidate(cipher, candidate, batchReference));
      if (batch.length >= batchSize) await flush();
    }
    await flush();
  } finally {
    options.progress?.finish();
    await table.close();
  }
  const report: LeadImportReport = {
    inserted,
    updated: 0,
    unchanged,
    rejected: rejects.rejects,
    rejectedTotal: rejects.total,
    routed,
  };
  await recordAudit(db, actor, {
    action: 'lead.import',
    entityType: 'lead',
    entityId: batchReference,
    areaPath: area.path,
    after: { file: table.fileName, inserted, unchanged, rejected: rejects.total, routed },
  });
  return { report, rejects, headers: table.headers, batchReference };
}
