import { useEffect, useState } from 'react';

/** The big screen is laid out for 1920×1080 and scaled to the window, keeping its proportions. */
export const STAGE_WIDTH = 1920;
export const STAGE_HEIGHT = 1080;
/** Narrower windows (a phone) get the panels one below the other instead. */
const MIN_STAGE_WINDOW = 1000;

export interface StageScale {
  /** null: too narrow to scale, lay out as a flowing page. */
  scale: number | null;
  offsetX: number;
  offsetY: number;
}

function measure(): StageScale {
  const width = window.innerWidth;
  const height = window.innerHeight;
  if (width < MIN_STAGE_WINDOW) return { scale: null, offsetX: 0, offsetY: 0 };
  const scale = Math.min(width / STAGE_WIDTH, height / STAGE_HEIGHT);
  return {
    scale,
    offsetX: Math.max(0, (width - STAGE_WIDTH * scale) / 2),
    offsetY: Math.max(0, (height - STAGE_HEIGHT * scale) / 2),
  };
}

export function useStageScale(): StageScale {
  const [stage, setStage] = useState(measure);
  useEffect(() => {
    const update = () => setStage(measure());
    window.addEventListener('resize', update);
    return () => window.removeEventListener('resize', update);
  }, []);
  return stage;
}
