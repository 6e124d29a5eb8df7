import { Card, Spin } from 'antd';
import { lazy, Suspense } from 'react';
import { useNavigate } from 'react-router-dom';
import { useChildFeatures } from '../../api/hooks';
import type { AreaDetail } from '../../api/model';
import { useI18n } from '../../i18n/context';

const ChildAreaMap = lazy(() =>
  import('./ChildAreaMap').then((module) => ({ default: module.ChildAreaMap })),
);

/** Shown only when some child area has a boundary to draw. */
export function ChildMapCard({ area, version }: { area: AreaDetail; version: number }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const features = useChildFeatures(area.id, area.childCount > 0, version);
  const collection = features.data;
  if (!collection?.features.some((feature) => feature.geometry !== null)) return null;
  return (
    <Card size="small" title={t('area.map')} className="side-card">
      <Suspense fallback={<Spin className="map-spin" />}>
        <ChildAreaMap
          mapName={`gridguard-area-${area.id}-${version}`}
          collection={collection}
          onSelect={(id) => void navigate(`/areas/${id}`)}
        />
      </Suspense>
    </Card>
  );
}
