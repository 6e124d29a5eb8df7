import {
  CameraOutlined,
  LoginOutlined,
  LogoutOutlined,
  ScanOutlined,
  SearchOutlined,
} from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Empty,
  Input,
  InputNumber,
  List,
  Segmented,
  Select,
  Space,
  Spin,
  Switch,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { api, call, isApiError } from '../../api/client';
import type {
  CheckRecordView,
  CheckResult,
  CheckSubject,
  DutyCheckpoint,
  IdentifyResult,
} from '../../api/model';
import { useResource } from '../../api/resource';
import { ErrorResult } from '../../components/ErrorResult';
import { HealthVerdictPanel } from '../../components/health/HealthVerdictPanel';
import { decodeQrFrame, decodeQrPhoto } from '../../components/scan/decoder';
import { type I18n, useI18n } from '../../i18n/context';
import { errorText } from '../../i18n/labels';
import { isPassToken } from '../../../../src/checkpoints/pass-token';

const FEVER_FROM = 37.3;
const FRAME_INTERVAL_MS = 250;

type IdentifyInput = { idNumber: string } | { doorToken: string } | { passToken: string };

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
          if (value === 'vehicles') void navigate('/gate/vehicles');
        }}
        data-testid="gate-tabs"
      />
      {data.checkpoints.length === 0 ? (
        <Empty description={t('gate.noCheckpoints')} />
      ) : (
        <>
          <DutyCard
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
            <IdentifyCard
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
            <SubjectCard
              key={subject.handle}
              i18n={i18n}
              checkpoint={checkpoint}
              subject={subject}
              onDuty={onDutyHere}
              onRecorded={() => setRecorded((n) => n + 1)}
              onNext={reset}
            />
          )}
          {checkpoint && <RecentCard i18n={i18n} items={recent.data?.items ?? []} loading={recent.loading} />}
        </>
      )}
    </div>
  );
}

