import { Result, Spin } from 'antd';
import { Navigate } from 'react-router-dom';
import { useAreaRoots } from '../api/hooks';
import { ErrorResult } from '../components/ErrorResult';
import { useI18n } from '../i18n/context';

/** The start page is the top of the user's own area. */
export function HomePage() {
  const { t } = useI18n();
  const roots = useAreaRoots();
  if (roots.error) return <ErrorResult error={roots.error} onRetry={roots.reload} />;
  if (!roots.data) return <Spin className="page-spin" />;
  const first = roots.data.items[0];
  if (!first) return <Result status="info" title={t('area.noRoots')} />;
  return <Navigate to={`/areas/${first.id}`} replace />;
}
