// Small data hooks: components ask for a resource, never call fetch themselves.
import { useEffect, useState } from 'react';
import { api, call } from './client';
import { useResource } from './resource';
import type {
  AreaListQuery,
  AuditQuery,
  CodeQuery,
  ContactQuery,
  CoverageQuery,
  FeedBatchQuery,
  HealthInboxQuery,
  HouseQuery,
  KeyPersonQuery,
  LeadQuery,
  PendingQuery,
  PersonQuery,
  RoundQuery,
  TaskQuery,
  UnitQuery,
  UntestedQuery,
  UserListQuery,
  VisitQuery,
} from './model';
import type { FeedEvent } from './model';

export { type Resource, useResource } from './resource';

export const useAreaRoots = () => useResource((signal) => call(api.GET('/api/areas/roots', { signal })), []);

export const useAreaDetail = (id: number) =>
  useResource((signal) => call(api.GET('/api/areas/{id}', { params: { path: { id } }, signal })), [id]);

/** An area named by the page address, when there is one. */
export const useOptionalArea = (id: number | undefined) =>
  useResource(
    (signal) =>
      id === undefined
        ? Promise.resolve(null)
        : call(api.GET('/api/areas/{id}', { params: { path: { id } }, signal })),
    [id],
  );

/** `version`: bump it to load again after a change elsewhere on the page. */
export const useAreaList = (query: AreaListQuery, version = 0) =>
  useResource(
    (signal) => call(api.GET('/api/areas', { params: { query }, signal })),
    [JSON.stringify(query), version],
  );

export const useChildFeatures = (id: number, enabled: boolean, version = 0) =>
  useResource(
    (signal) =>
      enabled
        ? call(api.GET('/api/areas/{id}/children.geojson', { params: { path: { id } }, signal }))
        : Promise.resolve(null),
    [id, enabled, version],
  );

export const useUserList = (query: UserListQuery, version = 0) =>
  useResource(
    (signal) => call(api.GET('/api/users', { params: { query }, signal })),
    [JSON.stringify(query), version],
  );

export const useAuditList = (query: AuditQuery) =>
  useResource(
    (signal) => call(api.GET('/api/audit', { params: { query }, signal })),
    [JSON.stringify(query)],
  );

export const usePersonList = (query: PersonQuery, version = 0) =>
  useResource(
    (signal) => call(api.GET('/api/persons', { params: { query }, signal })),
    [JSON.stringify(query), version],
  );

export const usePerson = (id: number, version = 0) =>
  useResource(
    (signal) => call(api.GET('/api/persons/{id}', { params: { path: { id } }, signal })),
    [id, version],
  );

export const useHouseList = (query: HouseQuery, version = 0) =>
  useResource(
    (signal) => call(api.GET('/api/houses', { params: { query }, signal })),
    [JSON.stringify(query), version],
  );

/** `id` null: nothing to load yet (the visit form before a house is chosen). */
export const useHouse = (id: number | null, version = 0) =>
  useResource(
    (signal) =>
      id === null
        ? Promise.resolve(null)
        : call(api.GET('/api/houses/{id}', { params: { path: { id } }, signal })),
    [id, version],
  );

export const useUnitList = (query: UnitQuery, version = 0) =>
  useResource(
    (signal) => call(api.GET('/api/units', { params: { query }, signal })),
    [JSON.stringify(query), version],
  );

export const useCodeList = (query: CodeQuery, version = 0) =>
  useResource(
    (signal) => call(api.GET('/api/codes', { params: { query }, signal })),
    [JSON.stringify(query), version],
  );

export const usePendingList = (query: PendingQuery, version = 0) =>
  useResource(
    (signal) => call(api.GET('/api/pending-changes', { params: { query }, signal })),
    [JSON.stringify(query), version],
  );

