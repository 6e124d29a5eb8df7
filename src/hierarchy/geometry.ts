import type { GeoJsonGeometry } from '../db/schema.js';

/** Checks a GeoJSON Polygon/MultiPolygon (RFC 7946): rings of ≥ 4 [lng, lat] positions, closed. Returns the problem or null. */
export function geometryProblem(geometry: unknown): string | null {
  if (typeof geometry !== 'object' || geometry === null) return 'must be a GeoJSON geometry object';
  const { type, coordinates } = geometry as { type?: unknown; coordinates?: unknown };
  if (type === 'Polygon') return polygonProblem(coordinates, 'coordinates');
  if (type === 'MultiPolygon') {
    if (!Array.isArray(coordinates) || coordinates.length === 0)
      return 'coordinates must be a non-empty array of polygons';
    for (const [i, polygon] of coordinates.entries()) {
      const problem = polygonProblem(polygon, `coordinates[${i}]`);
      if (problem) return problem;
    }
    return null;
  }
  return `type must be Polygon or MultiPolygon, got ${JSON.stringify(type)}`;
}

function polygonProblem(rings: unknown, where: string): string | null {
  if (!Array.isArray(rings) || rings.length === 0)
    return `${where} must be a non-empty array of linear rings`;
  for (const [r, ring] of rings.entries()) {
    if (!Array.isArray(ring) || ring.length < 4) return `${where}[${r}] must have at least 4 positions`;
    for (const [p, position] of ring.entries()) {
      if (!isPosition(position)) return `${where}[${r}][${p}] must be [longitude, latitude] within range`;
    }
    const first = ring[0] as number[];
    const last = ring[ring.length - 1] as number[];
    if (first[0] !== last[0] || first[1] !== last[1])
      return `${where}[${r}] must be closed (first and last positions equal)`;
  }
  return null;
}

function isPosition(value: unknown): value is [number, number] {
  return (
    Array.isArray(value) &&
    value.length >= 2 &&
    typeof value[0] === 'number' &&
    typeof value[1] === 'number' &&
    Number.isFinite(value[0]) &&
    Number.isFinite(value[1]) &&
    Math.abs(value[0]) <= 180 &&
    Math.abs(value[1]) <= 90
  );
}

/** Mean of the outer ring's vertices: good enough for a label point on a small grid. */
export function roughCentre(geometry: GeoJsonGeometry): { lng: number; lat: number } {
  const ring =
    (geometry.type === 'Polygon'
      ? (geometry.coordinates as number[][][])[0]
      : (geometry.coordinates as number[][][][])[0]?.[0]) ?? [];
  const points = ring.slice(0, -1);
  const lng = points.reduce((sum, p) => sum + (p[0] ?? 0), 0) / Math.max(points.length, 1);
  const lat = points.reduce((sum, p) => sum + (p[1] ?? 0), 0) / Math.max(points.length, 1);
  return { lng: Math.round(lng * 1e6) / 1e6, lat: Math.round(lat * 1e6) / 1e6 };
}
