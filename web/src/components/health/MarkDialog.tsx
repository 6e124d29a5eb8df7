import { App, Form, type FormInstance, Input, Radio } from 'antd';
import type { MarkView, UntestedPerson } from '../../api/model';
import { useI18n } from '../../i18n/context';
import { markKindLabel, markReasonLabel } from '../../i18n/labels';
import { offlineActions } from '../../offline/actions';
import { FormModal } from '../FormModal';
import { EXEMPT_REASONS, isMarkReason, type MarkKind, type MarkReason, OUTCOME_REASONS } from './vocabulary';

export interface MarkValues {
  kind: MarkKind;
  reason: MarkReason;
  note?: string;
}

interface MarkDialogProps {
  roundId: number;
  person: Pick<UntestedPerson, 'personId' | 'name' | 'mark'>;
  onClose: () => void;
  /** The new mark, or null when it was removed. */
  onDone: (mark: MarkView | null) => void;
}

/** Records why someone is not tested: an exemption takes them off the list, an outcome stays on it. */
export function MarkDialog({ roundId, person, onClose, onDone }: MarkDialogProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  return (
    <FormModal<MarkValues>
      testId="mark-dialog"
      title={t('rounds.markTitle', { name: person.name })}
      initialValues={
        person.mark
          ? {
              kind: person.mark.kind,
              ...(isMarkReason(person.mark.reason) ? { reason: person.mark.reason } : {}),
              note: person.mark.note ?? undefined,
            }
          : { kind: 'outcome' }
      }
      onCancel={onClose}
      onSubmit={async (values) => {
        const sent = await offlineActions.markPerson(
          roundId,
          person.personId,
          {
            kind: values.kind,
            reason: values.reason,
            ...(values.note?.trim() ? { note: values.note.trim() } : {}),
          },
          person.name,
        );
        if (sent.queued) {
          void message.info(t('offline.queued'));
          onClose();
          return;
        }
        void message.success(t('rounds.marked', { name: person.name }));
        onDone(sent.data);
      }}
    >
      {(form) => <MarkFields form={form} />}
    </FormModal>
  );
}

export function MarkFields({ form }: { form: FormInstance<MarkValues> }) {
  const i18n = useI18n();
  const { t } = i18n;
  const kind = Form.useWatch('kind', form) ?? 'outcome';
  const reasons = kind === 'exempt' ? EXEMPT_REASONS : OUTCOME_REASONS;
  return (
    <>
      <Form.Item name="kind" label={t('rounds.markKind')} extra={t(`rounds.markKindHint.${kind}`)}>
        <Radio.Group
          optionType="button"
          buttonStyle="solid"
          onChange={() => form.setFieldValue('reason', undefined)}
          options={(['outcome', 'exempt'] as const).map((value) => ({
            value,
            label: markKindLabel(i18n, value),
          }))}
        />
      </Form.Item>
      <Form.Item
        name="reason"
        label={t('rounds.markReason')}
        rules={[{ required: true, message: t('rounds.markReasonRule') }]}
      >
        <Radio.Group
          className="chip-group"
          options={reasons.map((value) => ({ value, label: markReasonLabel(i18n, value) }))}
        />
      </Form.Item>
      <Form.Item name="note" label={t('rounds.markNote')} rules={[{ max: 500 }]}>
        <Input.TextArea autoSize={{ minRows: 1, maxRows: 3 }} />
      </Form.Item>
    </>
  );
}
