// Loaded on demand: ECharts stays out of the first bundle.
import { MapChart, type MapSeriesOption } from 'echarts/charts';
import { TooltipComponent, type TooltipComponentOption } from 'echarts/components';
import * as echarts from 'echarts/core';
import { LabelLayout } from 'echarts/features';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import type { ChildFeatures as AreaFeatureCollection } from '../../api/model';
import { registerChildMap } from './childMap';

echarts.use([MapChart, TooltipComponent, LabelLayout, CanvasRenderer]);

type MapOption = echarts.ComposeOption<MapSeriesOption | TooltipComponentOption>;

const PALETTE = ['#5b8ff9', '#5ad8a6', '#f6bd16', '#e8684a', '#6dc8ec', '#9270ca', '#ff9d4d', '#269a99'];

interface ChildAreaMapProps {
  /** Names the registered map; one per parent area. */
  mapName: string;
  collection: AreaFeatureCollection;
  onSelect: (areaId: number) => void;
}

/** The child areas drawn from their own boundaries (no map tiles: works offline and under the CSP). */
export function ChildAreaMap({ mapName, collection, onSelect }: ChildAreaMapProps) {
  const container = useRef<HTMLDivElement>(null);
  const select = useRef(onSelect);
  select.current = onSelect;

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const { drawn, byCode } = registerChildMap(mapName, collection);

    const chart = echarts.init(element);
    const option: MapOption = {
      tooltip: {
        trigger: 'item',
        formatter: (params) => {
          const item = Array.isArray(params) ? params[0] : params;
          const area = item ? byCode.get(item.name) : undefined;
          return area ? `${area.name}<br/>${area.code}` : '';
        },
      },
      series: [
        {
          type: 'map',
          map: mapName,
          roam: true,
          selectedMode: false,
          label: {
            show: true,
            fontSize: 11,
            formatter: (params) => byCode.get(params.name)?.name ?? params.name,
          },
          // Narrow strips cannot hold every name: drop the overlapping ones (the tooltip still names them).
          labelLayout: { hideOverlap: true },
          itemStyle: { borderColor: '#fff', borderWidth: 1.5 },
          emphasis: { label: { show: true }, itemStyle: { areaColor: '#ffd666' } },
          data: drawn.map((feature, index) => ({
            name: feature.properties.code,
            itemStyle: { areaColor: PALETTE[index % PALETTE.length] },
          })),
        },
      ],
    };
    chart.setOption(option);
    chart.on('click', (params) => {
      const area = byCode.get(params.name);
      if (area) select.current(area.id);
    });
    const observer = new ResizeObserver(() => chart.resize());
    observer.observe(element);
    return () => {
      observer.disconnect();
      chart.dispose();
    };
  }, [mapName, collection]);

  return <div ref={container} className="area-map" data-testid="area-map" />;
}
