import { Alert, Button, Card, Input, InputNumber, Segmented, Switch, Typography } from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { api, call } from '../../api/client';
import type { CheckResult, CheckSubject, DutyCheckpoint } from '../../api/model';
import { HealthVerdictPanel } from '../../components/health/HealthVerdictPanel';
import { type I18n } from '../../i18n/context';
import { errorText } from '../../i18n/labels';

/** The one-glance verdict with the masked identity, and recording the crossing. */
export function GateSubjectCard({
  i18n,
  checkpoint,
  subject,
  onDuty,
  onRecorded,
  onNext,
}: {
  i18n: I18n;
  checkpoint: DutyCheckpoint;
  subject: CheckSubject;
  onDuty: boolean;
  onRecorded: () => void;
  onNext: () => void;
}) {
  const { t } = i18n;
  const [direction, setDirection] = useState<'in' | 'out'>('in');
  const [temperature, setTemperature] = useState<number | null>(null);
  const [disinfected, setDisinfected] = useState(true);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [result, setResult] = useState<CheckResult | null>(null);
  // One key per identification: a retried submit (lost answer) is answered, not recorded twice.
  const idempotencyKey = useMemo(() => crypto.randomUUID(), []);
  const needsTemperature = checkpoint.rules.checkTemperature;
  const fever = temperature !== null && temperature >= checkpoint.rules.feverThreshold;
  const mustRefuse = subject.verdict === 'red' || fever;

  const submit = async (decision: 'allowed' | 'refused') => {
    setBusy(true);
    setProblem(null);
    try {
      const answer = await call(
        api.POST('/api/checkpoints/{id}/checks', {
          params: { path: { id: checkpoint.id }, header: { 'idempotency-key': idempotencyKey } },
          body: {
            handle: subject.handle,
            direction,
            ...(temperature !== null ? { temperature } : {}),
            disinfected,
            decision,
            ...(note.trim() ? { note: note.trim() } : {}),
          },
        }),
      );
      setResult(answer);
      onRecorded();
    } catch (error) {
      setProblem(errorText(i18n, error));
    } finally {
      setBusy(false);
    }
  };

  // The verdict is what the worker looks at: bring it up on a small screen.
  const top = useRef<HTMLDivElement>(null);
  useEffect(() => {
    top.current?.scrollIntoView?.({ block: 'start', behavior: 'smooth' });
  }, []);

  return (
    <div ref={top} className="gate-subject-anchor">
      <Card size="small" className="gate-card" data-testid="gate-subject">
        <HealthVerdictPanel
          verdict={subject.verdict}
          // The valid pass has its own line below the identity, with its purpose.
          reasons={subject.reasons.filter((r) => r.code !== 'PASS_VALID')}
          size="large"
          testId="gate-verdict"
        >
          <div className="verdict-identity" data-testid="gate-identity">
            {subject.nameMasked} · {subject.documentMasked}
          </div>
          {subject.pass && (
            <div className="verdict-pass">
              {t('gate.pass', {
                code: subject.pass.code,
                purpose: subject.pass.purpose,
                validTo: i18n.formatDateTime(subject.pass.validTo),
              })}
            </div>
          )}
        </HealthVerdictPanel>
        {result ? (
          <div className="gate-result">
            <Alert
              type={result.record.decision === 'allowed' ? 'success' : 'warning'}
              showIcon
              data-testid="gate-recorded"
              title={t('gate.recorded', {
                decision: t(`checkpoint.decision.${result.record.decision ?? 'refused'}`),
              })}
              description={result.event ? t('gate.eventOpened', { code: result.event.code }) : undefined}
            />
            <Button block size="large" type="primary" onClick={onNext} data-testid="gate-next">
              {t('gate.next')}
            </Button>
          </div>
        ) : !onDuty ? (
          <Alert
            type="info"
            showIcon
            className="gate-result"
            title={t('gate.notOnDuty')}
            data-testid="gate-not-on-duty"
          />
        ) : (
          <div className="gate-form">
            <div className="gate-row">
              <span>{t('gate.direction')}</span>
              <Segmented
                value={direction}
                onChange={(value) => setDirection(value as 'in' | 'out')}
                options={[
                  { value: 'in', label: t('checkpoint.direction.in') },
                  { value: 'out', label: t('checkpoint.direction.out') },
                ]}
                data-testid="gate-direction"
              />
            </div>
            <div className="gate-row">
              <span>{t('gate.temperature')}</span>
              <InputNumber
                size="large"
                min={30}
                max={45}
                step={0.1}
                precision={1}
                inputMode="decimal"
                value={temperature}
                onChange={(value) => setTemperature(typeof value === 'number' ? value : null)}
                status={fever ? 'error' : undefined}
                aria-label={t('gate.temperature')}
                data-testid="gate-temperature"
              />
            </div>
            {fever && (
              <Typography.Text type="danger">
                {t('gate.fever', { threshold: checkpoint.rules.feverThreshold })}
              </Typography.Text>
            )}
            <div className="gate-row">
              <span>{t('gate.disinfected')}</span>
              <Switch checked={disinfected} onChange={setDisinfected} aria-label={t('gate.disinfected')} />
            </div>
            <Input
              value={note}
              maxLength={200}
              placeholder={t('gate.note')}
              aria-label={t('gate.note')}
              onChange={(e) => setNote(e.target.value)}
            />
            {subject.verdict === 'red' && (
              <Typography.Text type="danger">{t('gate.redOnlyRefuse')}</Typography.Text>
            )}
            {problem && <Alert type="error" showIcon title={problem} data-testid="gate-record-problem" />}
            <div className="gate-decisions">
              <Button
                size="large"
                type="primary"
                className="gate-allow"
                disabled={mustRefuse || (needsTemperature && temperature === null)}
                loading={busy}
                onClick={() => void submit('allowed')}
                data-testid="gate-allow"
              >
                {t('gate.allow')}
              </Button>
              <Button
                size="large"
                danger
                type="primary"
                disabled={needsTemperature && temperature === null}
                loading={busy}
                onClick={() => void submit('refused')}
                data-testid="gate-refuse"
              >
                {t('gate.refuse')}
              </Button>
            </div>
          </div>
        )}
      </Card>
    </div>
  );
}
