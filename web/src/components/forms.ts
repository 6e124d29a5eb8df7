import type { App, FormInstance } from 'antd';
import { isApiError } from '../api/client';
import type { I18n } from '../i18n/context';
import { errorText } from '../i18n/labels';

type NamePath = Array<string | number>;
type MessageApi = ReturnType<typeof App.useApp>['message'];

/** The server names fields by request part ("body.assignments.0.areaId"); the form by path. */
export function formFieldOf(field: string): NamePath {
  return field
    .replace(/^body\.?/, '')
    .split('.')
    .filter(Boolean)
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

/**
 * Shows an API error where the user looks: beside the form fields it names, else as a message.
 * Returns whether any field took it.
 */
export function showFormError(
  form: FormInstance,
  error: unknown,
  i18n: Pick<I18n, 't' | 'has'>,
  message: MessageApi,
): boolean {
  const text = errorText(i18n, error);
  if (isApiError(error) && error.details.length > 0) {
    const values = form.getFieldsValue(true) as Record<string, unknown>;
    const fields = error.details
      .map((detail) => ({ name: formFieldOf(detail.field), detail }))
      .filter(({ name }) => name.length > 0 && typeof name[0] === 'string' && name[0] in values)
      .map(({ name, detail }) => ({
        name,
        errors: [error.code === 'VALIDATION_FAILED' ? `${text} (${detail.message})` : text],
      }));
    if (fields.length > 0) {
      form.setFields(fields);
      return true;
    }
  }
  void message.error(text);
  return false;
}
