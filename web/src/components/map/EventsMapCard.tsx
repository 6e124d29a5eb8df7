import { Card } from 'antd';
import { useMemo } from 'react';
import { useNavigate } from 'react-router-dom';
import { useAreaRoots } from '../../api/hooks';
import { useI18n } from '../../i18n/context';
import { layerSet, useMapLayers } from './mapData';
import { MapView } from './MapView';

/**
 * The event board's map: the chosen area (else the top of the viewer's scope) with its events as
 * clustered pins, open ones only when the board lists open ones; a pin opens its event.
 */
export function EventsMapCard({ areaId, openOnly }: { areaId: number | undefined; openOnly: boolean }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const roots = useAreaRoots();
  const shown = areaId ?? roots.data?.items[0]?.id;
  const map = useMapLayers(shown);
  const layers = useMemo(() => {
    const all = layerSet(map.data);
    const events = all.events && {
      ...all.events,
      features: all.events.features.filter((feature) => !openOnly || feature.properties.open === true),
    };
    return { ...all, ...(events ? { events } : {}) };
  }, [map.data, openOnly]);
  const bounds = map.data?.area.bounds ?? null;
  if (!bounds) return null;
  return (
    <Card size="small" title={t('events.detail.map')} style={{ marginBottom: 12 }}>
      <MapView
        theme="light"
        layers={layers}
        bounds={bounds}
        onEventClick={(id) => void navigate(`/events/${id}`)}
        height={360}
        testId="events-board-map"
        ariaLabel={t('map.legend.events')}
      />
    </Card>
  );
}
