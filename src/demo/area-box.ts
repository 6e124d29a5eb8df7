import type { GeoJsonGeometry } from '../db/schema.js';
import type { AreaRow } from '../hierarchy/repository.js';

/** The bounding box of a demo area's outer ring (demo areas are drawn as simple polygons). */
export interface Box {
  west: number;
  south: number;
  east: number;
  north: number;
}

export function boxOf(area: AreaRow): Box {
  const ring = (area.boundary as GeoJsonGeometry).coordinates[0] as number[][];
  const lngs = ring.map((p) => p[0]!);
  const lats = ring.map((p) => p[1]!);
  return {
    west: Math.min(...lngs),
    east: Math.max(...lngs),
    south: Math.min(...lats),
    north: Math.max(...lats),
  };
}
