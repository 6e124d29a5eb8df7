// Small data hooks: components ask for a resource, never call fetch themselves.
import { type DependencyList, useCallback, useEffect, useState } from 'react';
import { api } from './client';
import type { AreaListQuery, AuditQuery, UserListQuery } from './types';

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
