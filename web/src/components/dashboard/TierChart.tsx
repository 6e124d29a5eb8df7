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

echarts.use([BarChart, GridComponent, TooltipComponent, CanvasRenderer]);

type ChartOption = echarts.ComposeOption<BarSeriesOption | GridComponentOption | TooltipComponentOption>;

export interface TierBar {
  label: string;
  value: number;
}

/** Lowest tier (micro-grid) to highest (district): blue rising to red as matters go up. */
const TIER_COLOURS = ['#39c5cf', '#2f81f7', '#a371f7', '#f0883e', '#e5534b'];

/** Open events per tier, one bar each, on the big screen's dark background. */
export function TierChart({ bars, name }: { bars: TierBar[]; name: string }) {
  const container = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const chart = echarts.init(element);
    const axisText = { color: '#8ba3c7', fontSize: 12 };
    const option: ChartOption = {
      grid: { left: 4, right: 8, top: 18, bottom: 2, containLabel: true },
      tooltip: {
        trigger: 'axis',
        backgroundColor: 'rgba(8, 24, 48, 0.92)',
        borderColor: '#2f81f7',
        textStyle: { color: '#e6f1ff' },
      },
      xAxis: {
        type: 'category',
        data: bars.map((bar) => bar.label),
        axisLabel: { ...axisText, interval: 0 },
        axisLine: { lineStyle: { color: '#2b4468' } },
        axisTick: { show: false },
      },
      // Each bar carries its count: an axis would only crowd the small panel.
      yAxis: { type: 'value', minInterval: 1, show: false },
      series: [
        {
          type: 'bar',
          name,
          barMaxWidth: 26,
          label: { show: true, position: 'top', color: '#e6f1ff', fontSize: 13 },
          data: bars.map((bar, index) => ({
            value: bar.value,
            itemStyle: { color: TIER_COLOURS[index % TIER_COLOURS.length], borderRadius: [3, 3, 0, 0] },
          })),
        },
      ],
    };
    chart.setOption(option);
    // A container leaving the page shrinks to nothing first: a chart cannot be laid out in no space.
    const observer = new ResizeObserver(() => {
      if (!chart.isDisposed() && element.clientWidth > 0 && element.clientHeight > 0) chart.resize();
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      chart.dispose();
    };
  }, [bars, name]);

  return (
    <div
      ref={container}
      className="bigscreen-trend"
      data-testid="events-by-tier"
      // The canvas is opaque: the counts are mirrored for tests and screen readers.
      data-values={JSON.stringify(bars.map((bar) => bar.value))}
      aria-label={`${name}: ${bars.map((bar) => `${bar.label} ${bar.value}`).join(', ')}`}
      role="img"
    />
  );
}
