import { readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { assertMappingComplete, defineColumns, mapHeaders, mapRow } from '../imports/columns.js';
import { ImportFileError } from '../imports/errors.js';
import { openTable } from '../imports/table-reader.js';
import { type AreaImportRow, GeoJsonFileError, rowsFromGeoJson } from './import.js';

/** Column titles clerks use for area lists, Chinese and English. */
export const AREA_COLUMNS = defineColumns({
  code: { labels: ['编码', '代码', '区划代码', '网格编码', '统计用区划代码', 'code'], required: true },
  name: { labels: ['名称', '网格名称', '区划名称', 'name'], required: true },
  parentCode: {
    labels: ['上级编码', '上级代码', '所属上级', '父级编码', 'parent', 'parentCode', 'parent_code'],
  },
  level: { labels: ['层级', '级别', 'level'] },
  kind: { labels: ['类型', '网格类型', 'kind'] },
  boundary: { labels: ['边界', '边界GeoJSON', 'boundary', 'geometry'] },
  centreLng: { labels: ['经度', '中心经度', 'lng', 'longitude'] },
  centreLat: { labels: ['纬度', '中心纬度', 'lat', 'latitude'] },
});

const isGeoJson = (fileName: string) => /\.(geo)?json$/i.test(fileName);

/** Reads an area list from CSV/XLSX (by column titles) or a GeoJSON FeatureCollection. Areas are few (≤ ~100,000): held in memory. */
export async function readAreaFile(
  source: { path: string } | { stream: Readable; fileName: string },
): Promise<AreaImportRow[]> {
  const fileName = 'path' in source ? source.path : source.fileName;
  if (isGeoJson(fileName)) {
    const text = 'path' in source ? await readFile(source.path, 'utf8') : await streamText(source.stream);
    try {
      return rowsFromGeoJson(text);
    } catch (error) {
      if (error instanceof GeoJsonFileError) throw new ImportFileError('NOT_TABULAR', error.message);
      throw error;
    }
  }
  const table = await openTable(source);
  const mapping = mapHeaders(table.headers, AREA_COLUMNS);
  assertMappingComplete(mapping, AREA_COLUMNS);
  const rows: AreaImportRow[] = [];
  for await (const { rowNumber, values } of table) {
    const row = mapRow(values, mapping.mapping);
    rows.push({
      row: rowNumber,
      code: row.code ?? '',
      name: row.name ?? '',
      parentCode: row.parentCode ?? '',
      level: row.level ?? '',
      kind: row.kind ?? '',
      ...(row.boundary ? { boundary: row.boundary } : {}),
      ...(row.centreLng !== undefined ? { centreLng: row.centreLng } : {}),
      ...(row.centreLat !== undefined ? { centreLat: row.centreLat } : {}),
    });
  }
  return rows;
}

async function streamText(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream)
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks).toString('utf8');
}
