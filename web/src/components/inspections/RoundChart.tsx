// Loaded with the desk page only: ECharts stays out of the first bundle.
import { BarChart, type BarSeriesOption } from 'echarts/charts';
import {
  GridComponent,
  type GridComponentOption,
  LegendComponent,
  type LegendComponentOption,
  TooltipComponent,
  type TooltipComponentOption,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

echarts.use([BarChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

type ChartOption = echarts.ComposeOption<
  BarSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption
>;

export interface RoundChartRow {
  name: string;
  inspected: number;
  total: number;
}

/** Resumed enterprises per grid as stacked bars: inspected in the round, not yet. */
export function RoundChart({
  rows,
  labels,
}: {
  rows: RoundChartRow[];
  labels: { inspected: string; uninspected: string };
}) {
  const container = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const chart = echarts.init(element);
    const part = (name: string, colour: string, value: (row: RoundChartRow) => number): BarSeriesOption => ({
      type: 'bar',
      name,
      stack: 'enterprises',
      barMaxWidth: 36,
      itemStyle: { color: colour },
      label: { show: true, formatter: (p) => (Number(p.value) > 0 ? String(p.value) : '') },
      data: rows.map(value),
    });
    const option: ChartOption = {
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      legend: { top: 0 },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      xAxis: { type: 'category', data: rows.map((row) => row.name), axisTick: { show: false } },
      yAxis: { type: 'value', minInterval: 1, splitLine: { lineStyle: { type: 'dashed' } } },
      series: [
        part(labels.inspected, '#52c41a', (row) => row.inspected),
        part(labels.uninspected, '#d9d9d9', (row) => row.total - row.inspected),
      ],
    };
    chart.setOption(option);
    const observer = new ResizeObserver(() => chart.resize());
    observer.observe(element);
    return () => {
      observer.disconnect();
      chart.dispose();
    };
  }, [rows, labels]);
  return <div ref={container} style={{ height: 300 }} data-testid="inspection-round-chart" />;
}
