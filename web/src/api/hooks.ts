// Small data hooks: components ask for a resource, never call fetch themselves.
import { type DependencyList, useCallback, useEffect, useState } from 'react';
import { api } from './client';
import type {
  AreaListQuery,
  AuditQuery,
  CodeQuery,
  CoverageQuery,
  HouseQuery,
  PendingQuery,
  PersonQuery,
  UnitQuery,
  UserListQuery,
  VisitQuery,
} from './types';

export interface Resource<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/** Loads on mount and whenever `deps` change; a newer load aborts the older one. */
export function useResource<T>(load: (signal: AbortSignal) => Promise<T>, deps: DependencyList): Resource<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({
    data: undefined,
    error: undefined,
    loading: true,
  });
  const [version, setVersion] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    setState((previous) => ({ ...previous, error: undefined, loading: true }));
    load(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setState({ data, error: undefined, loading: false });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setState({ data: undefined, error, loading: false });
      },
    );
    return () => controller.abort();
    // `load` is a fresh closure each render; the caller's deps say when it really changes.
  }, [...deps, version]);

  const reload = useCallback(() => setVersion((v) => v + 1), []);
  return { ...state, reload };
}

export const useAreaRoots = () => useResource((signal) => api.areas.roots(signal), []);

export const useAreaDetail = (id: number) => useResource((signal) => api.areas.get(id, signal), [id]);

/** An area named by the page address, when there is one. */
export const useOptionalArea = (id: number | undefined) =>
  useResource((signal) => (id === undefined ? Promise.resolve(null) : api.areas.get(id, signal)), [id]);

/** `version`: bump it to load again after a change elsewhere on the page. */
export const useAreaList = (query: AreaListQuery, version = 0) =>
  useResource((signal) => api.areas.list(query, signal), [JSON.stringify(query), version]);

export const useChildFeatures = (id: number, enabled: boolean, version = 0) =>
  useResource(
    (signal) => (enabled ? api.areas.childrenGeoJson(id, signal) : Promise.resolve(null)),
    [id, enabled, version],
  );

export const useUserList = (query: UserListQuery, version = 0) =>
  useResource((signal) => api.users.list(query, signal), [JSON.stringify(query), version]);

export const useAuditList = (query: AuditQuery) =>
  useResource((signal) => api.audit.list(query, signal), [JSON.stringify(query)]);

export const usePersonList = (query: PersonQuery, version = 0) =>
  useResource((signal) => api.persons.list(query, signal), [JSON.stringify(query), version]);

export const usePerson = (id: number, version = 0) =>
  useResource((signal) => api.persons.get(id, signal), [id, version]);

export const useHouseList = (query: HouseQuery, version = 0) =>
  useResource((signal) => api.houses.list(query, signal), [JSON.stringify(query), version]);

/** `id` null: nothing to load yet (the visit form before a house is chosen). */
export const useHouse = (id: number | null, version = 0) =>
  useResource((signal) => (id === null ? Promise.resolve(null) : api.houses.get(id, signal)), [id, version]);

export const useUnitList = (query: UnitQuery, version = 0) =>
  useResource((signal) => api.units.list(query, signal), [JSON.stringify(query), version]);

export const useCodeList = (query: CodeQuery, version = 0) =>
  useResource((signal) => api.codes.list(query, signal), [JSON.stringify(query), version]);

export const usePendingList = (query: PendingQuery, version = 0) =>
  useResource((signal) => api.pending.list(query, signal), [JSON.stringify(query), version]);

/** How many submissions wait for the user, asked again on every navigation (`key`). */
export const usePendingCount = (enabled: boolean, key: string) =>
  useResource(
    (signal) =>
      enabled
        ? api.pending.list({ status: 'pending', pageSize: 1 }, signal).then((page) => page.total)
        : Promise.resolve(0),
    [enabled, key],
  );

export const useVisitList = (query: VisitQuery, version = 0) =>
  useResource((signal) => api.visits.list(query, signal), [JSON.stringify(query), version]);

export const useCoverage = (query: CoverageQuery | null) =>
  useResource(
    (signal) => (query ? api.visits.coverage(query, signal) : Promise.resolve(null)),
    [JSON.stringify(query)],
  );

export const useDoorPage = (token: string) =>
  useResource((signal) => api.public.household(token, signal), [token]);

export const useSelfReportPage = (token: string) =>
  useResource((signal) => api.public.selfReport(token, signal), [token]);

export const usePlacePage = (token: string) =>
  useResource((signal) => api.public.place(token, signal), [token]);

const IMPORT_POLL_MS = 1000;

/** An import job, asked again every second while it runs. */
export function useImportJob(id: string | null) {
  const [tick, setTick] = useState(0);
  const job = useResource(
    (signal) => (id === null ? Promise.resolve(null) : api.imports.get(id, signal)),
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
