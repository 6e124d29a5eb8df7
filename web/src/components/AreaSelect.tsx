import { Select, Space } from 'antd';
import { useEffect, useState } from 'react';
import { api, call } from '../api/client';
import type { AreaView as Area } from '../api/model';
import type { Level } from '../api/vocabulary';
import { useI18n } from '../i18n/context';
import { LevelTag } from './LevelTag';

interface AreaSelectProps {
  value?: number;
  onChange?: (id: number | undefined, area: Area | undefined) => void;
  /** Only areas of this level (a new parent must sit one level up). */
  level?: Level;
  excludeIds?: number[];
  placeholder?: string;
  id?: string;
  /** The area behind `value` when the page already knows it, so its name shows before any search. */
  initial?: Area | null;
}

const SEARCH_DELAY_MS = 250;

/** Picks an area in the caller's scope by typing part of its name or code. */
export function AreaSelect({
  value,
  onChange,
  level,
  excludeIds = [],
  placeholder,
  id,
  initial = null,
}: AreaSelectProps) {
  const { t } = useI18n();
  const [query, setQuery] = useState('');
  const [options, setOptions] = useState<Area[]>([]);
  const [selected, setSelected] = useState<Area | null>(initial);
  const [loading, setLoading] = useState(false);

  useEffect(() => {
    if (initial) setSelected(initial);
  }, [initial]);

  useEffect(() => {
    const controller = new AbortController();
    const timer = setTimeout(() => {
      setLoading(true);
      call(
        api.GET('/api/areas', {
          params: { query: { q: query.trim() || undefined, level, pageSize: 20 } },
          signal: controller.signal,
        }),
      )
        .then((page) => setOptions(page.items))
        .catch(() => setOptions([]))
        .finally(() => {
          if (!controller.signal.aborted) setLoading(false);
        });
    }, SEARCH_DELAY_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [query, level]);

  const shown = options.filter((area) => !excludeIds.includes(area.id));
  if (selected && selected.id === value && !shown.some((area) => area.id === selected.id))
    shown.unshift(selected);

  return (
    <Select<number>
      id={id}
      showSearch={{ filterOption: false, onSearch: setQuery }}
      allowClear
      value={value}
      placeholder={placeholder ?? t('area.parentPlaceholder')}
      loading={loading}
      notFoundContent={loading ? t('common.loading') : undefined}
      onChange={(next) => {
        const area = shown.find((candidate) => candidate.id === next);
        setSelected(area ?? null);
        onChange?.(next, area);
      }}
      options={shown.map((area) => ({
        value: area.id,
        label: (
          <Space size={4}>
            <LevelTag level={area.level} />
            <span>{area.name}</span>
            <span className="muted">{area.code}</span>
          </Space>
        ),
      }))}
    />
  );
}
