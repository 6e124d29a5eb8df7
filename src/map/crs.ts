// The datums maps meet in China. Our data is stored in WGS-84 (GPS, 天地图's CGCS2000 within
// centimetres); 高德 and 腾讯 tiles are drawn in GCJ-02, which moves points by a few hundred
// metres. Shared by the web (draw and pick on such tiles) and its tests; the server never shifts.
import * as gcoordModule from 'gcoord';

// gcoord is CommonJS under Node and an ES module under the bundler; its default export is the
// same object in both, which its typings describe differently for each resolver.
interface Gcoord {
  transform<T>(input: T, from: string, to: string): T;
  WGS84: string;
  GCJ02: string;
}
const gcoord = (gcoordModule as unknown as { default: Gcoord }).default;

export type BasemapCrs = 'wgs84' | 'gcj02';
export interface LngLat {
  lng: number;
  lat: number;
}

const round6 = (n: number) => Math.round(n * 1e6) / 1e6;

/** A stored (WGS-84) point as the base layer draws it. */
export function toDisplay(point: LngLat, crs: BasemapCrs): LngLat {
  if (crs === 'wgs84') return point;
  const [lng, lat] = gcoord.transform<[number, number]>([point.lng, point.lat], gcoord.WGS84, gcoord.GCJ02);
  return { lng, lat };
}

/** A point picked on the base layer, back in WGS-84 for storing (rounded to ~0.1 m). */
export function toStored(point: LngLat, crs: BasemapCrs): LngLat {
  if (crs === 'wgs84') return { lng: round6(point.lng), lat: round6(point.lat) };
  const [lng, lat] = gcoord.transform<[number, number]>([point.lng, point.lat], gcoord.GCJ02, gcoord.WGS84);
  return { lng: round6(lng), lat: round6(lat) };
}

/** Every position of a GeoJSON value, shifted for display (a copy; the input stays as it is). */
export function geoJsonToDisplay<T extends object>(value: T, crs: BasemapCrs): T {
  if (crs === 'wgs84') return value;
  return gcoord.transform(structuredClone(value), gcoord.WGS84, gcoord.GCJ02);
}

/** Great-circle distance in metres (haversine): how far a shift or a round trip moved a point. */
export function metresBetween(a: LngLat, b: LngLat): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.sqrt(h));
}
