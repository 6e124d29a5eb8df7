import { Alert, App, Checkbox, Form, Input, Radio, Select } from 'antd';
import type { LeadView, VerifyResult } from '../../api/model';
import { useI18n } from '../../i18n/context';
import { keyPersonCategoryLabel, leadMeasureLabel, leadOutcomeLabel } from '../../i18n/labels';
import { offlineActions } from '../../offline/actions';
import { FormModal } from '../FormModal';
import {
  KEY_PERSON_CATEGORIES,
  type KeyPersonCategory,
  LEAD_MEASURES,
  LEAD_OUTCOMES,
  type LeadMeasure,
  type LeadOutcome,
} from './vocabulary';

interface VerifyValues {
  outcome: LeadOutcome;
  measures: LeadMeasure[];
  note?: string;
  keyPerson?: KeyPersonCategory;
}

interface VerifyLeadDialogProps {
  lead: LeadView;
  onClose: () => void;
  onDone: (result: VerifyResult) => void;
}

/** What the worker found on the ground, and what they arranged; may also start key-person follow-up. */
export function VerifyLeadDialog({ lead, onClose, onDone }: VerifyLeadDialogProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  return (
    <FormModal<VerifyValues>
      testId="verify-dialog"
      title={t('leads.verifyTitle', { name: lead.nameMasked ?? lead.documentMasked ?? `#${lead.id}` })}
      okText={t('leads.verify')}
      initialValues={{ outcome: 'found_here', measures: [] }}
      onCancel={onClose}
      onSubmit={async (values) => {
        const sent = await offlineActions.verifyLead(
          lead.id,
          {
            outcome: values.outcome,
            measures: values.measures,
            ...(values.note?.trim() ? { note: values.note.trim() } : {}),
            ...(values.keyPerson ? { keyPerson: { category: values.keyPerson } } : {}),
          },
          lead.nameMasked ?? lead.documentMasked ?? `#${lead.id}`,
        );
        if (sent.queued) {
          void message.info(t('offline.queued'));
          onClose();
          return;
        }
        void message.success(t('leads.verified'));
        onDone(sent.data);
      }}
    >
      <Alert type="info" showIcon className="dialog-hint" title={lead.reason} />
      <Form.Item name="outcome" label={t('leads.outcome')} rules={[{ required: true }]}>
        <Radio.Group
          className="chip-group"
          optionType="button"
          options={LEAD_OUTCOMES.map((value) => ({ value, label: leadOutcomeLabel(i18n, value) }))}
        />
      </Form.Item>
      <Form.Item name="measures" label={t('leads.measures')}>
        <Checkbox.Group
          className="chip-group"
          options={LEAD_MEASURES.map((value) => ({ value, label: leadMeasureLabel(i18n, value) }))}
        />
      </Form.Item>
      <Form.Item
        name="keyPerson"
        label={t('leads.keyPerson')}
        extra={lead.personId === null ? t('leads.keyPersonNeedsPerson') : t('leads.keyPersonHint')}
      >
        <Select<KeyPersonCategory>
          allowClear
          disabled={lead.personId === null}
          placeholder={t('leads.keyPersonNone')}
          options={KEY_PERSON_CATEGORIES.map((value) => ({
            value,
            label: keyPersonCategoryLabel(i18n, value),
          }))}
        />
      </Form.Item>
      <Form.Item name="note" label={t('leads.note')} rules={[{ max: 2000 }]}>
        <Input.TextArea autoSize={{ minRows: 2, maxRows: 5 }} />
      </Form.Item>
    </FormModal>
  );
}
