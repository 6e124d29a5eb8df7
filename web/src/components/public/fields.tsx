import { Alert, App, Form, type FormInstance, Input, Radio, Select } from 'antd';
import type { FormRule as Rule } from 'antd';
import { useState } from 'react';
import { isApiError } from '../../api/client';
import type { FormOptions } from '../../api/model';
import { useI18n } from '../../i18n/context';
import { documentTypeLabel, errorText, healthColourLabel } from '../../i18n/labels';
import { showFormError } from '../forms';
import { normaliseDocumentNumber, residentIdFacts } from '../register/identity';

/** What a public form's submit ended in, besides success. */
export type SubmitProblem = { kind: 'invalidCode' } | { kind: 'message'; text: string } | null;

/**
 * Sends a public form: field problems land under their fields, a revoked code or too many
 * submissions get a sentence of their own above the button.
 */
export function usePublicSubmit<Values>(form: FormInstance<Values>) {
  const i18n = useI18n();
  const { message } = App.useApp();
  const [submitting, setSubmitting] = useState(false);
  const [problem, setProblem] = useState<SubmitProblem>(null);

  const submit = async (send: () => Promise<void>) => {
    setSubmitting(true);
    setProblem(null);
    try {
      await send();
    } catch (error) {
      if (isApiError(error, 'CODE_NOT_FOUND')) setProblem({ kind: 'invalidCode' });
      else if (isApiError(error, 'RATE_LIMITED'))
        setProblem({ kind: 'message', text: i18n.t('public.rateLimited') });
      else if (showFormError(form, error, i18n, message))
        setProblem({ kind: 'message', text: i18n.t('public.fixErrors') });
      else setProblem({ kind: 'message', text: errorText(i18n, error) });
    } finally {
      setSubmitting(false);
    }
  };
  return { submitting, problem, submit };
}

export function SubmitProblemAlert({ problem }: { problem: SubmitProblem }) {
  const { t } = useI18n();
  if (!problem) return null;
  return (
    <Alert
      type="error"
      showIcon
      className="public-alert"
      data-testid="public-error"
      title={problem.kind === 'invalidCode' ? t('public.invalidCode') : problem.text}
      description={problem.kind === 'invalidCode' ? t('public.invalidCodeHint') : undefined}
    />
  );
}

