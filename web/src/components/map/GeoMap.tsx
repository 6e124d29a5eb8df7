// Loaded on demand (React.lazy): MapLibre and its worker reach only pages that draw a map.
import 'maplibre-gl/dist/maplibre-gl.css';
import './map.css';
import {
  addProtocol,
  type GeoJSONSource,
  Map as MapLibre,
  setWorkerUrl,
  type LayerSpecification,
  type Map as MapLibreMap,
  type MapGeoJSONFeature,
  type SourceSpecification,
  type StyleSpecification,
} from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { useEffect, useRef, useState } from 'react';
import type { MapConfig } from '../../api/model';
import { useI18n } from '../../i18n/context';
import { geoJsonToDisplay, toDisplay, toStored } from '../../../../src/map/crs';
import { type Bounds, type FeatureCollection, type LayerSet, type LngLat } from './mapData';
import { PALETTES, type Palette } from './palette';

// The worker is a file of our own origin (the CSP allows no other script).
setWorkerUrl(workerUrl);

export interface GeoMapProps {
  config: MapConfig;
  theme: 'light' | 'dark';
  layers: LayerSet;
  /** What to show first, [west, south, east, north] in WGS-84. */
  bounds: Bounds | null;
  /** Fill colour of child areas by code (a measure on the big screen); others get the calm default. */
  regionColours?: Record<string, string>;
  /** Extra label lines under an area's name, by code (e.g. "12.5%"). */
  regionNotes?: Record<string, string>;
  pin?: LngLat | null;
  /** Drawn as a circle around the pin. */
  accuracyM?: number | null;
  /** Given: a tap places the pin there (WGS-84, shifted back from a GCJ-02 base layer). */
  onPick?: (point: LngLat) => void;
  onAreaClick?: (areaId: number) => void;
  onEventClick?: (eventId: number) => void;
  onCheckpointClick?: (checkpointId: number) => void;
  height: number | string;
  testId: string;
  ariaLabel: string;
}

const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] };

/** A polygon approximating a circle of `metres` around a point (accuracy of a GPS fix). */
function circle(centre: LngLat, metres: number): FeatureCollection['features'][number] {
  const points: Array<[number, number]> = [];
  const dLat = metres / 111_320;
  const dLng = dLat / Math.cos((centre.lat * Math.PI) / 180);
  for (let i = 0; i <= 48; i++) {
    const angle = (i / 48) * 2 * Math.PI;
    points.push([centre.lng + dLng * Math.cos(angle), centre.lat + dLat * Math.sin(angle)]);
  }
  return { type: 'Feature', id: 0, properties: {}, geometry: { type: 'Polygon', coordinates: [points] } };
}

function basemapSource(config: MapConfig): SourceSpecification | null {
  const { basemap } = config;
  const attribution = config.attribution || undefined;
  if (basemap.kind === 'xyz')
    return { type: 'raster', tiles: basemap.tiles, tileSize: 256, maxzoom: 18, attribution };
  if (basemap.kind === 'pmtiles')
    return {
      type: 'raster',
      url: `pmtiles://${new URL(basemap.url, window.location.href).href}`,
      tileSize: 256,
      attribution,
    };
  return null;
}