function DutyCard({
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

function IdentifyCard({
  checkpointId,
  onIdentified,
}: {
  checkpointId: number;
  onIdentified: (result: IdentifyResult) => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const [idNumber, setIdNumber] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [scanning, setScanning] = useState(false);
  const photoInput = useRef<HTMLInputElement>(null);

  const identify = async (body: IdentifyInput) => {
    setBusy(true);
    setProblem(null);
    try {
      onIdentified(
        await call(
          api.POST('/api/checkpoints/{id}/checks/identify', { params: { path: { id: checkpointId } }, body }),
        ),
      );
      setIdNumber('');
    } catch (error) {
      setProblem(isApiError(error, 'CODE_NOT_HOUSEHOLD') ? t('gate.notOurCode') : errorText(i18n, error));
    } finally {
      setBusy(false);
    }
  };
  const fromText = (text: string) => {
    setScanning(false);
    void identify(isPassToken(text.trim()) ? { passToken: text.trim() } : { doorToken: text.trim() });
  };
  const fromPhoto = async (input: HTMLInputElement) => {
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    setBusy(true);
    setProblem(null);
    const text = await decodeQrPhoto(file).catch(() => null);
    setBusy(false);
    if (text) fromText(text);
    else setProblem(t('gate.noCode'));
  };

  return (
    <Card size="small" className="gate-card" title={t('gate.identify')} data-testid="gate-identify">
      {scanning && <LiveScanner onText={fromText} />}
      <div className="gate-scan-buttons">
        <Button
          size="large"
          type={scanning ? 'default' : 'primary'}
          icon={<ScanOutlined />}
          onClick={() => setScanning((s) => !s)}
          data-testid="gate-scan"
        >
          {t('gate.scan')}
        </Button>
        <Button
          size="large"
          icon={<CameraOutlined />}
          disabled={busy}
          onClick={() => photoInput.current?.click()}
          data-testid="gate-photo-button"
        >
          {t('gate.scanPhoto')}
        </Button>
      </div>
      <input
        ref={photoInput}
        type="file"
        accept="image/*"
        hidden
        data-testid="gate-photo-input"
        onChange={(event) => void fromPhoto(event.target)}
      />
      <Space.Compact className="gate-full gate-id">
        <Input
          size="large"
          inputMode="text"
          maxLength={18}
          value={idNumber}
          placeholder={t('gate.idPlaceholder')}
          aria-label={t('gate.idNumber')}
          onChange={(e) => setIdNumber(e.target.value.toUpperCase())}
          onPressEnter={() => idNumber.trim() && void identify({ idNumber: idNumber.trim() })}
          data-testid="gate-id-number"
        />
        <Button
          size="large"
          icon={<SearchOutlined />}
          loading={busy}
          disabled={!idNumber.trim()}
          onClick={() => void identify({ idNumber: idNumber.trim() })}
          data-testid="gate-lookup"
        >
          {t('gate.lookup')}
        </Button>
      </Space.Compact>
      {busy && (
        <div className="gate-busy">
          <Spin size="small" /> {t('gate.reading')}
        </div>
      )}
      {problem && (
        <Alert type="warning" showIcon className="gate-problem" title={problem} data-testid="gate-problem" />
      )}
    </Card>
  );
}

/** The live camera, reading QR codes until one is found (where the browser allows a camera). */
function LiveScanner({ onText }: { onText: (text: string) => void }) {
  const { t } = useI18n();
  const video = useRef<HTMLVideoElement>(null);
  const [failed, setFailed] = useState(false);
  const onTextRef = useRef(onText);
  useEffect(() => {
    onTextRef.current = onText;
  }, [onText]);
  useEffect(() => {
    if (!navigator.mediaDevices?.getUserMedia) {
      setFailed(true);
      return;
    }
    let stream: MediaStream | null = null;
    let timer: number | undefined;
    let stopped = false;
    const look = async () => {
      if (stopped || !video.current) return;
      const text = await decodeQrFrame(video.current).catch(() => null);
      if (text && !stopped) {
        stopped = true;
        onTextRef.current(text);
        return;
      }
      timer = window.setTimeout(() => void look(), FRAME_INTERVAL_MS);
    };
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: { ideal: 'environment' } }, audio: false })
      .then(async (media) => {
        if (stopped) {
          media.getTracks().forEach((track) => track.stop());
          return;
        }
        stream = media;
        if (video.current) {
          video.current.srcObject = media;
          await video.current.play().catch(() => undefined);
        }
        void look();
      })
      .catch(() => setFailed(true));
    return () => {
      stopped = true;
      window.clearTimeout(timer);
      stream?.getTracks().forEach((track) => track.stop());
    };
  }, []);
  if (failed)
    return <Alert type="info" showIcon className="gate-problem" title={t('scan.cameraUnavailable')} />;
  return (
    <div className="scan-viewport gate-viewport">
      <video ref={video} muted playsInline className="scan-video" />
      <div className="scan-frame" aria-hidden />
    </div>
  );
}

function SubjectCard({
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
  const fever = temperature !== null && temperature >= FEVER_FROM;
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

  return (
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
          {fever && <Typography.Text type="danger">{t('gate.fever')}</Typography.Text>}
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
  );
}

function RecentCard({ i18n, items, loading }: { i18n: I18n; items: CheckRecordView[]; loading: boolean }) {
  const { t } = i18n;
  return (
    <Card size="small" className="gate-card" title={t('gate.recent')} data-testid="gate-recent">
      <List
        loading={loading}
        dataSource={items}
        locale={{ emptyText: t('gate.noRecent') }}
        renderItem={(r) => (
          <List.Item className="gate-recent-item">
            <span className={`gate-dot gate-dot-${r.verdict ?? 'none'}`} aria-hidden />
            <span className="gate-recent-who">
              {r.plate ?? r.nameMasked ?? '—'}
              <Typography.Text type="secondary" className="gate-recent-meta">
                {new Date(r.at).toLocaleTimeString(i18n.locale, { hour: '2-digit', minute: '2-digit' })}
                {r.direction ? ` · ${t(`checkpoint.direction.${r.direction}`)}` : ''}
                {r.temperature !== null ? ` · ${r.temperature.toFixed(1)}℃` : ''}
                {r.source === 'device' ? ` · ${t('gate.device')}` : ''}
              </Typography.Text>
            </span>
            {r.decision && (
              <Tag color={r.decision === 'allowed' ? 'green' : 'red'}>
                {t(`checkpoint.decision.${r.decision}`)}
              </Tag>
            )}
          </List.Item>
        )}
      />
    </Card>
  );
}
