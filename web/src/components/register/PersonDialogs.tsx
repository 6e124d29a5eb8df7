import { Alert, App, DatePicker, Form, Input, Radio } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { api, call } from '../../api/client';
import type { PersonView, RevealResponse, UpdatePersonBody } from '../../api/model';
import {
  isOneOf,
  PERSON_TAGS,
  type PersonTag,
  RELATIONS,
  RESIDENCE_TYPES,
  type ResidenceType,
} from '../../api/vocabulary';
import { useI18n } from '../../i18n/context';
import { residenceLabel } from '../../i18n/labels';
import { AreaSelect } from '../AreaSelect';
import { FormModal } from '../FormModal';
import { HouseSelect } from './pickers';
import { TagPicker } from './TagPicker';

interface DialogProps {
  person: PersonView;
  onClose: () => void;
  onDone: () => void;
}

interface EditValues {
  name: string;
  phone?: string;
  residenceType?: ResidenceType;
  relation?: string;
  hukouAddress?: string;
  currentAddress?: string;
  workplace?: string;
  expectedDeparture?: Dayjs | null;
  tags: PersonTag[];
}

const orNull = (value: string | undefined) => value?.trim() || null;

/** Sends only what changed: the history then names exactly those fields. */
function changes(person: PersonView, values: EditValues): UpdatePersonBody {
  const next: UpdatePersonBody = {};
  if (values.name.trim() !== person.name) next.name = values.name.trim();
  // Only the mask of the phone is known here: an empty field keeps the number.
  if (values.phone?.trim()) next.phone = values.phone.trim();
  if (values.residenceType && values.residenceType !== person.residenceType)
    next.residenceType = values.residenceType;
  for (const field of ['relation', 'hukouAddress', 'currentAddress', 'workplace'] as const) {
    if (orNull(values[field]) !== person[field]) next[field] = orNull(values[field]);
  }
  const departure = values.expectedDeparture?.format('YYYY-MM-DD') ?? null;
  if (departure !== person.expectedDeparture) next.expectedDeparture = departure;
  if ([...values.tags].sort().join() !== [...person.tags].sort().join()) next.tags = values.tags;
  return next;
}

export function EditPersonDialog({ person, onClose, onDone }: DialogProps) {
  const { t } = useI18n();
  const { message } = App.useApp();
  return (
    <FormModal<EditValues>
      testId="edit-person-dialog"
      title={t('person.editTitle', { name: person.name })}
      initialValues={{
        name: person.name,
        residenceType: isOneOf(RESIDENCE_TYPES, person.residenceType) ? person.residenceType : undefined,
        relation: person.relation ?? '',
        hukouAddress: person.hukouAddress ?? '',
        currentAddress: person.currentAddress ?? '',
        workplace: person.workplace ?? '',
        expectedDeparture: person.expectedDeparture ? dayjs(person.expectedDeparture) : null,
        tags: person.tags.filter((tag): tag is PersonTag => isOneOf(PERSON_TAGS, tag)),
      }}
      onCancel={onClose}
      onSubmit={async (values) => {
        const input = changes(person, values);
        if (Object.keys(input).length === 0) {
          void message.info(t('person.nothingChanged'));
          onClose();
          return;
        }
        await call(api.PATCH('/api/persons/{id}', { params: { path: { id: person.id } }, body: input }));
        void message.success(t('person.updated'));
        onDone();
      }}
    >
      <EditFields phoneMasked={person.phoneMasked} />
    </FormModal>
  );
}

function EditFields({ phoneMasked }: { phoneMasked: string | null }) {
  const i18n = useI18n();
  const { t } = i18n;
  return (
    <>
      <Form.Item
        name="name"
        label={t('field.name')}
        rules={[{ required: true, whitespace: true, message: t('problem.required') }, { max: 100 }]}
      >
        <Input />
      </Form.Item>
      <Form.Item
        name="phone"
        label={t('field.phone')}
        extra={phoneMasked ? t('person.phoneKeep', { phone: phoneMasked }) : undefined}
        rules={[{ pattern: /^[\d\s+()-]{5,30}$/, message: t('personForm.phoneRule') }]}
      >
        <Input inputMode="tel" autoComplete="off" placeholder={phoneMasked ?? undefined} />
      </Form.Item>
      <Form.Item name="residenceType" label={t('field.residenceType')}>
        <Radio.Group
          optionType="button"
          options={RESIDENCE_TYPES.map((value) => ({ value, label: residenceLabel(i18n, value) }))}
        />
      </Form.Item>
      <Form.Item name="tags" label={t('field.tags')}>
        <TagPicker />
      </Form.Item>
      <Form.Item name="relation" label={t('field.relation')} rules={[{ max: 20 }]}>
        <Input list="relation-suggestions" />
      </Form.Item>
      <datalist id="relation-suggestions">
        {RELATIONS.map((relation) => (
          <option key={relation} value={relation} />
        ))}
      </datalist>
      <Form.Item name="hukouAddress" label={t('field.hukouAddress')} rules={[{ max: 200 }]}>
        <Input />
      </Form.Item>
      <Form.Item name="currentAddress" label={t('field.currentAddress')} rules={[{ max: 200 }]}>
        <Input />
      </Form.Item>
      <Form.Item name="workplace" label={t('field.workplace')} rules={[{ max: 200 }]}>
        <Input />
      </Form.Item>
      <Form.Item name="expectedDeparture" label={t('field.expectedDeparture')}>
        <DatePicker />
      </Form.Item>
    </>
  );
}

