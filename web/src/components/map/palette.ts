/** Calm map colours: paper-like for the light pages, deep navy for the big screen's dark theme. */
export interface Palette {
  background: string;
  areaFill: string;
  /** Without a base layer; over tiles the fill is lighter still. */
  areaFillOpacity: number;
  areaLine: string;
  areaLabel: string;
  river: string;
  riverLabel: string;
  road: string;
  majorRoad: string;
  roadCasing: string;
  house: string;
  houseStroke: string;
  camera: string;
  gate: string;
  gateLabel: string;
  event: string;
  eventStroke: string;
  closedEvent: string;
  /** Checkpoints by staffing state: staffed, short of staff, nobody on duty, closed or not due. */
  checkpointStaffed: string;
  checkpointShort: string;
  checkpointGap: string;
  checkpointClosed: string;
  checkpointStroke: string;
  /** The heat ramp starts transparent in its own hue, so faint heat tints instead of greying. */
  heatNone: string;
  heatLow: string;
  heatHigh: string;
  pin: string;
  label: string;
  halo: string;
}

export const PALETTES: Record<'light' | 'dark', Palette> = {
  light: {
    background: '#f3f1ea',
    areaFill: '#eef3ea',
    areaFillOpacity: 0.85,
    areaLine: '#6f8fae',
    areaLabel: '#2f4a66',
    river: '#9cc7e4',
    riverLabel: '#3d7fb0',
    road: '#ffffff',
    majorRoad: '#fbe3a8',
    roadCasing: '#cfc6b4',
    house: '#b9a27f',
    houseStroke: '#8f7b5e',
    camera: '#7b6cc4',
    gate: '#d9822b',
    gateLabel: '#9a5512',
    event: '#e5534b',
    eventStroke: '#ffffff',
    closedEvent: '#9aa5b1',
    checkpointStaffed: '#2f9e44',
    checkpointShort: '#f59f00',
    checkpointGap: '#e03131',
    checkpointClosed: '#9aa5b1',
    checkpointStroke: '#ffffff',
    heatNone: 'rgba(255, 196, 0, 0)',
    heatLow: 'rgba(255, 196, 0, 0.45)',
    heatHigh: 'rgba(229, 83, 75, 0.85)',
    pin: '#1668dc',
    label: '#4a4a4a',
    halo: 'rgba(255, 255, 255, 0.9)',
  },
  dark: {
    background: '#081529',
    areaFill: '#10233f',
    areaFillOpacity: 0.5,
    areaLine: '#5aa9e6',
    areaLabel: '#e6f1ff',
    river: '#1f5f8b',
    riverLabel: '#7cc4ff',
    road: '#3a4d6b',
    majorRoad: '#8a7440',
    roadCasing: '#0b1a30',
    house: '#7f9cc2',
    houseStroke: '#0b1a30',
    camera: '#b39ddb',
    gate: '#f0a33c',
    gateLabel: '#ffd591',
    event: '#ff6b57',
    eventStroke: '#fff1e6',
    closedEvent: '#5c6f88',
    checkpointStaffed: '#40c057',
    checkpointShort: '#fcc419',
    checkpointGap: '#ff4d4f',
    checkpointClosed: '#6b7c93',
    checkpointStroke: '#081529',
    heatNone: 'rgba(255, 196, 0, 0)',
    heatLow: 'rgba(255, 196, 0, 0.35)',
    heatHigh: 'rgba(255, 107, 87, 0.8)',
    pin: '#4096ff',
    label: '#c9d7ea',
    halo: 'rgba(8, 21, 41, 0.9)',
  },
};