/** How many submissions wait for the user, asked again on every navigation (`key`). */
export const usePendingCount = (enabled: boolean, key: string) =>
  useResource(
    (signal) =>
      enabled
        ? call(
            api.GET('/api/pending-changes', {
              params: { query: { status: 'pending', pageSize: 1 } },
              signal,
            }),
          ).then((page) => page.total)
        : Promise.resolve(0),
    [enabled, key],
  );

export const useVisitList = (query: VisitQuery, version = 0) =>
  useResource(
    (signal) => call(api.GET('/api/visits', { params: { query }, signal })),
    [JSON.stringify(query), version],
  );

export const useCoverage = (query: CoverageQuery | null) =>
  useResource(
    (signal) =>
      query ? call(api.GET('/api/visits/coverage', { params: { query }, signal })) : Promise.resolve(null),
    [JSON.stringify(query)],
  );

export const useDoorPage = (token: string) =>
  useResource(
    (signal) => call(api.GET('/api/public/households/{token}', { params: { path: { token } }, signal })),
    [token],
  );

export const useSelfReportPage = (token: string) =>
  useResource(
    (signal) => call(api.GET('/api/public/self-report/{token}', { params: { path: { token } }, signal })),
    [token],
  );

export const usePlacePage = (token: string) =>
  useResource(
    (signal) => call(api.GET('/api/public/places/{token}', { params: { path: { token } }, signal })),
    [token],
  );

const IMPORT_POLL_MS = 1000;

/** An import job, asked again every second while it runs. */
export function useImportJob(id: string | null) {
  const [tick, setTick] = useState(0);
  const job = useResource(
    (signal) =>
      id === null
        ? Promise.resolve(null)
        : call(api.GET('/api/imports/{id}', { params: { path: { id } }, signal })),
    [id, tick],
  );
  const running = job.data?.status === 'running' || (id !== null && !job.data && !job.error);
  useEffect(() => {
    if (!running || job.loading) return;
    const timer = setTimeout(() => setTick((n) => n + 1), IMPORT_POLL_MS);
    return () => clearTimeout(timer);
  }, [running, job.loading, job.data]);
  return job;
}

/** A feed batch (an uploaded health-data file), polled until it is done or failed. */
export function useFeedBatch(id: number | null) {
  const [tick, setTick] = useState(0);
  const batch = useResource(
    (signal) =>
      id === null
        ? Promise.resolve(null)
        : call(api.GET('/api/feeds/batches/{id}', { params: { path: { id } }, signal })),
    [id, tick],
  );
  const status = batch.data?.status;
  const running =
    status === 'received' || status === 'processing' || (id !== null && !batch.data && !batch.error);
  useEffect(() => {
    if (!running || batch.loading) return;
    const timer = setTimeout(() => setTick((n) => n + 1), IMPORT_POLL_MS);
    return () => clearTimeout(timer);
  }, [running, batch.loading, batch.data]);
  return batch;
}

export const useFeedBatches = (query: FeedBatchQuery, version = 0) =>
  useResource(
    (signal) => call(api.GET('/api/feeds/batches', { params: { query }, signal })),
    [JSON.stringify(query), version],
  );

// ---- Epidemic prevention ----

export const useRoundList = (query: RoundQuery, version = 0) =>
  useResource(
    (signal) => call(api.GET('/api/rounds', { params: { query }, signal })),
    [JSON.stringify(query), version],
  );

export const useRound = (id: number, version = 0) =>
  useResource(
    (signal) => call(api.GET('/api/rounds/{id}', { params: { path: { id } }, signal })),
    [id, version],
  );

/** `node`: the area whose figures and children to show (default the round's area, or yours in it). */
export const useRoundCoverage = (id: number, node: number | undefined, version = 0) =>
  useResource(
    (signal) =>
      call(api.GET('/api/rounds/{id}/coverage', { params: { path: { id }, query: { node } }, signal })),
    [id, node, version],
  );

