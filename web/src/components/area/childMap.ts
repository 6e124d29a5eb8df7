// Loaded on demand with ECharts: registers the child areas' boundaries as a map ECharts can draw.
import * as echarts from 'echarts/core';
import type { ChildFeatures as AreaFeatureCollection } from '../../api/model';

type AreaFeature = AreaFeatureCollection['features'][number];

type GeoJsonInput = Parameters<typeof echarts.registerMap>[1];
export type DrawnFeature = AreaFeature & { geometry: NonNullable<AreaFeature['geometry']> };

/**
 * Registers the features that have a boundary under `mapName`, each region named by its area
 * code (names may repeat among siblings, codes never do). Returns them, and their properties by code.
 */
export function registerChildMap(mapName: string, collection: AreaFeatureCollection) {
  const drawn = collection.features.filter((feature): feature is DrawnFeature => feature.geometry !== null);
  const byCode = new Map(drawn.map((feature) => [feature.properties.code, feature.properties]));
  echarts.registerMap(mapName, {
    type: 'FeatureCollection',
    features: drawn.map((feature) => ({
      type: 'Feature',
      properties: { name: feature.properties.code },
      geometry: feature.geometry,
    })),
  } as unknown as GeoJsonInput);
  return { drawn, byCode };
}
