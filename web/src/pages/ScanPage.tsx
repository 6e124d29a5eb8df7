import { CameraOutlined, ReloadOutlined, ScanOutlined } from '@ant-design/icons';
import { Alert, Button, Spin, Typography } from 'antd';
import { useCallback, useRef, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { api, call, isApiError } from '../api/client';
import type { ScannedHouse } from '../api/model';
import { decodeQrPhoto } from '../components/scan/decoder';
import { useQrCamera } from '../components/scan/useQrCamera';
import { useI18n } from '../i18n/context';
import { errorText } from '../i18n/labels';

const NO_CAMERA = {
  insecure: 'scan.cameraInsecure',
  unavailable: 'scan.cameraUnavailable',
  denied: 'scan.cameraDenied',
} as const;

/** What a scanned text opens: the house in the worker's area, or an error to show. */
export function resolveDoorCode(code: string): Promise<ScannedHouse> {
  return call(api.GET('/api/household-codes/resolve', { params: { query: { code } } }));
}

/**
 * A grid worker scans a household door code (一户一码) and lands on that house. Live camera where the
 * browser allows it (HTTPS or localhost, permission given); a photo of the code everywhere else.
 */
export function ScanPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const navigate = useNavigate();
  const video = useRef<HTMLVideoElement>(null);
  const photoInput = useRef<HTMLInputElement>(null);
  const [attempt, setAttempt] = useState(0);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  // Set once a code is read: the frame loop stops looking.
  const found = useRef(false);

  const open = useCallback(
    async (text: string) => {
      found.current = true;
      setBusy(true);
      setProblem(null);
      try {
        const house = await resolveDoorCode(text);
        void navigate(`/houses/${house.houseId}?from=scan`);
      } catch (error) {
        setProblem(scanProblem(i18n, error));
        setBusy(false);
        found.current = false;
      }
    },
    [i18n, navigate],
  );

  // The camera stops reading while a code is being opened.
  const camera = useQrCamera(
    video,
    (text) => {
      if (!found.current) void open(text);
    },
    { paused: busy, attempt },
  );

  const fromPhoto = async (input: HTMLInputElement) => {
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    setBusy(true);
    setProblem(null);
    // A file the browser cannot decode counts as a photo without a code.
    const text = await decodeQrPhoto(file).catch(() => null);
    if (text) await open(text);
    else {
      setProblem(t('scan.noCodeInPhoto'));
      setBusy(false);
    }
  };

  return (
    <div className="page narrow-page scan-page" data-testid="scan-page">
      <Typography.Title level={3} className="page-title">
        {t('scan.title')}
      </Typography.Title>
      <div className="scan-viewport" data-testid="scan-viewport" data-camera={camera}>
        <video ref={video} muted playsInline className="scan-video" hidden={camera !== 'live'} />
        {camera === 'live' && <div className="scan-frame" aria-hidden />}
        {camera === 'starting' && <Spin />}
        {(camera === 'insecure' || camera === 'unavailable' || camera === 'denied') && (
          <div className="scan-no-camera" data-testid="scan-no-camera">
            <ScanOutlined className="scan-no-camera-icon" />
            <span>{t(NO_CAMERA[camera])}</span>
          </div>
        )}
        {busy && (
          <div className="scan-busy">
            <Spin />
            <span>{t('scan.reading')}</span>
          </div>
        )}
      </div>
      <Typography.Paragraph type="secondary" className="scan-hint">
        {camera === 'live' ? t('scan.hintLive') : t('scan.hintPhoto')}
      </Typography.Paragraph>
      {problem && (
        <Alert type="warning" showIcon className="scan-problem" data-testid="scan-problem" title={problem} />
      )}
      <div className="scan-actions">
        <Button
          type="primary"
          size="large"
          block
          icon={<CameraOutlined />}
          disabled={busy}
          onClick={() => photoInput.current?.click()}
          data-testid="scan-photo-button"
        >
          {t('scan.photo')}
        </Button>
        {(camera === 'unavailable' || camera === 'denied') && (
          <Button size="large" block icon={<ReloadOutlined />} onClick={() => setAttempt((n) => n + 1)}>
            {t('scan.retryCamera')}
          </Button>
        )}
      </div>
      <input
        ref={photoInput}
        type="file"
        accept="image/*"
        capture="environment"
        hidden
        data-testid="scan-photo-input"
        onChange={(event) => void fromPhoto(event.target)}
      />
    </div>
  );
}

/** A sentence for why a scanned code did not open a house. */
function scanProblem(i18n: ReturnType<typeof useI18n>, error: unknown): string {
  if (isApiError(error, 'HOUSE_OUT_OF_SCOPE')) return i18n.t('scan.outOfScope');
  if (isApiError(error, 'CODE_NOT_FOUND')) return i18n.t('scan.unknownCode');
  if (isApiError(error, 'CODE_NOT_HOUSEHOLD') || isApiError(error, 'VALIDATION_FAILED'))
    return i18n.t('scan.notHousehold');
  return errorText(i18n, error);
}
