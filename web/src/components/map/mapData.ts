// Small, eager helpers for maps: settings, layers, WebGL. MapLibre itself is in GeoMap (lazy).
import { api, call } from '../../api/client';
import { useResource } from '../../api/hooks';
import type { MapConfig, MapLayers } from '../../api/model';

export type LayerId = MapLayers['layers'][number]['id'];
export type FeatureCollection = MapLayers['layers'][number]['features'];
export type LayerSet = Partial<Record<LayerId, FeatureCollection>>;
/** [west, south, east, north] (the API's tuple arrives as a plain array). */
export type Bounds = number[];
export interface LngLat {
  lng: number;
  lat: number;
}

let settings: Promise<MapConfig> | null = null;

/** The base layer settings, asked once per page load (they change only with a restart). */
export function loadMapConfig(): Promise<MapConfig> {
  settings ??= call(api.GET('/api/map/config')).catch((error: unknown) => {
    settings = null;
    throw error;
  });
  return settings;
}

export const useMapConfig = () => useResource(() => loadMapConfig(), []);

/** An area's layers as the API scopes them to the signed-in user. */
export const useMapLayers = (areaId: number | null | undefined, version = 0) =>
  useResource(
    (signal) =>
      areaId
        ? call(api.GET('/api/map/layers', { params: { query: { areaId } }, signal }))
        : Promise.resolve(null),
    [areaId, version],
  );

/** The report page's map of its community: geography and bare house points, for anyone. */
export const usePublicMap = (code: string) =>
  useResource(
    (signal) => call(api.GET('/api/public/map/{code}', { params: { path: { code } }, signal })),
    [code],
  );

export function layerSet(map: Pick<MapLayers, 'layers'> | null | undefined): LayerSet {
  return Object.fromEntries((map?.layers ?? []).map((layer) => [layer.id, layer.features]));
}

let webgl: boolean | undefined;

/** Whether this browser can draw a MapLibre map at all. */
export function hasWebGL(): boolean {
  if (webgl === undefined) {
    try {
      const canvas = document.createElement('canvas');
      webgl = Boolean(canvas.getContext('webgl2') ?? canvas.getContext('webgl'));
    } catch {
      webgl = false;
    }
  }
  return webgl;
}

/** About 200 m around a point: the view of a lone pin. */
export const aroundPoint = (point: LngLat): Bounds => [
  point.lng - 0.002,
  point.lat - 0.0016,
  point.lng + 0.002,
  point.lat + 0.0016,
];
