// One dialog per workflow action: what the server needs for it, nothing more.
import { App, Form, Input, Radio, Rate, Select, Space } from 'antd';
import { api, call } from '../../api/client';
import { useResource } from '../../api/hooks';
import type { EventAssignBody, EventDetail, EventListItem, UserView } from '../../api/model';
import { useI18n } from '../../i18n/context';
import { offlineActions } from '../../offline/actions';
import { FormModal } from '../FormModal';
import { SearchSelect } from '../SearchSelect';
import { PhotoPicker } from './EventInputs';
import { eventActionLabel } from './labels';
import { type EventAction, OPEN_STATUSES } from './vocabulary';

const NOTE_MAX = 2000;

/** What a dialog needs of the event: the phone list has no tier area (it never dispatches). */
export interface ActionTarget {
  id: number;
  code: string;
  tierArea?: EventDetail['tierArea'];
}

interface ActionDialogProps {
  event: ActionTarget;
  action: EventAction;
  onCancel: () => void;
  onDone: (updated: EventDetail) => void;
}

interface ActionValues {
  note?: string;
  reason?: string;
  target?: 'user' | 'team' | 'department';
  userId?: number;
  teamId?: number;
  department?: string;
  intoEventId?: number;
  rating?: number;
  comment?: string;
  photos?: File[];
}

/** Actions whose note is required by the server. */
const NOTE_REQUIRED: ReadonlySet<EventAction> = new Set(['reject', 'return', 'report']);
/** Actions that change nothing but the status: a note is optional. */
const NOTE_OPTIONAL: ReadonlySet<EventAction> = new Set(['register', 'accept', 'close', 'resume']);

const trimmed = (value: string | undefined) => value?.trim() || undefined;

export function ActionDialog({ event, action, onCancel, onDone }: ActionDialogProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const danger = action === 'reject' || action === 'suspend' || action === 'merge';

  const submit = async (values: ActionValues) => {
    const note = trimmed(values.note);
    const params = { path: { id: event.id } };
    const noteBody = note ? { note } : {};
    const target = values.target ?? 'user';
    const assign: EventAssignBody = {
      ...(target === 'user' ? { userId: values.userId } : {}),
      ...(target === 'team' ? { teamId: values.teamId } : {}),
      ...(target === 'department' ? { department: trimmed(values.department) } : {}),
      ...noteBody,
    };
    let updated: EventDetail;
    switch (action) {
      case 'report': {
        const sent = await offlineActions.reportBack(event.id, note ?? '', values.photos ?? [], event.code);
        if (sent.queued) {
          void message.info(t('offline.queued'));
          onCancel();
          return;
        }
        updated = sent.data;
        break;
      }
      case 'dispatch':
        updated = await call(api.POST('/api/events/{id}/actions/dispatch', { params, body: assign }));
        break;
      case 'reassign':
        updated = await call(api.POST('/api/events/{id}/actions/reassign', { params, body: assign }));
        break;
      case 'reject':
        updated = await call(
          api.POST('/api/events/{id}/actions/reject', { params, body: { note: note ?? '' } }),
        );
        break;
      case 'return':
        updated = await call(
          api.POST('/api/events/{id}/actions/return', { params, body: { note: note ?? '' } }),
        );
        break;
      case 'suspend':
        updated = await call(
          api.POST('/api/events/{id}/actions/suspend', {
            params,
            body: { reason: trimmed(values.reason) ?? '' },
          }),
        );
        break;
      case 'merge':
        updated = await call(
          api.POST('/api/events/{id}/actions/merge', {
            params,
            body: { intoEventId: values.intoEventId ?? 0, ...noteBody },
          }),
        );
        break;
      case 'evaluate': {
        const comment = trimmed(values.comment);
        updated = await call(
          api.POST('/api/events/{id}/actions/evaluate', {
            params,
            body: { rating: values.rating ?? 0, ...(comment ? { comment } : {}) },
          }),
        );
        break;
      }
      case 'register':
        updated = await call(api.POST('/api/events/{id}/actions/register', { params, body: noteBody }));
        break;
      case 'accept':
        updated = await call(api.POST('/api/events/{id}/actions/accept', { params, body: noteBody }));
        break;
      case 'close':
        updated = await call(api.POST('/api/events/{id}/actions/close', { params, body: noteBody }));
        break;
      case 'resume':
        updated = await call(api.POST('/api/events/{id}/actions/resume', { params, body: noteBody }));
        break;
    }
    onDone(updated);
  };

  return (
    <FormModal<ActionValues>
      title={`${eventActionLabel(i18n, action)} · ${event.code}`}
      okText={eventActionLabel(i18n, action)}
      danger={danger}
      initialValues={{ target: 'user', photos: [] }}
      onCancel={onCancel}
      onSubmit={submit}
      testId={`action-dialog-${action}`}
    >
      {(action === 'dispatch' || action === 'reassign') && event.tierArea && (
        <AssignFields tierAreaId={event.tierArea.id} />
      )}
      {action === 'suspend' && (
        <Form.Item
          name="reason"
          label={t('events.form.reason')}
          rules={[
            { required: true, whitespace: true, message: t('problem.required') },
            { max: 500, message: t('common.maxLength', { max: 500 }) },
          ]}
        >
          <Input.TextArea rows={3} data-testid="action-reason" />
        </Form.Item>
      )}
      {action === 'merge' && (
        <Form.Item
          name="intoEventId"
          label={t('events.form.mergeInto')}
          rules={[{ required: true, message: t('problem.required') }]}
        >
          <SearchSelect<EventListItem>
            placeholder={t('events.form.mergePlaceholder')}
            search={(q, signal) =>
              call(
                api.GET('/api/events', {
                  params: { query: { q: q || undefined, status: [...OPEN_STATUSES], limit: 20 } },
                  signal,
                }),
              ).then((page) => page.items.filter((item) => item.id !== event.id))
            }
            render={(item) => (
              <span>
                <span className="code-text">{item.code}</span> {item.title}
              </span>
            )}
          />
        </Form.Item>
      )}
      {action === 'evaluate' && (
        <>
          <Form.Item
            name="rating"
            label={t('events.form.rating')}
            rules={[{ required: true, message: t('problem.required') }]}
          >
            <Rate />
          </Form.Item>
          <Form.Item
            name="comment"
            label={t('events.form.comment')}
            rules={[{ max: 1000, message: t('common.maxLength', { max: 1000 }) }]}
          >
            <Input.TextArea rows={3} />
          </Form.Item>
        </>
      )}
      {action === 'report' && (
        <Form.Item name="photos" label={t('events.form.photos')}>
          <PhotoPicker camera testId="report-photo-input" />
        </Form.Item>
      )}
      {(NOTE_REQUIRED.has(action) ||
        NOTE_OPTIONAL.has(action) ||
        action === 'dispatch' ||
        action === 'reassign' ||
        action === 'merge') && (
        <Form.Item
          name="note"
          label={action === 'reject' || action === 'return' ? t('events.form.reason') : t('events.form.note')}
          rules={[
            ...(NOTE_REQUIRED.has(action)
              ? [{ required: true, whitespace: true, message: t('events.form.noteRequired') }]
              : []),
            { max: NOTE_MAX, message: t('common.maxLength', { max: NOTE_MAX }) },
          ]}
        >
          <Input.TextArea rows={3} data-testid="action-note" />
        </Form.Item>
      )}
    </FormModal>
  );
}

