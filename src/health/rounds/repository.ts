import {
  type Expression,
  type Insertable,
  type RawBuilder,
  type Selectable,
  type SqlBool,
  sql,
} from 'kysely';
import { inSubtrees, prefixUpperBound } from '../../auth/scope.js';
import type { Db } from '../../auth/context.js';
import { pageWindow } from '../../core/pagination.js';
import type { AreaLevel, RoundMarksTable, ScreeningRoundsTable } from '../../db/schema.js';
import { escapeLike } from '../../hierarchy/repository.js';
import type { CounterSums } from './counters-repository.js';
import type { UntestedSort } from './schema.js';

export type RoundRow = Selectable<ScreeningRoundsTable> & {
  area_code: string;
  area_name: string;
  area_level: AreaLevel;
  area_depth: number;
};

function roundsWithArea(db: Db) {
  return db
    .selectFrom('screening_rounds as r')
    .innerJoin('areas as a', 'a.id', 'r.area_id')
    .selectAll('r')
    .select(['a.code as area_code', 'a.name as area_name', 'a.level as area_level', 'a.depth as area_depth']);
}

/** "/1/5/23/" → ["/1/", "/1/5/", "/1/5/23/"]: the area and its ancestors. */
export function pathAndAncestors(path: string): string[] {
  const ids = path.split('/').filter(Boolean);
  return ids.map((_, i) => `/${ids.slice(0, i + 1).join('/')}/`);
}

/** A round is visible where it overlaps the viewer's scope: it lies inside it, or covers part of it. */
export function overlapsScope(scope: readonly string[], pathColumn: string): Expression<SqlBool> {
  if (scope.length === 0) return sql<SqlBool>`false`;
  const covering = [...new Set(scope.flatMap(pathAndAncestors))];
  if (covering.length === 0) return inSubtrees(scope, pathColumn);
  return sql<SqlBool>`(${inSubtrees(scope, pathColumn)} or ${sql.ref(pathColumn)} in (${sql.join(covering)}))`;
}

export async function findRound(db: Db, id: number): Promise<RoundRow | undefined> {
  return roundsWithArea(db).where('r.id', '=', id).executeTakeFirst();
}

