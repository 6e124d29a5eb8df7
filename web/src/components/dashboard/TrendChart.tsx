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

export interface TrendSeries {
  name: string;
  values: number[];
  colour: string;
  kind: 'bar' | 'line';
}

interface TrendChartProps {
  /** YYYY-MM-DD, oldest first. */
  days: string[];
  series: TrendSeries[];
  testId?: string;
}

/** Daily figures of the last days on the big screen's dark background. */
export function TrendChart({ days, series, testId }: TrendChartProps) {
  const container = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const chart = echarts.init(element);
    const axisText = { color: '#8ba3c7', fontSize: 12 };
    const option: ChartOption = {
      grid: { left: 8, right: 12, top: series.length > 1 ? 34 : 14, bottom: 4, containLabel: true },
      legend:
        series.length > 1
          ? { top: 0, right: 4, textStyle: { color: '#c9d7ee', fontSize: 13 }, itemWidth: 14, itemHeight: 8 }
          : { show: false },
      tooltip: {
        trigger: 'axis',
        backgroundColor: 'rgba(8, 24, 48, 0.92)',
        borderColor: '#2f81f7',
        textStyle: { color: '#e6f1ff' },
      },
      xAxis: {
        type: 'category',
        data: days.map((day) => day.slice(5)),
        axisLabel: axisText,
        axisLine: { lineStyle: { color: '#2b4468' } },
        axisTick: { show: false },
      },
      yAxis: {
        type: 'value',
        minInterval: 1,
        axisLabel: axisText,
        splitLine: { lineStyle: { color: 'rgba(73, 110, 160, 0.25)', type: 'dashed' } },
      },
      series: series.map((item): BarSeriesOption | LineSeriesOption =>
        item.kind === 'bar'
          ? {
              type: 'bar',
              name: item.name,
              data: item.values,
              barMaxWidth: 16,
              itemStyle: { color: item.colour, borderRadius: [3, 3, 0, 0] },
            }
          : {
              type: 'line',
              name: item.name,
              data: item.values,
              smooth: true,
              symbolSize: 5,
              lineStyle: { color: item.colour, width: 2 },
              itemStyle: { color: item.colour },
              areaStyle: { color: item.colour, opacity: 0.12 },
            },
      ),
    };
    chart.setOption(option);
    // A container leaving the page shrinks to nothing first: a map cannot be laid out in no space.
    const observer = new ResizeObserver(() => {
      if (!chart.isDisposed() && element.clientWidth > 0 && element.clientHeight > 0) chart.resize();
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      chart.dispose();
    };
  }, [days, series]);

  return <div ref={container} className="bigscreen-trend" data-testid={testId} />;
}
