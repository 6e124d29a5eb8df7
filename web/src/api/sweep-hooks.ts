// Data hooks of the door-to-door sweep pages.
import { api, call } from './client';
import type { MySweepHouseholdQuery, SweepHouseholdQuery, SweepQuery } from './model';
import { useResource } from './resource';

export const useSweepList = (query: SweepQuery, version = 0) =>
  useResource(
    (signal) => call(api.GET('/api/sweeps', { params: { query }, signal })),
    [JSON.stringify(query), version],
  );

/** `node`: the area whose figures, grids and rows to show (default the sweep's area, or yours in it). */
export const useSweepProgress = (id: number, node: number | undefined, version = 0) =>
  useResource(
    (signal) =>
      call(
        api.GET('/api/sweeps/{id}/progress', {
          params: { path: { id }, query: node === undefined ? {} : { node } },
          signal,
        }),
      ),
    [id, node, version],
  );

export const useSweepHouseholds = (id: number, query: SweepHouseholdQuery, version = 0) =>
  useResource(
    (signal) => call(api.GET('/api/sweeps/{id}/households', { params: { path: { id }, query }, signal })),
    [id, JSON.stringify(query), version],
  );

export const useSweepAssignees = (id: number, enabled: boolean) =>
  useResource(
    (signal) =>
      enabled
        ? call(api.GET('/api/sweeps/{id}/assignees', { params: { path: { id }, query: {} }, signal }))
        : Promise.resolve({ items: [] }),
    [id, enabled],
  );

export const useMySweepHouseholds = (query: MySweepHouseholdQuery, version = 0) =>
  useResource(
    (signal) => call(api.GET('/api/sweeps/households/mine', { params: { query }, signal })),
    [JSON.stringify(query), version],
  );

export const useSweepHousehold = (id: number, houseId: number, version = 0) =>
  useResource(
    (signal) =>
      call(api.GET('/api/sweeps/{id}/households/{houseId}', { params: { path: { id, houseId } }, signal })),
    [id, houseId, version],
  );
