import { Card, Input, Space, Switch, Table, Tag, type TableProps } from 'antd';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { useAreaList } from '../../api/hooks';
import type { AreaDetail, AreaView as Area } from '../../api/model';
import { useI18n } from '../../i18n/context';
import { errorText } from '../../i18n/labels';
import { KindTag, LevelTag } from '../LevelTag';
import { tablePaging } from '../paging';

interface ChildAreaTableProps {
  area: AreaDetail;
  /** Bumped by the page after a change, to load the list again. */
  version: number;
}

export function ChildAreaTable({ area, version }: ChildAreaTableProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const navigate = useNavigate();
  const [q, setQ] = useState('');
  const [includeRetired, setIncludeRetired] = useState(false);
  const [paging, setPaging] = useState({ page: 1, pageSize: 20 });
  const list = useAreaList({ parentId: area.id, q: q || undefined, includeRetired, ...paging }, version);

  const columns: TableProps<Area>['columns'] = [
    {
      title: t('area.name'),
      dataIndex: 'name',
      render: (_name, child) => (
        <Space size={4}>
          <Link to={`/areas/${child.id}`}>{child.name}</Link>
          {child.retired && <Tag>{t('area.retired')}</Tag>}
        </Space>
      ),
    },
    { title: t('area.code'), dataIndex: 'code', className: 'code-cell' },
    {
      title: t('area.level'),
      dataIndex: 'level',
      render: (_level, child) => <LevelTag level={child.level} />,
    },
    { title: t('area.kind'), dataIndex: 'kind', render: (_kind, child) => <KindTag kind={child.kind} /> },
    { title: t('area.childCount'), dataIndex: 'childCount', align: 'right' },
  ];

  return (
    <Card
      size="small"
      title={t('area.children')}
      className="main-card"
      data-testid="child-areas"
      extra={
        <Space wrap>
          <Input.Search
            allowClear
            placeholder={t('area.searchPlaceholder')}
            onSearch={(value) => {
              setQ(value.trim());
              setPaging((current) => ({ ...current, page: 1 }));
            }}
            className="toolbar-search"
          />
          <Space size={4}>
            <Switch size="small" checked={includeRetired} onChange={setIncludeRetired} />
            <span>{t('area.includeRetired')}</span>
          </Space>
        </Space>
      }
    >
      <Table<Area>
        size="small"
        rowKey="id"
        columns={columns}
        dataSource={list.data?.items ?? []}
        loading={list.loading}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: list.error ? errorText(i18n, list.error) : t('area.noChildren') }}
        onRow={(child) => ({
          onClick: () => void navigate(`/areas/${child.id}`),
          className: 'clickable-row',
        })}
        pagination={tablePaging(t, paging, list.data?.total ?? 0, setPaging, {
          showSizeChanger: true,
          pageSizeOptions: [20, 50, 100],
        })}
      />
    </Card>
  );
}
