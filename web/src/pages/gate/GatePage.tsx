import { Alert, Card, Empty, List, Segmented, Spin, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { api, call } from '../../api/client';
import type { CheckRecordView, CheckSubject, IdentifyResult } from '../../api/model';
import { useResource } from '../../api/resource';
import { ErrorResult } from '../../components/ErrorResult';
import { useI18n } from '../../i18n/context';
import { PassVerifyPanel } from '../passes/PassVerifyPanel';
import { GateDutyCard } from './GateDutyCard';
import { GateIdentifyCard } from './GateIdentifyCard';
import { GateRecentCard } from './GateRecentCard';
import { GateSubjectCard } from './GateSubjectCard';

/**
 * The gate check (卡口查验) on the phone of the person on duty: choose the checkpoint and sign in,
 * identify a person by scanning their pass or door code or typing their ID number, see the verdict
 * at a glance, record the crossing; today's crossings below.
 */
export function GatePage() {
  const i18n = useI18n();
  const { t } = i18n;
  const navigate = useNavigate();
  const [version, setVersion] = useState(0);
  const mine = useResource((signal) => call(api.GET('/api/checkpoints/duty/mine', { signal })), [version]);
  // A link from elsewhere (a checkpoint's page, its printed code) may name the checkpoint.
  const [params] = useSearchParams();
  const [chosen, setChosen] = useState<number | null>(() => Number(params.get('checkpoint')) || null);
  const [identified, setIdentified] = useState<IdentifyResult | null>(null);
  const [subject, setSubject] = useState<CheckSubject | null>(null);
  const [recorded, setRecorded] = useState(0);

  const data = mine.data;
  const dutyAt = data?.duty?.checkpoint.id ?? null;
  const checkpointId = dutyAt ?? chosen ?? (data?.checkpoints.length === 1 ? data.checkpoints[0]!.id : null);
  const checkpoint = data?.checkpoints.find((c) => c.id === checkpointId) ?? null;
  const onDutyHere = dutyAt !== null && dutyAt === checkpointId;

  const recent = useResource(
    (signal) =>
      checkpointId === null
        ? Promise.resolve({ items: [] as CheckRecordView[] })
        : call(
            api.GET('/api/checkpoints/{id}/checks/recent', {
              params: { path: { id: checkpointId } },
              signal,
            }),
          ),
    [checkpointId, recorded],
  );

  const reset = () => {
    setIdentified(null);
    setSubject(null);
  };

  // No network at the gate: passes still verify on the phone, from the keys and revocations it synced.
  if (mine.error && !navigator.onLine)
    return (
      <div className="page narrow-page gate-page" data-testid="gate-page-offline">
        <Typography.Title level={3} className="page-title">
          {t('gate.title')}
        </Typography.Title>
        <Alert type="warning" showIcon className="page-alert" title={t('gate.offline')} />
        <PassVerifyPanel checkpointId={chosen ?? undefined} />
      </div>
    );
  if (mine.error) return <ErrorResult error={mine.error} onRetry={mine.reload} />;
  if (!data) return <Spin className="page-spin" />;

  return (
    <div className="page narrow-page gate-page" data-testid="gate-page">
      <Typography.Title level={3} className="page-title">
        {t('gate.title')}
      </Typography.Title>
      <Segmented
        block
        className="gate-tabs"
        value="persons"
        options={[
          { value: 'persons', label: t('gate.persons') },
          { value: 'vehicles', label: t('gate.vehicles') },
        ]}
        onChange={(value) => {
          if (value === 'vehicles')
            void navigate(
              checkpointId === null ? '/gate/vehicles' : `/gate/vehicles?checkpoint=${checkpointId}`,
            );
        }}
        data-testid="gate-tabs"
      />
      {data.checkpoints.length === 0 ? (
        <Empty description={t('gate.noCheckpoints')} />
      ) : (
        <>
          <GateDutyCard
            checkpoints={data.checkpoints}
            checkpoint={checkpoint}
            onDutyHere={onDutyHere}
            signedInAt={onDutyHere ? data.duty!.signedInAt : null}
            lastHandover={data.lastHandover}
            onChoose={(id) => {
              setChosen(id);
              reset();
            }}
            onChanged={() => setVersion((v) => v + 1)}
          />
          {checkpoint && (
            <GateIdentifyCard
              checkpointId={checkpoint.id}
              onIdentified={(result) => {
                setIdentified(result);
                setSubject(result.subjects.length === 1 ? result.subjects[0]! : null);
              }}
            />
          )}
          {identified && identified.subjects.length !== 1 && !subject && (
            <Card size="small" className="gate-card" title={t('gate.pickMember')} data-testid="gate-members">
              {identified.subjects.length === 0 ? (
                <Empty description={t('gate.noMembers')} />
              ) : (
                <List
                  dataSource={identified.subjects}
                  renderItem={(s) => (
                    <List.Item
                      onClick={() => setSubject(s)}
                      className="gate-member"
                      data-testid="gate-member"
                    >
                      <span>
                        {s.nameMasked} <Typography.Text type="secondary">{s.documentMasked}</Typography.Text>
                      </span>
                      <Tag color={s.verdict === 'green' ? 'green' : s.verdict === 'amber' ? 'gold' : 'red'}>
                        {t(`healthVerdict.${s.verdict}`)}
                      </Tag>
                    </List.Item>
                  )}
                />
              )}
            </Card>
          )}
          {checkpoint && subject && (
            <GateSubjectCard
              key={subject.handle}
              i18n={i18n}
              checkpoint={checkpoint}
              subject={subject}
              onDuty={onDutyHere}
              onRecorded={() => setRecorded((n) => n + 1)}
              onNext={reset}
            />
          )}
          {checkpoint && (
            <GateRecentCard i18n={i18n} items={recent.data?.items ?? []} loading={recent.loading} />
          )}
        </>
      )}
    </div>
  );
}
