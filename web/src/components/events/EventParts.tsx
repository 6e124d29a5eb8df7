// Pieces of the event detail: the timeline, photos and the map card.
import { Card, Image, Space, Timeline, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import type { EventDetail, EventPhotoView, StepView } from '../../api/model';
import { useI18n } from '../../i18n/context';
import { actorLabel } from '../../i18n/labels';
import { eventActionLabel, eventStatusLabel, eventTierLabel } from './labels';
import { aroundPoint, layerSet, useMapLayers } from '../map/mapData';
import { MapView } from '../map/MapView';

/** The current time, moved on every `everyMs`: countdowns tick without reloading. */
export function useNow(everyMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

const ACTION_COLOURS: Record<string, string> = {
  reject: 'red',
  escalate: 'red',
  return: 'orange',
  suspend: 'gray',
  close: 'green',
  evaluate: 'green',
};

/** Every step: what, who, when, the note, the status it led to; photos taken with it. */
export function EventTimeline({
  steps,
  photos,
  photoUrl,
}: {
  steps: StepView[];
  photos: EventPhotoView[];
  photoUrl: (photoId: number) => string;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  return (
    <Timeline
      data-testid="event-timeline"
      items={steps.map((step) => {
        const stepPhotos = photos.filter((photo) => photo.stepId === step.id);
        return {
          key: step.id,
          color: ACTION_COLOURS[step.action] ?? 'blue',
          children: (
            <div data-testid="timeline-step" data-action={step.action}>
              <Space wrap size={6}>
                <strong>{eventActionLabel(i18n, step.action)}</strong>
                {step.toStatus && step.toStatus !== step.fromStatus && (
                  <span className="muted">→ {eventStatusLabel(i18n, step.toStatus)}</span>
                )}
              </Space>
              <div className="muted">
                {actorLabel(i18n, step.actor)} · {i18n.formatDateTime(step.at)}
              </div>
              {step.fromTier && step.toTier && step.fromTier !== step.toTier && (
                <div className="muted">
                  {t('events.detail.tierChange', {
                    from: eventTierLabel(i18n, step.fromTier),
                    to: eventTierLabel(i18n, step.toTier),
                  })}
                </div>
              )}
              {step.note && (
                <Typography.Paragraph style={{ margin: '4px 0 0', whiteSpace: 'pre-wrap' }}>
                  {step.note}
                </Typography.Paragraph>
              )}
              {stepPhotos.length > 0 && (
                <PhotoStrip photos={stepPhotos.map((photo) => photo.id)} photoUrl={photoUrl} size={64} />
              )}
            </div>
          ),
        };
      })}
    />
  );
}

/** Thumbnails that enlarge on a click (a group: swipe through them). */
export function PhotoStrip({
  photos,
  photoUrl,
  size = 96,
}: {
  photos: number[];
  photoUrl: (photoId: number) => string;
  size?: number;
}) {
  if (photos.length === 0) return null;
  return (
    <Image.PreviewGroup>
      <Space wrap size={8} style={{ marginTop: 6 }} data-testid="event-photos">
        {photos.map((id) => (
          <Image
            key={id}
            src={photoUrl(id)}
            width={size}
            height={size}
            style={{ objectFit: 'cover', borderRadius: 6 }}
            alt=""
          />
        ))}
      </Space>
    </Image.PreviewGroup>
  );
}

/** The event's point on its area's map (boundaries, lanes, houses, other events); "no point" when it has none. */
export function EventMapCard({ event }: { event: EventDetail }) {
  const { t } = useI18n();
  // The micro-grid around the event (a row cell alone is too small to find one's way); the area
  // itself when the viewer may not open that; a viewer who may open neither still sees the point.
  const frame = event.areaPath.findLast((area) => area.level === 'microgrid') ?? event.area;
  const wide = useMapLayers(frame.id);
  const narrow = useMapLayers(wide.error && frame.id !== event.area.id ? event.area.id : null);
  const map = narrow.data ? narrow : wide;
  const point = event.lng !== null && event.lat !== null ? { lng: event.lng, lat: event.lat } : null;
  const layers = useMemo(() => {
    const all = layerSet(map.data);
    // This event is the pin; the other events stay as context.
    const events = all.events && {
      ...all.events,
      features: all.events.features.filter((feature) => feature.properties.id !== event.id),
    };
    return { ...all, ...(events ? { events } : {}) };
  }, [map.data, event.id]);
  if (wide.loading || narrow.loading) return null;
  const bounds = point ? aroundPoint(point) : (map.data?.area.bounds ?? null);
  return (
    <Card size="small" title={t('events.detail.map')} className="side-card">
      {(point || bounds) && (
        <MapView
          theme="light"
          layers={layers}
          bounds={bounds}
          pin={point}
          accuracyM={event.accuracyM}
          height={260}
          testId="event-map"
        />
      )}
      {point && event.accuracyM !== null && (
        <Typography.Text type="secondary" data-testid="event-accuracy">
          {t('map.accuracy', { metres: event.accuracyM })}
        </Typography.Text>
      )}
      {!point && <span className="muted">{t('events.detail.noPoint')}</span>}
    </Card>
  );
}
