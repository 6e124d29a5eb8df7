import { sql } from 'kysely';
import { prefixUpperBound } from '../auth/scope.js';
import type { Db } from '../auth/context.js';
import type { AreaRow } from '../hierarchy/repository.js';

/**
 * Household visits of the last 30 days: each micro-grid's worker has called on about two in five of
 * their households, seeing the residents living there — so visit coverage and the performance
 * review have something to show. Set-based and deterministic (spread by house id).
 */
export async function seedDemoVisits(db: Db, village: AreaRow, now: Date): Promise<number> {
  const result = await sql`
    insert into household_visits
      (house_id, area_id, area_path, worker_user_id, worker_name, visited_at, seen_person_ids, notes, created_at)
    select h.id, h.area_id, h.area_path, u.id, u.display_name,
      ${now}::timestamptz - ((h.id::bigint * 7919) % (30 * 86400)) * interval '1 second',
      coalesce((select array_agg(p.id order by p.id) from persons p
        where p.house_id = h.id and p.status = 'active'), '{}'),
      case when h.id % 7 = 0 then '提醒独居老人注意用气安全' end,
      ${now}
    from houses h
    join areas cell on cell.id = h.area_id
    join role_assignments r on r.area_id = cell.parent_id and r.role = 'grid_worker'
    join users u on u.id = r.user_id
    where h.area_path >= ${village.path} and h.area_path < ${prefixUpperBound(village.path)}
      and h.retired_at is null
      and (h.id::bigint * 2654435761) % 100 < 40`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
