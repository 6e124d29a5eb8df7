import { Button, Col, Result, Row, Spin } from 'antd';
import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { isApiError } from '../api/client';
import { useAreaDetail } from '../api/hooks';
import { useAuth } from '../auth/AuthContext';
import { AreaHeader } from '../components/area/AreaHeader';
import { AreaStats } from '../components/area/AreaStats';
import { ChildAreaTable } from '../components/area/ChildAreaTable';
import { ChildMapCard } from '../components/area/ChildMapCard';
import { StaffCard } from '../components/area/StaffCard';
import { ErrorResult } from '../components/ErrorResult';
import { useAreaNavigation } from '../components/navigation';
import { useI18n } from '../i18n/context';

function AreaNotFound() {
  const { t } = useI18n();
  return (
    <Result
      status="404"
      title={t('area.notFound')}
      data-testid="area-not-found"
      extra={
        <Link to="/">
          <Button type="primary">{t('notFound.home')}</Button>
        </Link>
      }
    />
  );
}

export function AreaPage() {
  const { id } = useParams();
  const areaId = Number(id);
  if (!Number.isInteger(areaId) || areaId < 1) return <AreaNotFound />;
  // A fresh screen per area: paging and search do not leak from one area to the next.
  return <AreaScreen key={areaId} id={areaId} />;
}

function AreaScreen({ id }: { id: number }) {
  const navigate = useNavigate();
  const { me } = useAuth();
  const detail = useAreaDetail(id);
  const { setTrail, notifyChanged } = useAreaNavigation();
  const [version, setVersion] = useState(0);
  const area = detail.data;

  useEffect(() => {
    if (area) setTrail([...area.ancestors.map((ancestor) => ancestor.id), area.id]);
  }, [area, setTrail]);
  useEffect(() => () => setTrail([]), [setTrail]);

  if (detail.error) {
    return isApiError(detail.error, 'AREA_NOT_FOUND') ? (
      <AreaNotFound />
    ) : (
      <ErrorResult error={detail.error} onRetry={detail.reload} />
    );
  }
  if (!area) return <Spin className="page-spin" />;

  const onChanged = (ids: Array<number | null>, dialog: 'create' | 'edit' | 'move' | 'retire') => {
    notifyChanged(ids);
    if (dialog === 'retire') {
      const parentInScope =
        area.parentId !== null && !me?.assignments.some((assignment) => assignment.areaId === area.id);
      void navigate(parentInScope ? `/areas/${area.parentId}` : '/');
      return;
    }
    detail.reload();
    setVersion((v) => v + 1);
  };

  return (
    <div className="page" data-testid="area-page">
      <AreaHeader area={area} onChanged={onChanged} />
      <AreaStats area={area} />
      <Row gutter={[16, 16]} className="area-body">
        <Col xs={24} xl={15}>
          <ChildAreaTable area={area} version={version} />
        </Col>
        <Col xs={24} xl={9}>
          <ChildMapCard area={area} version={version} />
          <StaffCard staff={area.staff} />
        </Col>
      </Row>
    </div>
  );
}
