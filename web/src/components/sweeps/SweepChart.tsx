// Loaded on demand: ECharts stays out of the first bundle.
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
import type { SweepProgressRow } from '../../api/model';

echarts.use([BarChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

type ChartOption = echarts.ComposeOption<
  BarSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption
>;

interface SweepChartProps {
  rows: SweepProgressRow[];
  /** The three parts' names in the user's language. */
  labels: { visited: string; attempted: string; unvisited: string };
}

/** Households per grid as stacked bars: visited, nobody home, not visited. */
export function SweepChart({ rows, labels }: SweepChartProps) {
  const container = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const chart = echarts.init(element);
    const part = (
      name: string,
      colour: string,
      value: (row: SweepProgressRow) => number,
    ): BarSeriesOption => ({
      type: 'bar',
      name,
      stack: 'households',
      barMaxWidth: 36,
      itemStyle: { color: colour },
      label: { show: true, formatter: (p) => (Number(p.value) > 0 ? String(p.value) : '') },
      data: rows.map(value),
    });
    const option: ChartOption = {
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      legend: { top: 0 },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      xAxis: { type: 'category', data: rows.map((row) => row.area.name), axisTick: { show: false } },
      yAxis: { type: 'value', minInterval: 1, splitLine: { lineStyle: { type: 'dashed' } } },
      series: [
        part(labels.visited, '#52c41a', (row) => row.figures.visited),
        part(labels.attempted, '#faad14', (row) => row.figures.attempted),
        part(labels.unvisited, '#d9d9d9', (row) => row.figures.unvisited),
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

  return <div ref={container} className="sweep-chart" style={{ height: 320 }} data-testid="sweep-chart" />;
}
