import { describe, expect, it } from 'vitest';
import { geoJsonToDisplay, metresBetween, toDisplay, toStored } from './crs.js';

// 天安门 and 外滩: well-known points; GCJ-02 moves them a few hundred metres (mostly east-north-east).
const TIANANMEN = { lng: 116.397477, lat: 39.908692 };
const BUND = { lng: 121.490317, lat: 31.241701 };

describe('WGS-84 ⇄ GCJ-02', () => {
  it.each([
    ['Beijing', TIANANMEN],
    ['Shanghai', BUND],
  ])(
    'shifts %s by hundreds of metres for a GCJ-02 base layer and brings a pick back within 1 m',
    (_, point) => {
      const shown = toDisplay(point, 'gcj02');
      const shift = metresBetween(point, shown);
      expect(shift).toBeGreaterThan(200);
      expect(shift).toBeLessThan(800);
      const back = toStored(shown, 'gcj02');
      expect(metresBetween(point, back)).toBeLessThan(1);
    },
  );

  it('leaves points alone on a WGS-84 base layer, and shifts whole layers alike', () => {
    expect(toDisplay(BUND, 'wgs84')).toEqual(BUND);
    expect(toStored({ lng: 121.4903171234, lat: 31.2417014321 }, 'wgs84')).toEqual(BUND);
    const layer = {
      type: 'FeatureCollection' as const,
      features: [
        {
          type: 'Feature' as const,
          properties: {},
          geometry: { type: 'Point' as const, coordinates: [BUND.lng, BUND.lat] },
        },
      ],
    };
    const shown = geoJsonToDisplay(layer, 'gcj02');
    const [lng, lat] = shown.features[0]!.geometry.coordinates as [number, number];
    expect(metresBetween(toDisplay(BUND, 'gcj02'), { lng, lat })).toBeLessThan(0.01);
    expect(layer.features[0]!.geometry.coordinates).toEqual([BUND.lng, BUND.lat]);
  });
});
