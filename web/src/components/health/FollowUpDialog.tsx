import { Alert, App, Checkbox, Empty, Form, type FormInstance, Input, InputNumber, Radio, Spin } from 'antd';
import dayjs from 'dayjs';
import { useEffect } from 'react';
import { useKeyPerson } from '../../api/hooks';
import type { FollowUpView, KeyPersonView } from '../../api/model';
import { useI18n } from '../../i18n/context';
import { errorText, followUpKindLabel, followUpSlotLabel } from '../../i18n/labels';
import { zhCN } from '../../i18n/zh-CN';
import { offlineActions } from '../../offline/actions';
import { FormModal } from '../FormModal';

/** Symptoms a worker ticks most often; anything else goes in the note. */
export const SYMPTOMS = [
  'none',
  'fever',
  'cough',
  'sore_throat',
  'fatigue',
  'loss_of_smell',
  'diarrhoea',
] as const;

interface FollowUpValues {
  followUpId: number;
  temperature?: number;
  symptoms?: Array<(typeof SYMPTOMS)[number]>;
  note?: string;
}

interface FollowUpDialogProps {
  keyPerson: Pick<KeyPersonView, 'id' | 'person'>;
  /** Preselects this follow-up (from a schedule); otherwise the first one due. */
  followUpId?: number;
  onClose: () => void;
  onDone: (followUp: FollowUpView) => void;
}

const label = (i18n: ReturnType<typeof useI18n>, followUp: FollowUpView) =>
  `${followUp.dueOn.slice(5)} ${
    followUp.kind === 'temperature' ? followUpSlotLabel(i18n, followUp.slot) : ''
  }${followUpKindLabel(i18n, followUp.kind)}`;

/** Records one follow-up due today or earlier: temperature, symptoms, a note. */
export function FollowUpDialog({ keyPerson, followUpId, onClose, onDone }: FollowUpDialogProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const detail = useKeyPerson(keyPerson.id);
  const today = dayjs().format('YYYY-MM-DD');
  const open = (detail.data?.schedule ?? []).filter((item) => !item.done && item.dueOn <= today);
  const first = followUpId ?? open[0]?.id;

  return (
    <FormModal<FollowUpValues>
      testId="follow-up-dialog"
      title={t('followUp.title', { name: keyPerson.person.name })}
      initialValues={{ followUpId: first, symptoms: [] }}
      onCancel={onClose}
      onSubmit={async (values) => {
        // Kept in Chinese whatever the screen's language, like the reports that list them.
        const symptoms = (values.symptoms ?? []).map((value) => zhCN[`symptom.${value}`]).join('、');
        const sent = await offlineActions.recordFollowUp(
          keyPerson.id,
          values.followUpId,
          {
            ...(values.temperature !== undefined && values.temperature !== null
              ? { temperature: values.temperature }
              : {}),
            ...(symptoms ? { symptoms } : {}),
            ...(values.note?.trim() ? { note: values.note.trim() } : {}),
          },
          keyPerson.person.name,
        );
        if (sent.queued) {
          void message.info(t('offline.queued'));
          onClose();
          return;
        }
        void message.success(t('followUp.recorded'));
        onDone(sent.data);
      }}
    >
      {(form) =>
        detail.error ? (
          <Alert type="error" title={errorText(i18n, detail.error)} />
        ) : !detail.data ? (
          <Spin />
        ) : open.length === 0 ? (
          <Empty description={t('followUp.nothingDue')} />
        ) : (
          <>
            <Form.Item name="followUpId" label={t('followUp.which')} rules={[{ required: true }]}>
              <Radio.Group
                className="chip-group"
                optionType="button"
                options={open.map((item) => ({ value: item.id, label: label(i18n, item) }))}
              />
            </Form.Item>
            <Form.Item
              name="temperature"
              label={t('followUp.temperature')}
              rules={[{ type: 'number', min: 34, max: 43, message: t('followUp.temperatureRule') }]}
            >
              <InputNumber<number>
                step={0.1}
                precision={1}
                inputMode="decimal"
                placeholder="36.5"
                suffix="°C"
                className="temperature-input"
              />
            </Form.Item>
            <Form.Item name="symptoms" label={t('followUp.symptoms')}>
              <Checkbox.Group
                className="chip-group"
                options={SYMPTOMS.map((value) => ({ value, label: t(`symptom.${value}`) }))}
              />
            </Form.Item>
            <Form.Item name="note" label={t('followUp.note')} rules={[{ max: 500 }]}>
              <Input.TextArea autoSize={{ minRows: 1, maxRows: 3 }} />
            </Form.Item>
            <PickFirst form={form} first={first} />
          </>
        )
      }
    </FormModal>
  );
}

/** The schedule arrives after the dialog opens: preselect the first follow-up then. */
function PickFirst({ form, first }: { form: FormInstance<FollowUpValues>; first: number | undefined }) {
  useEffect(() => {
    if (first !== undefined && form.getFieldValue('followUpId') === undefined)
      form.setFieldValue('followUpId', first);
  }, [form, first]);
  return null;
}
