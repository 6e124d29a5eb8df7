// Small data hooks: components ask for a resource, never call fetch themselves.
import { type DependencyList, useCallback, useEffect, useState } from 'react';
import { api } from './client';
import type {
  AreaListQuery,
  AuditQuery,
  CodeQuery,
  ContactWindow,
  CoverageQuery,
  FeedEvent,
  HouseQuery,
  InboxQuery,
  KeyPersonQuery,
  KeyPersonTaskQuery,
  LeadQuery,
  PendingQuery,
  PersonQuery,
  RoundQuery,
  UnitQuery,
  UntestedQuery,
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

// ---- Epidemic prevention ----

export const useRoundList = (query: RoundQuery, version = 0) =>
  useResource((signal) => api.rounds.list(query, signal), [JSON.stringify(query), version]);

export const useRound = (id: number, version = 0) =>
  useResource((signal) => api.rounds.get(id, signal), [id, version]);

export const useRoundCoverage = (id: number, node: number | undefined, version = 0) =>
  useResource((signal) => api.rounds.coverage(id, node, signal), [id, node, version]);

/** `id` null: no open round to list. */
export const useUntested = (id: number | null, query: UntestedQuery, version = 0) =>
  useResource(
    (signal) => (id === null ? Promise.resolve(null) : api.rounds.untested(id, query, signal)),
    [id, JSON.stringify(query), version],
  );

export const useKeyPersonList = (query: KeyPersonQuery, version = 0) =>
  useResource((signal) => api.keyPersons.list(query, signal), [JSON.stringify(query), version]);

/** `id` null: nothing to load yet. */
export const useKeyPerson = (id: number | null, version = 0) =>
  useResource(
    (signal) => (id === null ? Promise.resolve(null) : api.keyPersons.get(id, signal)),
    [id, version],
  );

export const useKeyPersonTasks = (query: KeyPersonTaskQuery, version = 0) =>
  useResource((signal) => api.keyPersons.tasks(query, signal), [JSON.stringify(query), version]);

export const useCurrentRiskAreas = (enabled: boolean) =>
  useResource(
    (signal) => (enabled ? api.riskAreas.current(signal).then((list) => list.items) : Promise.resolve([])),
    [enabled],
  );

export const useLeadList = (query: LeadQuery, version = 0) =>
  useResource((signal) => api.leads.list(query, signal), [JSON.stringify(query), version]);

export const useLead = (id: number | null, version = 0) =>
  useResource((signal) => (id === null ? Promise.resolve(null) : api.leads.get(id, signal)), [id, version]);

export const useLeadProgress = (node: number | null, version = 0) =>
  useResource(
    (signal) => (node === null ? Promise.resolve(null) : api.leads.progress(node, signal)),
    [node, version],
  );

export const useInbox = (query: InboxQuery, version = 0) =>
  useResource((signal) => api.inbox.list(query, signal), [JSON.stringify(query), version]);

/** `window` null: the user has not asked yet (the search is audit-logged). */
export const useContacts = (personId: number, window: ContactWindow | null, version = 0) =>
  useResource(
    (signal) => (window === null ? Promise.resolve(null) : api.contacts.find(personId, window, signal)),
    [personId, JSON.stringify(window), version],
  );

export const useDashboard = (node: number | undefined, version = 0) =>
  useResource((signal) => api.dashboard.get(node, signal), [node, version]);

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
