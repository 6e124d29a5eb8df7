import { CameraOutlined, ScanOutlined, SearchOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Input, Space, Spin } from 'antd';
import { useRef, useState } from 'react';
import { api, call, isApiError } from '../../api/client';
import type { IdentifyResult } from '../../api/model';
import { decodeQrPhoto } from '../../components/scan/decoder';
import { useQrCamera } from '../../components/scan/useQrCamera';
import { useI18n } from '../../i18n/context';
import { errorText } from '../../i18n/labels';
import { isPassToken } from '../../../../src/checkpoints/pass-token';

type IdentifyInput = { idNumber: string } | { doorToken: string } | { passToken: string };

/** Identify the person at the gate: scan (camera or picture) a pass or door code, or type the ID number. */
export function GateIdentifyCard({
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
  // The first code read is the one: the camera stops looking until the card is opened again.
  const [found, setFound] = useState(false);
  const camera = useQrCamera(
    video,
    (text) => {
      setFound(true);
      onText(text);
    },
    { paused: found, attempt: 0 },
  );
  if (camera === 'insecure' || camera === 'unavailable' || camera === 'denied')
    return <Alert type="info" showIcon className="gate-problem" title={t('scan.cameraUnavailable')} />;
  return (
    <div className="scan-viewport gate-viewport">
      <video ref={video} muted playsInline className="scan-video" />
      <div className="scan-frame" aria-hidden />
    </div>
  );
}
