// Loaded on demand: ECharts stays out of the first bundle.
import { MapChart, type MapSeriesOption } from 'echarts/charts';
import {
  TooltipComponent,
  type TooltipComponentOption,
  VisualMapContinuousComponent,
  type VisualMapComponentOption,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { LabelLayout } from 'echarts/features';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import type { ChildFeatures } from '../../api/model';
import { registerChildMap } from '../area/childMap';

echarts.use([MapChart, TooltipComponent, VisualMapContinuousComponent, LabelLayout, CanvasRenderer]);

type MapOption = echarts.ComposeOption<MapSeriesOption | TooltipComponentOption | VisualMapComponentOption>;

export interface MapRegion {
  id: number;
  code: string;
  /** In display units (a percentage, a count); null: nothing to measure. */
  value: number | null;
  /** Further lines for the tooltip (open and overdue events), already in the user's language. */
  notes?: string[];
}

interface DashboardMapProps {
  /** Names the registered map; one per node. */
  mapName: string;
  collection: ChildFeatures;
  regions: MapRegion[];
  /** Good is low (green) for shares of untested; counts go from calm blue to red. */
  scale: 'share' | 'count';
  /** "12.5%" or "3": a value as the legend and tooltips show it. */
  format: (value: number) => string;
  /** What the colour measures, for the tooltip. */
  measureLabel: string;
  noData: string;
  onSelect: (areaId: number) => void;
}

/** The tooltip is HTML: names come from the register, so they are escaped. */
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const SHARE_COLOURS = ['#2ea043', '#d4a72c', '#e5534b'];
const COUNT_COLOURS = ['#1b3a5c', '#2f81f7', '#d4a72c', '#e5534b'];

/**
 * The child areas drawn from their boundaries, coloured by the chosen measure, with a legend.
 * The names of the regions drawn are mirrored in `data-regions` (the canvas itself is opaque).
 */
export function DashboardMap({
  mapName,
  collection,
  regions,
  scale,
  format,
  measureLabel,
  noData,
  onSelect,
}: DashboardMapProps) {
  const container = useRef<HTMLDivElement>(null);
  const chartRef = useRef<echarts.ECharts | null>(null);
  const byCodeRef = useRef(new Map<string, { id: number; name: string }>());
  const select = useRef(onSelect);
  select.current = onSelect;

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const chart = echarts.init(element);
    chartRef.current = chart;
    chart.on('click', (params) => {
      const area = byCodeRef.current.get(params.name);
      if (area) select.current(area.id);
    });
    // A container leaving the page shrinks to nothing first: a map cannot be laid out in no space.
    const observer = new ResizeObserver(() => {
      if (!chart.isDisposed() && element.clientWidth > 0 && element.clientHeight > 0) chart.resize();
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      chart.dispose();
      chartRef.current = null;
    };
  }, []);

  useEffect(() => {
    const chart = chartRef.current;
    const element = container.current;
    if (!chart || !element) return;
    const { drawn, byCode } = registerChildMap(mapName, collection);
    byCodeRef.current = byCode;
    const valueOf = new Map(regions.map((region) => [region.code, region.value]));
    const notesOf = new Map(regions.map((region) => [region.code, region.notes ?? []]));
    const values = drawn.map((feature) => valueOf.get(feature.properties.code) ?? null);
    const measured = values.filter((value): value is number => value !== null);
    // Shares are percentages: the legend always spans 0–100 %.
    const max = scale === 'share' ? 100 : Math.max(1, ...measured);
    const option: MapOption = {
      tooltip: {
        trigger: 'item',
        backgroundColor: 'rgba(8, 24, 48, 0.92)',
        borderColor: '#2f81f7',
        textStyle: { color: '#e6f1ff' },
        formatter: (params) => {
          const item = Array.isArray(params) ? params[0] : params;
          const area = item ? byCode.get(item.name) : undefined;
          if (!area || !item) return '';
          const value =
            typeof item.value === 'number' && !Number.isNaN(item.value) ? format(item.value) : noData;
          const notes = (notesOf.get(item.name) ?? []).map((note) => `<br/>${escapeHtml(note)}`).join('');
          return `${escapeHtml(area.name)}<br/>${escapeHtml(measureLabel)}: ${value}${notes}`;
        },
      },
      visualMap: {
        type: 'continuous',
        orient: 'horizontal',
        min: 0,
        max,
        left: 'center',
        bottom: 6,
        itemHeight: 220,
        itemWidth: 12,
        calculable: false,
        text: [format(max), format(0)],
        textStyle: { color: '#9fb3cc', fontSize: 13 },
        inRange: { color: scale === 'share' ? SHARE_COLOURS : COUNT_COLOURS },
      },
      series: [
        {
          type: 'map',
          map: mapName,
          roam: false,
          selectedMode: false,
          layoutCenter: ['50%', '46%'],
          layoutSize: '86%',
          label: {
            show: true,
            color: '#f0f6ff',
            // Many narrow areas: smaller names, so more of them fit.
            fontSize: drawn.length > 6 ? 12 : drawn.length > 4 ? 13 : 15,
            fontWeight: 600,
            textBorderColor: 'rgba(3, 12, 28, 0.85)',
            textBorderWidth: 3,
            formatter: (params) => {
              const name = byCode.get(params.name)?.name ?? params.name;
              const value =
                typeof params.value === 'number' && !Number.isNaN(params.value) ? format(params.value) : '';
              return value ? `${name}\n${value}` : name;
            },
          },
          labelLayout: { hideOverlap: true },
          itemStyle: { areaColor: '#22324a', borderColor: '#7cc4ff', borderWidth: 1.2 },
          emphasis: {
            label: { show: true, color: '#fff' },
            itemStyle: { areaColor: '#ffd666', borderColor: '#fff' },
          },
          data: drawn.map((feature, index) => ({
            name: feature.properties.code,
            value: values[index] ?? NaN,
          })),
        },
      ],
    };
    chart.setOption(option, { notMerge: true });
    element.dataset.regions = JSON.stringify(drawn.map((feature) => feature.properties.name));
  }, [mapName, collection, regions, scale, format, measureLabel, noData]);

  return <div ref={container} className="bigscreen-map" data-testid="dashboard-map" />;
}
