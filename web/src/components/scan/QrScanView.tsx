import { CameraOutlined, ReloadOutlined, ScanOutlined } from '@ant-design/icons';
import { Alert, Button, Spin, Typography } from 'antd';
import { type RefObject, useRef } from 'react';
import { useI18n } from '../../i18n/context';
import type { QrCameraState } from './useQrCamera';

const NO_CAMERA = {
  insecure: 'scan.cameraInsecure',
  unavailable: 'scan.cameraUnavailable',
  denied: 'scan.cameraDenied',
} as const;

/**
 * What every QR-reading page shows: the live camera (or why there is none), a hint, the problem of
 * the last try, "take a photo" and "try the camera again". The page owns the camera (useQrCamera)
 * and what a read code does.
 */
export function QrScanView({
  video,
  camera,
  busy,
  busyText,
  problem,
  hint,
  photoLabel,
  photoDisabled = false,
  capture = false,
  onPhoto,
  onRetry,
  className = '',
  testIds,
}: {
  video: RefObject<HTMLVideoElement | null>;
  camera: QrCameraState;
  busy: boolean;
  busyText?: string;
  problem: string | null;
  hint: { live: string; photo: string };
  photoLabel: string;
  photoDisabled?: boolean;
  /** Open the camera app directly for the photo (the door-code scan); off, the phone may also pick a picture. */
  capture?: boolean;
  onPhoto: (file: File) => void;
  onRetry: () => void;
  className?: string;
  testIds: {
    viewport?: string;
    noCamera?: string;
    problem?: string;
    photoButton: string;
    photoInput: string;
  };
}) {
  const { t } = useI18n();
  const photoInput = useRef<HTMLInputElement>(null);
  return (
    <>
      <div
        className={`scan-viewport ${className}`.trim()}
        data-testid={testIds.viewport}
        data-camera={camera}
      >
        <video ref={video} muted playsInline className="scan-video" hidden={camera !== 'live'} />
        {camera === 'live' && <div className="scan-frame" aria-hidden />}
        {camera === 'starting' && <Spin />}
        {(camera === 'insecure' || camera === 'unavailable' || camera === 'denied') && (
          <div className="scan-no-camera" data-testid={testIds.noCamera}>
            <ScanOutlined className="scan-no-camera-icon" />
            <span>{t(NO_CAMERA[camera])}</span>
          </div>
        )}
        {busy && (
          <div className="scan-busy">
            <Spin />
            {busyText && <span>{busyText}</span>}
          </div>
        )}
      </div>
      <Typography.Paragraph type="secondary" className="scan-hint">
        {camera === 'live' ? hint.live : hint.photo}
      </Typography.Paragraph>
      {problem && (
        <Alert
          type="warning"
          showIcon
          className="scan-problem"
          data-testid={testIds.problem}
          title={problem}
        />
      )}
      <div className="scan-actions">
        <Button
          type="primary"
          size="large"
          block
          icon={<CameraOutlined />}
          disabled={busy || photoDisabled}
          onClick={() => photoInput.current?.click()}
          data-testid={testIds.photoButton}
        >
          {photoLabel}
        </Button>
        {(camera === 'unavailable' || camera === 'denied') && (
          <Button size="large" block icon={<ReloadOutlined />} onClick={onRetry}>
            {t('scan.retryCamera')}
          </Button>
        )}
      </div>
      <input
        ref={photoInput}
        type="file"
        accept="image/*"
        capture={capture ? 'environment' : undefined}
        hidden
        data-testid={testIds.photoInput}
        onChange={(event) => {
          const file = event.target.files?.[0];
          event.target.value = '';
          if (file) onPhoto(file);
        }}
      />
    </>
  );
}