/** Who gets the event: a responder inside its tier area, a team, or a department by name. */
function AssignFields({ tierAreaId }: { tierAreaId: number }) {
  const { t } = useI18n();
  const form = Form.useFormInstance<ActionValues>();
  const target = (Form.useWatch('target', form) as ActionValues['target']) ?? 'user';
  const teams = useResource(
    (signal) =>
      call(api.GET('/api/teams', { params: { query: { areaId: tierAreaId, pageSize: 100 } }, signal })),
    [tierAreaId],
  );
  return (
    <>
      <Form.Item name="target" label={t('events.form.assignTo')}>
        <Radio.Group
          optionType="button"
          options={[
            { value: 'user', label: t('events.form.assignUser') },
            { value: 'team', label: t('events.form.assignTeam') },
            { value: 'department', label: t('events.form.assignDepartment') },
          ]}
        />
      </Form.Item>
      {target === 'user' && (
        <Form.Item
          name="userId"
          label={t('events.form.assignUser')}
          rules={[{ required: true, message: t('problem.required') }]}
        >
          <SearchSelect<UserView>
            testId="assign-user"
            placeholder={t('events.form.userPlaceholder')}
            search={(q, signal) =>
              call(
                api.GET('/api/users', {
                  params: { query: { areaId: tierAreaId, q: q || undefined, pageSize: 20 } },
                  signal,
                }),
              ).then((page) => page.items.filter((user) => !user.disabled))
            }
            render={(user) => (
              <Space size={4}>
                <span>{user.displayName}</span>
                <span className="muted">
                  {user.username}
                  {user.assignments[0] ? ` · ${user.assignments[0].areaName}` : ''}
                </span>
              </Space>
            )}
          />
        </Form.Item>
      )}
      {target === 'team' && (
        <Form.Item
          name="teamId"
          label={t('events.form.assignTeam')}
          rules={[{ required: true, message: t('problem.required') }]}
        >
          <Select<number>
            placeholder={t('events.form.teamPlaceholder')}
            loading={teams.loading}
            options={(teams.data?.items ?? []).map((team) => ({
              value: team.id,
              label: `${team.name} · ${team.area.name}`,
            }))}
          />
        </Form.Item>
      )}
      {target === 'department' && (
        <Form.Item
          name="department"
          label={t('events.form.assignDepartment')}
          rules={[
            { required: true, whitespace: true, message: t('problem.required') },
            { max: 60, message: t('common.maxLength', { max: 60 }) },
          ]}
        >
          <Input placeholder={t('events.form.departmentPlaceholder')} />
        </Form.Item>
      )}
    </>
  );
}
