import { Typography } from 'antd';
import { useCallback, useRef, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { api, call, isApiError } from '../api/client';
import type { ScannedHouse } from '../api/model';
import { decodeQrPhoto } from '../components/scan/decoder';
import { QrScanView } from '../components/scan/QrScanView';
import { useQrCamera } from '../components/scan/useQrCamera';
import { useI18n } from '../i18n/context';
import { errorText } from '../i18n/labels';

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

  const fromPhoto = async (file: File) => {
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
      <QrScanView
        video={video}
        camera={camera}
        busy={busy}
        busyText={t('scan.reading')}
        problem={problem}
        hint={{ live: t('scan.hintLive'), photo: t('scan.hintPhoto') }}
        photoLabel={t('scan.photo')}
        capture
        onPhoto={(file) => void fromPhoto(file)}
        onRetry={() => setAttempt((n) => n + 1)}
        testIds={{
          viewport: 'scan-viewport',
          noCamera: 'scan-no-camera',
          problem: 'scan-problem',
          photoButton: 'scan-photo-button',
          photoInput: 'scan-photo-input',
        }}
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
