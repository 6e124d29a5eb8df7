import { EditOutlined, FileAddOutlined, SolutionOutlined, UserAddOutlined } from '@ant-design/icons';
import {
  Breadcrumb,
  Button,
  Card,
  Col,
  Descriptions,
  type DescriptionsProps,
  Result,
  Row,
  Space,
  Spin,
  Table,
  type TableProps,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { isApiError } from '../api/client';
import { useHouse } from '../api/hooks';
import type { HouseDetail, PersonView } from '../api/model';
import { useAuth } from '../auth/AuthContext';
import { ErrorResult } from '../components/ErrorResult';
import { HealthBadge, useHealthStatuses } from '../components/health/HealthBadge';
import { AddTenancyDialog, EditHouseDialog } from '../components/register/HouseDialogs';
import { HouseCodeCard } from '../components/register/HouseCodeCard';
import { HouseQuickActions } from '../components/register/HouseQuickActions';
import { PersonTagList, ResidenceTag } from '../components/register/PersonTags';
import { RegisterPersonDrawer } from '../components/register/RegisterPersonDrawer';
import { NARROW_SCREEN, useMediaQuery } from '../components/useMediaQuery';
import { useI18n } from '../i18n/context';
import { houseTypeLabel, houseUseLabel, sexLabel, tenancyStatusLabel, tenureLabel } from '../i18n/labels';

type Dialog = 'edit' | 'tenancy' | 'register' | null;
type Tenancy = HouseDetail['tenancies'][number];

function HouseNotFound() {
  const { t } = useI18n();
  return (
    <Result
      status="404"
      title={t('house.notFound')}
      data-testid="house-not-found"
      extra={
        <Link to="/register?tab=houses">
          <Button type="primary">{t('register.houses')}</Button>
        </Link>
      }
    />
  );
}

export function HousePage() {
  const { id } = useParams();
  const houseId = Number(id);
  if (!Number.isInteger(houseId) || houseId < 1) return <HouseNotFound />;
  return <HouseScreen key={houseId} id={houseId} />;
}

function HouseScreen({ id }: { id: number }) {
  const { t } = useI18n();
  const { canAt } = useAuth();
  const navigate = useNavigate();
  const narrow = useMediaQuery(NARROW_SCREEN);
  // Opened by scanning the door code: the worker is on the doorstep, whatever the screen.
  const scanned = useSearchParams()[0].get('from') === 'scan';
  const [version, setVersion] = useState(0);
  const [dialog, setDialog] = useState<Dialog>(null);
  const house = useHouse(id, version);

  if (house.error) {
    return isApiError(house.error, 'HOUSE_NOT_FOUND') ? (
      <HouseNotFound />
    ) : (
      <ErrorResult error={house.error} onRetry={house.reload} />
    );
  }
  const data = house.data;
  if (!data) return <Spin className="page-spin" />;
  const write = canAt('person.write', data.area.path);
  // The doorstep actions lead (visit, residents, call); the title row then offers the rest.
  const doorstep = narrow || scanned;
  const done = () => {
    setDialog(null);
    setVersion((v) => v + 1);
  };

  return (
    <div className="page" data-testid="house-page">
      <Breadcrumb
        items={[
          { key: 'register', title: <Link to="/register?tab=houses">{t('register.houses')}</Link> },
          { key: 'area', title: <Link to={`/areas/${data.area.id}`}>{data.area.name}</Link> },
          { key: 'house', title: data.doorNumber ?? data.address },
        ]}
      />
      <div className="page-title-row">
        <Typography.Title level={3} className="page-title" data-testid="house-address">
          {data.address}
        </Typography.Title>
        {write && (
          <Space wrap className="page-actions">
            {!doorstep && (
              <Button
                type="primary"
                icon={<SolutionOutlined />}
                onClick={() => void navigate(`/visits/new?houseId=${data.id}`)}
              >
                {t('house.visit')}
              </Button>
            )}
            <Button icon={<UserAddOutlined />} onClick={() => setDialog('register')}>
              {t('house.addPerson')}
            </Button>
            <Button icon={<EditOutlined />} onClick={() => setDialog('edit')}>
              {t('common.edit')}
            </Button>
          </Space>
        )}
      </div>
      {doorstep && (
        <HouseQuickActions
          house={data}
          onResidents={() =>
            document.getElementById('house-residents')?.scrollIntoView({ behavior: 'smooth', block: 'start' })
          }
        />
      )}
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={16}>
          <Card
            id="house-residents"
            size="small"
            title={`${t('house.residents')} (${data.residents.length})`}
            className="side-card"
            data-testid="house-residents"
          >
            <ResidentTable residents={data.residents} areaPath={data.area.path ?? null} />
          </Card>
          <Card
            size="small"
            title={t('house.tenancies')}
            className="side-card"
            data-testid="house-tenancies"
            extra={
              write &&
              data.residents.length > 0 && (
                <Button size="small" icon={<FileAddOutlined />} onClick={() => setDialog('tenancy')}>
                  {t('house.addTenancy')}
                </Button>
              )
            }
          >
            <TenancyTable house={data} />
          </Card>
        </Col>
        <Col xs={24} xl={8}>
          <Card size="small" title={t('house.details')} className="side-card">
            <HouseDescriptions house={data} />
          </Card>
          <HouseCodeCard houseId={data.id} />
        </Col>
      </Row>
      {dialog === 'edit' && <EditHouseDialog house={data} onClose={() => setDialog(null)} onDone={done} />}
      {dialog === 'tenancy' && (
        <AddTenancyDialog house={data} onClose={() => setDialog(null)} onDone={done} />
      )}
      {write && (
        <RegisterPersonDrawer
          open={dialog === 'register'}
          narrow={narrow}
          target={{ kind: 'register', house: { id: data.id, address: data.address } }}
          onClose={() => setDialog(null)}
          onRegistered={done}
        />
      )}
    </div>
  );
}

function HouseDescriptions({ house }: { house: HouseDetail }) {
  const i18n = useI18n();
  const { t } = i18n;
  const landlord = house.residents.find((person) => person.id === house.landlordPersonId);
  const items: DescriptionsProps['items'] = [
    { key: 'use', label: t('field.use'), children: houseUseLabel(i18n, house.use) },
    { key: 'tenure', label: t('field.tenure'), children: tenureLabel(i18n, house.tenure) },
    { key: 'houseType', label: t('field.houseType'), children: houseTypeLabel(i18n, house.houseType) },
    { key: 'occupants', label: t('field.occupants'), children: house.occupants },
    ...(house.rooms !== null ? [{ key: 'rooms', label: t('field.rooms'), children: house.rooms }] : []),
    ...(house.floorArea !== null
      ? [{ key: 'floorArea', label: t('field.floorArea'), children: house.floorArea }]
      : []),
    ...(['road', 'doorNumber', 'building', 'unitNumber', 'room'] as const)
      .filter((part) => house[part])
      .map((part) => ({ key: part, label: t(`field.${part}`), children: house[part] })),
    ...(house.addressCode
      ? [
          {
            key: 'addressCode',
            label: t('field.addressCode'),
            children: <span className="code-text">{house.addressCode}</span>,
          },
        ]
      : []),
    {
      key: 'area',
      label: t('field.area'),
      children: <Link to={`/areas/${house.area.id}`}>{house.area.name}</Link>,
    },
    ...(house.landlordPersonId
      ? [
          {
            key: 'landlord',
            label: t('field.landlord'),
            children: (
              <Link to={`/persons/${house.landlordPersonId}`}>
                {landlord?.name ?? `#${house.landlordPersonId}`}
              </Link>
            ),
          },
        ]
      : []),
  ];
  return <Descriptions size="small" column={1} items={items} />;
}

function ResidentTable({ residents, areaPath }: { residents: PersonView[]; areaPath: string | null }) {
  const i18n = useI18n();
  const { t } = i18n;
  const navigate = useNavigate();
  const { canAt } = useAuth();
  // Health at a glance per member, for whoever may read health data there (one request for all).
  const healthShown = areaPath !== null && canAt('health.read', areaPath);
  const health = useHealthStatuses(
    residents.map((person) => person.id),
    healthShown,
  );
  const columns: TableProps<PersonView>['columns'] = [
    {
      title: t('field.name'),
      key: 'name',
      render: (_v, person) => {
        return (
          <div>
            <Link to={`/persons/${person.id}`} onClick={(e) => e.stopPropagation()}>
              {person.name}
            </Link>
            <div className="muted">
              {sexLabel(i18n, person.sex)}
              {person.birthYear !== null && ` · ${t('common.bornIn', { year: person.birthYear })}`}
              {person.relation && ` · ${person.relation}`}
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
      render: (_v, person) => <ResidenceTag type={person.residenceType} />,
    },
    {
      title: t('field.tags'),
      dataIndex: 'tags',
      render: (_v, person) => <PersonTagList tags={person.tags} />,
    },
    ...(healthShown
      ? [
          {
            title: t('healthStatus.title'),
            key: 'health',
            render: (_v: unknown, person: PersonView) => <HealthBadge status={health.get(person.id)} />,
          },
        ]
      : []),
  ];
  return (
    <Table<PersonView>
      size="small"
      rowKey="id"
      columns={columns}
      dataSource={residents}
      pagination={false}
      locale={{ emptyText: t('house.noResidents') }}
      onRow={(person) => ({
        onClick: () => void navigate(`/persons/${person.id}`),
        className: 'clickable-row',
      })}
    />
  );
}

function TenancyTable({ house }: { house: HouseDetail }) {
  const i18n = useI18n();
  const { t } = i18n;
  const columns: TableProps<Tenancy>['columns'] = [
    {
      title: t('house.tenant'),
      key: 'tenant',
      render: (_v, tenancy) => <Link to={`/persons/${tenancy.tenantPersonId}`}>{tenancy.tenantName}</Link>,
    },
    {
      title: t('house.startsOn'),
      key: 'period',
      render: (_v, tenancy) => `${tenancy.startsOn} – ${tenancy.endsOn ?? ''}`,
    },
    {
      title: t('house.leaseReference'),
      dataIndex: 'leaseReference',
      responsive: ['md'],
      render: (_v, tenancy) => tenancy.leaseReference ?? '',
    },
    {
      title: t('field.status'),
      dataIndex: 'status',
      render: (_v, tenancy) => (
        <Tag color={tenancy.status === 'active' ? 'green' : 'default'}>
          {tenancyStatusLabel(i18n, tenancy.status)}
        </Tag>
      ),
    },
  ];
  return (
    <Table<Tenancy>
      size="small"
      rowKey="id"
      columns={columns}
      dataSource={house.tenancies}
      pagination={false}
      locale={{ emptyText: t('house.noTenancies') }}
    />
  );
}
