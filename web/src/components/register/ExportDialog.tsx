import { Alert, App, Checkbox, Form, Input } from 'antd';
import { http } from '../../api/client';
import type { AreaView, ExportQuery } from '../../api/model';
import { useAuth } from '../../auth/AuthContext';
import { useI18n } from '../../i18n/context';
import { AreaSelect } from '../AreaSelect';
import { saveFile } from '../files';
import { FormModal } from '../FormModal';

interface ExportDialogProps {
  /** The area filter of the list, else the top of the user's own area. */
  area: AreaView | null;
  onClose: () => void;
}

interface ExportValues {
  within?: number;
  includeDeparted: boolean;
  reveal: boolean;
  reason?: string;
}

/** Exports the register of an area to XLSX; full numbers only for a right holder, with a reason. */
export function ExportDialog({ area, onClose }: ExportDialogProps) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { can } = useAuth();
  return (
    <FormModal<ExportValues>
      testId="export-dialog"
      title={t('export.title')}
      okText={t('export.submit')}
      initialValues={{ within: area?.id, includeDeparted: false, reveal: false }}
      onCancel={onClose}
      onSubmit={async (values) => {
        const query: ExportQuery = {
          within: values.within!,
          status: values.includeDeparted ? 'all' : 'active',
          ...(values.reveal ? { reveal: true, reason: values.reason?.trim() } : {}),
        };
        const file = await http.download('/persons/export.xlsx', 'persons.xlsx', query);
        saveFile(file);
        void message.success(t('export.done', { file: file.fileName }));
        onClose();
      }}
    >
      <ExportFields area={area} mayReveal={can('person.reveal')} />
    </FormModal>
  );
}

function ExportFields({ area, mayReveal }: { area: AreaView | null; mayReveal: boolean }) {
  const { t } = useI18n();
  const reveal = Boolean(Form.useWatch('reveal', Form.useFormInstance()));
  return (
    <>
      <Form.Item
        name="within"
        label={t('export.scope')}
        rules={[{ required: true, message: t('problem.required') }]}
      >
        <AreaSelect initial={area} />
      </Form.Item>
      <Form.Item name="includeDeparted" valuePropName="checked">
        <Checkbox>{t('export.includeDeparted')}</Checkbox>
      </Form.Item>
      {mayReveal && (
        <Form.Item name="reveal" valuePropName="checked">
          <Checkbox data-testid="export-reveal">{t('export.reveal')}</Checkbox>
        </Form.Item>
      )}
      <Alert
        type={reveal ? 'warning' : 'info'}
        showIcon
        className="dialog-hint"
        title={reveal ? t('export.revealHint') : t('export.maskedHint')}
      />
      {reveal && (
        <Form.Item
          name="reason"
          label={t('export.reason')}
          rules={[
            { required: true, whitespace: true, message: t('export.reasonRule') },
            { min: 2, message: t('export.reasonRule') },
            { max: 200 },
          ]}
        >
          <Input autoComplete="off" />
        </Form.Item>
      )}
    </>
  );
}
