import { AimOutlined, CloseOutlined, EnvironmentOutlined } from '@ant-design/icons';
import { Button, Space, Typography } from 'antd';
import { useState } from 'react';
import { useI18n } from '../../i18n/context';
import { aroundPoint, type Bounds, type LayerSet, type LngLat } from './mapData';
import { MapView } from './MapView';

export interface PickedPlace extends LngLat {
  /** Metres, from the phone's GPS; null when placed by hand on the map. */
  accuracyM: number | null;
}

interface LocationPickerProps {
  value: PickedPlace | null;
  onChange: (place: PickedPlace | null) => void;
  layers: LayerSet;
  bounds: Bounds | null;
  height?: number;
  testId: string;
}

/** Accuracy is stored in whole metres, 0–10000 (a cell-tower fix can be kilometres off). */
const accuracyOf = (metres: number) => Math.min(10_000, Math.max(0, Math.round(metres)));

/**
 * Where something is: tap the map to place (or move) the pin, or take the phone's GPS fix with its
 * accuracy. Never coordinate boxes. The map is drawn from our own geography (and the base layer).
 */
export function LocationPicker({
  value,
  onChange,
  layers,
  bounds,
  height = 260,
  testId,
}: LocationPickerProps) {
  const { t } = useI18n();
  const [locating, setLocating] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  // With nothing to frame yet (no area chosen, no fix), the map waits.
  const framed = bounds ?? (value ? aroundPoint(value) : null);

  const locate = () => {
    if (!('geolocation' in navigator)) {
      setProblem(t('map.locationDenied'));
      return;
    }
    setLocating(true);
    setProblem(null);
    navigator.geolocation.getCurrentPosition(
      (position) => {
        setLocating(false);
        onChange({
          lng: Number(position.coords.longitude.toFixed(6)),
          lat: Number(position.coords.latitude.toFixed(6)),
          accuracyM: accuracyOf(position.coords.accuracy),
        });
      },
      () => {
        setLocating(false);
        setProblem(t('map.locationDenied'));
      },
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 30_000 },
    );
  };

  return (
    <div data-testid={`${testId}-picker`}>
      <Space wrap style={{ marginBottom: 8 }}>
        <Button icon={<AimOutlined />} loading={locating} onClick={locate} data-testid={`${testId}-locate`}>
          {locating ? t('map.locating') : t('map.useMyPosition')}
        </Button>
        {value ? (
          <>
            <Typography.Text data-testid={`${testId}-status`}>
              <EnvironmentOutlined />{' '}
              {value.accuracyM !== null ? t('map.placedByGps', { metres: value.accuracyM }) : t('map.placed')}
            </Typography.Text>
            <Button type="link" size="small" icon={<CloseOutlined />} onClick={() => onChange(null)}>
              {t('map.clear')}
            </Button>
          </>
        ) : (
          <Typography.Text type="secondary">{t('map.tapToPlace')}</Typography.Text>
        )}
      </Space>
      {problem && (
        <Typography.Paragraph type="warning" style={{ marginBottom: 8 }}>
          {problem}
        </Typography.Paragraph>
      )}
      {framed && (
        <MapView
          theme="light"
          layers={layers}
          bounds={framed}
          pin={value}
          accuracyM={value?.accuracyM ?? null}
          onPick={(point) => onChange({ ...point, accuracyM: null })}
          height={height}
          testId={testId}
          ariaLabel={t('map.tapToPlace')}
        />
      )}
    </div>
  );
}
