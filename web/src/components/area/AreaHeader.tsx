import {
  DeleteOutlined,
  EditOutlined,
  IdcardOutlined,
  PlusOutlined,
  PrinterOutlined,
  QrcodeOutlined,
  SwapOutlined,
} from '@ant-design/icons';
import { App, Breadcrumb, Button, Space, Tag, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { api, call } from '../../api/client';
import type { AreaDetail } from '../../api/model';
import { RESIDENT_LEVELS } from '../../api/vocabulary';
import { useAuth } from '../../auth/AuthContext';
import { useI18n } from '../../i18n/context';
import { errorText, levelLabel } from '../../i18n/labels';
import { saveFile } from '../files';
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
  const { me, can, canAt } = useAuth();
  const [dialog, setDialog] = useState<Dialog>(null);
  const assigned = new Set(me?.assignments.map((a) => a.areaId) ?? []);
  const childLevel = childLevelOf(area.level);
  const manage = canAt('area.manage', area) && !area.retired;
  const navigate = useNavigate();
  const { message, modal } = App.useApp();
  const [printing, setPrinting] = useState(false);
  const [issuing, setIssuing] = useState(false);
  // Door labels are printed for a grid, micro-grid or row cell: a sheet a worker can carry.
  const labels = canAt('person.write', area) && !area.retired && RESIDENT_LEVELS.includes(area.level);

  const printLabels = async () => {
    setPrinting(true);
    const hide = message.loading(t('doorLabels.preparing'), 0);
    try {
      const file = await api.codes.doorLabels(area.id);
      saveFile(file);
      void message.success(t('code.downloaded', { file: file.fileName }));
      if (file.notIssued > 0) void message.warning(t('doorLabels.notIssued', { count: file.notIssued }));
    } catch (error) {
      void message.error(errorText(i18n, error));
    } finally {
      hide();
      setPrinting(false);
    }
  };

  // Issuing writes codes (a POST with the CSRF token); printing above only reprints them.
  const issueCodes = async () => {
    setIssuing(true);
    try {
      const { houses, issued, alreadyHad } = await call(
        api.POST('/api/areas/{id}/household-codes', {
          params: { path: { id: area.id } },
          body: { reissue: false },
        }),
      );
      void message.success(t('doorLabels.issued', { houses, issued, alreadyHad }));
    } catch (error) {
      void message.error(errorText(i18n, error));
    } finally {
      setIssuing(false);
    }
  };

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
        <Space wrap className="area-actions">
          {can('person.read') && (
            <Button icon={<IdcardOutlined />} onClick={() => void navigate(`/register?within=${area.id}`)}>
              {t('area.register')}
            </Button>
          )}
          {labels && (
            <Tooltip title={t('doorLabels.issueHint')}>
              <Button
                icon={<QrcodeOutlined />}
                loading={issuing}
                onClick={() =>
                  modal.confirm({
                    title: t('doorLabels.issue'),
                    content: t('doorLabels.issueConfirm'),
                    okText: t('common.ok'),
                    cancelText: t('common.cancel'),
                    onOk: issueCodes,
                  })
                }
                data-testid="issue-door-codes"
              >
                {t('doorLabels.issue')}
              </Button>
            </Tooltip>
          )}
          {labels && (
            <Tooltip title={t('doorLabels.hint')}>
              <Button
                icon={<PrinterOutlined />}
                loading={printing}
                onClick={() => void printLabels()}
                data-testid="print-door-labels"
              >
                {t('doorLabels.print')}
              </Button>
            </Tooltip>
          )}
          {manage && childLevel && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setDialog('create')}>
              {t('area.addChild', { level: levelLabel(i18n, childLevel) })}
            </Button>
          )}
          {manage && (
            <Button icon={<EditOutlined />} onClick={() => setDialog('edit')}>
              {t('area.edit')}
            </Button>
          )}
          {manage && parentLevelOf(area.level) && (
            <Button icon={<SwapOutlined />} onClick={() => setDialog('move')}>
              {t('area.move')}
            </Button>
          )}
          {manage && (
            <Button danger icon={<DeleteOutlined />} onClick={() => setDialog('retire')}>
              {t('area.retire')}
            </Button>
          )}
        </Space>
      </div>
      {dialog === 'create' && <CreateAreaDialog {...dialogProps} onDone={done('create')} />}
      {dialog === 'edit' && <EditAreaDialog {...dialogProps} onDone={done('edit')} />}
      {dialog === 'move' && <MoveAreaDialog {...dialogProps} onDone={done('move')} />}
      {dialog === 'retire' && <RetireAreaDialog {...dialogProps} onDone={done('retire')} />}
    </div>
  );
}
