import type { Transaction } from 'kysely';
import { SeededRandom } from '../core/random.js';
import type { DB, MapFeatureKind, MapGeometry } from '../db/schema.js';
import type { AreaRow } from '../hierarchy/repository.js';
import { boxOf } from './area-box.js';
import * as repo from './repository.js';

const round6 = (n: number) => Math.round(n * 1e6) / 1e6;
const position = (lng: number, lat: number): [number, number] => [round6(lng), round6(lat)];

/** Houses stand this far (degrees, ~25 m) either side of their row's lane. */
const SETBACK = 0.00023;

/**
 * The demo village's own geography, so its maps mean something with no base layer: a lane along
 * every row cell (埭) with its houses on both sides, farm tracks between the micro-grids, the river
 * that parts the northern grids from the southern ones, two main roads and six gates where they
 * leave the village. Demo events get a point near a house of their area (alerts: their camera's).
 * Its own seeded random, so the rest of the demo data stays what it was.
 */
export async function seedDemoGeography(
  trx: Transaction<DB>,
  village: AreaRow,
  grids: AreaRow[],
  cells: AreaRow[],
  seed: number,
  now: Date,
): Promise<{ features: number; houses: number; events: number }> {
  const random = new SeededRandom(seed + 7);
  const jitter = (span: number) => (random.next() - 0.5) * span;
  const v = boxOf(village);
  const midLng = (v.west + v.east) / 2;
  const midLat = (v.south + v.north) / 2;
  const features: Array<{ area: AreaRow; kind: MapFeatureKind; name: string; geometry: MapGeometry }> = [];
  const line = (points: Array<[number, number]>): MapGeometry => ({
    type: 'LineString',
    coordinates: points,
  });

  // The river 星火河: west to east along the grids' seam, gently winding.
  const river: Array<[number, number]> = [];
  for (let i = 0; i <= 40; i++) {
    const lng = v.west - 0.001 + ((v.east - v.west + 0.002) * i) / 40;
    river.push(position(lng, midLat + 0.00026 * Math.sin(i / 3.1) + 0.00008 * Math.sin(i * 1.7)));
  }
  features.push({ area: village, kind: 'river', name: '星火河', geometry: line(river) });

  // Main roads: 星火大道 north–south through the middle, 金卫路 and 新农路 along the south and north.
  const south = v.south + 0.0002;
  const north = v.north - 0.0002;
  features.push(
    {
      area: village,
      kind: 'road',
      name: '星火大道',
      geometry: line([position(midLng, v.south - 0.0015), position(midLng, v.north + 0.0015)]),
    },
    {
      area: village,
      kind: 'road',
      name: '金卫路',
      geometry: line([position(v.west - 0.0015, south), position(v.east + 0.0015, south)]),
    },
    {
      area: village,
      kind: 'road',
      name: '新农路',
      geometry: line([position(v.west - 0.0015, north), position(v.east + 0.0015, north)]),
    },
  );
  const gates: Array<[string, [number, number]]> = [
    ['村南卡口', position(midLng, v.south)],
    ['村北卡口', position(midLng, v.north)],
    ['西南卡口', position(v.west, south)],
    ['东南卡口', position(v.east, south)],
    ['西北卡口', position(v.west, north)],
    ['东北卡口', position(v.east, north)],
  ];
  for (const [name, at] of gates)
    features.push({ area: village, kind: 'gate', name, geometry: { type: 'Point', coordinates: at } });

  // Farm tracks along the seams of the micro-grids, inside each grid.
  for (const grid of grids) {
    const box = boxOf(grid);
    const width = (box.east - box.west) / 5;
    for (let m = 1; m < 5; m++) {
      const lng = box.west + m * width;
      features.push({
        area: grid,
        kind: 'road',
        name: `${grid.name.slice(-4)}${m}号机耕路`,
        geometry: line([
          position(lng, box.south),
          position(lng + jitter(0.0001), (box.south + box.north) / 2),
          position(lng, box.north),
        ]),
      });
    }
  }

  // A lane along each row cell, its houses in door-number order alternating north and south of it.
  const housesByCell = new Map<number, Array<{ id: number; door: number }>>();
  for (const house of await repo.housesWithin(trx, village.path)) {
    const list = housesByCell.get(house.area_id) ?? [];
    list.push({ id: house.id, door: Number(house.door_number) || list.length + 1 });
    housesByCell.set(house.area_id, list);
  }
  const placedHouses: Array<{ id: number; lng: number; lat: number; path: string }> = [];
  for (const cell of cells) {
    const box = boxOf(cell);
    const width = box.east - box.west;
    const laneLat = (box.south + box.north) / 2 + jitter((box.north - box.south) * 0.15);
    const start = box.west + width * 0.04;
    const end = box.east - width * 0.04;
    features.push({
      area: cell,
      kind: 'road',
      name: cell.name,
      geometry: line([
        position(start, laneLat),
        position((start + end) / 2, laneLat + jitter(0.00012)),
        position(end, laneLat),
      ]),
    });
    const houses = (housesByCell.get(cell.id) ?? []).sort((a, b) => a.door - b.door);
    const pairs = Math.ceil(houses.length / 2);
    houses.forEach((house, i) => {
      const along = box.west + width * (0.12 + (0.76 * (Math.floor(i / 2) + 0.5)) / pairs);
      const side = i % 2 === 0 ? 1 : -1;
      const [lng, lat] = position(along + jitter(width * 0.03), laneLat + side * (SETBACK + jitter(0.00008)));
      placedHouses.push({ id: house.id, lng, lat, path: cell.path });
    });
  }
  await repo.placeRows(trx, 'houses', placedHouses);
  await repo.insertMapFeatures(
    trx,
    features.map((f) => ({
      area_id: f.area.id,
      area_path: f.area.path,
      kind: f.kind,
      name: f.name,
      geometry: JSON.stringify(f.geometry),
      created_at: now,
    })),
  );

  const placedEvents = (await repo.unplacedEvents(trx, village.path)).flatMap((event) => {
    if (event.camera_lng !== null && event.camera_lat !== null)
      return [{ id: event.id, lng: event.camera_lng, lat: event.camera_lat }];
    const near = placedHouses.filter((h) => h.path.startsWith(event.area_path));
    if (near.length === 0) return [];
    const house = near[random.int(0, near.length - 1)]!;
    const [lng, lat] = position(house.lng + jitter(0.0004), house.lat + jitter(0.0003));
    return [{ id: event.id, lng, lat }];
  });
  await repo.placeRows(trx, 'events', placedEvents);
  return { features: features.length, houses: placedHouses.length, events: placedEvents.length };
}
