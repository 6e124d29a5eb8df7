import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';

/** What the area page tells the navigator: where we are, and which areas just changed. */
export interface AreaNavigation {
  /** Ids from the top ancestor down to the area on screen; empty elsewhere. */
  trail: number[];
  setTrail: (trail: number[]) => void;
  /** Areas whose children changed (added, renamed, moved, retired), with a counter to react to. */
  changed: { ids: number[]; version: number };
  notifyChanged: (ids: Array<number | null>) => void;
}

const NavigationContext = createContext<AreaNavigation | null>(null);

export function NavigationProvider({ children }: { children: ReactNode }) {
  const [trail, setTrailState] = useState<number[]>([]);
  const [changed, setChanged] = useState<AreaNavigation['changed']>({ ids: [], version: 0 });

  const setTrail = useCallback(
    (next: number[]) =>
      setTrailState((current) =>
        current.length === next.length && current.every((id, i) => id === next[i]) ? current : next,
      ),
    [],
  );
  const notifyChanged = useCallback(
    (ids: Array<number | null>) =>
      setChanged((current) => ({
        ids: ids.filter((id): id is number => id !== null),
        version: current.version + 1,
      })),
    [],
  );

  const value = useMemo(
    () => ({ trail, setTrail, changed, notifyChanged }),
    [trail, setTrail, changed, notifyChanged],
  );
  return <NavigationContext.Provider value={value}>{children}</NavigationContext.Provider>;
}

export function useAreaNavigation(): AreaNavigation {
  const value = useContext(NavigationContext);
  if (!value) throw new Error('useAreaNavigation needs a <NavigationProvider> above it');
  return value;
}
