// Loaded on demand: ECharts stays out of the first bundle.
import { BarChart, type BarSeriesOption } from 'echarts/charts';
import {
  GridComponent,
  type GridComponentOption,
  TooltipComponent,
  type TooltipComponentOption,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import type { CoverageRow } from '../../api/model';

echarts.use([BarChart, GridComponent, TooltipComponent, CanvasRenderer]);

type ChartOption = echarts.ComposeOption<BarSeriesOption | GridComponentOption | TooltipComponentOption>;

const colourOf = (share: number) => (share >= 0.8 ? '#52c41a' : share >= 0.5 ? '#faad14' : '#f5222d');

interface CoverageChartProps {
  rows: CoverageRow[];
  /** "{visited} / {houses}" in the user's language. */
  describe: (row: CoverageRow) => string;
}

/** Share of houses visited per grid and micro-grid, as horizontal bars (green from 80 %). */
export function CoverageChart({ rows, describe }: CoverageChartProps) {
  const container = useRef<HTMLDivElement>(null);
  const describeRef = useRef(describe);
  describeRef.current = describe;

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const chart = echarts.init(element);
    // Top row first: ECharts draws a category axis from the bottom up.
    const ordered = [...rows].reverse();
    const option: ChartOption = {
      grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
      tooltip: {
        trigger: 'item',
        formatter: (params) => {
          const item = Array.isArray(params) ? params[0] : params;
          const row = item ? ordered[item.dataIndex] : undefined;
          return row ? `${row.area.name}<br/>${describeRef.current(row)}` : '';
        },
      },
      xAxis: {
        type: 'value',
        max: 100,
        axisLabel: { formatter: '{value}%' },
        splitLine: { lineStyle: { type: 'dashed' } },
      },
      yAxis: { type: 'category', data: ordered.map((row) => row.area.name), axisTick: { show: false } },
      series: [
        {
          type: 'bar',
          barMaxWidth: 18,
          label: { show: true, position: 'right', formatter: (p) => `${String(p.value)}%` },
          data: ordered.map((row) => ({
            value: Math.round(row.coverage * 1000) / 10,
            itemStyle: { color: colourOf(row.coverage), borderRadius: [0, 3, 3, 0] },
          })),
        },
      ],
    };
    chart.setOption(option);
    const observer = new ResizeObserver(() => chart.resize());
    observer.observe(element);
    return () => {
      observer.disconnect();
      chart.dispose();
    };
  }, [rows]);

  return (
    <div
      ref={container}
      className="coverage-chart"
      style={{ height: Math.max(120, rows.length * 34 + 24) }}
      data-testid="coverage-chart"
    />
  );
}