export async function listRounds(
  db: Db,
  scope: readonly string[],
  filter: {
    status?: 'open' | 'closed' | undefined;
    withinPath?: string | undefined;
    page?: number;
    pageSize?: number;
  },
) {
  const { page, pageSize, offset } = pageWindow(filter);
  let base = roundsWithArea(db).where(overlapsScope(scope, 'r.area_path'));
  if (filter.withinPath) base = base.where(overlapsScope([filter.withinPath], 'r.area_path'));
  if (filter.status) base = base.where('r.status', '=', filter.status);
  const [items, count] = await Promise.all([
    base.orderBy('r.starts_at', 'desc').orderBy('r.id', 'desc').limit(pageSize).offset(offset).execute(),
    base
      .clearSelect()
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { items, page, pageSize, total: Number(count.n) };
}

export async function insertRound(db: Db, row: Insertable<ScreeningRoundsTable>): Promise<number> {
  return (await db.insertInto('screening_rounds').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

/** Closes an open round; false when it was closed already (by a concurrent request, say). */
export async function closeRound(db: Db, id: number, closedBy: string, at: Date): Promise<boolean> {
  const result = await db
    .updateTable('screening_rounds')
    .set({ status: 'closed', closed_at: at, closed_by: closedBy })
    .where('id', '=', id)
    .where('status', '=', 'open')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

const sums = sql<CounterSums>`coalesce(sum(c.due), 0)::int as due, coalesce(sum(c.tested), 0)::int as tested,
  coalesce(sum(c.exempt), 0)::int as exempt, coalesce(sum(c.departed), 0)::int as departed`;

export interface ChildFigures extends CounterSums {
  id: number;
  code: string;
  name: string;
  level: AreaLevel;
}

/**
 * Each child of a node with its figures, in one query: the node's counter rows are grouped by
 * the path segment right below the node (the child's id); children without residents show zeros.
 */
export async function childFigures(
  db: Db,
  roundId: number,
  node: { id: number; path: string; depth: number },
): Promise<ChildFigures[]> {
  const result = await sql<ChildFigures>`
    select a.id, a.code, a.name, a.level, coalesce(s.due, 0)::int as due, coalesce(s.tested, 0)::int as tested,
      coalesce(s.exempt, 0)::int as exempt, coalesce(s.departed, 0)::int as departed
    from areas a
    left join (
      select nullif(split_part(c.area_path, '/', ${node.depth + 3}), '')::int as child_id, ${sums}
      from round_counters c
      where c.round_id = ${roundId} and c.area_path >= ${node.path} and c.area_path < ${prefixUpperBound(node.path)}
      group by 1
    ) s on s.child_id = a.id
    where a.parent_id = ${node.id} and (a.retired_at is null or s.child_id is not null)
    order by a.code`.execute(db);
  return result.rows;
}

/** One grid's figures as the query returns them: [id, code, name, parent id, due, tested, exempt, departed]. */
export type GridFiguresRow = [number, string, string, number | null, number, number, number, number];

/**
 * Every grid of a round the viewer may see, in one query: the counter rows (grids, micro-grids,
 * cells) are grouped by the path segment at the grid depth, which is the grid's id. The grids
 * come back as one JSON array: for 10,000 grids that is one value to decode, not 10,000 rows.
 */
export async function gridFigures(
  db: Db,
  round: { id: number; area_path: string },
  gridDepth: number,
  scope: readonly string[],
): Promise<GridFiguresRow[]> {
  const result = await sql<{ grids: GridFiguresRow[] | null }>`
    select json_agg(json_build_array(g.id, g.code, g.name, g.parent_id, s.due, s.tested, s.exempt, s.departed)
                    order by g.code) as grids
    from (
      select nullif(split_part(c.area_path, '/', ${gridDepth + 2}), '')::int as grid_id, ${sums}
      from round_counters c
      where c.round_id = ${round.id} and ${inSubtrees([round.area_path], 'c.area_path')}
        and ${inSubtrees(scope, 'c.area_path')}
      group by 1
    ) s
    join areas g on g.id = s.grid_id`.execute(db);
  return result.rows[0]?.grids ?? [];
}

export interface UntestedRow {
  id: number;
  name: string;
  document_masked: string;
  phone_masked: string | null;
  current_address: string | null;
  tags: string[];
  house_id: number | null;
  house_address: string | null;
  area: { id: number; code: string; name: string; path: string } | null;
  last_test: { at: string; result: string | null } | null;
  mark: { kind: 'exempt' | 'outcome'; reason: string; note: string | null; by: string; at: string } | null;
  total: number;
}

/** What narrows an untested list, already checked against the viewer's scope by the service. */
export interface UntestedSelection {
  withinPath: string;
  /** The viewer's health.read subtrees. */
  scope: readonly string[];
  houseId?: number | undefined;
  tag?: string | undefined;
  q?: string | undefined;
  /** "My rows": these subtrees or these houses. */
  mine?: { paths: readonly string[]; houseIds: readonly number[] } | undefined;
  sort?: UntestedSort | undefined;
}

const UNTESTED_ORDER: Record<UntestedSort, RawBuilder<unknown>> = {
  address: sql`p.area_path, p.current_address, p.name, p.id`,
  // Code-point order, the same on every database (PGlite has no Chinese collation).
  name: sql`p.name collate "C", p.id`,
  lastTest: sql`(select ph.last_test_at from person_health ph where ph.person_id = p.id) asc nulls first, p.id`,
  area: sql`p.area_path, p.name collate "C", p.id`,
};

/** The filters of an untested list as one condition on `persons p`. */
function untestedWhere(
  round: Pick<Selectable<ScreeningRoundsTable>, 'id' | 'area_path' | 'starts_at' | 'ends_at'>,
  selection: UntestedSelection,
) {
  const parts = [
    inSubtrees([selection.withinPath], 'p.area_path'),
    inSubtrees([round.area_path], 'p.area_path'),
    inSubtrees(selection.scope, 'p.area_path'),
    sql<SqlBool>`p.status = 'active'`,
    sql<SqlBool>`not exists (select 1 from health_records t where t.person_id = p.id and t.kind = 'test'
      and t.occurred_at >= ${round.starts_at} and t.occurred_at < ${round.ends_at})`,
    sql<SqlBool>`not exists (select 1 from round_marks x where x.round_id = ${round.id} and x.person_id = p.id and x.kind = 'exempt')`,
  ];
  if (selection.houseId !== undefined) parts.push(sql<SqlBool>`p.house_id = ${selection.houseId}`);
  if (selection.tag !== undefined) parts.push(sql<SqlBool>`p.tags @> array[${selection.tag}]::text[]`);
  if (selection.mine) {
    const { paths, houseIds } = selection.mine;
    parts.push(
      houseIds.length > 0
        ? sql<SqlBool>`(${inSubtrees(paths, 'p.area_path')} or p.house_id in (${sql.join([...houseIds])}))`
        : inSubtrees(paths, 'p.area_path'),
    );
  }
  const q = selection.q?.trim();
  if (q) {
    const like = `%${escapeLike(q)}%`;
    const options = [
      sql<SqlBool>`p.name like ${`${escapeLike(q)}%`}`,
      sql<SqlBool>`p.current_address like ${like}`,
      sql<SqlBool>`exists (select 1 from houses h where h.id = p.house_id and h.address like ${like})`,
    ];
    // The tail of an ID number or phone as the masks keep it (the ID's last character, the phone's last four).
    if (/^[0-9Xx]{1,4}$/.test(q)) {
      const tail = `%${q.toUpperCase()}`;
      options.push(sql<SqlBool>`p.document_masked like ${tail}`, sql<SqlBool>`p.phone_masked like ${tail}`);
    }
    parts.push(sql<SqlBool>`(${sql.join(options, sql` or `)})`);
  }
  return sql.join(parts, sql` and `);
}

/**
 * Persons due and untested in a part of a round: an index range on persons.area_path, then per
 * person one probe of the (person_id, kind, occurred_at) index for a test in the window and one
 * of the marks' primary key. Details (house, area, last test, outcome mark) are subqueries, which
 * PostgreSQL evaluates after the limit, for the page's rows only; the page carries the total.
 */
export async function untestedPersons(
  db: Db,
  round: Pick<Selectable<ScreeningRoundsTable>, 'id' | 'area_path' | 'starts_at' | 'ends_at'>,
  selection: UntestedSelection,
  paging: { page?: number | undefined; pageSize?: number | undefined; limit?: number; offset?: number },
): Promise<{ rows: UntestedRow[]; page: number; pageSize: number }> {
  const window = pageWindow(paging);
  const limit = paging.limit ?? window.pageSize;
  const offset = paging.offset ?? window.offset;
  const result = await sql<UntestedRow>`
    select p.id, p.name, p.document_masked, p.phone_masked, p.current_address, p.tags, p.house_id,
      (select h.address from houses h where h.id = p.house_id) as house_address,
      (select json_build_object('id', a.id, 'code', a.code, 'name', a.name, 'path', p.area_path) from areas a where a.id = p.area_id) as area,
      (select json_build_object('at', ph.last_test_at, 'result', ph.last_test_result)
         from person_health ph where ph.person_id = p.id and ph.last_test_at is not null) as last_test,
      (select json_build_object('kind', m.kind, 'reason', m.reason, 'note', m.note, 'by', m.marked_by, 'at', m.marked_at)
         from round_marks m where m.round_id = ${round.id} and m.person_id = p.id) as mark,
      (count(*) over ())::int as total
    from persons p
    where ${untestedWhere(round, selection)}
    order by ${UNTESTED_ORDER[selection.sort ?? 'address']}
    limit ${limit} offset ${offset}`.execute(db);
  return { rows: result.rows, page: window.page, pageSize: window.pageSize };
}

/** The total alone, for a page past the end (the window count comes with rows only) and before an export. */
export async function countUntested(
  db: Db,
  round: Pick<Selectable<ScreeningRoundsTable>, 'id' | 'area_path' | 'starts_at' | 'ends_at'>,
  selection: UntestedSelection,
): Promise<number> {
  const result = await sql<{ n: number }>`
    select count(*)::int as n from persons p where ${untestedWhere(round, selection)}`.execute(db);
  return Number(result.rows[0]?.n ?? 0);
}

/** The caller's 包片包户 responsibilities: areas (whole) and houses, for "my rows". */
export async function responsibilitiesOf(
  db: Db,
  userId: number,
): Promise<{ paths: string[]; houseIds: number[] }> {
  const rows = await db
    .selectFrom('responsibilities')
    .select(['area_path', 'house_id'])
    .where('user_id', '=', userId)
    .execute();
  return {
    paths: rows.filter((r) => r.house_id === null).map((r) => r.area_path),
    houseIds: rows.flatMap((r) => (r.house_id === null ? [] : [r.house_id])),
  };
}

export interface PersonPlace {
  id: number;
  area_id: number | null;
  area_path: string | null;
  status: string;
}

export async function findPersonInScope(
  db: Db,
  scope: readonly string[],
  id: number,
): Promise<PersonPlace | undefined> {
  return db
    .selectFrom('persons')
    .select(['id', 'area_id', 'area_path', 'status'])
    .where('id', '=', id)
    .where(inSubtrees(scope, 'area_path'))
    .executeTakeFirst();
}

export type MarkRow = Selectable<RoundMarksTable>;

export async function findMark(db: Db, roundId: number, personId: number): Promise<MarkRow | undefined> {
  return db
    .selectFrom('round_marks')
    .selectAll()
    .where('round_id', '=', roundId)
    .where('person_id', '=', personId)
    .executeTakeFirst();
}

export async function upsertMark(db: Db, row: Insertable<RoundMarksTable>): Promise<MarkRow> {
  return db
    .insertInto('round_marks')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['round_id', 'person_id']).doUpdateSet({
        kind: row.kind,
        reason: row.reason,
        note: row.note ?? null,
        marked_by: row.marked_by,
        marked_at: row.marked_at,
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function deleteMark(db: Db, roundId: number, personId: number): Promise<void> {
  await db
    .deleteFrom('round_marks')
    .where('round_id', '=', roundId)
    .where('person_id', '=', personId)
    .execute();
}

export async function findAreaByPath(db: Db, path: string) {
  return db.selectFrom('areas').selectAll().where('path', '=', path).executeTakeFirst();
}
