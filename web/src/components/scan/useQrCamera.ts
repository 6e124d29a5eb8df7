import { type RefObject, useEffect, useRef, useState } from 'react';
import { decodeQrFrame } from './decoder';

/** Frames looked at per second: smooth enough to catch a code, light on a cheap phone's battery. */
const FRAME_INTERVAL_MS = 250;

/** insecure: plain-HTTP address, no camera API at all; unavailable: no camera found or it failed. */
export type QrCameraState = 'starting' | 'live' | 'insecure' | 'unavailable' | 'denied';

/**
 * The back camera in `video`, read for QR codes a few times a second; `onText` gets each code read
 * while `paused` is false. Bump `attempt` to try the camera again. Stops the camera on unmount.
 */
export function useQrCamera(
  video: RefObject<HTMLVideoElement | null>,
  onText: (text: string) => void,
  { paused, attempt }: { paused: boolean; attempt: number },
): QrCameraState {
  const [camera, setCamera] = useState<QrCameraState>('starting');
  const handler = useRef(onText);
  const pausedRef = useRef(paused);
  useEffect(() => {
    handler.current = onText;
    pausedRef.current = paused;
  }, [onText, paused]);

  useEffect(() => {
    if (!navigator.mediaDevices?.getUserMedia) {
      setCamera('insecure');
      return;
    }
    let stream: MediaStream | null = null;
    let timer: number | undefined;
    let stopped = false;
    const look = async () => {
      if (stopped) return;
      if (!pausedRef.current && video.current) {
        try {
          const text = await decodeQrFrame(video.current);
          if (text && !stopped && !pausedRef.current) handler.current(text);
        } catch {
          // One unreadable frame is no reason to stop looking.
        }
      }
      if (!stopped) timer = window.setTimeout(() => void look(), FRAME_INTERVAL_MS);
    };
    setCamera('starting');
    navigator.mediaDevices
      .getUserMedia({
        video: { facingMode: { ideal: 'environment' }, width: { ideal: 1280 }, height: { ideal: 720 } },
        audio: false,
      })
      .then(async (media) => {
        if (stopped) {
          media.getTracks().forEach((track) => track.stop());
          return;
        }
        stream = media;
        if (video.current) {
          video.current.srcObject = media;
          await video.current.play().catch(() => undefined);
        }
        setCamera('live');
        void look();
      })
      .catch((error: unknown) => {
        if (stopped) return;
        const name = error instanceof DOMException ? error.name : '';
        setCamera(name === 'NotAllowedError' || name === 'SecurityError' ? 'denied' : 'unavailable');
      });
    return () => {
      stopped = true;
      window.clearTimeout(timer);
      stream?.getTracks().forEach((track) => track.stop());
    };
  }, [attempt, video]);

  return camera;
}
