import { LoginOutlined, LogoutOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Input, Select, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { api, call } from '../../api/client';
import type { DutyCheckpoint } from '../../api/model';
import { useI18n } from '../../i18n/context';
import { errorText } from '../../i18n/labels';

/** The phone's position for a sign-in, as the location picker takes it; null when there is no fix in time. */
function currentPosition(): Promise<{ lng: number; lat: number; accuracyM: number } | null> {
  if (!('geolocation' in navigator)) return Promise.resolve(null);
  return new Promise((resolve) =>
    navigator.geolocation.getCurrentPosition(
      (p) =>
        resolve({
          lng: Number(p.coords.longitude.toFixed(6)),
          lat: Number(p.coords.latitude.toFixed(6)),
          accuracyM: Math.min(10_000, Math.max(0, Math.round(p.coords.accuracy))),
        }),
      () => resolve(null),
      { enableHighAccuracy: true, timeout: 10_000, maximumAge: 30_000 },
    ),
  );
}

/** Which checkpoint, and signing in and out of duty there (with the phone's position and a hand-over note). */
export function GateDutyCard({
  checkpoints,
  checkpoint,
  onDutyHere,
  signedInAt,
  lastHandover,
  onChoose,
  onChanged,
}: {
  checkpoints: DutyCheckpoint[];
  checkpoint: DutyCheckpoint | null;
  onDutyHere: boolean;
  signedInAt: string | null;
  lastHandover: { note: string; by: string; at: string } | null;
  onChoose: (id: number) => void;
  onChanged: () => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const [leaving, setLeaving] = useState(false);
  const [note, setNote] = useState('');

  const signIn = async () => {
    if (!checkpoint) return;
    setBusy(true);
    try {
      const position = await currentPosition();
      await call(
        api.POST('/api/checkpoints/{id}/duty/sign-in', {
          params: { path: { id: checkpoint.id } },
          body: position ?? {},
        }),
      );
      void message.success(
        `${t('gate.signedIn')}；${position ? t('gate.positionTaken', { metres: position.accuracyM }) : t('gate.noPosition')}`,
      );
      onChanged();
    } catch (error) {
      void message.error(errorText(i18n, error));
    } finally {
      setBusy(false);
    }
  };
  const signOut = async () => {
    if (!checkpoint) return;
    setBusy(true);
    try {
      const position = await currentPosition();
      await call(
        api.POST('/api/checkpoints/{id}/duty/sign-out', {
          params: { path: { id: checkpoint.id } },
          body: {
            ...(position ? { lng: position.lng, lat: position.lat } : {}),
            handoverNote: note.trim() || undefined,
          },
        }),
      );
      void message.success(t('gate.signedOut'));
      setLeaving(false);
      setNote('');
      onChanged();
    } catch (error) {
      void message.error(errorText(i18n, error));
    } finally {
      setBusy(false);
    }
  };

  const rules = checkpoint?.rules;
  return (
    <Card size="small" className="gate-card" data-testid="gate-duty">
      <Select
        className="gate-select"
        size="large"
        placeholder={t('gate.chooseCheckpoint')}
        value={checkpoint?.id}
        disabled={onDutyHere}
        onChange={onChoose}
        options={checkpoints.map((c) => ({ value: c.id, label: `${c.name}（${c.area.name}）` }))}
        data-testid="gate-checkpoint"
      />
      {checkpoint && rules && (
        <div className="gate-rules">
          <Typography.Text type="secondary">{t('gate.rules')}</Typography.Text>
          {rules.checkTemperature && <Tag>{t('gate.rule.temperature')}</Tag>}
          {rules.checkHealthCode && <Tag>{t('gate.rule.healthCode')}</Tag>}
          {rules.testWithinHours !== null && (
            <Tag>{t('gate.rule.test', { hours: rules.testWithinHours })}</Tag>
          )}
          {rules.passRequired && <Tag color="blue">{t('gate.rule.pass')}</Tag>}
          {rules.residentsOnly && <Tag color="blue">{t('gate.rule.residents')}</Tag>}
          <Tag color={checkpoint.onDuty > 0 ? 'green' : 'default'}>
            {t('gate.onDutyCount', { count: checkpoint.onDuty })}
          </Tag>
        </div>
      )}
      {onDutyHere && checkpoint && signedInAt && (
        <Alert
          type="success"
          showIcon
          className="gate-duty-state"
          data-testid="gate-on-duty"
          title={t('gate.onDutyAt', { name: checkpoint.name })}
          description={t('gate.since', { time: i18n.formatDateTime(signedInAt) })}
        />
      )}
      {onDutyHere && lastHandover && (
        <Alert
          type="info"
          className="gate-duty-state"
          title={t('gate.lastHandover', {
            by: lastHandover.by,
            at: i18n.formatDateTime(lastHandover.at),
            note: lastHandover.note,
          })}
        />
      )}
      {checkpoint &&
        (onDutyHere ? (
          leaving ? (
            <Space orientation="vertical" className="gate-full">
              <Input.TextArea
                rows={2}
                maxLength={500}
                value={note}
                placeholder={t('gate.handoverPlaceholder')}
                aria-label={t('gate.handoverNote')}
                onChange={(e) => setNote(e.target.value)}
                data-testid="gate-handover"
              />
              <Button
                block
                size="large"
                danger
                loading={busy}
                icon={<LogoutOutlined />}
                onClick={() => void signOut()}
              >
                {t('gate.signOut')}
              </Button>
            </Space>
          ) : (
            <Button
              block
              size="large"
              icon={<LogoutOutlined />}
              onClick={() => setLeaving(true)}
              data-testid="gate-sign-out"
            >
              {t('gate.signOut')}
            </Button>
          )
        ) : (
          <Button
            block
            size="large"
            type="primary"
            loading={busy}
            icon={<LoginOutlined />}
            onClick={() => void signIn()}
            data-testid="gate-sign-in"
          >
            {t('gate.signIn')}
          </Button>
        ))}
    </Card>
  );
}