function style(config: MapConfig, palette: Palette): StyleSpecification {
  const base = basemapSource(config);
  const geo = (data: FeatureCollection = EMPTY, cluster = false): SourceSpecification =>
    cluster
      ? { type: 'geojson', data, cluster: true, clusterRadius: 42, clusterMaxZoom: 16 }
      : { type: 'geojson', data };
  const text = (size: number) => ({
    'text-font': ['Noto Sans Regular'],
    'text-size': size,
  });
  const layers: LayerSpecification[] = [
    { id: 'background', type: 'background', paint: { 'background-color': palette.background } },
    ...(base
      ? [
          {
            id: 'basemap',
            type: 'raster',
            source: 'basemap',
            paint: { 'raster-opacity': 0.9 },
          } as LayerSpecification,
        ]
      : []),
    {
      id: 'areas-fill',
      type: 'fill',
      source: 'areas',
      filter: ['!', ['get', 'self']],
      paint: {
        'fill-color': ['coalesce', ['get', 'colour'], palette.areaFill],
        'fill-opacity': base ? 0.35 : palette.areaFillOpacity,
      },
    },
    {
      id: 'areas-line',
      type: 'line',
      source: 'areas',
      filter: ['!', ['get', 'self']],
      paint: { 'line-color': palette.areaLine, 'line-width': 1.2, 'line-dasharray': [3, 2] },
    },
    {
      id: 'area-self-line',
      type: 'line',
      source: 'areas',
      filter: ['get', 'self'],
      paint: { 'line-color': palette.areaLine, 'line-width': 2.6 },
    },
    {
      id: 'untested-heat',
      type: 'heatmap',
      source: 'untested',
      maxzoom: 18,
      paint: {
        // A house with a dozen people still untested is a hot spot; one or two only warm the lane.
        'heatmap-weight': ['min', 1, ['/', ['get', 'untested'], 12]],
        'heatmap-intensity': ['interpolate', ['linear'], ['zoom'], 12, 0.35, 17, 0.8],
        'heatmap-radius': ['interpolate', ['linear'], ['zoom'], 12, 8, 17, 26],
        'heatmap-opacity': 0.5,
        'heatmap-color': [
          'interpolate',
          ['linear'],
          ['heatmap-density'],
          0,
          palette.heatNone,
          0.35,
          palette.heatLow,
          1,
          palette.heatHigh,
        ],
      },
    },
    {
      id: 'rivers',
      type: 'line',
      source: 'rivers',
      layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: {
        'line-color': palette.river,
        'line-width': ['interpolate', ['linear'], ['zoom'], 12, 2.5, 17, 14],
      },
    },
    {
      id: 'roads-casing',
      type: 'line',
      source: 'roads',
      minzoom: 13,
      layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: {
        'line-color': palette.roadCasing,
        'line-width': [
          'interpolate',
          ['linear'],
          ['zoom'],
          13,
          ['case', ['get', 'major'], 3.5, 1.5],
          18,
          ['case', ['get', 'major'], 16, 8],
        ],
      },
    },
    {
      id: 'roads',
      type: 'line',
      source: 'roads',
      layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: {
        'line-color': ['case', ['get', 'major'], palette.majorRoad, palette.road],
        'line-width': [
          'interpolate',
          ['linear'],
          ['zoom'],
          12,
          ['case', ['get', 'major'], 1.6, 0.6],
          18,
          ['case', ['get', 'major'], 13, 6],
        ],
      },
    },
    {
      id: 'houses',
      type: 'circle',
      source: 'houses',
      minzoom: 13,
      paint: {
        'circle-color': palette.house,
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 13.5, 1.8, 15, 3, 18, 7],
        'circle-stroke-color': palette.houseStroke,
        'circle-stroke-width': ['interpolate', ['linear'], ['zoom'], 14, 0, 17, 1],
      },
    },
    {
      id: 'cameras',
      type: 'circle',
      source: 'cameras',
      minzoom: 14,
      paint: {
        'circle-color': palette.camera,
        'circle-radius': 3.2,
        'circle-stroke-color': palette.background,
        'circle-stroke-width': 1,
      },
    },
    {
      id: 'gates',
      type: 'circle',
      source: 'gates',
      paint: {
        'circle-color': palette.gate,
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 12, 3, 17, 7],
        'circle-stroke-color': palette.background,
        'circle-stroke-width': 1.5,
      },
    },
    {
      id: 'road-labels',
      type: 'symbol',
      source: 'roads',
      minzoom: 15.5,
      layout: { ...text(11), 'symbol-placement': 'line', 'text-field': ['get', 'name'] },
      paint: { 'text-color': palette.label, 'text-halo-color': palette.halo, 'text-halo-width': 1.5 },
    },
    {
      id: 'river-labels',
      type: 'symbol',
      source: 'rivers',
      layout: { ...text(12), 'symbol-placement': 'line', 'text-field': ['get', 'name'] },
      paint: { 'text-color': palette.riverLabel, 'text-halo-color': palette.halo, 'text-halo-width': 1.5 },
    },
    {
      id: 'house-labels',
      type: 'symbol',
      source: 'houses',
      minzoom: 17.5,
      layout: { ...text(10), 'text-field': ['get', 'address'], 'text-offset': [0, 1], 'text-optional': true },
      paint: { 'text-color': palette.label, 'text-halo-color': palette.halo, 'text-halo-width': 1.2 },
    },
    {
      id: 'gate-labels',
      type: 'symbol',
      source: 'gates',
      minzoom: 13.5,
      layout: { ...text(11), 'text-field': ['get', 'name'], 'text-offset': [0, 1.1], 'text-anchor': 'top' },
      paint: { 'text-color': palette.gateLabel, 'text-halo-color': palette.halo, 'text-halo-width': 1.5 },
    },
    {
      id: 'area-labels',
      type: 'symbol',
      source: 'areas',
      filter: ['!', ['get', 'self']],
      layout: { ...text(14), 'text-field': ['get', 'label'], 'text-allow-overlap': false },
      paint: { 'text-color': palette.areaLabel, 'text-halo-color': palette.halo, 'text-halo-width': 2 },
    },
    {
      id: 'event-clusters',
      type: 'circle',
      source: 'events',
      filter: ['has', 'point_count'],
      paint: {
        'circle-color': palette.event,
        'circle-opacity': 0.88,
        'circle-radius': ['step', ['get', 'point_count'], 11, 10, 15, 50, 20],
        'circle-stroke-color': palette.eventStroke,
        'circle-stroke-width': 2,
      },
    },
    {
      id: 'event-cluster-count',
      type: 'symbol',
      source: 'events',
      filter: ['has', 'point_count'],
      layout: { ...text(12), 'text-field': ['get', 'point_count_abbreviated'], 'text-allow-overlap': true },
      paint: { 'text-color': '#ffffff' },
    },
    {
      id: 'event-points',
      type: 'circle',
      source: 'events',
      filter: ['!', ['has', 'point_count']],
      paint: {
        'circle-color': ['case', ['get', 'open'], palette.event, palette.closedEvent],
        'circle-radius': 6,
        'circle-stroke-color': palette.eventStroke,
        'circle-stroke-width': 2,
      },
    },
    {
      id: 'checkpoint-points',
      type: 'circle',
      source: 'checkpoints',
      paint: {
        'circle-color': [
          'match',
          ['get', 'state'],
          'staffed',
          palette.checkpointStaffed,
          'short',
          palette.checkpointShort,
          'gap',
          palette.checkpointGap,
          palette.checkpointClosed,
        ],
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 11, 6, 16, 10],
        'circle-stroke-color': palette.checkpointStroke,
        'circle-stroke-width': 2.5,
      },
    },
    {
      id: 'checkpoint-labels',
      type: 'symbol',
      source: 'checkpoints',
      minzoom: 12,
      layout: {
        ...text(12),
        'text-field': ['get', 'name'],
        'text-offset': [0, 1.3],
        'text-anchor': 'top',
        'text-optional': true,
      },
      paint: { 'text-color': palette.label, 'text-halo-color': palette.halo, 'text-halo-width': 1.8 },
    },
    {
      id: 'accuracy',
      type: 'fill',
      source: 'accuracy',
      paint: { 'fill-color': palette.pin, 'fill-opacity': 0.15, 'fill-outline-color': palette.pin },
    },
    {
      id: 'pin',
      type: 'circle',
      source: 'pin',
      paint: {
        'circle-color': palette.pin,
        'circle-radius': 8,
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': 3,
      },
    },
  ];
  return {
    version: 8,
    sources: {
      ...(base ? { basemap: base } : {}),
      areas: geo(),
      untested: geo(),
      rivers: geo(),
      roads: geo(),
      houses: geo(),
      cameras: geo(),
      gates: geo(),
      events: geo(EMPTY, true),
      checkpoints: geo(),
      accuracy: geo(),
      pin: geo(),
    },
    layers,
  };
}

