import { assertMappingComplete, defineColumns, mapHeaders, mapRow } from '../../imports/columns.js';
import { openTable } from '../../imports/table-reader.js';
import type { TableSource } from '../../imports/table-types.js';
import type { Kysely } from 'kysely';
import { recordAudit } from '../../audit/repository.js';
import type { Actor } from '../../auth/context.js';
import type { DB } from '../../db/schema.js';
import { voiceBody, voiceReading, type InboundReport } from './channels.js';
import { receiveInbound } from './service.js';
import type { FieldCipher } from '../../privacy/field-crypto.js';
import type { VoiceAnswers, VoiceImportReject, VoiceImportReport } from './schema.js';

// A voice robot's call results as a file (XLSX/CSV, the providers' export): each row one call,
// checked on its own (a bad row is rejected with its row and column, the others go in), a call
// imported before changes nothing.

export const VOICE_COLUMNS = defineColumns({
  callId: { labels: ['呼叫编号', '通话ID', '外呼ID', 'call id'], required: true },
  phone: { labels: ['手机号', '电话', '被叫号码', 'phone'], required: true },
  calledAt: { labels: ['呼叫时间', '通话时间', 'called at'], required: true },
  temperature: { labels: ['体温', 'temperature'] },
  well: { labels: ['是否平安', '身体状况', 'well'] },
  persons: { labels: ['人数', 'persons'] },
  text: { labels: ['回答', '识别结果', 'answer'] },
});

/** Rows stored per transaction. */
const CHUNK = 200;
/** A day of calls for a county is some tens of thousands; more is not a call list. */
const MAX_ROWS = 50_000;

const WELL_WORDS = new Map<string, boolean>([
  ['是', true],
  ['平安', true],
  ['正常', true],
  ['1', true],
  ['yes', true],
  ['true', true],
  ['否', false],
  ['不适', false],
  ['异常', false],
  ['2', false],
  ['0', false],
  ['no', false],
  ['false', false],
]);

/** "2026-11-02 08:30", "2026/11/02 08:30:00", ISO; China time unless an offset is given. */
function calledAtOf(text: string): Date | null {
  const m =
    /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:?\d{2})?$/.exec(
      text.trim(),
    );
  if (!m) return null;
  const pad = (v: string | undefined) => (v ?? '0').padStart(2, '0');
  const zone = m[7] ?? '+08:00';
  const at = new Date(`${m[1]}-${pad(m[2])}-${pad(m[3])}T${pad(m[4])}:${m[5]}:${pad(m[6])}${zone}`);
  return Number.isNaN(at.getTime()) ? null : at;
}

type Row = Partial<Record<(typeof VOICE_COLUMNS.fields)[number], string>>;

function reportOf(row: Row, rowNumber: number): InboundReport | VoiceImportReject {
  const reject = (column: string | null, code: string): VoiceImportReject => ({
    row: rowNumber,
    column,
    code,
  });
  const callId = row.callId?.trim() ?? '';
  if (!callId) return reject(VOICE_COLUMNS.label('callId'), 'required');
  const phone = row.phone?.trim() ?? '';
  if (!phone) return reject(VOICE_COLUMNS.label('phone'), 'required');
  const calledAt = calledAtOf(row.calledAt ?? '');
  if (!calledAt) return reject(VOICE_COLUMNS.label('calledAt'), 'date_time');
  const wellText = row.well?.trim().toLowerCase() ?? '';
  const well = wellText === '' ? null : WELL_WORDS.get(wellText);
  if (well === undefined) return reject(VOICE_COLUMNS.label('well'), 'well');
  const persons = row.persons?.trim() ? Number(row.persons) : null;
  if (persons !== null && !(Number.isInteger(persons) && persons >= 1 && persons <= 50))
    return reject(VOICE_COLUMNS.label('persons'), 'persons');
  const answers: VoiceAnswers = {
    temperature: row.temperature?.trim() || null,
    well,
    persons,
    text: row.text?.trim() || null,
  };
  const reading = voiceReading(answers);
  if (!reading.ok && reading.reason === 'temperature_out_of_range')
    return reject(VOICE_COLUMNS.label('temperature'), 'temperature');
  return { channel: 'voice', messageId: callId, phone, sentAt: calledAt, body: voiceBody(answers), reading };
}

/** Imports a voice robot's result file at once (small files: a day's calls) and reports per row. */
export async function importVoiceFile(
  db: Kysely<DB>,
  actor: Actor,
  cipher: FieldCipher,
  source: TableSource,
): Promise<VoiceImportReport> {
  const table = await openTable(source, { limits: { maxRows: MAX_ROWS } });
  const report: VoiceImportReport = { rows: 0, recorded: 0, inbox: 0, duplicates: 0, rejected: [] };
  try {
    const mapped = mapHeaders(table.headers, VOICE_COLUMNS);
    assertMappingComplete(mapped, VOICE_COLUMNS);
    let chunk: InboundReport[] = [];
    const flush = async () => {
      const reports = chunk;
      chunk = [];
      if (reports.length === 0) return;
      const results = await db.transaction().execute(async (trx) => {
        const out = [];
        for (const r of reports) out.push(await receiveInbound(trx, actor, cipher, r));
        return out;
      });
      for (const r of results) {
        if (r.duplicate) report.duplicates++;
        else if (r.outcome === 'recorded') report.recorded++;
        else report.inbox++;
      }
    };
    for await (const row of table) {
      report.rows++;
      const parsed = reportOf(mapRow(row.values, mapped.mapping), row.rowNumber);
      if ('row' in parsed) report.rejected.push(parsed);
      else chunk.push(parsed);
      if (chunk.length >= CHUNK) await flush();
    }
    await flush();
    await recordAudit(db, actor, {
      action: 'health.checkin.voice_import',
      entityType: 'checkin_message',
      after: { ...report, rejected: report.rejected.length },
    });
    return report;
  } finally {
    await table.close();
  }
}
