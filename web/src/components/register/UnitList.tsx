import { PlusOutlined } from '@ant-design/icons';
import { Button, Input, Select, Space, Table, type TableProps } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useUnitList } from '../../api/hooks';
import type { AreaView, UnitView } from '../../api/model';
import { UNIT_CATEGORIES, type UnitCategory } from '../../api/vocabulary';
import { useAuth } from '../../auth/AuthContext';
import { useI18n } from '../../i18n/context';
import { errorText, unitCategoryLabel } from '../../i18n/labels';
import { AreaSelect } from '../AreaSelect';
import { CreateUnitDialog } from './UnitDialogs';
import { tablePaging } from '../paging';

interface UnitListProps {
  within: number | undefined;
  withinArea: AreaView | null;
  onWithinChange: (id: number | undefined, area: AreaView | null) => void;
}

/** Units (实有单位): enterprises, shops, schools, sites, hotels. */
export function UnitList({ within, withinArea, onWithinChange }: UnitListProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const { can } = useAuth();
  const [q, setQ] = useState('');
  const [category, setCategory] = useState<UnitCategory | undefined>();
  const [paging, setPaging] = useState({ page: 1, pageSize: 20 });
  const [version, setVersion] = useState(0);
  const [creating, setCreating] = useState(false);
  const list = useUnitList({ q: q || undefined, within, category, ...paging }, version);

  const columns: TableProps<UnitView>['columns'] = [
    { title: t('field.unitName'), dataIndex: 'name', render: (_v, unit) => <strong>{unit.name}</strong> },
    {
      title: t('field.category'),
      dataIndex: 'category',
      render: (_v, unit) => unitCategoryLabel(i18n, unit.category),
    },
    {
      title: t('field.creditCode'),
      dataIndex: 'creditCode',
      className: 'code-cell',
      responsive: ['lg'],
      render: (_v, unit) => unit.creditCode ?? '',
    },
    {
      title: t('field.legalPerson'),
      dataIndex: 'legalPerson',
      responsive: ['md'],
      render: (_v, unit) => unit.legalPerson ?? '',
    },
    {
      title: t('field.contactName'),
      key: 'contact',
      responsive: ['md'],
      render: (_v, unit) => (
        <div>
          {unit.contactName ?? ''}
          {unit.contactPhoneMasked && <div className="muted code-text">{unit.contactPhoneMasked}</div>}
        </div>
      ),
    },
    { title: t('field.employees'), dataIndex: 'employees', align: 'right', responsive: ['sm'] },
    {
      title: t('field.address'),
      dataIndex: 'address',
      render: (_v, unit) =>
        unit.houseId ? (
          <Link to={`/houses/${unit.houseId}`}>{unit.address ?? ''}</Link>
        ) : (
          (unit.address ?? '')
        ),
    },
    { title: t('field.area'), key: 'area', responsive: ['xl'], render: (_v, unit) => unit.area.name },
  ];

  return (
    <>
      <div className="list-toolbar">
        <Space wrap className="toolbar">
          <Input.Search
            allowClear
            placeholder={t('unit.searchPlaceholder')}
            className="toolbar-search"
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
          <Select<UnitCategory>
            allowClear
            placeholder={t('unit.categoryFilter')}
            className="toolbar-select"
            value={category}
            onChange={(value) => {
              setCategory(value);
              setPaging((current) => ({ ...current, page: 1 }));
            }}
            options={UNIT_CATEGORIES.map((value) => ({ value, label: unitCategoryLabel(i18n, value) }))}
          />
        </Space>
        {can('person.write') && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
            {t('unit.create')}
          </Button>
        )}
      </div>
      <Table<UnitView>
        size="small"
        rowKey="id"
        columns={columns}
        dataSource={list.data?.items ?? []}
        loading={list.loading}
        data-testid="unit-table"
        locale={{ emptyText: list.error ? errorText(i18n, list.error) : t('unit.noUnits') }}
        pagination={tablePaging(t, paging, list.data?.total ?? 0, setPaging, {
          showSizeChanger: true,
          pageSizeOptions: [20, 50, 100],
        })}
      />
      {creating && (
        <CreateUnitDialog
          onClose={() => setCreating(false)}
          onCreated={() => {
            setCreating(false);
            setVersion((v) => v + 1);
          }}
        />
      )}
    </>
  );
}
