import { CloseOutlined, ReloadOutlined, ThunderboltOutlined, UserAddOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Col,
  Empty,
  List,
  Popconfirm,
  Progress,
  Row,
  Select,
  Space,
  Statistic,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { api, call } from '../../api/client';
import { useResource } from '../../api/hooks';
import type { VolunteerCoverage } from '../../api/model';
import { useAuth } from '../../auth/AuthContext';
import { AreaSelect } from '../../components/AreaSelect';
import { ErrorText, usePageArea } from '../../components/services/common';
import { useI18n } from '../../i18n/context';
import { errorText } from '../../i18n/labels';

/** 志愿者包户: each volunteer covers 3–5 households of their micro-grid. */
export function VolunteersPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const { can } = useAuth();
  const manage = can('service.manage');
  const { areaId, area, setArea } = usePageArea(['microgrid']);
  const micro = area?.level === 'microgrid' ? area.id : null;
  const [version, setVersion] = useState(0);
  const coverage = useResource(
    (signal) =>
      micro === null
        ? Promise.resolve(null)
        : call(api.GET('/api/areas/{id}/volunteer-coverage', { params: { path: { id: micro } }, signal })),
    [micro, version],
  );
  const [selected, setSelected] = useState<number[]>([]);
  const [target, setTarget] = useState<number | undefined>();
  const [busy, setBusy] = useState(false);
  const report = coverage.data;
  const reload = () => {
    setSelected([]);
    setVersion((v) => v + 1);
  };

  const run = async (work: () => Promise<string>) => {
    setBusy(true);
    try {
      void message.success(await work());
      reload();
    } catch (error) {
      void message.error(errorText(i18n, error));
    } finally {
      setBusy(false);
    }
  };

  const maximum = report?.maximum ?? 5;
  const room = (volunteer: VolunteerCoverage) => maximum - volunteer.households;
  const chosen = report?.volunteers.find((volunteer) => volunteer.userId === target);

  return (
    <div className="page" data-testid="volunteers-page">
      <div className="page-title-row">
        <Typography.Title level={3} className="page-title">
          {t('volunteers.title')}
        </Typography.Title>
        <Space wrap>
          <div className="toolbar-area">
            <AreaSelect
              level="microgrid"
              value={area?.level === 'microgrid' ? areaId : undefined}
              initial={area}
              placeholder={t('volunteers.pickMicrogrid')}
              onChange={(id) => setArea(id)}
            />
          </div>
          <Button icon={<ReloadOutlined />} onClick={reload}>
            {t('common.refresh')}
          </Button>
          {manage && micro !== null && (
            <Popconfirm
              title={t('volunteers.autoConfirm')}
              okText={t('common.confirm')}
              cancelText={t('common.cancel')}
              onConfirm={() =>
                run(async () => {
                  const result = await call(
                    api.POST('/api/areas/{id}/volunteer-coverage/auto-assign', {
                      params: { path: { id: micro } },
                    }),
                  );
                  return t('volunteers.autoDone', { n: result.assigned.length });
                })
              }
            >
              <Button
                type="primary"
                icon={<ThunderboltOutlined />}
                loading={busy}
                data-testid="volunteers-auto"
              >
                {t('volunteers.auto')}
              </Button>
            </Popconfirm>
          )}
        </Space>
      </div>
      {micro === null ? (
        <Empty description={t('volunteers.pickMicrogrid')} />
      ) : coverage.error ? (
        <ErrorText error={coverage.error} />
      ) : !report ? (
        <Card loading />
      ) : (
        <>
          <Alert
            type="info"
            showIcon
            title={t('volunteers.rule', { min: report.minimum, max: report.maximum })}
          />
          <Row gutter={[12, 12]} style={{ margin: '12px 0' }}>
            <Col xs={12} md={6}>
              <Card size="small">
                <Statistic title={t('volunteers.houses')} value={report.totals.houses} />
              </Card>
            </Col>
            <Col xs={12} md={6}>
              <Card size="small">
                <Statistic
                  title={t('volunteers.covered')}
                  value={report.totals.covered}
                  suffix={
                    report.totals.houses
                      ? `(${Math.round((report.totals.covered / report.totals.houses) * 100)}%)`
                      : undefined
                  }
                />
              </Card>
            </Col>
            <Col xs={12} md={6}>
              <Card size="small">
                <Statistic
                  title={t('volunteers.uncovered')}
                  value={report.totals.uncovered}
                  styles={{ content: { color: report.totals.uncovered ? '#cf1322' : undefined } }}
                />
              </Card>
            </Col>
            <Col xs={12} md={6}>
              <Card size="small">
                <Statistic
                  title={t('volunteers.volunteers')}
                  value={report.totals.volunteers}
                  suffix={
                    report.totals.volunteersUnderMinimum
                      ? t('volunteers.underCount', { n: report.totals.volunteersUnderMinimum })
                      : undefined
                  }
                />
              </Card>
            </Col>
          </Row>
          <Row gutter={[12, 12]}>
            <Col xs={24} lg={14}>
              <Card size="small" title={t('volunteers.list')} data-testid="volunteers-list">
                <List<VolunteerCoverage>
                  dataSource={report.volunteers}
                  locale={{ emptyText: t('volunteers.none') }}
                  renderItem={(volunteer) => (
                    <List.Item key={volunteer.userId} data-testid="volunteer-row">
                      <div style={{ width: '100%' }}>
                        <Space wrap>
                          <strong>{volunteer.name}</strong>
                          <Progress
                            steps={report.maximum}
                            percent={(volunteer.households / report.maximum) * 100}
                            showInfo={false}
                            size="small"
                            strokeColor={volunteer.underMinimum ? '#fa8c16' : '#52c41a'}
                          />
                          <span>{t('volunteers.households', { n: volunteer.households })}</span>
                          {volunteer.underMinimum && (
                            <Tag color="orange" data-testid="volunteer-under">
                              {t('volunteers.under', { min: report.minimum })}
                            </Tag>
                          )}
                          {volunteer.households >= report.maximum && (
                            <Tag color="green">{t('volunteers.full')}</Tag>
                          )}
                        </Space>
                        <div style={{ marginTop: 4 }}>
                          {volunteer.houses.map((house) =>
                            manage ? (
                              <Tag
                                key={house.id}
                                closable
                                closeIcon={<CloseOutlined />}
                                onClose={(event) => {
                                  event.preventDefault();
                                  void run(async () => {
                                    await call(
                                      api.DELETE('/api/volunteer-households/{houseId}', {
                                        params: { path: { houseId: house.id } },
                                      }),
                                    );
                                    return t('volunteers.unassigned', { address: house.address });
                                  });
                                }}
                              >
                                {house.address}
                              </Tag>
                            ) : (
                              <Tag key={house.id}>{house.address}</Tag>
                            ),
                          )}
                        </div>
                      </div>
                    </List.Item>
                  )}
                />
              </Card>
            </Col>
            <Col xs={24} lg={10}>
              <Card
                size="small"
                title={t('volunteers.uncoveredList', { n: report.uncoveredHouses.length })}
                data-testid="uncovered-list"
              >
                {manage && report.uncoveredHouses.length > 0 && (
                  <Space wrap style={{ marginBottom: 8 }}>
                    <Select<number>
                      style={{ minWidth: 180 }}
                      placeholder={t('volunteers.pickVolunteer')}
                      value={target}
                      onChange={setTarget}
                      options={report.volunteers.map((volunteer) => ({
                        value: volunteer.userId,
                        label: `${volunteer.name}（${volunteer.households}/${report.maximum}）`,
                        disabled: room(volunteer) <= 0,
                      }))}
                    />
                    <Button
                      type="primary"
                      icon={<UserAddOutlined />}
                      disabled={!chosen || selected.length === 0 || selected.length > room(chosen)}
                      loading={busy}
                      onClick={() =>
                        chosen &&
                        void run(async () => {
                          const result = await call(
                            api.POST('/api/volunteer-households', {
                              body: { volunteerUserId: chosen.userId, houseIds: selected },
                            }),
                          );
                          return t('volunteers.assigned', {
                            n: result.assigned.length,
                            name: result.volunteer.name,
                          });
                        })
                      }
                    >
                      {t('volunteers.assign', { n: selected.length })}
                    </Button>
                    {chosen && selected.length > room(chosen) && (
                      <span className="text-alert">{t('volunteers.tooMany', { n: room(chosen) })}</span>
                    )}
                  </Space>
                )}
                {report.uncoveredHouses.length === 0 ? (
                  <Empty description={t('volunteers.allCovered')} image={Empty.PRESENTED_IMAGE_SIMPLE} />
                ) : (
                  <Checkbox.Group
                    value={selected}
                    onChange={(values) => setSelected(values)}
                    style={{ display: 'flex', flexDirection: 'column', gap: 4 }}
                    disabled={!manage}
                    options={report.uncoveredHouses.map((house) => ({
                      value: house.id,
                      label: house.address,
                    }))}
                  />
                )}
              </Card>
            </Col>
          </Row>
        </>
      )}
    </div>
  );
}
