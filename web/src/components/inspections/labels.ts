import type { I18n } from '../../i18n/context';
import type { MessageKey } from '../../i18n/zh-CN';

/** A checklist item's name: the district's own as typed, a built-in one translated by its key. */
export const itemLabel = (i18n: I18n, item: { key: string; label: string | null }) =>
  item.label ?? i18n.t(`inspections.item.${item.key}` as MessageKey);
