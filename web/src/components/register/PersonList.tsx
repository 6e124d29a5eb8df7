import { DownloadOutlined, FilterOutlined, UserAddOutlined } from '@ant-design/icons';
import { Badge, Button, Input, List, Select, Space, Table, type TableProps, Typography } from 'antd';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { useAreaRoots, usePersonList } from '../../api/hooks';
import type { AreaView, PersonView } from '../../api/model';
import {
  PERSON_HEALTH_FILTERS,
  PERSON_STATUSES,
  PERSON_TAGS,
  type PersonHealthFilter,
  type PersonStatus,
  type PersonTag,
  RESIDENCE_TYPES,
  type ResidenceType,
} from '../../api/vocabulary';
import { useAuth } from '../../auth/AuthContext';
import { useI18n } from '../../i18n/context';
import { errorText, personStatusLabel, residenceLabel, sexLabel, tagLabel } from '../../i18n/labels';
import { AreaSelect } from '../AreaSelect';
import { ExportDialog } from './ExportDialog';
import { PersonStatusTag, PersonTagList, ResidenceTag } from './PersonTags';
import { RegisterPersonDrawer } from './RegisterPersonDrawer';

interface PersonListProps {
  /** Area filter (subtree), kept in the page address. */
  within: number | undefined;
  withinArea: AreaView | null;
  onWithinChange: (id: number | undefined, area: AreaView | null) => void;
  narrow: boolean;
  /** Health filter (needs health.read), kept in the page address: the Today page links to it. */
  health?: PersonHealthFilter | undefined;
  onHealthChange?: (value: PersonHealthFilter | undefined) => void;
}

