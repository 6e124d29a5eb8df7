import type { TablePaginationConfig } from 'antd';
import type { I18n } from '../i18n/context';

export interface Paging {
  page: number;
  pageSize: number;
}

/**
 * A table's pagination driven by a page/pageSize state: one shape (and one "N in total" text)
 * for every paged list; `extra` adds size changers and the like.
 */
export function tablePaging(
  t: I18n['t'],
  paging: Paging,
  total: number,
  onChange: (next: Paging) => void,
  extra: Omit<TablePaginationConfig, 'current' | 'pageSize' | 'total' | 'showTotal' | 'onChange'> = {},
): TablePaginationConfig {
  return {
    ...extra,
    current: paging.page,
    pageSize: paging.pageSize,
    total,
    showTotal: (count) => t('common.total', { total: count }),
    onChange: (page, pageSize) => onChange({ page, pageSize }),
  };
}
