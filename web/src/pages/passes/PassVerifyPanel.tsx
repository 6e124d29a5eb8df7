import { CheckCircleFilled, CloseCircleFilled, ScanOutlined, SyncOutlined } from '@ant-design/icons';
import { Alert, Button, Select, Typography } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { PassVerification } from '../../../../src/checkpoints/pass-token';
import {
  loadPassMaterial,
  type PassMaterial,
  syncPassMaterial,
  verifyOffline,
} from '../../checkpoints/pass-offline';
import { decodeQrPhoto, preloadQrDecoder } from '../../components/scan/decoder';
import { QrScanView } from '../../components/scan/QrScanView';
import { useQrCamera } from '../../components/scan/useQrCamera';
import { useI18n } from '../../i18n/context';
import './passes.css';

type Sync = 'syncing' | 'synced' | 'offline';

export interface PassVerifyPanelProps {
  /** The checkpoint verifying (the gate page's); omitted = the worker picks one, or any. */
  checkpointId?: number;
  /** Each verdict, for a page embedding the panel (the gate check records it). */
  onResult?: (result: PassVerification, text: string) => void;
}

/**
 * Scans a pass QR code (camera or picture) and verifies it on the phone: signature, validity by the
 * phone's clock, revocation list and checkpoint, from material synced while online. Works offline.
 */
export function PassVerifyPanel({ checkpointId, onResult }: PassVerifyPanelProps) {
  const { t, formatDateTime } = useI18n();
  const video = useRef<HTMLVideoElement>(null);
  const [material, setMaterial] = useState<PassMaterial | null>(null);
  const [sync, setSync] = useState<Sync>('syncing');
  const [chosen, setChosen] = useState<number | undefined>(checkpointId);
  const [result, setResult] = useState<PassVerification | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);

  const refresh = useCallback(async () => {
    setSync('syncing');
    const kept = await loadPassMaterial().catch(() => null);
    if (kept) setMaterial(kept);
    try {
      setMaterial(await syncPassMaterial());
      setSync('synced');
    } catch {
      setSync('offline');
    }
  }, []);
  useEffect(() => {
    void refresh();
    // The decoder loads now, while online: the gate may lose its connection before the first scan.
    void preloadQrDecoder().catch(() => undefined);
  }, [refresh]);
  useEffect(() => setChosen(checkpointId), [checkpointId]);

  const verify = useCallback(
    async (text: string) => {
      if (!material) return;
      setBusy(true);
      setProblem(null);
      const verdict = await verifyOffline(text, material, chosen);
      setResult(verdict);
      setBusy(false);
      onResult?.(verdict, text);
    },
    [material, chosen, onResult],
  );

  const camera = useQrCamera(video, (text) => void verify(text), {
    paused: busy || result !== null || !material,
    attempt,
  });

  const fromPhoto = async (file: File) => {
    setBusy(true);
    setProblem(null);
    const text = await decodeQrPhoto(file).catch(() => null);
    setBusy(false);
    if (text) await verify(text);
    else setProblem(t('passes.verify.noCode'));
  };

  const payload = result?.payload;
  return (
    <div className="pass-verify" data-testid="pass-verify">
      <div className="pass-verify-sync" data-testid="pass-verify-sync" data-sync={sync}>
        <Typography.Text type={material ? 'secondary' : 'warning'}>
          {material
            ? t('passes.verify.synced', {
                time: formatDateTime(new Date(material.savedAt).toISOString()),
                keys: material.keys.length,
                revoked: material.revoked.length,
              })
            : sync === 'syncing'
              ? t('common.loading')
              : t('passes.verify.neverSynced')}
        </Typography.Text>
        <Button
          size="small"
          icon={<SyncOutlined spin={sync === 'syncing'} />}
          onClick={() => void refresh()}
          disabled={sync === 'syncing'}
        >
          {t('passes.verify.sync')}
        </Button>
      </div>
      {sync === 'offline' && material && (
        <Alert type="info" showIcon className="pass-verify-alert" title={t('passes.verify.syncFailed')} />
      )}
      {checkpointId === undefined && material && material.checkpoints.length > 0 && (
        <div className="pass-verify-checkpoint">
          <span>{t('passes.verify.checkpoint')}</span>
          <Select<number>
            allowClear
            value={chosen}
            onChange={(value) => setChosen(value)}
            placeholder={t('passes.verify.anyCheckpoint')}
            options={material.checkpoints.map((c) => ({ value: c.id, label: c.name }))}
            data-testid="pass-verify-checkpoint"
          />
        </div>
      )}

      {result ? (
        <div
          className={`pass-verdict ${result.ok ? 'pass-verdict-ok' : 'pass-verdict-refused'}`}
          data-testid="pass-verdict"
          data-ok={String(result.ok)}
          data-problem={result.ok ? '' : result.problem}
        >
          <div className="pass-verdict-head">
            {result.ok ? <CheckCircleFilled /> : <CloseCircleFilled />}
            <span>{result.ok ? t('passes.verify.valid') : t('passes.verify.refused')}</span>
          </div>
          {!result.ok && <div className="pass-verdict-reason">{t(`error.${result.problem}`)}</div>}
          {payload && (
            <dl className="pass-verdict-facts">
              <dt>{t('passes.col.holder')}</dt>
              <dd>
                {payload.name} <span className="code-text">{payload.doc}</span>
              </dd>
              <dt>{t('passes.col.purpose')}</dt>
              <dd>{payload.purpose}</dd>
              <dt>{t('passes.col.validity')}</dt>
              <dd>
                {t('passes.verify.validity', {
                  from: formatDateTime(new Date(payload.nbf * 1000).toISOString()),
                  to: formatDateTime(new Date(payload.exp * 1000).toISOString()),
                })}
              </dd>
              <dt>{t('passes.col.code')}</dt>
              <dd className="code-text">{payload.code}</dd>
            </dl>
          )}
          <Button
            type="primary"
            size="large"
            block
            icon={<ScanOutlined />}
            onClick={() => setResult(null)}
            data-testid="pass-verify-next"
          >
            {t('passes.verify.next')}
          </Button>
        </div>
      ) : (
        <>
          <QrScanView
            className="pass-verify-viewport"
            video={video}
            camera={camera}
            busy={busy}
            problem={problem}
            hint={{ live: t('passes.verify.hintLive'), photo: t('passes.verify.hintPhoto') }}
            photoLabel={t('passes.verify.photo')}
            photoDisabled={!material}
            onPhoto={(file) => void fromPhoto(file)}
            onRetry={() => setAttempt((n) => n + 1)}
            testIds={{ photoButton: 'pass-verify-photo', photoInput: 'pass-verify-input' }}
          />
        </>
      )}
    </div>
  );
}

/** The panel on a page of its own: /passes/verify. */
export function PassVerifyPage() {
  const { t } = useI18n();
  return (
    <div className="page narrow-page" data-testid="pass-verify-page">
      <Typography.Title level={3} className="page-title">
        {t('passes.verify.title')}
      </Typography.Title>
      <PassVerifyPanel />
    </div>
  );
}
