import { Alert, App, Form, Input, Select, type SelectProps } from 'antd';
import { api, call } from '../../api/client';
import type { AreaDetail, AreaKind as Kind } from '../../api/model';
import { AREA_KINDS as KINDS } from '../../api/vocabulary';
import { useI18n } from '../../i18n/context';
import { kindLabel, levelLabel } from '../../i18n/labels';
import { AreaSelect } from '../AreaSelect';
import { FormModal } from '../FormModal';
import { childLevelOf, codeIsOptional, parentLevelOf } from './levels';

interface DialogProps {
  area: AreaDetail;
  onClose: () => void;
  /** After the server accepted the change; the ids are the areas whose children changed. */
  onDone: (changedIds: Array<number | null>) => void;
}

/** Form.Item hands value and onChange down: pass them on to the Select. */
function KindSelect(props: SelectProps<Kind>) {
  const i18n = useI18n();
  return (
    <Select<Kind> {...props} options={KINDS.map((kind) => ({ value: kind, label: kindLabel(i18n, kind) }))} />
  );
}

export function CreateAreaDialog({ area, onClose, onDone }: DialogProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const level = childLevelOf(area.level);
  if (!level) return null;
  const optional = codeIsOptional(level);

  return (
    <FormModal<{ name: string; code?: string; kind: Kind }>
      testId="create-area-dialog"
      title={t('area.addChild', { level: levelLabel(i18n, level) })}
      okText={t('common.create')}
      initialValues={{ kind: 'ordinary' }}
      onCancel={onClose}
      onSubmit={async (values) => {
        const code = values.code?.trim();
        const created = await call(
          api.POST('/api/areas', {
            body: {
              parentId: area.id,
              name: values.name.trim(),
              kind: values.kind,
              ...(code ? { code } : {}),
            },
          }),
        );
        void message.success(t('area.created', { name: created.name }));
        onDone([area.id]);
      }}
    >
      <Form.Item
        name="name"
        label={t('area.name')}
        rules={[{ required: true, whitespace: true, message: t('area.nameRequired') }, { max: 100 }]}
      >
        <Input autoFocus />
      </Form.Item>
      <Form.Item
        name="code"
        label={t('area.code')}
        extra={optional ? t('area.codeOptional') : t('area.codeRule')}
        rules={[
          { required: !optional, message: t('area.codeRule') },
          { pattern: /^\d{6,24}$/, message: t('area.codeRule') },
        ]}
      >
        <Input inputMode="numeric" placeholder={area.code} />
      </Form.Item>
      <Form.Item name="kind" label={t('area.kind')}>
        <KindSelect />
      </Form.Item>
    </FormModal>
  );
}

export function EditAreaDialog({ area, onClose, onDone }: DialogProps) {
  const { t } = useI18n();
  const { message } = App.useApp();
  return (
    <FormModal<{ name: string; kind: Kind }>
      testId="edit-area-dialog"
      title={t('area.editTitle', { name: area.name })}
      initialValues={{ name: area.name, kind: area.kind }}
      onCancel={onClose}
      onSubmit={async (values) => {
        const name = values.name.trim();
        const changes = {
          ...(name !== area.name ? { name } : {}),
          ...(values.kind !== area.kind ? { kind: values.kind } : {}),
        };
        if (Object.keys(changes).length === 0) return onClose();
        await call(api.PATCH('/api/areas/{id}', { params: { path: { id: area.id } }, body: changes }));
        void message.success(t('area.updated'));
        onDone([area.parentId, area.id]);
      }}
    >
      <Form.Item
        name="name"
        label={t('area.name')}
        rules={[{ required: true, whitespace: true, message: t('area.nameRequired') }, { max: 100 }]}
      >
        <Input autoFocus />
      </Form.Item>
      <Form.Item name="kind" label={t('area.kind')}>
        <KindSelect />
      </Form.Item>
    </FormModal>
  );
}

export function MoveAreaDialog({ area, onClose, onDone }: DialogProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const parentLevel = parentLevelOf(area.level);
  if (!parentLevel) return null;

  return (
    <FormModal<{ parentId: number }>
      testId="move-area-dialog"
      title={t('area.moveTitle', { name: area.name })}
      onCancel={onClose}
      onSubmit={async (values) => {
        const moved = await call(
          api.POST('/api/areas/{id}/move', {
            params: { path: { id: area.id } },
            body: { parentId: values.parentId },
          }),
        );
        void message.success(t('area.moved'));
        onDone([area.parentId, moved.parentId, area.id]);
      }}
    >
      <Alert type="info" showIcon title={t('area.moveHint')} className="dialog-hint" />
      <Form.Item
        name="parentId"
        label={t('area.newParent', { level: levelLabel(i18n, parentLevel) })}
        rules={[{ required: true, message: t('area.parentRequired') }]}
      >
        <AreaSelect level={parentLevel} excludeIds={area.parentId === null ? [] : [area.parentId]} />
      </Form.Item>
    </FormModal>
  );
}

export function RetireAreaDialog({ area, onClose, onDone }: DialogProps) {
  const { t } = useI18n();
  const { message } = App.useApp();
  return (
    <FormModal<{ reason: string }>
      testId="retire-area-dialog"
      title={t('area.retireTitle', { name: area.name })}
      okText={t('area.retire')}
      danger
      onCancel={onClose}
      onSubmit={async (values) => {
        const result = await call(
          api.POST('/api/areas/{id}/retire', {
            params: { path: { id: area.id } },
            body: { reason: values.reason.trim() },
          }),
        );
        void message.success(t('area.retiredDone', { count: result.retired }));
        onDone([area.parentId, area.id]);
      }}
    >
      <Alert type="warning" showIcon title={t('area.retireWarning')} className="dialog-hint" />
      <Form.Item
        name="reason"
        label={t('area.reason')}
        rules={[{ required: true, whitespace: true, message: t('area.reasonRequired') }, { max: 500 }]}
      >
        <Input.TextArea rows={3} autoFocus />
      </Form.Item>
    </FormModal>
  );
}
