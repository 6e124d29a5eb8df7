// One dialog per workflow action: what the server needs for it, nothing more.
import { Form, Input, Radio, Rate, Select, Space } from 'antd';
import { api } from '../../api/client';
import {
  type AreaBrief,
  type EventAction,
  type EventDetail,
  type EventListItem,
  eventsApi,
  OPEN_STATUSES,
} from '../../api/events';
import { useResource } from '../../api/hooks';
import type { User } from '../../api/types';
import { useI18n } from '../../i18n/context';
import { FormModal } from '../FormModal';
import { SearchSelect } from '../SearchSelect';
import { PhotoPicker } from './EventInputs';
import { eventActionLabel } from './labels';

const NOTE_MAX = 2000;

/** What a dialog needs of the event: the phone list has no tier area (it never dispatches). */
export interface ActionTarget {
  id: number;
  code: string;
  tierArea?: AreaBrief;
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
  const danger = action === 'reject' || action === 'suspend' || action === 'merge';

  const submit = async (values: ActionValues) => {
    const note = trimmed(values.note);
    let updated: EventDetail;
    switch (action) {
      case 'report':
        updated = await eventsApi.reportBack(event.id, note ?? '', values.photos ?? []);
        break;
      case 'dispatch':
      case 'reassign': {
        const target = values.target ?? 'user';
        updated = await eventsApi.act(event.id, action, {
          ...(target === 'user' ? { userId: values.userId } : {}),
          ...(target === 'team' ? { teamId: values.teamId } : {}),
          ...(target === 'department' ? { department: trimmed(values.department) } : {}),
          ...(note ? { note } : {}),
        });
        break;
      }
      case 'reject':
      case 'return':
        updated = await eventsApi.act(event.id, action, { note: note ?? '' });
        break;
      case 'suspend':
        updated = await eventsApi.act(event.id, 'suspend', { reason: trimmed(values.reason) ?? '' });
        break;
      case 'merge':
        updated = await eventsApi.act(event.id, 'merge', {
          intoEventId: values.intoEventId ?? 0,
          ...(note ? { note } : {}),
        });
        break;
      case 'evaluate':
        updated = await eventsApi.act(event.id, 'evaluate', {
          rating: values.rating ?? 0,
          ...(trimmed(values.comment) ? { comment: trimmed(values.comment) } : {}),
        });
        break;
      case 'register':
      case 'accept':
      case 'close':
      case 'resume':
        updated = await eventsApi.act(event.id, action, note ? { note } : {});
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
              eventsApi
                .board({ q: q || undefined, status: [...OPEN_STATUSES], limit: 20 }, signal)
                .then((page) => page.items.filter((item) => item.id !== event.id))
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
  const teams = useResource((signal) => eventsApi.teams(tierAreaId, signal), [tierAreaId]);
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
          <SearchSelect<User>
            testId="assign-user"
            placeholder={t('events.form.userPlaceholder')}
            search={(q, signal) =>
              api.users
                .list({ areaId: tierAreaId, q: q || undefined, pageSize: 20 }, signal)
                .then((page) => page.items.filter((user) => !user.disabled))
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
