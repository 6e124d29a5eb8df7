import { Select } from 'antd';
import { type ReactNode, useEffect, useState } from 'react';
import { useI18n } from '../i18n/context';

interface SearchSelectProps<T extends { id: number }> {
  value?: number;
  onChange?: (id: number | undefined, item: T | undefined) => void;
  /** Loads up to a page of matches for what was typed ('' at first). */
  search: (q: string, signal: AbortSignal) => Promise<T[]>;
  render: (item: T) => ReactNode;
  placeholder?: string;
  /** The item behind `value` when the page already has it (so its label shows before any search). */
  initial?: T | null;
  id?: string;
  size?: 'large' | 'middle' | 'small';
  testId?: string;
}

const SEARCH_DELAY_MS = 250;

/** Picks one record in the caller's scope by typing part of it; the server does the matching. */
export function SearchSelect<T extends { id: number }>({
  value,
  onChange,
  search,
  render,
  placeholder,
  initial = null,
  id,
  size,
  testId,
}: SearchSelectProps<T>) {
  const { t } = useI18n();
  const [query, setQuery] = useState('');
  const [options, setOptions] = useState<T[]>([]);
  const [selected, setSelected] = useState<T | null>(initial);
  const [loading, setLoading] = useState(false);

  useEffect(() => {
    const controller = new AbortController();
    const timer = setTimeout(() => {
      setLoading(true);
      search(query.trim(), controller.signal)
        .then(setOptions)
        .catch(() => setOptions([]))
        .finally(() => {
          if (!controller.signal.aborted) setLoading(false);
        });
    }, SEARCH_DELAY_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
    // `search` is a fresh closure each render; only the typed text decides a new search.
  }, [query]);

  const shown = [...options];
  if (selected && selected.id === value && !shown.some((item) => item.id === selected.id))
    shown.unshift(selected);

  return (
    <Select<number>
      id={id}
      size={size}
      data-testid={testId}
      showSearch={{ filterOption: false, onSearch: setQuery }}
      allowClear
      value={value}
      placeholder={placeholder}
      loading={loading}
      notFoundContent={loading ? t('common.loading') : undefined}
      popupMatchSelectWidth={false}
      onChange={(next) => {
        const item = shown.find((candidate) => candidate.id === next);
        setSelected(item ?? null);
        onChange?.(next, item);
      }}
      options={shown.map((item) => ({ value: item.id, label: render(item) }))}
    />
  );
}
