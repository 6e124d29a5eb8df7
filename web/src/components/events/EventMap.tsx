// Loaded on demand: ECharts stays out of the first bundle. No map tiles: the area's own boundary
// is the map (works offline and under the CSP), with the event's point on it.
import { EffectScatterChart, type EffectScatterSeriesOption } from 'echarts/charts';
import { GeoComponent, type GeoComponentOption } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import type { Geometry } from '../../api/model';

echarts.use([GeoComponent, EffectScatterChart, CanvasRenderer]);

type MapOption = echarts.ComposeOption<GeoComponentOption | EffectScatterSeriesOption>;
type GeoJsonInput = Parameters<typeof echarts.registerMap>[1];

/** Half the side of the square drawn when the area has no boundary: about 200 m. */
const SPAN = 0.002;

interface EventMapProps {
  /** Names the registered map (one per area and point). */
  mapName: string;
  boundary: Geometry | null;
  point: { lng: number; lat: number } | null;
  /** Given: a click on the map picks the point. */
  onPick?: (point: { lng: number; lat: number }) => void;
  height?: number;
}

function squareAround(point: { lng: number; lat: number }): Geometry {
  const { lng, lat } = point;
  return {
    type: 'Polygon',
    coordinates: [
      [
        [lng - SPAN, lat - SPAN],
        [lng + SPAN, lat - SPAN],
        [lng + SPAN, lat + SPAN],
        [lng - SPAN, lat + SPAN],
        [lng - SPAN, lat - SPAN],
      ],
    ],
  };
}

export function EventMap({ mapName, boundary, point, onPick, height = 260 }: EventMapProps) {
  const container = useRef<HTMLDivElement>(null);
  const pick = useRef(onPick);
  pick.current = onPick;
  const chartRef = useRef<echarts.ECharts | null>(null);
  const shape = boundary ?? (point ? squareAround(point) : null);

  useEffect(() => {
    const element = container.current;
    if (!element || !shape) return;
    echarts.registerMap(mapName, {
      type: 'FeatureCollection',
      features: [{ type: 'Feature', properties: { name: 'area' }, geometry: shape }],
    } as unknown as GeoJsonInput);
    const chart = echarts.init(element);
    chartRef.current = chart;
    const option: MapOption = {
      geo: {
        map: mapName,
        roam: true,
        silent: true,
        itemStyle: {
          areaColor: boundary ? '#e6f4ff' : '#f5f5f5',
          borderColor: boundary ? '#1a5fb4' : '#d9d9d9',
          borderWidth: 1.5,
        },
      },
      series: [{ type: 'effectScatter', coordinateSystem: 'geo', symbolSize: 14, data: [] }],
    };
    chart.setOption(option);
    chart.getZr().on('click', (event) => {
      if (!pick.current) return;
      const value = chart.convertFromPixel({ geoIndex: 0 }, [event.offsetX, event.offsetY]) as
        number[] | null;
      if (value && Number.isFinite(value[0]) && Number.isFinite(value[1]))
        pick.current({ lng: Number(value[0]!.toFixed(6)), lat: Number(value[1]!.toFixed(6)) });
    });
    const observer = new ResizeObserver(() => chart.resize());
    observer.observe(element);
    return () => {
      observer.disconnect();
      chart.dispose();
      chartRef.current = null;
    };
    // The shape changes only with the map name (area and first point); later points move the dot.
  }, [mapName]);

  useEffect(() => {
    chartRef.current?.setOption({
      series: [
        {
          type: 'effectScatter',
          coordinateSystem: 'geo',
          symbolSize: 14,
          itemStyle: { color: '#e8684a' },
          data: point ? [[point.lng, point.lat]] : [],
        },
      ],
    });
  }, [point?.lng, point?.lat, mapName]);

  if (!shape) return null;
  return (
    <div
      ref={container}
      style={{ width: '100%', height, cursor: onPick ? 'crosshair' : undefined }}
      data-testid="event-map"
    />
  );
}