const CLICKABLE = ['checkpoint-points', 'event-clusters', 'event-points', 'areas-fill'];

/**
 * One map for every page: our own geography (boundaries, rivers, roads, houses, gates, cameras,
 * untested heat, clustered events) over an optional base layer, and a pin to place or show. For
 * tests and assistive tools the container mirrors what it draws: `data-pin` (WGS-84 "lng,lat"),
 * `data-events` (event points given) and `data-rendered-events` (events drawn in view, clusters
 * counted by their size), `data-regions` (names of the child areas drawn).
 */
export default function GeoMap(props: GeoMapProps) {
  const { t } = useI18n();
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapLibreMap | null>(null);
  const [ready, setReady] = useState(false);
  const [failed, setFailed] = useState(false);
  const latest = useRef(props);
  latest.current = props;
  const { config, theme } = props;
  const crs = config.crs;

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    let map: MapLibreMap;
    let cancelled = false;
    const palette = PALETTES[theme];
    const start = async () => {
      if (config.basemap.kind === 'pmtiles') {
        const { Protocol } = await import('pmtiles');
        addProtocol('pmtiles', new Protocol().tile);
      }
      if (cancelled) return;
      const [west, south, east, north] = latest.current.bounds ?? [];
      const framed = west !== undefined && south !== undefined && east !== undefined && north !== undefined;
      const sw = framed ? toDisplay({ lng: west, lat: south }, crs) : null;
      const ne = framed ? toDisplay({ lng: east, lat: north }, crs) : null;
      try {
        map = new MapLibre({
          container: element,
          style: style(config, palette),
          ...(sw && ne
            ? { bounds: [sw.lng, sw.lat, ne.lng, ne.lat], fitBoundsOptions: { padding: 28 } }
            : { center: [105, 35], zoom: 3 }),
          maxZoom: 19,
          dragRotate: false,
          pitchWithRotate: false,
          touchPitch: false,
          attributionControl: config.attribution ? { compact: true } : false,
          localIdeographFontFamily: '"Noto Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif',
          fadeDuration: 0,
          // The canvas is named in the page's language, not MapLibre's English "Map".
          locale: { 'Map.Title': latest.current.ariaLabel },
        });
      } catch {
        setFailed(true);
        return;
      }
      mapRef.current = map;
      map.touchZoomRotate.disableRotation();
      map.on('load', () => setReady(true));
      map.on('click', (event) => {
        const current = latest.current;
        if (current.onPick) {
          current.onPick(toStored({ lng: event.lngLat.lng, lat: event.lngLat.lat }, crs));
          return;
        }
        const [hit] = map.queryRenderedFeatures(event.point, { layers: CLICKABLE });
        if (!hit) return;
        void clicked(map, hit, current);
      });
      for (const layer of CLICKABLE) {
        map.on('mouseenter', layer, () => {
          if (!latest.current.onPick) map.getCanvas().style.cursor = 'pointer';
        });
        map.on('mouseleave', layer, () => {
          map.getCanvas().style.cursor = latest.current.onPick ? 'crosshair' : '';
        });
      }
      map.on('idle', () => {
        const rendered = map
          .queryRenderedFeatures({ layers: ['event-clusters', 'event-points'] })
          .reduce(
            (sum, f) => sum + (typeof f.properties.point_count === 'number' ? f.properties.point_count : 1),
            0,
          );
        element.dataset.renderedEvents = String(rendered);
        element.dataset.ready = 'true';
      });
    };
    void start();
    return () => {
      cancelled = true;
      mapRef.current = null;
      setReady(false);
      map?.remove();
    };
    // The style (theme, base layer) is fixed for a map's life; data changes go through setData below.
  }, [config, theme, crs]);

  // Data: shifted to the base layer's datum when it is GCJ-02; area labels carry their measure.
  const { layers, regionColours, regionNotes } = props;
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !ready) return;
    const set = (id: string, data: FeatureCollection | undefined) =>
      setSource(map, id, geoJsonToDisplay(data ?? EMPTY, crs));
    const areas = layers.areas ?? EMPTY;
    set('areas', {
      ...areas,
      features: areas.features.map((feature) => {
        const code = String(feature.properties.code ?? '');
        const note = regionNotes?.[code];
        return {
          ...feature,
          properties: {
            ...feature.properties,
            colour: regionColours?.[code] ?? null,
            label: note ? `${String(feature.properties.name)}\n${note}` : (feature.properties.name ?? null),
          },
        };
      }),
    });
    for (const id of [
      'untested',
      'rivers',
      'roads',
      'houses',
      'cameras',
      'gates',
      'events',
      'checkpoints',
    ] as const)
      set(id, layers[id]);
    const element = container.current;
    if (element) {
      element.dataset.events = String(layers.events?.features.length ?? 0);
      element.dataset.checkpoints = JSON.stringify(
        (layers.checkpoints?.features ?? []).map(
          (f) => `${String(f.properties.name)}:${String(f.properties.state)}`,
        ),
      );
      element.dataset.regions = JSON.stringify(
        areas.features.filter((f) => !f.properties.self).map((f) => f.properties.name),
      );
    }
  }, [ready, layers, regionColours, regionNotes, crs]);

  // A new frame (another area chosen) moves the view; the first one was set at creation.
  const boundsKey = JSON.stringify(props.bounds);
  const framedKey = useRef(boundsKey);
  useEffect(() => {
    const map = mapRef.current;
    const [west, south, east, north] = latest.current.bounds ?? [];
    if (!map || !ready || framedKey.current === boundsKey) return;
    framedKey.current = boundsKey;
    if (west === undefined || south === undefined || east === undefined || north === undefined) return;
    const sw = toDisplay({ lng: west, lat: south }, crs);
    const ne = toDisplay({ lng: east, lat: north }, crs);
    map.fitBounds([sw.lng, sw.lat, ne.lng, ne.lat], { padding: 28, duration: 0 });
  }, [ready, boundsKey, crs]);

  const { pin, accuracyM } = props;
  useEffect(() => {
    const map = mapRef.current;
    const element = container.current;
    if (!map || !ready || !element) return;
    const shown = pin ? toDisplay(pin, crs) : null;
    setSource(map, 'pin', {
      type: 'FeatureCollection',
      features: shown
        ? [
            {
              type: 'Feature',
              id: 0,
              properties: {},
              geometry: { type: 'Point', coordinates: [shown.lng, shown.lat] },
            },
          ]
        : [],
    });
    setSource(map, 'accuracy', {
      type: 'FeatureCollection',
      features: shown && accuracyM ? [circle(shown, accuracyM)] : [],
    });
    if (pin) element.dataset.pin = `${pin.lng},${pin.lat}`;
    else delete element.dataset.pin;
    if (shown && !map.getBounds().contains([shown.lng, shown.lat]))
      map.easeTo({ center: [shown.lng, shown.lat], zoom: Math.max(map.getZoom(), 16) });
  }, [ready, pin?.lng, pin?.lat, accuracyM, crs]);

  if (failed)
    return (
      <div
        className="gg-map-fallback"
        style={{ height: props.height }}
        data-testid={`${props.testId}-unavailable`}
      >
        {t('map.noWebgl')}
      </div>
    );
  return (
    <div
      ref={container}
      className={`gg-map gg-map-${theme}`}
      style={{ height: props.height, cursor: props.onPick ? 'crosshair' : undefined }}
      data-testid={props.testId}
      role="region"
      aria-label={props.ariaLabel}
    />
  );
}

function setSource(map: MapLibreMap, id: string, data: FeatureCollection) {
  const source = map.getSource(id) as GeoJSONSource | undefined;
  // Our collections are GeoJSON as the API describes it; MapLibre types them with @types/geojson.
  void source?.setData(data as unknown as Parameters<GeoJSONSource['setData']>[0]);
}

async function clicked(map: MapLibreMap, hit: MapGeoJSONFeature, props: GeoMapProps) {
  if (hit.layer.id === 'checkpoint-points' && props.onCheckpointClick) {
    props.onCheckpointClick(Number(hit.properties.id));
  } else if (hit.layer.id === 'event-clusters') {
    const source = map.getSource('events') as GeoJSONSource;
    const zoom = await source.getClusterExpansionZoom(Number(hit.properties.cluster_id));
    const [lng, lat] = (hit.geometry as { coordinates: [number, number] }).coordinates;
    map.easeTo({ center: [lng, lat], zoom });
  } else if (hit.layer.id === 'event-points' && props.onEventClick) {
    props.onEventClick(Number(hit.properties.id));
  } else if (hit.layer.id === 'areas-fill' && props.onAreaClick) {
    props.onAreaClick(Number(hit.properties.id));
  }
}
