import { ShareAltOutlined } from '@ant-design/icons';
import { Button, Card, Descriptions, Space, Spin, Typography } from 'antd';
import { lazy, Suspense } from 'react';
import { Link } from 'react-router-dom';
import { api, call } from '../../api/client';
import type { PersonHealthStatus } from '../../api/model';
import { useResource } from '../../api/resource';
import { ErrorResult } from '../ErrorResult';
import { type I18n, useI18n } from '../../i18n/context';
import { HealthBadge } from './HealthBadge';
import { HealthVerdictPanel } from './HealthVerdictPanel';
import { CategoryTag } from './tags';

const TemperatureSparkline = lazy(() =>
  import('./TemperatureSparkline').then((m) => ({ default: m.TemperatureSparkline })),
);

/** The person's health verdict with its reasons (the same the gate check shows), and the facts behind it. */
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
          <HealthFacts status={status.data} i18n={i18n} />
          <Typography.Text type="secondary" className="verdict-computed">
            {i18n.t('healthStatus.computedAt', { time: i18n.formatDateTime(status.data.computedAt) })}
          </Typography.Text>
        </>
      )}
    </Card>
  );
}

function HealthFacts({ status, i18n }: { status: PersonHealthStatus; i18n: I18n }) {
  const { t } = i18n;
  const { facts } = status;
  const none = t('healthFacts.none');
  const at = (value: string | null) => (value ? i18n.formatDateTime(value) : none);
  const testResult = facts.lastTestResult;
  return (
    <div className="health-facts" data-testid="health-facts">
      <HealthBadge status={status} />
      <Descriptions size="small" column={1} className="health-facts-list">
        <Descriptions.Item label={t('healthFacts.vaccination')}>
          <span data-testid="health-doses">
            {facts.vaccinationDoses > 0
              ? t('healthFacts.dosesOn', {
                  doses: facts.vaccinationDoses,
                  at: at(facts.lastVaccinatedAt),
                })
              : t('healthFacts.noDose')}
          </span>
        </Descriptions.Item>
        <Descriptions.Item label={t('healthFacts.lastTest')}>
          {testResult && facts.lastTestAt
            ? t('healthFacts.testAt', {
                result: i18n.has(`testResult.${testResult}`)
                  ? t(`testResult.${testResult}` as never)
                  : testResult,
                at: at(facts.lastTestAt),
              })
            : none}
        </Descriptions.Item>
        <Descriptions.Item label={t('healthFacts.healthCode')}>
          {facts.healthCode
            ? t('healthFacts.codeAt', {
                colour: t(`healthCode.${facts.healthCode}`),
                at: at(facts.healthCodeAt),
              })
            : none}
        </Descriptions.Item>
        <Descriptions.Item label={t('healthFacts.temperature')}>
          {facts.lastTemperature !== null
            ? t('healthFacts.temperatureAt', {
                temperature: facts.lastTemperature,
                at: at(facts.lastTemperatureAt),
              })
            : none}
        </Descriptions.Item>
        {facts.keyPersonCategories.length > 0 && (
          <Descriptions.Item label={t('healthFacts.keyPersons')}>
            <Space size={[0, 4]} wrap>
              {facts.keyPersonCategories.map((category) => (
                <CategoryTag key={category} category={category} />
              ))}
            </Space>
          </Descriptions.Item>
        )}
      </Descriptions>
      {facts.temperatures.length > 1 && (
        <div className="health-trend">
          <Typography.Text type="secondary">
            {t('healthFacts.trend')} · {t('healthFacts.threshold', { threshold: status.feverThreshold })}
          </Typography.Text>
          <Suspense fallback={<Spin size="small" />}>
            <TemperatureSparkline
              readings={facts.temperatures}
              threshold={status.feverThreshold}
              formatTime={(value) => i18n.formatDateTime(value)}
            />
          </Suspense>
        </div>
      )}
      {(facts.keyPersonCategories.includes('positive') || testResult === 'positive') && (
        <Link to={`/persons/${status.personId}/contacts`} data-testid="health-find-contacts">
          <Button size="small" icon={<ShareAltOutlined />}>
            {t('contacts.find')}
          </Button>
        </Link>
      )}
    </div>
  );
}
