import { Spin } from 'antd';
import { lazy, Suspense } from 'react';
import { useI18n } from '../../i18n/context';
import type { GeoMapProps } from './GeoMap';
import { hasWebGL, useMapConfig } from './mapData';

// MapLibre (~1 MB) is fetched only when a map is on screen.
const GeoMap = lazy(() => import('./GeoMap'));

export type MapViewProps = Omit<GeoMapProps, 'config' | 'ariaLabel'> & { ariaLabel?: string };

const FALLBACK_STYLE = {
  display: 'flex',
  alignItems: 'center',
  justifyContent: 'center',
  padding: 16,
  textAlign: 'center',
  color: '#8c8c8c',
  background: 'rgba(128, 128, 128, 0.08)',
  borderRadius: 6,
} as const;

/** The app's one map: base layer settings, the WebGL check and the lazy MapLibre bundle around GeoMap. */
export function MapView(props: MapViewProps) {
  const { t } = useI18n();
  const config = useMapConfig();
  if (!hasWebGL())
    return (
      <div style={{ ...FALLBACK_STYLE, height: props.height }} data-testid={`${props.testId}-unavailable`}>
        {t('map.noWebgl')}
      </div>
    );
  if (config.error)
    return (
      <div style={{ ...FALLBACK_STYLE, height: props.height }} data-testid={`${props.testId}-unavailable`}>
        {t('map.failed')}
      </div>
    );
  const spinner = (
    <div style={{ ...FALLBACK_STYLE, height: props.height }}>
      <Spin />
    </div>
  );
  if (!config.data) return spinner;
  return (
    <Suspense fallback={spinner}>
      <GeoMap {...props} config={config.data} ariaLabel={props.ariaLabel ?? t('events.detail.map')} />
    </Suspense>
  );
}
