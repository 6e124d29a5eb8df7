import { Card, Spin, Typography } from 'antd';
import { api, call } from '../../api/client';
import { useResource } from '../../api/resource';
import { ErrorResult } from '../ErrorResult';
import { useI18n } from '../../i18n/context';
import { HealthVerdictPanel } from './HealthVerdictPanel';

/** The person's health verdict with its reasons: the same the gate check shows. */
export function PersonHealthCard({ personId }: { personId: number }) {
  const i18n = useI18n();
  const status = useResource(
    (signal) =>
      call(api.GET('/api/persons/{id}/health-status', { params: { path: { id: personId } }, signal })),
    [personId],
  );
  return (
    <Card size="small" title={i18n.t('healthStatus.title')} data-testid="person-health-status">
      {status.error ? (
        <ErrorResult error={status.error} onRetry={status.reload} />
      ) : !status.data ? (
        <Spin />
      ) : (
        <>
          <HealthVerdictPanel verdict={status.data.verdict} reasons={status.data.reasons} />
          <Typography.Text type="secondary" className="verdict-computed">
            {i18n.t('healthStatus.computedAt', { time: i18n.formatDateTime(status.data.computedAt) })}
          </Typography.Text>
        </>
      )}
    </Card>
  );
}
