import { DeleteOutlined, EditOutlined, PlusOutlined, SwapOutlined } from '@ant-design/icons';
import { Breadcrumb, Button, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import type { AreaDetail } from '../../api/types';
import { useAuth } from '../../auth/AuthContext';
import { useI18n } from '../../i18n/context';
import { levelLabel } from '../../i18n/labels';
import { KindTag, LevelTag } from '../LevelTag';
import { CreateAreaDialog, EditAreaDialog, MoveAreaDialog, RetireAreaDialog } from './AreaDialogs';
import { childLevelOf, parentLevelOf } from './levels';

type Dialog = 'create' | 'edit' | 'move' | 'retire' | null;

interface AreaHeaderProps {
  area: AreaDetail;
  onChanged: (changedIds: Array<number | null>, dialog: Exclude<Dialog, null>) => void;
}

export function AreaHeader({ area, onChanged }: AreaHeaderProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const { me, can } = useAuth();
  const [dialog, setDialog] = useState<Dialog>(null);
  const assigned = new Set(me?.assignments.map((a) => a.areaId) ?? []);
  const childLevel = childLevelOf(area.level);
  const manage = can('area.manage') && !area.retired;

  // Ancestors above the user's own areas are shown but cannot be opened.
  let inScope = false;
  const crumbs = area.ancestors.map((ancestor) => {
    inScope ||= assigned.has(ancestor.id);
    return {
      key: ancestor.id,
      title: inScope ? <Link to={`/areas/${ancestor.id}`}>{ancestor.name}</Link> : ancestor.name,
    };
  });

  const done = (kind: Exclude<Dialog, null>) => (ids: Array<number | null>) => {
    setDialog(null);
    onChanged(ids, kind);
  };
  const dialogProps = { area, onClose: () => setDialog(null) };

  return (
    <div className="area-header">
      <Breadcrumb items={[...crumbs, { key: area.id, title: area.name }]} data-testid="area-breadcrumb" />
      <div className="area-title-row">
        <Space wrap size={8} align="center">
          <Typography.Title level={3} className="area-title" data-testid="area-title">
            {area.name}
          </Typography.Title>
          <LevelTag level={area.level} />
          <KindTag kind={area.kind} />
          {area.retired && <Tag color="red">{t('area.retired')}</Tag>}
          <Typography.Text type="secondary" copyable className="code-text">
            {area.code}
          </Typography.Text>
        </Space>
        {manage && (
          <Space wrap className="area-actions">
            {childLevel && (
              <Button type="primary" icon={<PlusOutlined />} onClick={() => setDialog('create')}>
                {t('area.addChild', { level: levelLabel(i18n, childLevel) })}
              </Button>
            )}
            <Button icon={<EditOutlined />} onClick={() => setDialog('edit')}>
              {t('area.edit')}
            </Button>
            {parentLevelOf(area.level) && (
              <Button icon={<SwapOutlined />} onClick={() => setDialog('move')}>
                {t('area.move')}
              </Button>
            )}
            <Button danger icon={<DeleteOutlined />} onClick={() => setDialog('retire')}>
              {t('area.retire')}
            </Button>
          </Space>
        )}
      </div>
      {dialog === 'create' && <CreateAreaDialog {...dialogProps} onDone={done('create')} />}
      {dialog === 'edit' && <EditAreaDialog {...dialogProps} onDone={done('edit')} />}
      {dialog === 'move' && <MoveAreaDialog {...dialogProps} onDone={done('move')} />}
      {dialog === 'retire' && <RetireAreaDialog {...dialogProps} onDone={done('retire')} />}
    </div>
  );
}
