import { useMemo } from 'react';
import { useNavigate } from 'react-router-dom';
import './map.css';
import { useI18n } from '../../i18n/context';
import { layerSet, useMapLayers } from '../map/mapData';
import { MapView } from '../map/MapView';
import { PALETTES } from '../map/palette';

export interface MapRegion {
  id: number;
  code: string;
  /** In display units (a percentage, a count); null: nothing to measure. */
  value: number | null;
  /** Further lines for the tooltip (open and overdue events), already in the user's language. */
  notes?: string[];
}

interface DashboardMapProps {
  /** The node the big screen shows. */
  areaId: number;
  regions: MapRegion[];
  /** Good is low (green) for shares of untested; counts go from calm blue to red. */
  scale: 'share' | 'count';
  /** "12.5%" or "3": a value as the legend and tooltips show it. */
  format: (value: number) => string;
  /** What the colour measures, for the legend. */
  measureLabel: string;
  noData: string;
  onSelect: (areaId: number) => void;
}

const SHARE_COLOURS = ['#2ea043', '#d4a72c', '#e5534b'];
const COUNT_COLOURS = ['#1b3a5c', '#2f81f7', '#d4a72c', '#e5534b'];

const channels = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));

/** The colour at `share` (0–1) along evenly spaced stops. */
function colourAt(stops: string[], share: number): string {
  const position = Math.min(1, Math.max(0, share)) * (stops.length - 1);
  const low = Math.floor(position);
  const high = Math.min(stops.length - 1, low + 1);
  const [a, b] = [channels(stops[low]!), channels(stops[high]!)];
  const mix = a.map((value, i) => Math.round(value + (b[i]! - value) * (position - low)));
  return `rgb(${mix.join(', ')})`;
}

/**
 * The big screen's map: the node's child areas coloured by the chosen measure (with their figure
 * under the name), over the node's own geography, houses, untested heat and clustered event pins.
 * A child area's click drills into it; the legend names what the colour measures.
 */
export function DashboardMap({
  areaId,
  regions,
  scale,
  format,
  measureLabel,
  noData,
  onSelect,
}: DashboardMapProps) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const map = useMapLayers(areaId);
  const layers = useMemo(() => layerSet(map.data), [map.data]);
  const stops = scale === 'share' ? SHARE_COLOURS : COUNT_COLOURS;
  const max = scale === 'share' ? 100 : Math.max(1, ...regions.map((r) => r.value ?? 0));
  const { colours, notes } = useMemo(() => {
    const colours: Record<string, string> = {};
    const notes: Record<string, string> = {};
    for (const region of regions) {
      notes[region.code] = region.value === null ? noData : format(region.value);
      if (region.value !== null) colours[region.code] = colourAt(stops, region.value / max);
    }
    return { colours, notes };
  }, [regions, stops, max, format, noData]);
  const palette = PALETTES.dark;
  const bounds = map.data?.area.bounds ?? null;
  const events = map.data ? (layers.events?.features.length ?? 0) : null;

  return (
    <div className="bigscreen-geomap">
      <div className="bigscreen-geomap-canvas">
        {bounds && (
          <MapView
            theme="dark"
            layers={layers}
            bounds={bounds}
            regionColours={colours}
            regionNotes={notes}
            onAreaClick={(id) => {
              if (id !== areaId) onSelect(id);
            }}
            onCheckpointClick={(id) => void navigate(`/checkpoints/${id}`)}
            height="100%"
            testId="dashboard-map"
            ariaLabel={measureLabel}
          />
        )}
      </div>
      <div className="bigscreen-map-legend" data-testid="dashboard-map-legend">
        <span>{measureLabel}</span>
        <span>{format(0)}</span>
        <span
          className="bigscreen-map-scale"
          style={{ background: `linear-gradient(90deg, ${stops.join(', ')})` }}
        />
        <span>{format(max)}</span>
        <span className="bigscreen-map-key">
          <i style={{ background: palette.event }} />
          {events === null ? t('map.legend.events') : t('map.eventPoints', { count: events })}
        </span>
        {(layers.checkpoints?.features.length ?? 0) > 0 && (
          <span className="bigscreen-map-key" data-testid="dashboard-map-checkpoints">
            {t('checkpointBoard.legend')}
            <i style={{ background: palette.checkpointStaffed }} />
            {t('checkpointBoard.state.staffed')}
            <i style={{ background: palette.checkpointGap }} />
            {t('checkpointBoard.state.gap')}
            <i style={{ background: palette.checkpointClosed }} />
            {t('checkpointBoard.state.closed')}
          </span>
        )}
        <span className="bigscreen-map-key">
          <i style={{ background: palette.river }} />
          {t('map.legend.rivers')}
        </span>
        <span className="bigscreen-map-key">
          <i style={{ background: palette.majorRoad }} />
          {t('map.legend.roads')}
        </span>
        <span className="bigscreen-map-key">
          <i style={{ background: palette.house }} />
          {t('map.legend.houses')}
        </span>
        <span className="bigscreen-map-key">
          <i style={{ background: palette.gate }} />
          {t('map.legend.gates')}
        </span>
        <span className="bigscreen-map-key">
          <i style={{ background: palette.heatHigh }} />
          {t('map.legend.untested')}
        </span>
      </div>
    </div>
  );
}