/** Register search: name, full or masked ID, phone or its last four digits, address; tag and type filters. */
export function PersonList({
  within,
  withinArea,
  onWithinChange,
  narrow,
  health,
  onHealthChange,
}: PersonListProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const { can } = useAuth();
  const navigate = useNavigate();
  const [q, setQ] = useState('');
  const [tag, setTag] = useState<PersonTag | undefined>();
  const [residenceType, setResidenceType] = useState<ResidenceType | undefined>();
  const [status, setStatus] = useState<PersonStatus | 'all'>('active');
  const [paging, setPaging] = useState({ page: 1, pageSize: 20 });
  const [version, setVersion] = useState(0);
  const [dialog, setDialog] = useState<'register' | 'export' | null>(null);
  const [filtersOpen, setFiltersOpen] = useState(false);
  const roots = useAreaRoots();
  const healthFilter = can('health.read') ? health : undefined;
  const list = usePersonList(
    { q: q || undefined, within, tag, residenceType, status, health: healthFilter, ...paging },
    version,
  );
  const firstPage = () => setPaging((current) => ({ ...current, page: 1 }));

  const columns: TableProps<PersonView>['columns'] = [
    {
      title: t('field.name'),
      key: 'name',
      render: (_v, person) => {
        return (
          <div>
            <Link
              to={`/persons/${person.id}`}
              className="person-name-link"
              onClick={(e) => e.stopPropagation()}
            >
              {person.name}
            </Link>
            <div className="muted">
              {sexLabel(i18n, person.sex)}
              {person.birthYear !== null && ` · ${t('common.bornIn', { year: person.birthYear })}`}
            </div>
          </div>
        );
      },
    },
    {
      title: t('field.documentNumber'),
      dataIndex: 'documentMasked',
      className: 'code-cell',
      responsive: ['md'],
      render: (_v, person) => <span data-testid="masked-document">{person.documentMasked}</span>,
    },
    {
      title: t('field.phone'),
      dataIndex: 'phoneMasked',
      className: 'code-cell',
      responsive: ['lg'],
      render: (_v, person) => person.phoneMasked ?? '',
    },
    {
      title: t('field.residenceType'),
      dataIndex: 'residenceType',
      render: (_v, person) => (
        <Space size={[0, 4]} wrap>
          <ResidenceTag type={person.residenceType} />
          {person.status !== 'active' && <PersonStatusTag status={person.status} />}
        </Space>
      ),
    },
    {
      title: t('field.tags'),
      dataIndex: 'tags',
      responsive: ['sm'],
      render: (_v, person) => <PersonTagList tags={person.tags} />,
    },
    {
      title: t('register.addressOrHouse'),
      key: 'address',
      render: (_v, person) =>
        person.house ? (
          <Link to={`/houses/${person.house.id}`} onClick={(e) => e.stopPropagation()}>
            {person.house.address}
          </Link>
        ) : (
          (person.currentAddress ?? '')
        ),
    },
    {
      title: t('field.area'),
      key: 'area',
      responsive: ['xl'],
      render: (_v, person) => person.area?.name ?? '',
    },
  ];

  const activeFilters =
    [within, tag, residenceType, healthFilter].filter((v) => v !== undefined).length +
    (status === 'active' ? 0 : 1);
  const pagination = {
    current: paging.page,
    pageSize: paging.pageSize,
    total: list.data?.total ?? 0,
    showSizeChanger: !narrow,
    size: narrow ? ('small' as const) : undefined,
    pageSizeOptions: [20, 50, 100],
    showTotal: (total: number) => (
      <Typography.Text type="secondary" data-testid="person-total">
        {t('common.total', { total })}
      </Typography.Text>
    ),
    onChange: (page: number, pageSize: number) => setPaging({ page, pageSize }),
  };
  const emptyText = list.error ? errorText(i18n, list.error) : t('register.noPersons');

  return (
    <>
      <div className="list-toolbar">
        <Input.Search
          allowClear
          placeholder={t('register.searchPlaceholder')}
          className="list-search"
          data-testid="person-search"
          onSearch={(value) => {
            setQ(value.trim());
            firstPage();
          }}
        />
        {narrow && (
          <Badge count={activeFilters} size="small">
            <Button
              icon={<FilterOutlined />}
              type={filtersOpen ? 'primary' : 'default'}
              ghost={filtersOpen}
              onClick={() => setFiltersOpen((open) => !open)}
              aria-label={t('register.filters')}
            />
          </Badge>
        )}
        <div className="header-spacer" />
        <Space wrap>
          {can('person.write') && (
            <Button
              type="primary"
              icon={<UserAddOutlined />}
              onClick={() => setDialog('register')}
              data-testid="register-person"
            >
              {t('register.newPerson')}
            </Button>
          )}
          {can('person.export') && (
            <Button
              icon={<DownloadOutlined />}
              onClick={() => setDialog('export')}
              data-testid="export-persons"
            >
              {t('register.export')}
            </Button>
          )}
        </Space>
      </div>
      {(filtersOpen || !narrow) && (
        <Space wrap className="toolbar list-filters">
          <div className="toolbar-area">
            <AreaSelect
              value={within}
              initial={withinArea}
              placeholder={t('register.areaFilter')}
              onChange={(id, area) => {
                onWithinChange(id, area ?? null);
                firstPage();
              }}
            />
          </div>
          <Select<PersonTag>
            allowClear
            placeholder={t('register.tagFilter')}
            className="toolbar-select"
            value={tag}
            onChange={(value) => {
              setTag(value);
              firstPage();
            }}
            options={PERSON_TAGS.map((value) => ({ value, label: tagLabel(i18n, value) }))}
          />
          <Select<ResidenceType>
            allowClear
            placeholder={t('register.residenceFilter')}
            className="toolbar-select"
            value={residenceType}
            onChange={(value) => {
              setResidenceType(value);
              firstPage();
            }}
            options={RESIDENCE_TYPES.map((value) => ({ value, label: residenceLabel(i18n, value) }))}
          />
          {can('health.read') && onHealthChange && (
            <Select<PersonHealthFilter>
              allowClear
              placeholder={t('healthFilter.placeholder')}
              className="toolbar-select"
              data-testid="health-filter"
              value={healthFilter}
              onChange={(value) => {
                onHealthChange(value);
                firstPage();
              }}
              options={PERSON_HEALTH_FILTERS.map((value) => ({ value, label: t(`healthFilter.${value}`) }))}
            />
          )}
          <Select<PersonStatus | 'all'>
            className="toolbar-select"
            value={status}
            onChange={(value) => {
              setStatus(value);
              firstPage();
            }}
            options={[
              ...PERSON_STATUSES.map((value) => ({ value, label: personStatusLabel(i18n, value) })),
              { value: 'all' as const, label: t('personStatus.all') },
            ]}
          />
        </Space>
      )}
      {narrow ? (
        <List<PersonView>
          className="person-list"
          dataSource={list.data?.items ?? []}
          loading={list.loading}
          locale={{ emptyText }}
          pagination={{ ...pagination, align: 'center' }}
          data-testid="person-table"
          renderItem={(person) => <PersonItem person={person} />}
        />
      ) : (
        <Table<PersonView>
          size="small"
          rowKey="id"
          columns={columns}
          dataSource={list.data?.items ?? []}
          loading={list.loading}
          data-testid="person-table"
          locale={{ emptyText }}
          onRow={(person) => ({
            onClick: () => void navigate(`/persons/${person.id}`),
            className: 'clickable-row',
          })}
          pagination={pagination}
        />
      )}
      {can('person.write') && (
        <RegisterPersonDrawer
          open={dialog === 'register'}
          target={{ kind: 'register' }}
          narrow={narrow}
          onClose={() => setDialog(null)}
          onRegistered={(person) => {
            setDialog(null);
            setVersion((v) => v + 1);
            void navigate(`/persons/${person.id}`);
          }}
        />
      )}
      {dialog === 'export' && (
        <ExportDialog
          area={withinArea ?? (within ? null : (roots.data?.items[0] ?? null))}
          onClose={() => setDialog(null)}
        />
      )}
    </>
  );
}

/** A person as a phone shows them: name and marks, then who, then where. */
function PersonItem({ person }: { person: PersonView }) {
  const i18n = useI18n();
  const { t } = i18n;
  const navigate = useNavigate();
  return (
    <List.Item className="person-item clickable-row" onClick={() => void navigate(`/persons/${person.id}`)}>
      <div className="person-item-head">
        <Link to={`/persons/${person.id}`} className="person-name-link" onClick={(e) => e.stopPropagation()}>
          {person.name}
        </Link>
        <ResidenceTag type={person.residenceType} />
        {person.status !== 'active' && <PersonStatusTag status={person.status} />}
        <PersonTagList tags={person.tags} />
      </div>
      <div className="muted person-item-line">
        {sexLabel(i18n, person.sex)}
        {person.birthYear !== null && ` · ${t('common.bornIn', { year: person.birthYear })}`}
        {' · '}
        <span className="code-text" data-testid="masked-document">
          {person.documentMasked}
        </span>
      </div>
      <div className="person-item-line">{person.house?.address ?? person.currentAddress ?? ''}</div>
    </List.Item>
  );
}
