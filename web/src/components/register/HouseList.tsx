import { PlusOutlined } from '@ant-design/icons';
import { Button, Input, Space, Table, type TableProps } from 'antd';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { useHouseList } from '../../api/hooks';
import type { AreaView, HouseView } from '../../api/model';
import { useAuth } from '../../auth/AuthContext';
import { useI18n } from '../../i18n/context';
import { errorText, houseTypeLabel, houseUseLabel, tenureLabel } from '../../i18n/labels';
import { AreaSelect } from '../AreaSelect';
import { CreateHouseDialog } from './HouseDialogs';
import { tablePaging } from '../paging';

interface HouseListProps {
  within: number | undefined;
  withinArea: AreaView | null;
  onWithinChange: (id: number | undefined, area: AreaView | null) => void;
}

/** Houses (实有房屋) in scope, by address. */
export function HouseList({ within, withinArea, onWithinChange }: HouseListProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const { can } = useAuth();
  const navigate = useNavigate();
  const [q, setQ] = useState('');
  const [paging, setPaging] = useState({ page: 1, pageSize: 20 });
  const [creating, setCreating] = useState(false);
  const list = useHouseList({ q: q || undefined, within, ...paging });

  const columns: TableProps<HouseView>['columns'] = [
    {
      title: t('field.address'),
      dataIndex: 'address',
      render: (_v, house) => (
        <Link to={`/houses/${house.id}`} onClick={(e) => e.stopPropagation()}>
          {house.address}
        </Link>
      ),
    },
    { title: t('field.area'), key: 'area', responsive: ['md'], render: (_v, house) => house.area.name },
    {
      title: t('field.use'),
      dataIndex: 'use',
      responsive: ['lg'],
      render: (_v, house) => houseUseLabel(i18n, house.use),
    },
    {
      title: t('field.tenure'),
      dataIndex: 'tenure',
      responsive: ['md'],
      render: (_v, house) => tenureLabel(i18n, house.tenure),
    },
    {
      title: t('field.houseType'),
      dataIndex: 'houseType',
      responsive: ['lg'],
      render: (_v, house) => houseTypeLabel(i18n, house.houseType),
    },
    { title: t('field.occupants'), dataIndex: 'occupants', align: 'right' },
  ];

  return (
    <>
      <div className="list-toolbar">
        <Space wrap className="toolbar">
          <Input.Search
            allowClear
            placeholder={t('house.searchPlaceholder')}
            className="toolbar-search"
            data-testid="house-search"
            onSearch={(value) => {
              setQ(value.trim());
              setPaging((current) => ({ ...current, page: 1 }));
            }}
          />
          <div className="toolbar-area">
            <AreaSelect
              value={within}
              initial={withinArea}
              placeholder={t('register.areaFilter')}
              onChange={(id, area) => {
                onWithinChange(id, area ?? null);
                setPaging((current) => ({ ...current, page: 1 }));
              }}
            />
          </div>
        </Space>
        {can('person.write') && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
            {t('house.create')}
          </Button>
        )}
      </div>
      <Table<HouseView>
        size="small"
        rowKey="id"
        columns={columns}
        dataSource={list.data?.items ?? []}
        loading={list.loading}
        data-testid="house-table"
        locale={{ emptyText: list.error ? errorText(i18n, list.error) : t('house.noHouses') }}
        onRow={(house) => ({
          onClick: () => void navigate(`/houses/${house.id}`),
          className: 'clickable-row',
        })}
        pagination={tablePaging(t, paging, list.data?.total ?? 0, setPaging, {
          showSizeChanger: true,
          pageSizeOptions: [20, 50, 100],
        })}
      />
      {creating && (
        <CreateHouseDialog
          onClose={() => setCreating(false)}
          onCreated={(house) => {
            setCreating(false);
            void navigate(`/houses/${house.id}`);
          }}
        />
      )}
    </>
  );
}
