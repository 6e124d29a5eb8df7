import { Empty, List, Select, Typography } from 'antd';
import { useState } from 'react';
import { api, call } from '../../api/client';
import { useResource } from '../../api/hooks';
import { ErrorResult } from '../../components/ErrorResult';
import { useI18n } from '../../i18n/context';
import './passes.css';

/** Visitors registered at a residents-only checkpoint (masked): whom they came to and why. */
export function GateVisitsList({ checkpointId }: { checkpointId: number }) {
  const { t, formatDateTime } = useI18n();
  const visits = useResource(
    (signal) =>
      call(api.GET('/api/gate-visits', { params: { query: { checkpointId, pageSize: 50 } }, signal })),
    [checkpointId],
  );
  if (visits.error) return <ErrorResult error={visits.error} onRetry={visits.reload} />;
  return (
    <List
      loading={visits.loading && !visits.data}
      dataSource={visits.data?.items ?? []}
      locale={{ emptyText: <Empty description={t('passes.visits.empty')} /> }}
      renderItem={(visit) => (
        <List.Item key={visit.id} data-testid="gate-visit">
          <List.Item.Meta
            title={
              <span>
                {visit.nameMasked ?? visit.documentMasked ?? visit.phoneMasked}{' '}
                <span className="muted code-text">{visit.nameMasked ? visit.documentMasked : null}</span>
              </span>
            }
            description={
              <>
                <div>{t('passes.visits.host', { address: visit.hostAddress })}</div>
                <div>{visit.purpose}</div>
                <div className="muted">{formatDateTime(visit.visitedAt)}</div>
              </>
            }
          />
        </List.Item>
      )}
    />
  );
}

/** /passes/visitors: pick one of your checkpoints, see who registered as a visitor there. */
export function GateVisitsPage() {
  const { t } = useI18n();
  const material = useResource((signal) => call(api.GET('/api/passes/verification', { signal })), []);
  const [checkpointId, setCheckpointId] = useState<number | undefined>(undefined);
  const checkpoints = material.data?.checkpoints ?? [];
  const chosen = checkpointId ?? checkpoints[0]?.id;
  return (
    <div className="page narrow-page" data-testid="gate-visits-page">
      <Typography.Title level={3} className="page-title">
        {t('passes.visits.title')}
      </Typography.Title>
      {material.error ? (
        <ErrorResult error={material.error} onRetry={material.reload} />
      ) : (
        <>
          <div className="pass-verify-checkpoint">
            <span>{t('passes.verify.checkpoint')}</span>
            <Select<number>
              value={chosen}
              onChange={setCheckpointId}
              loading={material.loading}
              options={checkpoints.map((c) => ({ value: c.id, label: c.name }))}
              data-testid="gate-visits-checkpoint"
            />
          </div>
          {chosen !== undefined ? (
            <GateVisitsList checkpointId={chosen} />
          ) : (
            !material.loading && <Empty description={t('passes.visits.noCheckpoint')} />
          )}
        </>
      )}
    </div>
  );
}
