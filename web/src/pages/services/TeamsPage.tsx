import { DeleteOutlined, EditOutlined, PlusOutlined, ReloadOutlined, TeamOutlined } from '@ant-design/icons';
import {
  App,
  Button,
  Card,
  Checkbox,
  Descriptions,
  Drawer,
  Empty,
  Form,
  Input,
  List,
  Popconfirm,
  Radio,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { api, call } from '../../api/client';
import { useResource } from '../../api/hooks';
import type {
  AreaDetail as Area,
  GridPerson,
  GridTeamView as GridTeam,
  ResponsibilityView as Responsibility,
  TeamView as Team,
} from '../../api/model';
import { useAuth } from '../../auth/AuthContext';
import { AreaSelect } from '../../components/AreaSelect';
import { FormModal } from '../../components/FormModal';
import { LevelTag } from '../../components/LevelTag';
import { HouseSelect } from '../../components/register/pickers';
import { ErrorText, usePageArea, UserSelect } from '../../components/services/common';
import { TEAM_DUTIES, TEAM_KINDS, type TeamDuty, type TeamKind } from '../../components/services/vocabulary';
import { useI18n } from '../../i18n/context';
import { errorText } from '../../i18n/labels';
import { tablePaging } from '../../components/paging';
import { ConfirmAction } from '../../components/ConfirmAction';

const GRID_LEVELS = ['grid', 'microgrid', 'cell'];

/** 一格多员: the grid's 1+1+N+K, its teams and members, and who answers for which area or household. */
export function TeamsPage() {
  const { t } = useI18n();
  const { can } = useAuth();
  const manage = can('team.manage');
  const { areaId, area, setArea } = usePageArea(['grid', 'microgrid']);
  const [version, setVersion] = useState(0);
  const reload = () => setVersion((v) => v + 1);
  const inGrid = area !== null && GRID_LEVELS.includes(area.level);

  return (
    <div className="page" data-testid="teams-page">
      <div className="page-title-row">
        <Typography.Title level={3} className="page-title">
          {t('teams.title')}
        </Typography.Title>
        <Space wrap>
          <div className="toolbar-area">
            <AreaSelect value={areaId} initial={area} onChange={(id) => setArea(id)} />
          </div>
          <Button icon={<ReloadOutlined />} onClick={reload}>
            {t('common.refresh')}
          </Button>
        </Space>
      </div>
      {inGrid && areaId !== undefined && <GridTeamPanel areaId={areaId} version={version} />}
      {area && <TeamList area={area} manage={manage} version={version} onChanged={reload} />}
      {area && <Responsibilities area={area} manage={manage} version={version} onChanged={reload} />}
    </div>
  );
}

const setMember = (id: number, userId: number, duty: TeamDuty) =>
  call(api.PUT('/api/teams/{id}/members/{userId}', { params: { path: { id, userId } }, body: { duty } }));

function People({ people, extra }: { people: GridPerson[]; extra?: (person: GridPerson) => string }) {
  const { t } = useI18n();
  if (people.length === 0) return <span className="text-alert">{t('teams.missing')}</span>;
  return (
    <Space size={[4, 4]} wrap>
      {people.map((person) => (
        <Tag key={person.userId} color={person.inTeam ? 'blue' : undefined}>
          {person.name}
          {person.area && <span className="muted"> · {person.area.name}</span>}
          {extra && <span className="muted"> · {extra(person)}</span>}
        </Tag>
      ))}
    </Space>
  );
}

function GridTeamPanel({ areaId, version }: { areaId: number; version: number }) {
  const { t } = useI18n();
  const team = useResource(
    (signal) =>
      areaId === null
        ? Promise.resolve(null)
        : call(api.GET('/api/areas/{id}/grid-team', { params: { path: { id: areaId } }, signal })),
    [areaId, version],
  );
  const data: GridTeam | null | undefined = team.data;
  return (
    <Card
      size="small"
      title={
        <Space>
          <TeamOutlined />
          {data ? t('teams.gridTeamOf', { name: data.grid.name }) : t('teams.gridTeam')}
        </Space>
      }
      loading={team.loading && !data}
      data-testid="grid-team"
      style={{ marginBottom: 12 }}
    >
      {team.error ? (
        <ErrorText error={team.error} />
      ) : data ? (
        <Descriptions size="small" column={{ xs: 1, md: 2 }} bordered>
          <Descriptions.Item label={t('teams.leaders')}>
            <People people={data.leaders} />
          </Descriptions.Item>
          <Descriptions.Item label={t('teams.workers', { n: data.counts.workers })}>
            <People people={data.workers} />
          </Descriptions.Item>
          <Descriptions.Item label={t('teams.police', { n: data.counts.police })}>
            <People people={data.police} />
          </Descriptions.Item>
          <Descriptions.Item label={t('teams.doctors', { n: data.counts.doctors })}>
            <People people={data.doctors} />
          </Descriptions.Item>
          <Descriptions.Item
            label={t('teams.volunteers', {
              n: data.counts.volunteers,
              houses: data.counts.coveredHouseholds,
            })}
            span={2}
          >
            <People
              people={data.volunteers}
              extra={(person) =>
                t('volunteers.households', {
                  n: data.volunteers.find((v) => v.userId === person.userId)?.households ?? 0,
                })
              }
            />
          </Descriptions.Item>
          <Descriptions.Item label={t('teams.checkpoints', { n: data.counts.checkpoints })} span={2}>
            <People people={data.checkpoints} />
          </Descriptions.Item>
          <Descriptions.Item label={t('teams.serviceTeams')} span={2}>
            {data.serviceTeams.length === 0 ? (
              <span className="muted">{t('common.none')}</span>
            ) : (
              <Space direction="vertical" size={2}>
                {data.serviceTeams.map((service) => (
                  <span key={service.id}>
                    <strong>{service.name}</strong>
                    <span className="muted">
                      {' '}
                      · {service.area.name}
                      {service.leader && ` · ${t('teams.leaderIs', { name: service.leader.name })}`} ·{' '}
                      {t('teams.memberCount', { n: service.members.length })}
                    </span>
                  </span>
                ))}
              </Space>
            )}
          </Descriptions.Item>
        </Descriptions>
      ) : null}
    </Card>
  );
}

interface TeamFormValues {
  areaId: number;
  name: string;
  kind: TeamKind;
  leaderUserId?: number;
}

function TeamList({
  area,
  manage,
  version,
  onChanged,
}: {
  area: Area;
  manage: boolean;
  version: number;
  onChanged: () => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const [kind, setKind] = useState<TeamKind | undefined>();
  const [retired, setRetired] = useState(false);
  const [paging, setPaging] = useState({ page: 1, pageSize: 20 });
  const [editing, setEditing] = useState<Team | 'new' | null>(null);
  const [showing, setShowing] = useState<number | null>(null);
  const query = { areaId: area.id, kind, includeRetired: retired || undefined, ...paging };
  const list = useResource(
    (signal) => call(api.GET('/api/teams', { params: { query }, signal })),
    [JSON.stringify(query), version],
  );

  return (
    <Card
      size="small"
      title={t('teams.list')}
      style={{ marginBottom: 12 }}
      extra={
        manage && (
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setEditing('new')}
            data-testid="team-new"
          >
            {t('teams.new')}
          </Button>
        )
      }
    >
      <Space wrap style={{ marginBottom: 8 }}>
        <Select<TeamKind>
          allowClear
          style={{ minWidth: 140 }}
          placeholder={t('teams.allKinds')}
          value={kind}
          onChange={setKind}
          options={TEAM_KINDS.map((value) => ({ value, label: t(`teams.kind.${value}`) }))}
        />
        <Checkbox checked={retired} onChange={(event) => setRetired(event.target.checked)}>
          {t('teams.includeRetired')}
        </Checkbox>
      </Space>
      <Table<Team>
        rowKey="id"
        size="small"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        scroll={{ x: 'max-content' }}
        data-testid="teams-table"
        locale={{ emptyText: list.error ? errorText(i18n, list.error) : t('teams.empty') }}
        pagination={tablePaging(t, paging, list.data?.total ?? 0, setPaging)}
        columns={[
          {
            key: 'name',
            title: t('teams.name'),
            render: (_, team) => (
              <Space>
                <a onClick={() => setShowing(team.id)}>{team.name}</a>
                {team.retiredAt && <Tag>{t('teams.retired')}</Tag>}
              </Space>
            ),
          },
          { key: 'kind', title: t('teams.kindLabel'), render: (_, team) => t(`teams.kind.${team.kind}`) },
          {
            key: 'area',
            title: t('field.area'),
            render: (_, team) => (
              <Space size={4}>
                <LevelTag level={team.area.level} />
                {team.area.name}
              </Space>
            ),
          },
          { key: 'leader', title: t('teams.leader'), render: (_, team) => team.leader?.name ?? '—' },
          { key: 'members', title: t('teams.members'), dataIndex: 'memberCount' },
          {
            key: 'actions',
            title: t('common.actions'),
            render: (_, team) => (
              <Space size={4}>
                <Button size="small" onClick={() => setShowing(team.id)}>
                  {t('teams.members')}
                </Button>
                {manage && !team.retiredAt && (
                  <>
                    <Button size="small" icon={<EditOutlined />} onClick={() => setEditing(team)} />
                    <ConfirmAction
                      title={t('teams.retireConfirm', { name: team.name })}
                      run={() =>
                        call(api.POST('/api/teams/{id}/retire', { params: { path: { id: team.id } } }))
                      }
                      onDone={onChanged}
                    >
                      <Button size="small" danger>
                        {t('teams.retire')}
                      </Button>
                    </ConfirmAction>
                  </>
                )}
              </Space>
            ),
          },
        ]}
      />
      {editing && (
        <FormModal<TeamFormValues>
          title={editing === 'new' ? t('teams.new') : t('teams.edit')}
          initialValues={
            editing === 'new'
              ? { areaId: area.id, kind: 'grid' }
              : { name: editing.name, kind: editing.kind, leaderUserId: editing.leader?.userId }
          }
          onCancel={() => setEditing(null)}
          onSubmit={async (values) => {
            if (editing === 'new')
              await call(
                api.POST('/api/teams', {
                  body: {
                    areaId: values.areaId,
                    name: values.name.trim(),
                    kind: values.kind,
                    ...(values.leaderUserId ? { leaderUserId: values.leaderUserId } : {}),
                  },
                }),
              );
            else
              await call(
                api.PATCH('/api/teams/{id}', {
                  params: { path: { id: editing.id } },
                  body: { name: values.name.trim(), leaderUserId: values.leaderUserId ?? null },
                }),
              );
            setEditing(null);
            onChanged();
          }}
          testId="team-dialog"
        >
          {editing === 'new' && (
            <Form.Item
              name="areaId"
              label={t('field.area')}
              rules={[{ required: true, message: t('problem.required') }]}
            >
              <AreaSelect initial={area} />
            </Form.Item>
          )}
          <Form.Item
            name="name"
            label={t('teams.name')}
            rules={[
              { required: true, whitespace: true, message: t('problem.required') },
              { max: 60, message: t('common.maxLength', { max: 60 }) },
            ]}
          >
            <Input placeholder={t('teams.namePlaceholder')} />
          </Form.Item>
          {editing === 'new' && (
            <Form.Item name="kind" label={t('teams.kindLabel')} rules={[{ required: true }]}>
              <Radio.Group
                optionType="button"
                options={TEAM_KINDS.map((value) => ({ value, label: t(`teams.kind.${value}`) }))}
              />
            </Form.Item>
          )}
          <Form.Item name="leaderUserId" label={t('teams.leader')}>
            <UserSelect />
          </Form.Item>
        </FormModal>
      )}
      <TeamDrawer id={showing} manage={manage} onClose={() => setShowing(null)} onChanged={onChanged} />
    </Card>
  );
}

function TeamDrawer({
  id,
  manage,
  onClose,
  onChanged,
}: {
  id: number | null;
  manage: boolean;
  onClose: () => void;
  onChanged: () => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const [version, setVersion] = useState(0);
  const team = useResource(
    (signal) =>
      id === null
        ? Promise.resolve(null)
        : call(api.GET('/api/teams/{id}', { params: { path: { id } }, signal })),
    [id, version],
  );
  const [adding, setAdding] = useState<{ userId?: number; duty: TeamDuty }>({ duty: 'member' });
  const detail = team.data;
  const editable = manage && detail && !detail.retiredAt;
  const change = (work: Promise<unknown>) =>
    work
      .then(() => {
        setVersion((v) => v + 1);
        onChanged();
      })
      .catch((error: unknown) => void message.error(errorText(i18n, error)));
  const dutyOptions = TEAM_DUTIES.map((value) => ({ value, label: t(`teams.duty.${value}`) }));

  return (
    <Drawer open={id !== null} onClose={onClose} title={detail?.name ?? t('teams.members')} destroyOnHidden>
      {team.error ? (
        <ErrorText error={team.error} />
      ) : detail ? (
        <>
          <Descriptions size="small" column={1}>
            <Descriptions.Item label={t('teams.kindLabel')}>
              {t(`teams.kind.${detail.kind}`)}
            </Descriptions.Item>
            <Descriptions.Item label={t('field.area')}>{detail.area.name}</Descriptions.Item>
            <Descriptions.Item label={t('teams.leader')}>{detail.leader?.name ?? '—'}</Descriptions.Item>
          </Descriptions>
          <List
            size="small"
            dataSource={detail.members}
            locale={{ emptyText: t('teams.noMembers') }}
            data-testid="team-members"
            renderItem={(member) => (
              <List.Item
                key={member.userId}
                extra={
                  editable && (
                    <Space size={4}>
                      <Select<TeamDuty>
                        size="small"
                        value={member.duty}
                        style={{ width: 110 }}
                        options={dutyOptions}
                        onChange={(duty) => void change(setMember(detail.id, member.userId, duty))}
                      />
                      <Popconfirm
                        title={t('teams.removeConfirm', { name: member.name })}
                        okText={t('common.confirm')}
                        cancelText={t('common.cancel')}
                        onConfirm={() =>
                          change(
                            call(
                              api.DELETE('/api/teams/{id}/members/{userId}', {
                                params: { path: { id: detail.id, userId: member.userId } },
                              }),
                            ),
                          )
                        }
                      >
                        <Button size="small" type="text" danger icon={<DeleteOutlined />} />
                      </Popconfirm>
                    </Space>
                  )
                }
              >
                <Space>
                  <span>{member.name}</span>
                  {!editable && <Tag>{t(`teams.duty.${member.duty}`)}</Tag>}
                </Space>
              </List.Item>
            )}
          />
          {editable && (
            <Card size="small" title={t('teams.addMember')} style={{ marginTop: 12 }}>
              <Space direction="vertical" style={{ width: '100%' }}>
                <UserSelect
                  value={adding.userId}
                  areaId={undefined}
                  onChange={(userId) => setAdding((current) => ({ ...current, userId }))}
                />
                <Select<TeamDuty>
                  value={adding.duty}
                  style={{ width: '100%' }}
                  options={dutyOptions}
                  onChange={(duty) => setAdding((current) => ({ ...current, duty }))}
                />
                <Button
                  type="primary"
                  block
                  disabled={!adding.userId}
                  onClick={() =>
                    adding.userId &&
                    void change(setMember(detail.id, adding.userId, adding.duty)).then(() =>
                      setAdding({ duty: 'member' }),
                    )
                  }
                >
                  {t('teams.addMember')}
                </Button>
              </Space>
            </Card>
          )}
        </>
      ) : (
        <Card loading />
      )}
    </Drawer>
  );
}

interface ResponsibilityValues {
  userId: number;
  scope: 'area' | 'house';
  areaId?: number;
  houseId?: number;
}

/** 包片包户: who answers for an area (包片) or a single household (包户). */
function Responsibilities({
  area,
  manage,
  version,
  onChanged,
}: {
  area: Area;
  manage: boolean;
  version: number;
  onChanged: () => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const { can } = useAuth();
  const [page, setPage] = useState(1);
  const [adding, setAdding] = useState(false);
  const list = useResource(
    (signal) =>
      call(
        api.GET('/api/responsibilities', {
          params: { query: { areaId: area.id, page, pageSize: 20 } },
          signal,
        }),
      ),
    [area.id, page, version],
  );

  return (
    <Card
      size="small"
      title={t('teams.responsibilities')}
      extra={
        manage && (
          <Button icon={<PlusOutlined />} onClick={() => setAdding(true)}>
            {t('teams.addResponsibility')}
          </Button>
        )
      }
    >
      <Table<Responsibility>
        rowKey="id"
        size="small"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        locale={{
          emptyText: list.error ? (
            errorText(i18n, list.error)
          ) : (
            <Empty description={t('teams.noResponsibilities')} />
          ),
        }}
        pagination={{
          current: page,
          pageSize: 20,
          total: list.data?.total ?? 0,
          onChange: setPage,
          hideOnSinglePage: true,
        }}
        columns={[
          { key: 'user', title: t('teams.person'), render: (_, row) => row.user.name },
          {
            key: 'what',
            title: t('teams.answersFor'),
            render: (_, row) =>
              row.house ? (
                <Space size={4}>
                  <Tag color="purple">{t('teams.byHouse')}</Tag>
                  {row.house.address}
                </Space>
              ) : (
                <Space size={4}>
                  <Tag color="blue">{t('teams.byArea')}</Tag>
                  {row.area.name}
                </Space>
              ),
          },
          { key: 'since', title: t('teams.since'), render: (_, row) => i18n.formatDateTime(row.createdAt) },
          ...(manage
            ? [
                {
                  key: 'actions',
                  title: t('common.actions'),
                  render: (_: unknown, row: Responsibility) => (
                    <ConfirmAction
                      title={t('teams.endConfirm')}
                      run={() =>
                        call(api.DELETE('/api/responsibilities/{id}', { params: { path: { id: row.id } } }))
                      }
                      onDone={onChanged}
                    >
                      <Button size="small" type="text" danger icon={<DeleteOutlined />} />
                    </ConfirmAction>
                  ),
                },
              ]
            : []),
        ]}
      />
      {adding && (
        <FormModal<ResponsibilityValues>
          title={t('teams.addResponsibility')}
          initialValues={{ scope: 'area', areaId: area.id }}
          onCancel={() => setAdding(false)}
          onSubmit={async (values) => {
            await call(
              api.POST('/api/responsibilities', {
                body: {
                  userId: values.userId,
                  ...(values.scope === 'house' ? { houseId: values.houseId } : { areaId: values.areaId }),
                },
              }),
            );
            setAdding(false);
            onChanged();
          }}
        >
          {(form) => (
            <>
              <Form.Item
                name="userId"
                label={t('teams.person')}
                rules={[{ required: true, message: t('problem.required') }]}
              >
                <UserSelect />
              </Form.Item>
              <Form.Item name="scope" label={t('teams.answersFor')}>
                <Radio.Group
                  optionType="button"
                  options={[
                    { value: 'area', label: t('teams.byArea') },
                    { value: 'house', label: t('teams.byHouse'), disabled: !can('person.read') },
                  ]}
                />
              </Form.Item>
              <Form.Item noStyle shouldUpdate>
                {() =>
                  form.getFieldValue('scope') === 'house' ? (
                    <Form.Item
                      name="houseId"
                      label={t('requests.house')}
                      rules={[{ required: true, message: t('problem.required') }]}
                    >
                      <HouseSelect within={area.id} />
                    </Form.Item>
                  ) : (
                    <Form.Item
                      name="areaId"
                      label={t('field.area')}
                      rules={[{ required: true, message: t('problem.required') }]}
                    >
                      <AreaSelect initial={area} />
                    </Form.Item>
                  )
                }
              </Form.Item>
            </>
          )}
        </FormModal>
      )}
    </Card>
  );
}