/** Document type, number (checked as a resident ID number when it is one) and name. */
export function IdentityFields({
  options,
  nameRequired = true,
}: {
  options: FormOptions;
  nameRequired?: boolean;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const form = Form.useFormInstance();
  const type = (Form.useWatch('documentType', form) as string | undefined) ?? 'resident_id';
  const numberRules: Rule[] = [
    { required: true, whitespace: true, message: t('problem.required') },
    {
      validator: async (_rule, value?: string) => {
        if (!value || type !== 'resident_id') return;
        if (residentIdFacts(value) === null) throw new Error(t('personForm.idInvalid'));
      },
    },
  ];
  return (
    <>
      <Form.Item name="documentType" label={t('field.documentType')} rules={[{ required: true }]}>
        <Select
          options={options.documentTypes.map((option) => ({
            value: option.value,
            label: i18n.has(`documentType.${option.value}`)
              ? documentTypeLabel(i18n, option.value)
              : option.label,
          }))}
        />
      </Form.Item>
      <Form.Item
        name="documentNumber"
        label={t('field.documentNumber')}
        rules={numberRules}
        normalize={(value: string) => value.replace(/\s+/g, '')}
        validateTrigger="onBlur"
      >
        <Input
          autoComplete="off"
          inputMode={type === 'resident_id' ? 'text' : undefined}
          maxLength={40}
          placeholder={type === 'resident_id' ? t('public.documentNumberPlaceholder') : undefined}
          className="code-text"
        />
      </Form.Item>
      <Form.Item
        name="name"
        label={t('field.name')}
        rules={[
          { required: nameRequired, whitespace: true, message: t('problem.required') },
          { max: 50, message: t('common.maxLength', { max: 50 }) },
          { pattern: /^[^\d]*$/, message: t('problem.digits') },
        ]}
      >
        <Input autoComplete="name" placeholder={t('public.namePlaceholder')} />
      </Form.Item>
    </>
  );
}

export const normalisedDocument = (value: string) => normaliseDocumentNumber(value);

/** Today as YYYY-MM-DD in the phone's time zone (for people in China: China time, as the server checks). */
export function todayText(): string {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** An 11-digit mobile or a landline with its area code; spaces and dashes allowed. */
export const PHONE_PATTERN = /^(1\d{10}|0\d{2,3}\d{7,8})$/;

export function phoneRules(t: ReturnType<typeof useI18n>['t'], required = true): Rule[] {
  return [
    { required, whitespace: true, message: t('problem.required') },
    {
      validator: async (_rule, value?: string) => {
        if (!value?.trim()) return;
        if (!PHONE_PATTERN.test(value.replace(/[\s-]/g, ''))) throw new Error(t('personForm.phoneRule'));
      },
    },
  ];
}

/** A native date input: the phone's own date picker, limited to the dates the server accepts. */
export function DateInput({
  value,
  onChange,
  min,
  max,
  id,
}: {
  value?: string;
  onChange?: (value: string) => void;
  min?: string;
  max?: string;
  id?: string;
}) {
  return (
    <Input
      id={id}
      type="date"
      value={value}
      min={min}
      max={max}
      onChange={(event) => onChange?.(event.target.value)}
      className="date-input"
    />
  );
}

export function dateRules(
  t: ReturnType<typeof useI18n>['t'],
  limits: { min: string; max: string } | undefined,
): Rule[] {
  return [
    { required: true, message: t('problem.required') },
    {
      validator: async (_rule, value?: string) => {
        if (!value || !limits) return;
        if (value < limits.min) throw new Error(t('problem.before', { limit: limits.min }));
        if (value > limits.max) throw new Error(t('problem.after', { limit: limits.max }));
      },
    },
  ];
}

const COLOUR_CLASS: Record<string, string> = {
  GREEN: 'health-green',
  YELLOW: 'health-yellow',
  RED: 'health-red',
  UNKNOWN: 'health-unknown',
};

/** 绿 / 黄 / 红 as big colour buttons. */
export function HealthColourField({
  options,
  required = true,
}: {
  options: FormOptions;
  required?: boolean;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  return (
    <Form.Item
      name="healthCodeColour"
      label={t('field.healthCodeColour')}
      rules={[{ required, message: t('problem.required') }]}
    >
      <Radio.Group className="health-colours">
        {options.healthCodeColours.map((option) => (
          <Radio.Button
            key={option.value}
            value={option.value}
            className={`health-colour ${COLOUR_CLASS[option.value] ?? ''}`}
            data-testid={`health-${option.value}`}
          >
            {i18n.has(`healthColour.${option.value}`) ? healthColourLabel(i18n, option.value) : option.label}
          </Radio.Button>
        ))}
      </Radio.Group>
    </Form.Item>
  );
}

export function DosesField({ options, required = true }: { options: FormOptions; required?: boolean }) {
  const { t } = useI18n();
  const { minimum, maximum } = options.vaccinationDoses;
  const doses = Array.from({ length: maximum - minimum + 1 }, (_v, i) => minimum + i);
  return (
    <Form.Item
      name="vaccinationDoses"
      label={t('field.vaccinationDoses')}
      rules={[{ required, message: t('problem.required') }]}
    >
      <Radio.Group
        optionType="button"
        buttonStyle="solid"
        className="chip-group"
        options={doses.map((value) => ({ value, label: String(value) }))}
      />
    </Form.Item>
  );
}

/** Suggestions as chips to tap (reasons, relations): any one of them is a valid answer. */
export function ChoiceChips({
  value,
  onChange,
  choices,
  label,
  id,
}: {
  value?: string;
  onChange?: (value: string) => void;
  choices: string[];
  label: (choice: string) => string;
  id?: string;
}) {
  return (
    <Radio.Group
      id={id}
      optionType="button"
      buttonStyle="solid"
      className="chip-group"
      value={value}
      onChange={(event) => onChange?.(event.target.value as string)}
      options={choices.map((choice) => ({ value: choice, label: label(choice) }))}
    />
  );
}
