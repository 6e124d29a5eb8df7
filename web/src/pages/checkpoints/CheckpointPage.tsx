import {
  ArrowLeftOutlined,
  DeleteOutlined,
  EditOutlined,
  LeftOutlined,
  PlusOutlined,
  PrinterOutlined,
  QrcodeOutlined,
  RightOutlined,
  StopOutlined,
} from '@ant-design/icons';
import {
  App,
  Button,
  Card,
  Col,
  DatePicker,
  Descriptions,
  Form,
  Input,
  InputNumber,
  List,
  Row,
  Select,
  Space,
  Spin,
  Tag,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { type ReactNode, useMemo, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { api, call, http } from '../../api/client';
import { useResource } from '../../api/hooks';
import type { CheckpointView, ShiftView } from '../../api/model';
import { useAuth } from '../../auth/AuthContext';
import {
  useCheckpoint,
  useCheckpointFigures,
  useCheckpointShifts,
  useCheckpointStaffing,
  useTeamsOf,
} from '../../components/checkpoints/api';
import { CheckpointForm } from '../../components/checkpoints/CheckpointForm';
import { clockTime, FigureGrid, StaffingTag } from '../../components/checkpoints/Staffing';
import '../../components/checkpoints/checkpoints.css';
import { ConfirmAction } from '../../components/ConfirmAction';
import { ErrorResult } from '../../components/ErrorResult';
import { saveFile } from '../../components/files';
import { FormModal } from '../../components/FormModal';
import { ErrorText } from '../../components/services/common';
import { useI18n } from '../../i18n/context';
import { errorText } from '../../i18n/labels';

const DAY_MS = 24 * 3600 * 1000;
const CST_OFFSET_MS = 8 * 3600 * 1000;
/** The China-time date of an instant, YYYY-MM-DD. */
const chinaDate = (at: number) => new Date(at + CST_OFFSET_MS).toISOString().slice(0, 10);

/** One checkpoint: details, who is on duty now, today's figures, the week's rota, its place code. */
export function CheckpointPage() {
  const { id } = useParams();
  const checkpointId = Number(id);
  const [version, setVersion] = useState(0);
  const reload = () => setVersion((v) => v + 1);
  const checkpoint = useCheckpoint(checkpointId, version);
  if (checkpoint.error) return <ErrorResult error={checkpoint.error} onRetry={checkpoint.reload} />;
  if (!checkpoint.data) return <Spin className="page-spin" />;
  return <CheckpointScreen checkpoint={checkpoint.data} version={version} onChanged={reload} />;
}

function CheckpointScreen({
  checkpoint,
  version,
  onChanged,
}: {
  checkpoint: CheckpointView;
  version: number;
  onChanged: () => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const { can } = useAuth();
  const manage = can('checkpoint.manage') && checkpoint.retiredAt === null;
  const [editing, setEditing] = useState(false);
  const staffing = useCheckpointStaffing(checkpoint.id, version);
  const figures = useCheckpointFigures(checkpoint.area.id, version);
  const today = figures.data?.checkpoints.find((c) => c.id === checkpoint.id);

  const print = async () => {
    try {
      saveFile(
        await http.download(
          `/checkpoints/${checkpoint.id}/place-code.pdf`,
          `checkpoint-${checkpoint.code}.pdf`,
        ),
      );
    } catch (error) {
      void message.error(errorText(i18n, error));
    }
  };
  const checks: ReactNode[] = [
    checkpoint.checkTemperature && t('checkpointBoard.check.temperature'),
    checkpoint.checkHealthCode && t('checkpointBoard.check.healthCode'),
    checkpoint.testWithinHours !== null &&
      t('checkpointBoard.check.test', { hours: checkpoint.testWithinHours }),
    checkpoint.passRequired && t('checkpointBoard.check.pass'),
    checkpoint.residentsOnly && t('checkpointBoard.check.residents'),
  ].filter(Boolean);

  return (
    <div className="page checkpoint-page" data-testid="checkpoint-page">
      <Link to="/checkpoints" className="checkpoint-back">
        <ArrowLeftOutlined /> {t('checkpointBoard.back')}
      </Link>
      <div className="page-title-row">
        <Space align="center" wrap>
          <Typography.Title level={3} className="page-title" data-testid="checkpoint-title">
            {checkpoint.name}
          </Typography.Title>
          <StaffingTag staffing={checkpoint.staffing} />
          {checkpoint.retiredAt && <Tag>{t('checkpointBoard.retired')}</Tag>}
        </Space>
        {manage && (
          <Space wrap className="checkpoint-actions">
            <Button icon={<EditOutlined />} onClick={() => setEditing(true)} data-testid="checkpoint-edit">
              {t('common.edit')}
            </Button>
            <Button icon={<PrinterOutlined />} onClick={() => void print()} data-testid="checkpoint-print">
              {t('checkpointBoard.printCode')}
            </Button>
            <ConfirmAction
              title={t('checkpointBoard.reissueConfirm')}
              run={() =>
                call(
                  api.POST('/api/checkpoints/{id}/place-code', { params: { path: { id: checkpoint.id } } }),
                ).then(() => void message.success(t('checkpointBoard.codeReissued')))
              }
              onDone={onChanged}
            >
              <Button icon={<QrcodeOutlined />}>{t('checkpointBoard.reissueCode')}</Button>
            </ConfirmAction>
            <ConfirmAction
              title={t('checkpointBoard.retireConfirm')}
              run={() =>
                call(api.POST('/api/checkpoints/{id}/retire', { params: { path: { id: checkpoint.id } } }))
              }
              onDone={onChanged}
            >
              <Button danger icon={<StopOutlined />}>
                {t('checkpointBoard.retire')}
              </Button>
            </ConfirmAction>
          </Space>
        )}
      </div>

      <Row gutter={[12, 12]}>
        <Col xs={24} lg={12}>
          <Card size="small" title={t('checkpointBoard.onDuty')} data-testid="checkpoint-on-duty">
            {staffing.error ? (
              <ErrorText error={staffing.error} />
            ) : !staffing.data ? (
              <Spin />
            ) : (
              <>
                {staffing.data.staffing.gapSince && (
                  <Typography.Paragraph type="danger" strong>
                    {t('checkpointBoard.gapSince', {
                      time: clockTime(staffing.data.staffing.gapSince, i18n.locale),
                    })}
                  </Typography.Paragraph>
                )}
                {staffing.data.onDuty.length === 0 ? (
                  <Typography.Text type="secondary">{t('checkpointBoard.nobodyOnDuty')}</Typography.Text>
                ) : (
                  <List
                    size="small"
                    dataSource={staffing.data.onDuty}
                    renderItem={(duty) => (
                      <List.Item>
                        <span>{duty.userName}</span>
                        <span className="muted">
                          {t('checkpointBoard.signedInAt', { time: clockTime(duty.signedInAt, i18n.locale) })}
                        </span>
                      </List.Item>
                    )}
                  />
                )}
              </>
            )}
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card
            size="small"
            title={t('checkpointBoard.todayFigures', { date: figures.data?.date ?? '' })}
            data-testid="checkpoint-today"
          >
            {today ? (
              <FigureGrid counts={today} />
            ) : figures.error ? (
              <ErrorText error={figures.error} />
            ) : (
              <Spin />
            )}
          </Card>
        </Col>
        <Col xs={24}>
          <Rota checkpoint={checkpoint} manage={manage} version={version} onChanged={onChanged} />
        </Col>
        <Col xs={24}>
          <Card size="small" title={t('checkpointBoard.details')}>
            <Descriptions size="small" column={{ xs: 1, md: 2 }} bordered>
              <Descriptions.Item label={t('checkpointBoard.code')}>{checkpoint.code}</Descriptions.Item>
              <Descriptions.Item label={t('checkpointBoard.kind')}>
                {t(`checkpoint.kind.${checkpoint.kind}`)}
              </Descriptions.Item>
              <Descriptions.Item label={t('checkpointBoard.area')}>
                <Link to={`/areas/${checkpoint.area.id}`}>{checkpoint.area.name}</Link>
              </Descriptions.Item>
              <Descriptions.Item label={t('checkpointBoard.team')}>
                {checkpoint.team ? (
                  <>
                    {checkpoint.team.name}
                    {checkpoint.team.leaderName && (
                      <span className="muted">
                        {' '}
                        · {t('checkpointBoard.teamLeader', { name: checkpoint.team.leaderName })}
                      </span>
                    )}
                  </>
                ) : (
                  t('checkpointBoard.noTeam')
                )}
              </Descriptions.Item>
              <Descriptions.Item label={t('checkpointBoard.hours')}>
                {checkpoint.hours
                  ? checkpoint.hours.map((h) => `${h.from}–${h.to}`).join('，')
                  : t('checkpointBoard.allDay')}
              </Descriptions.Item>
              <Descriptions.Item label={t('checkpointBoard.checks')}>
                <Space size={[4, 4]} wrap>
                  {checks.map((check, i) => (
                    <Tag key={i}>{check}</Tag>
                  ))}
                </Space>
              </Descriptions.Item>
            </Descriptions>
          </Card>
        </Col>
      </Row>

      {editing && (
        <CheckpointForm
          checkpoint={checkpoint}
          area={null}
          onCancel={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            onChanged();
          }}
        />
      )}
    </div>
  );
}

/** The week's rota: seven days (stacked on a phone), each with its shifts; add and remove for managers. */
function Rota({
  checkpoint,
  manage,
  version,
  onChanged,
}: {
  checkpoint: CheckpointView;
  manage: boolean;
  version: number;
  onChanged: () => void;
}) {
  const i18n = useI18n();
  const { t, locale } = i18n;
  const [from, setFrom] = useState<string | undefined>();
  const [adding, setAdding] = useState(false);
  const week = useCheckpointShifts(checkpoint.id, from, version);
  const start = week.data ? Date.parse(week.data.from) : null;
  const days = useMemo(
    () => (start === null ? [] : Array.from({ length: 7 }, (_, i) => start + i * DAY_MS)),
    [start],
  );
  const dayLabel = new Intl.DateTimeFormat(locale, {
    weekday: 'short',
    month: 'numeric',
    day: 'numeric',
    timeZone: 'Asia/Shanghai',
  });
  const todayDate = chinaDate(Date.now());
  const shiftsOn = (day: number) =>
    (week.data?.items ?? []).filter(
      (s) => Date.parse(s.startsAt) < day + DAY_MS && Date.parse(s.endsAt) > day,
    );
  const move = (weeks: number) => start !== null && setFrom(chinaDate(start + weeks * 7 * DAY_MS));

  return (
    <Card
      size="small"
      title={t('checkpointBoard.rota')}
      data-testid="checkpoint-rota"
      extra={
        <Space wrap size={4}>
          <Button
            size="small"
            icon={<LeftOutlined />}
            onClick={() => move(-1)}
            aria-label={t('checkpointBoard.prevWeek')}
          />
          <Button size="small" onClick={() => setFrom(undefined)}>
            {t('checkpointBoard.thisWeek')}
          </Button>
          <Button
            size="small"
            icon={<RightOutlined />}
            onClick={() => move(1)}
            aria-label={t('checkpointBoard.nextWeek')}
          />
          {manage && (
            <Button
              size="small"
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setAdding(true)}
              data-testid="shift-add"
            >
              {t('checkpointBoard.addShift')}
            </Button>
          )}
        </Space>
      }
    >
      {week.error ? (
        <ErrorText error={week.error} />
      ) : !week.data ? (
        <Spin />
      ) : (
        <div className="rota-week">
          {days.map((day) => {
            const shifts = shiftsOn(day);
            return (
              <section
                key={day}
                className={`rota-day${chinaDate(day) === todayDate ? ' rota-today' : ''}`}
                data-testid="rota-day"
              >
                <h4 className="rota-day-head">{dayLabel.format(new Date(day))}</h4>
                {shifts.length === 0 ? (
                  <span className="muted rota-empty">{t('checkpointBoard.noShifts')}</span>
                ) : (
                  shifts.map((shift) => (
                    <ShiftCard key={shift.id} shift={shift} manage={manage} onChanged={onChanged} />
                  ))
                )}
              </section>
            );
          })}
        </div>
      )}
      {adding && (
        <ShiftForm
          checkpoint={checkpoint}
          defaultDay={
            start !== null && chinaDate(start) <= todayDate && todayDate < chinaDate(start + 7 * DAY_MS)
              ? todayDate
              : chinaDate(start ?? Date.now())
          }
          onCancel={() => setAdding(false)}
          onSaved={() => {
            setAdding(false);
            onChanged();
          }}
        />
      )}
    </Card>
  );
}

function ShiftCard({
  shift,
  manage,
  onChanged,
}: {
  shift: ShiftView;
  manage: boolean;
  onChanged: () => void;
}) {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const who = [shift.team?.name, ...shift.users.map((u) => u.name)].filter(Boolean).join('、');
  return (
    <div className="rota-shift" data-testid="rota-shift">
      <div className="rota-shift-time">
        {clockTime(shift.startsAt, locale)}–{clockTime(shift.endsAt, locale)}
        {manage && (
          <ConfirmAction
            title={t('checkpointBoard.shift.removeConfirm')}
            run={() =>
              call(api.DELETE('/api/checkpoints/shifts/{id}', { params: { path: { id: shift.id } } })).then(
                () => void message.success(t('checkpointBoard.shift.removed')),
              )
            }
            onDone={onChanged}
          >
            <Button
              type="text"
              size="small"
              danger
              icon={<DeleteOutlined />}
              aria-label={t('checkpointBoard.shift.remove')}
            />
          </ConfirmAction>
        )}
      </div>
      <div className="rota-shift-who">{who}</div>
      <div className="muted">
        {t('checkpointBoard.shift.minStaffOf', { n: shift.minStaff })}
        {shift.note && ` · ${shift.note}`}
      </div>
    </div>
  );
}

interface ShiftValues {
  day: Dayjs;
  start: string;
  end: string;
  teamId?: number;
  userIds?: number[];
  minStaff: number;
  note?: string;
}

const TIME = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;

function ShiftForm({
  checkpoint,
  defaultDay,
  onCancel,
  onSaved,
}: {
  checkpoint: CheckpointView;
  defaultDay: string;
  onCancel: () => void;
  onSaved: () => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const teams = useTeamsOf(checkpoint.area.id);
  const users = useResource(
    (signal) =>
      call(
        api.GET('/api/users', { params: { query: { areaId: checkpoint.area.id, pageSize: 200 } }, signal }),
      ),
    [checkpoint.area.id],
  );
  const submit = async (values: ShiftValues) => {
    const day = values.day.format('YYYY-MM-DD');
    const startsAt = Date.parse(`${day}T${values.start}:00+08:00`);
    let endsAt = Date.parse(`${day}T${values.end}:00+08:00`);
    if (endsAt <= startsAt) endsAt += DAY_MS;
    await call(
      api.POST('/api/checkpoints/{id}/shifts', {
        params: { path: { id: checkpoint.id } },
        body: {
          startsAt: new Date(startsAt).toISOString(),
          endsAt: new Date(endsAt).toISOString(),
          ...(values.teamId !== undefined ? { teamId: values.teamId } : {}),
          ...(values.userIds?.length ? { userIds: values.userIds } : {}),
          minStaff: values.minStaff,
          ...(values.note?.trim() ? { note: values.note.trim() } : {}),
        },
      }),
    );
    void message.success(t('checkpointBoard.shift.added'));
    onSaved();
  };
  return (
    <FormModal<ShiftValues>
      title={t('checkpointBoard.addShift')}
      initialValues={{
        day: dayjs(defaultDay),
        start: '08:00',
        end: '16:00',
        minStaff: 1,
        ...(checkpoint.team ? { teamId: checkpoint.team.id } : {}),
      }}
      onCancel={onCancel}
      onSubmit={submit}
      testId="shift-form"
    >
      <Form.Item name="day" label={t('checkpointBoard.shift.day')} rules={[{ required: true }]}>
        <DatePicker allowClear={false} style={{ width: '100%' }} />
      </Form.Item>
      <Space.Compact block>
        <Form.Item
          name="start"
          label={t('checkpointBoard.shift.start')}
          rules={[{ required: true, pattern: TIME, message: 'HH:MM' }]}
          style={{ width: '50%' }}
        >
          <Input placeholder="08:00" />
        </Form.Item>
        <Form.Item
          name="end"
          label={t('checkpointBoard.shift.end')}
          tooltip={t('checkpointBoard.shift.endNextDay')}
          rules={[{ required: true, pattern: TIME, message: 'HH:MM' }]}
          style={{ width: '50%' }}
        >
          <Input placeholder="16:00" />
        </Form.Item>
      </Space.Compact>
      <Form.Item
        name="teamId"
        label={t('checkpointBoard.shift.team')}
        dependencies={['userIds']}
        rules={[
          ({ getFieldValue }) => ({
            validator: (_, value: number | undefined) =>
              value !== undefined || ((getFieldValue('userIds') as number[] | undefined) ?? []).length > 0
                ? Promise.resolve()
                : Promise.reject(new Error(t('checkpointBoard.shift.teamOrUsers'))),
          }),
        ]}
      >
        <Select
          allowClear
          loading={teams.loading}
          options={(teams.data?.items ?? [])
            .filter((team) => !team.retiredAt)
            .map((team) => ({ value: team.id, label: team.name }))}
        />
      </Form.Item>
      <Form.Item name="userIds" label={t('checkpointBoard.shift.users')}>
        <Select
          mode="multiple"
          allowClear
          optionFilterProp="label"
          loading={users.loading}
          options={(users.data?.items ?? []).map((user) => ({ value: user.id, label: user.displayName }))}
        />
      </Form.Item>
      <Form.Item name="minStaff" label={t('checkpointBoard.shift.minStaff')} rules={[{ required: true }]}>
        <InputNumber min={1} max={50} />
      </Form.Item>
      <Form.Item name="note" label={t('checkpointBoard.shift.note')} rules={[{ max: 200 }]}>
        <Input />
      </Form.Item>
    </FormModal>
  );
}
