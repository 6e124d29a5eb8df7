// Loaded on demand: ECharts stays out of the first bundle.
import { BarChart, type BarSeriesOption, LineChart, type LineSeriesOption } from 'echarts/charts';
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

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

type ChartOption = echarts.ComposeOption<
  BarSeriesOption | LineSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption
>;

/** Draws `option` into a div that follows its container's size. */
function useChart(option: ChartOption) {
  const container = useRef<HTMLDivElement>(null);
  const text = JSON.stringify(option);
  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const chart = echarts.init(element);
    chart.setOption(option);
    const observer = new ResizeObserver(() => chart.resize());
    observer.observe(element);
    return () => {
      observer.disconnect();
      chart.dispose();
    };
    // The option is rebuilt every render; its content decides a redraw.
  }, [text]);
  return container;
}

export interface ReadsRow {
  name: string;
  targeted: number;
  read: number;
}

/** Per grid: households an announcement was addressed to, and those that opened it. */
export function ReadsChart({
  rows,
  labels,
}: {
  rows: ReadsRow[];
  labels: { targeted: string; read: string };
}) {
  const container = useChart({
    grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
    legend: { top: 0 },
    tooltip: { trigger: 'axis' },
    xAxis: {
      type: 'category',
      data: rows.map((row) => row.name),
      axisLabel: { interval: 0, rotate: rows.length > 6 ? 30 : 0 },
    },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      {
        type: 'bar',
        name: labels.targeted,
        data: rows.map((row) => row.targeted),
        itemStyle: { color: '#bfbfbf' },
      },
      {
        type: 'bar',
        name: labels.read,
        data: rows.map((row) => row.read),
        itemStyle: { color: '#1a5fb4' },
        label: { show: true, position: 'top' },
      },
    ],
  });
  return <div ref={container} style={{ height: 280 }} data-testid="reads-chart" />;
}

export interface ReviewRow {
  name: string;
  handled: number;
  /** 0–1, or null when nothing was handled. */
  overdueShare: number | null;
}

/** Handled events (bars) and the overdue share (line, right axis) per area. */
export function ReviewChart({
  rows,
  labels,
}: {
  rows: ReviewRow[];
  labels: { handled: string; overdue: string };
}) {
  const container = useChart({
    grid: { left: 8, right: 8, top: 32, bottom: 8, containLabel: true },
    legend: { top: 0 },
    tooltip: { trigger: 'axis' },
    xAxis: {
      type: 'category',
      data: rows.map((row) => row.name),
      axisLabel: { interval: 0, rotate: rows.length > 6 ? 30 : 0 },
    },
    yAxis: [
      { type: 'value', minInterval: 1 },
      { type: 'value', max: 100, axisLabel: { formatter: '{value}%' }, splitLine: { show: false } },
    ],
    series: [
      {
        type: 'bar',
        name: labels.handled,
        data: rows.map((row) => row.handled),
        itemStyle: { color: '#1a5fb4' },
      },
      {
        type: 'line',
        name: labels.overdue,
        yAxisIndex: 1,
        data: rows.map((row) =>
          row.overdueShare === null ? null : Math.round(row.overdueShare * 1000) / 10,
        ),
        itemStyle: { color: '#f5222d' },
      },
    ],
  });
  return <div ref={container} style={{ height: 300 }} data-testid="review-chart" />;
}
