import { ClockCircleOutlined } from '@ant-design/icons';
import { Tooltip } from 'antd';
import { useDataAge } from '../api/data-age';
import { useI18n } from '../i18n/context';

/** "数据可能延迟 N 秒": shown while a page on screen was answered by a replica lagging beyond the server's bound. */
export function DataAgeNotice({ compact = false }: { compact?: boolean }) {
  const { t } = useI18n();
  const seconds = useDataAge();
  if (seconds === null) return null;
  return (
    <Tooltip title={t('dataAge.explain')}>
      <div
        className={compact ? 'data-age-notice data-age-notice-compact' : 'data-age-notice'}
        data-testid="data-age-notice"
        role="status"
      >
        <ClockCircleOutlined /> {t('dataAge.notice', { seconds })}
      </div>
    </Tooltip>
  );
}
