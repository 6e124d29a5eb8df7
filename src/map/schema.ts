import { type Static, type TSchema, Type } from 'typebox';
import { Id } from '../core/schemas.js';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** What the web needs to draw a map's base layer (GRIDGUARD_BASEMAP*), for signed-in and public pages alike. */
export const MapConfig = Type.Object(
  {
    basemap: Type.Union([
      Type.Object({ kind: Type.Literal('none') }),
      Type.Object({
        kind: Type.Literal('xyz'),
        tiles: Type.Array(Type.String(), { description: 'Tile URL templates, one per subdomain' }),
      }),
      Type.Object({
        kind: Type.Literal('pmtiles'),
        url: Type.String({ description: 'Where this server serves the archive (HTTP Range)' }),
      }),
    ]),
    crs: Type.Enum(['wgs84', 'gcj02'], {
      description: 'The datum of the base layer; our data is WGS-84 and is shifted for display on gcj02',
    }),
    attribution: Type.String(),
  },
  { $id: 'MapConfig' },
);
export type MapConfig = Static<typeof MapConfig>;

/**
 * The map's layers, bottom to top. Each is a GeoJSON FeatureCollection the caller may see; a
 * layer the caller has no right to is simply absent. Checkpoints carry their staffing state now.
 */
export const MAP_LAYER_IDS = [
  'areas',
  'rivers',
  'roads',
  'houses',
  'gates',
  'cameras',
  'untested',
  'events',
  'checkpoints',
] as const;
export type MapLayerId = (typeof MAP_LAYER_IDS)[number];

export const MapLayersQuery = Type.Object(
  { areaId: Id({ description: 'The area the map shows: it and everything under it, within your scope' }) },
  { $id: 'MapLayersQuery', additionalProperties: false },
);
export type MapLayersQuery = Static<typeof MapLayersQuery>;

export const MapCommunityParams = Type.Object(
  { code: Type.String({ pattern: '^[0-9]{6,20}$', description: 'The community of the report page' }) },
  { $id: 'MapCommunityParams', additionalProperties: false },
);
export type MapCommunityParams = Static<typeof MapCommunityParams>;

const Property = Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]);
export const MapFeature = Type.Object(
  {
    type: Type.Literal('Feature'),
    id: Type.Integer(),
    geometry: Type.Object({
      type: Type.Enum(['Point', 'LineString', 'Polygon', 'MultiPolygon']),
      coordinates: Type.Array(Type.Unknown()),
    }),
    properties: Type.Record(Type.String(), Property),
  },
  { $id: 'MapFeature' },
);
export type MapFeature = Static<typeof MapFeature>;

export const MapLayers = Type.Object(
  {
    area: Type.Object({
      id: Type.Integer(),
      code: Type.String(),
      name: Type.String(),
      /** [west, south, east, north] of the area's boundary, or of what is drawn when it has none. */
      bounds: Nullable(Type.Tuple([Type.Number(), Type.Number(), Type.Number(), Type.Number()])),
    }),
    layers: Type.Array(
      Type.Object({
        id: Type.Enum(MAP_LAYER_IDS),
        features: Type.Object({ type: Type.Literal('FeatureCollection'), features: Type.Array(MapFeature) }),
      }),
    ),
  },
  { $id: 'MapLayers' },
);
export type MapLayers = Static<typeof MapLayers>;