/** `id` null: no open round to list. */
export const useUntested = (id: number | null, query: UntestedQuery, version = 0) =>
  useResource(
    (signal) =>
      id === null
        ? Promise.resolve(null)
        : call(api.GET('/api/rounds/{id}/untested', { params: { path: { id }, query }, signal })),
    [id, JSON.stringify(query), version],
  );

export const useKeyPersonList = (query: KeyPersonQuery, version = 0) =>
  useResource(
    (signal) => call(api.GET('/api/key-persons', { params: { query }, signal })),
    [JSON.stringify(query), version],
  );

/** `id` null: nothing to load yet. */
export const useKeyPerson = (id: number | null, version = 0) =>
  useResource(
    (signal) =>
      id === null
        ? Promise.resolve(null)
        : call(api.GET('/api/key-persons/{id}', { params: { path: { id } }, signal })),
    [id, version],
  );

export const useKeyPersonTasks = (query: TaskQuery, version = 0) =>
  useResource(
    (signal) => call(api.GET('/api/key-persons/tasks', { params: { query }, signal })),
    [JSON.stringify(query), version],
  );

export const useCurrentRiskAreas = (enabled: boolean) =>
  useResource(
    (signal) =>
      enabled
        ? call(api.GET('/api/health/risk-areas', { params: { query: { current: true } }, signal })).then(
            (list) => list.items,
          )
        : Promise.resolve([]),
    [enabled],
  );

export const useLeadList = (query: LeadQuery, version = 0) =>
  useResource(
    (signal) => call(api.GET('/api/leads', { params: { query }, signal })),
    [JSON.stringify(query), version],
  );

export const useLead = (id: number | null, version = 0) =>
  useResource(
    (signal) =>
      id === null
        ? Promise.resolve(null)
        : call(api.GET('/api/leads/{id}', { params: { path: { id } }, signal })),
    [id, version],
  );

export const useLeadProgress = (node: number | null, version = 0) =>
  useResource(
    (signal) =>
      node === null
        ? Promise.resolve(null)
        : call(api.GET('/api/leads/progress', { params: { query: { node } }, signal })),
    [node, version],
  );

export const useInbox = (query: HealthInboxQuery, version = 0) =>
  useResource(
    (signal) => call(api.GET('/api/health/unmatched', { params: { query }, signal })),
    [JSON.stringify(query), version],
  );

/** `window` null: the user has not asked yet (the search is audit-logged). */
export const useContacts = (personId: number, window: ContactQuery | null, version = 0) =>
  useResource(
    (signal) =>
      window === null
        ? Promise.resolve(null)
        : call(
            api.GET('/api/contacts/{personId}', { params: { path: { personId }, query: window }, signal }),
          ),
    [personId, JSON.stringify(window), version],
  );

/** `node` undefined: the top of the user's area. */
export const useDashboard = (node: number | undefined, version = 0) =>
  useResource(
    (signal) => call(api.GET('/api/dashboard', { params: { query: { node } }, signal })),
    [node, version],
  );

/** The newest events of a node's live feed, newest first, at most `cap`; `node` null: not listening. */
export function useLiveFeed(node: number | null, cap = 50) {
  const [events, setEvents] = useState<FeedEvent[]>([]);
  const [state, setState] = useState<'connecting' | 'open' | 'closed'>('connecting');
  useEffect(() => {
    setEvents([]);
    if (node === null) return;
    return api.dashboard.listen(
      node,
      (event) =>
        setEvents((current) =>
          current.some((known) => known.id === event.id) ? current : [event, ...current].slice(0, cap),
        ),
      setState,
    );
  }, [node, cap]);
  return { events, state };
}

/** The return-to-work board of an area (the big screen's 复工复产 panel); nothing when not enabled. */
export const useEnterpriseBoard = (areaId: number | undefined, version = 0, enabled = true) =>
  useResource(
    (signal) =>
      enabled && areaId
        ? call(api.GET('/api/enterprises/board', { params: { query: { areaId } }, signal }))
        : Promise.resolve(null),
    [areaId, version, enabled],
  );
