// Loaded on demand: ECharts stays out of the person page's first bytes.
import { LineChart, type LineSeriesOption } from 'echarts/charts';
import {
  GridComponent,
  type GridComponentOption,
  MarkLineComponent,
  type MarkLineComponentOption,
  TooltipComponent,
  type TooltipComponentOption,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

echarts.use([LineChart, GridComponent, MarkLineComponent, TooltipComponent, CanvasRenderer]);

type ChartOption = echarts.ComposeOption<
  LineSeriesOption | GridComponentOption | MarkLineComponentOption | TooltipComponentOption
>;

interface TemperatureSparklineProps {
  readings: ReadonlyArray<{ at: string; value: number }>;
  threshold: number;
  /** A reading's time in the reader's format (tooltip). */
  formatTime: (at: string) => string;
}

/** A week's temperatures as a small line, the fever threshold dashed, readings at or above it red. */
export function TemperatureSparkline({ readings, threshold, formatTime }: TemperatureSparklineProps) {
  const container = useRef<HTMLDivElement>(null);
  const formatRef = useRef(formatTime);
  formatRef.current = formatTime;

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const chart = echarts.init(element);
    const values = readings.map((r) => r.value);
    const option: ChartOption = {
      grid: { left: 28, right: 8, top: 8, bottom: 8 },
      tooltip: {
        trigger: 'item',
        formatter: (params) => {
          const item = Array.isArray(params) ? params[0] : params;
          const reading = item ? readings[item.dataIndex] : undefined;
          return reading ? `${formatRef.current(reading.at)}<br/>${reading.value} ℃` : '';
        },
      },
      xAxis: { type: 'category', show: false, data: readings.map((r) => r.at) },
      yAxis: {
        type: 'value',
        min: Math.floor(Math.min(35.5, ...values)),
        max: Math.ceil(Math.max(threshold + 0.5, ...values)),
        splitNumber: 2,
        axisLabel: { fontSize: 10 },
        splitLine: { show: false },
      },
      series: [
        {
          type: 'line',
          smooth: true,
          symbolSize: 5,
          lineStyle: { width: 2, color: '#1677ff' },
          data: readings.map((r) => ({
            value: r.value,
            itemStyle: { color: r.value >= threshold ? '#f5222d' : '#1677ff' },
          })),
          markLine: {
            silent: true,
            symbol: 'none',
            label: { show: false },
            lineStyle: { type: 'dashed', color: '#f5222d' },
            data: [{ yAxis: threshold }],
          },
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
  }, [readings, threshold]);

  return (
    <div
      ref={container}
      className="temperature-sparkline"
      style={{ height: 72 }}
      data-testid="temperature-trend"
    />
  );
}