interface MoveValues {
  target: 'house' | 'area';
  houseId?: number;
  areaId?: number;
  reason?: string;
}

export function MovePersonDialog({ person, onClose, onDone }: DialogProps) {
  const { t } = useI18n();
  const { message } = App.useApp();
  return (
    <FormModal<MoveValues>
      testId="move-person-dialog"
      title={t('person.moveTitle', { name: person.name })}
      initialValues={{ target: 'house' }}
      onCancel={onClose}
      onSubmit={async (values) => {
        const reason = values.reason?.trim();
        const moved = await call(
          api.POST('/api/persons/{id}/move', {
            params: { path: { id: person.id } },
            body: {
              ...(values.target === 'house' ? { houseId: values.houseId } : { areaId: values.areaId }),
              ...(reason ? { reason } : {}),
            },
          }),
        );
        void message.success(t('person.moved', { place: moved.house?.address ?? moved.area?.name ?? '' }));
        onDone();
      }}
    >
      <MoveFields />
    </FormModal>
  );
}

function MoveFields() {
  const { t } = useI18n();
  const target =
    (Form.useWatch('target', Form.useFormInstance()) as MoveValues['target'] | undefined) ?? 'house';
  return (
    <>
      <Form.Item name="target" label={t('person.moveTarget')} extra={t('personForm.placeHint')}>
        <Radio.Group
          optionType="button"
          options={[
            { value: 'house', label: t('field.house') },
            { value: 'area', label: t('field.area') },
          ]}
        />
      </Form.Item>
      {target === 'house' ? (
        <Form.Item name="houseId" rules={[{ required: true, message: t('personForm.houseOrArea') }]}>
          <HouseSelect />
        </Form.Item>
      ) : (
        <Form.Item name="areaId" rules={[{ required: true, message: t('personForm.houseOrArea') }]}>
          <AreaSelect placeholder={t('areaSelect.residentPlaceholder')} />
        </Form.Item>
      )}
      <Form.Item name="reason" label={t('person.moveReason')} rules={[{ max: 200 }]}>
        <Input />
      </Form.Item>
    </>
  );
}

export function DepartPersonDialog({ person, onClose, onDone }: DialogProps) {
  const { t } = useI18n();
  const { message } = App.useApp();
  return (
    <FormModal<{ departedOn: Dayjs; destination?: string }>
      testId="depart-person-dialog"
      title={t('person.departTitle', { name: person.name })}
      okText={t('person.depart')}
      danger
      initialValues={{ departedOn: dayjs() }}
      onCancel={onClose}
      onSubmit={async (values) => {
        const destination = values.destination?.trim();
        await call(
          api.POST('/api/persons/{id}/depart', {
            params: { path: { id: person.id } },
            body: {
              departedOn: values.departedOn.format('YYYY-MM-DD'),
              ...(destination ? { destination } : {}),
            },
          }),
        );
        void message.success(t('person.departed', { name: person.name }));
        onDone();
      }}
    >
      <Alert type="info" showIcon className="dialog-hint" title={t('person.departHint')} />
      <Form.Item
        name="departedOn"
        label={t('field.departedOn')}
        rules={[{ required: true, message: t('problem.required') }]}
      >
        <DatePicker disabledDate={(day) => day.isAfter(dayjs().add(60, 'day'))} />
      </Form.Item>
      <Form.Item name="destination" label={t('field.destination')} rules={[{ max: 200 }]}>
        <Input />
      </Form.Item>
    </FormModal>
  );
}

interface RevealDialogProps {
  person: Pick<PersonView, 'id' | 'name'>;
  onClose: () => void;
  onRevealed: (revealed: RevealResponse) => void;
}

/** The full numbers, for a stated reason that the audit log keeps. */
export function RevealDialog({ person, onClose, onRevealed }: RevealDialogProps) {
  const { t } = useI18n();
  return (
    <FormModal<{ reason: string }>
      testId="reveal-dialog"
      title={t('person.revealTitle', { name: person.name })}
      okText={t('person.reveal')}
      onCancel={onClose}
      onSubmit={async (values) => {
        onRevealed(
          await call(
            api.POST('/api/persons/{id}/reveal', {
              params: { path: { id: person.id } },
              body: { reason: values.reason.trim() },
            }),
          ),
        );
      }}
    >
      <Alert type="warning" showIcon className="dialog-hint" title={t('person.revealHint')} />
      <Form.Item
        name="reason"
        label={t('person.revealReason')}
        rules={[
          { required: true, whitespace: true, message: t('person.revealReasonRule') },
          { min: 2, message: t('person.revealReasonRule') },
          { max: 200 },
        ]}
      >
        <Input autoFocus autoComplete="off" data-testid="reveal-reason" />
      </Form.Item>
    </FormModal>
  );
}
