import { Result, Spin } from 'antd';
import { Navigate } from 'react-router-dom';
import { useAreaRoots } from '../api/hooks';
import type { MeResponse as Me } from '../api/model';
import { useAuth } from '../auth/AuthContext';
import { ErrorResult } from '../components/ErrorResult';
import { useI18n } from '../i18n/context';

/** Where a sign-in lands without a page to return to: commanders on the big screen, others at home. */
export function startPageOf(me: Me): string {
  return me.assignments.some((assignment) => assignment.role === 'commander') ? '/dashboard' : '/';
}

/** Grid workers start their day on the today page; everyone else at the top of their area. */
export function HomePage() {
  const { me } = useAuth();
  const workerOnly =
    (me?.assignments.length ?? 0) > 0 &&
    me?.assignments.every((assignment) => assignment.role === 'grid_worker');
  if (workerOnly) return <Navigate to="/today" replace />;
  return <AreasHome />;
}

/** The top of the user's own area. */
export function AreasHome() {
  const { t } = useI18n();
  const roots = useAreaRoots();
  if (roots.error) return <ErrorResult error={roots.error} onRetry={roots.reload} />;
  if (!roots.data) return <Spin className="page-spin" />;
  const first = roots.data.items[0];
  if (!first) return <Result status="info" title={t('area.noRoots')} />;
  return <Navigate to={`/areas/${first.id}`} replace />;
}
