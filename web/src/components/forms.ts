import type { App, FormInstance } from 'antd';
import { isApiError } from '../api/client';
import type { I18n } from '../i18n/context';
import { errorText, fieldProblemText } from '../i18n/labels';

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
 * `fieldMap` renames server fields the form keeps under another name (houseId → place).
 * Returns whether any field took it.
 */
export function showFormError(
  form: FormInstance,
  error: unknown,
  i18n: Pick<I18n, 't' | 'has'>,
  message: MessageApi,
  fieldMap: Record<string, string> = {},
): boolean {
  if (isApiError(error) && error.details.length > 0) {
    // The store, plus registered fields never given a value (those the store lacks).
    const values = { ...(form.getFieldsValue(true) as object), ...(form.getFieldsValue() as object) };
    const fields = error.details
      .map((detail) => {
        const name = formFieldOf(detail.field);
        const first = name[0];
        const mapped =
          typeof first === 'string' && fieldMap[first] ? [fieldMap[first], ...name.slice(1)] : name;
        return { name: mapped, detail };
      })
      .filter(({ name }) => name.length > 0 && typeof name[0] === 'string' && name[0] in values)
      .map(({ name, detail }) => ({
        name,
        errors: [fieldProblemText(i18n, detail)],
      }));
    if (fields.length > 0) {
      form.setFields(fields);
      return true;
    }
  }
  void message.error(errorText(i18n, error));
  return false;
}
