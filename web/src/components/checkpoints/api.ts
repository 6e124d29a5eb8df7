// The checkpoint pages' data: registry, staffing, rota and figures, through the generated client.
import { api, call } from '../../api/client';
import { useResource } from '../../api/hooks';
import type { CheckpointQuery } from '../../api/model';

export const useCheckpointList = (query: CheckpointQuery, version = 0) =>
  useResource(
    (signal) => call(api.GET('/api/checkpoints', { params: { query }, signal })),
    [JSON.stringify(query), version],
  );

export const useCheckpoint = (id: number, version = 0) =>
  useResource(
    (signal) => call(api.GET('/api/checkpoints/{id}', { params: { path: { id } }, signal })),
    [id, version],
  );

export const useCheckpointStaffing = (id: number, version = 0) =>
  useResource(
    (signal) => call(api.GET('/api/checkpoints/{id}/staffing', { params: { path: { id } }, signal })),
    [id, version],
  );

/** The rota of a week from `from` (a China-time date), or this week. */
export const useCheckpointShifts = (id: number, from: string | undefined, version = 0) =>
  useResource(
    (signal) =>
      call(
        api.GET('/api/checkpoints/{id}/shifts', {
          params: { path: { id }, query: from ? { from } : {} },
          signal,
        }),
      ),
    [id, from, version],
  );

/** Today's figures of an area (default: the top of the caller's checkpoint scope). */
export const useCheckpointFigures = (areaId: number | undefined, version = 0, enabled = true) =>
  useResource(
    (signal) =>
      enabled
        ? call(api.GET('/api/checkpoints/figures', { params: { query: areaId ? { areaId } : {} }, signal }))
        : Promise.resolve(null),
    [areaId, version, enabled],
  );

/** Checkpoint teams (and others) of an area, for the team pickers. */
export const useTeamsOf = (areaId: number | undefined) =>
  useResource(
    (signal) =>
      areaId
        ? call(api.GET('/api/teams', { params: { query: { areaId, pageSize: 200 } }, signal }))
        : Promise.resolve(null),
    [areaId],
  );
