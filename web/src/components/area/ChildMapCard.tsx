import { Card } from 'antd';
import { useMemo } from 'react';
import { useNavigate } from 'react-router-dom';
import type { AreaDetail } from '../../api/model';
import { useI18n } from '../../i18n/context';
import { layerSet, useMapLayers } from '../map/mapData';
import { MapView } from '../map/MapView';

/** The area's map (its children, lanes, houses, events in the viewer's scope); shown when there is something to draw. */
export function ChildMapCard({ area, version }: { area: AreaDetail; version: number }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const map = useMapLayers(area.id, version);
  const layers = useMemo(() => layerSet(map.data), [map.data]);
  const bounds = map.data?.area.bounds ?? null;
  if (!bounds) return null;
  return (
    <Card size="small" title={t('area.map')} className="side-card">
      <MapView
        theme="light"
        layers={layers}
        bounds={bounds}
        onAreaClick={(id) => {
          if (id !== area.id) void navigate(`/areas/${id}`);
        }}
        onEventClick={(id) => void navigate(`/events/${id}`)}
        height={320}
        testId="area-map"
        ariaLabel={t('area.map')}
      />
    </Card>
  );
}
