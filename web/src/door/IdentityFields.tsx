// The three fields that say who a resident is — document type, number, name — as the arrival,
// departure and pass forms of the door page all ask them.
import type { HouseholdDoorPage } from '../api/model';
import { Field } from './form';
import { named, useDoorI18n } from './i18n';

export interface IdentityValues {
  documentType: string;
  documentNumber: string;
  name: string;
}

interface IdentityForm {
  values: IdentityValues;
  problems: Partial<Record<keyof IdentityValues, string>>;
  set(name: keyof IdentityValues, value: string): void;
  leave(name: keyof IdentityValues): void;
}

export function IdentityFields({
  form,
  documentTypes,
}: {
  form: IdentityForm;
  documentTypes: HouseholdDoorPage['forms']['documentTypes'];
}) {
  const i18n = useDoorI18n();
  const { t } = i18n;
  const { values, problems } = form;
  return (
    <>
      <Field id="documentType" label={t('field.documentType')}>
        <select
          id="documentType"
          value={values.documentType}
          onChange={(event) => form.set('documentType', event.target.value)}
        >
          {documentTypes.map((option) => (
            <option key={option.value} value={option.value}>
              {named(i18n, 'documentType', option.value, option.label)}
            </option>
          ))}
        </select>
      </Field>
      <Field id="documentNumber" label={t('field.documentNumber')} problem={problems.documentNumber}>
        <input
          id="documentNumber"
          className="code-text"
          autoComplete="off"
          maxLength={40}
          placeholder={
            values.documentType === 'resident_id' ? t('public.documentNumberPlaceholder') : undefined
          }
          value={values.documentNumber}
          onChange={(event) => form.set('documentNumber', event.target.value.replace(/\s+/g, ''))}
          onBlur={() => form.leave('documentNumber')}
        />
      </Field>
      <Field id="name" label={t('field.name')} problem={problems.name}>
        <input
          id="name"
          autoComplete="name"
          placeholder={t('public.namePlaceholder')}
          value={values.name}
          onChange={(event) => form.set('name', event.target.value)}
        />
      </Field>
    </>
  );
}
