import { Alert, Spin, Tree, type TreeDataNode } from 'antd';
import { type Key, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { allChildAreas, api, call } from '../api/client';
import type { AreaView as Area } from '../api/model';
import { useI18n } from '../i18n/context';
import { errorText } from '../i18n/labels';
import { levelIcon } from './LevelTag';
import { useAreaNavigation } from './navigation';

interface AreaTreeProps {
  /** Called after a node was chosen (the phone drawer closes itself). */
  onNavigate?: () => void;
}

/** The hierarchy navigator: starts at the caller's scope roots, loads each level when opened. */
export function AreaTree({ onNavigate }: AreaTreeProps) {
  const i18n = useI18n();
  const navigate = useNavigate();
  const { trail, changed } = useAreaNavigation();
  const [areas, setAreas] = useState<ReadonlyMap<number, Area>>(new Map());
  const [childrenOf, setChildrenOf] = useState<ReadonlyMap<number, number[]>>(new Map());
  const [roots, setRoots] = useState<number[] | null>(null);
  const [expanded, setExpanded] = useState<Key[]>([]);
  const [error, setError] = useState<unknown>(null);
  const pending = useRef(new Map<number, Promise<void>>());
  const loaded = useRef(new Set<number>());

  const remember = useCallback((list: Area[]) => {
    setAreas((current) => {
      const next = new Map(current);
      for (const area of list) next.set(area.id, area);
      return next;
    });
  }, []);

  const loadRoots = useCallback(async () => {
    try {
      const { items } = await call(api.GET('/api/areas/roots'));
      remember(items);
      setRoots(items.map((area) => area.id));
      setError(null);
    } catch (failure) {
      setError(failure);
    }
  }, [remember]);

  const loadChildren = useCallback(
    (id: number, force = false): Promise<void> => {
      const running = pending.current.get(id);
      if (running) return running;
      if (loaded.current.has(id) && !force) return Promise.resolve();
      const job = allChildAreas(id)
        .then((items) => {
          loaded.current.add(id);
          remember(items);
          setChildrenOf((current) =>
            new Map(current).set(
              id,
              items.map((area) => area.id),
            ),
          );
        })
        .catch((failure: unknown) => setError(failure))
        .finally(() => pending.current.delete(id));
      pending.current.set(id, job);
      return job;
    },
    [remember],
  );

  useEffect(() => {
    void loadRoots();
  }, [loadRoots]);

  // Open the tree down to the area on screen.
  useEffect(() => {
    if (!roots) return;
    const start = trail.findIndex((id) => roots.includes(id));
    if (start < 0) return;
    const path = trail.slice(start);
    let cancelled = false;
    void (async () => {
      for (const id of path) {
        await loadChildren(id);
        if (cancelled) return;
      }
      setExpanded((current) => [...new Set([...current, ...path.map(String)])]);
    })();
    return () => {
      cancelled = true;
    };
  }, [trail, roots, loadChildren]);

  // Reload what the area page changed.
  useEffect(() => {
    if (changed.version === 0) return;
    for (const id of changed.ids) if (loaded.current.has(id)) void loadChildren(id, true);
    void loadRoots();
  }, [changed, loadChildren, loadRoots]);

  const treeData = useMemo(() => {
    const build = (id: number, seen: Set<number>): TreeDataNode | null => {
      const area = areas.get(id);
      if (!area || seen.has(id)) return null;
      const kids = childrenOf.get(id);
      const nextSeen = new Set(seen).add(id);
      return {
        key: String(id),
        title: area.retired ? <span className="retired">{area.name}</span> : area.name,
        icon: levelIcon(area.level),
        isLeaf: area.childCount === 0 && !kids?.length,
        children: kids
          ?.map((child) => build(child, nextSeen))
          .filter((node): node is TreeDataNode => node !== null),
      };
    };
    return (roots ?? [])
      .map((id) => build(id, new Set()))
      .filter((node): node is TreeDataNode => node !== null);
  }, [areas, childrenOf, roots]);

  if (error && !roots) return <Alert type="error" showIcon title={errorText(i18n, error)} />;
  if (!roots) return <Spin className="tree-spin" />;

  const selected = trail.at(-1);
  return (
    <Tree
      className="area-tree"
      showIcon
      blockNode
      treeData={treeData}
      expandedKeys={expanded}
      onExpand={(keys) => setExpanded(keys)}
      loadedKeys={[...childrenOf.keys()].map(String)}
      loadData={(node) => loadChildren(Number(node.key))}
      selectedKeys={selected === undefined ? [] : [String(selected)]}
      onSelect={(_keys, info) => {
        void navigate(`/areas/${String(info.node.key)}`);
        onNavigate?.();
      }}
    />
  );
}
