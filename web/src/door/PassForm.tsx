// 申请通行证 on the door page: a registered member of this household asks for a pass; the ID number
// and name must be those the register holds for this house (the server matches them by keyed hash).
import { useState } from 'react';
import { api, call } from '../api/client';
import type { HouseholdDoorPage } from '../api/model';
import { normaliseDocumentNumber } from '../components/register/identity';
import { maxLength, noDigits, required, residentId, todayText } from './checks';
import { Field, useForm } from './form';
import { IdentityFields } from './IdentityFields';
import { useDoorI18n } from './i18n';
import { SendProblemNotice, useSend } from './send';
import { Button, Card, FormHeader, Outcome } from './ui';

interface PassValues {
  documentType: string;
  documentNumber: string;
  name: string;
  purpose: string;
  validFrom: string;
  validTo: string;
}

const addDays = (date: string, days: number) => {
  const next = new Date(`${date}T12:00:00`);
  next.setDate(next.getDate() + days);
  return next.toISOString().slice(0, 10);
};

export function PassForm({
  token,
  page,
  onBack,
}: {
  token: string;
  page: HouseholdDoorPage;
  onBack: () => void;
}) {
  const i18n = useDoorI18n();
  const { t } = i18n;
  const need = required(t);
  const today = todayText();
  const [code, setCode] = useState<string | null>(null);
  const form = useForm<PassValues>(
    {
      documentType: 'resident_id',
      documentNumber: '',
      name: '',
      purpose: '',
      validFrom: today,
      validTo: addDays(today, 6),
    },
    {
      documentNumber: [need, residentId(t)],
      name: [need, maxLength(t, 50), noDigits(t)],
      purpose: [need, maxLength(t, 200)],
      validFrom: [need],
      validTo: [
        need,
        (value, values) => (value && value < values.validFrom ? t('pass.door.toBeforeFrom') : null),
      ],
    },
  );
  const { sending, problem, send } = useSend(form.showServerProblems);
  const { values, problems } = form;

  if (code)
    return (
      <Card testId="pass-applied">
        <Outcome
          kind="success"
          title={<span data-testid="public-submitted">{t('pass.door.submitted')}</span>}
          hint={t('pass.door.code', { code })}
          action={
            <Button block onClick={onBack}>
              {t('common.back')}
            </Button>
          }
        />
      </Card>
    );

  const submit = () =>
    void send(async () => {
      const receipt = await call(
        api.POST('/api/public/households/{token}/passes', {
          params: { path: { token } },
          headers: { 'accept-language': i18n.locale },
          body: {
            documentType: values.documentType as 'resident_id',
            documentNumber: normaliseDocumentNumber(values.documentNumber),
            name: values.name.trim(),
            purpose: values.purpose.trim(),
            validFrom: values.validFrom,
            validTo: values.validTo,
          },
        }),
      );
      setCode(receipt.code);
    });
  const date = (name: 'validFrom' | 'validTo', label: string) => (
    <Field id={name} label={label} problem={problems[name]}>
      <input
        id={name}
        type="date"
        min={today}
        value={values[name]}
        onChange={(event) => form.set(name, event.target.value)}
      />
    </Field>
  );

  return (
    <Card testId="pass-form">
      <FormHeader title={t('pass.door.title')} onBack={onBack} backLabel={t('common.back')} />
      <p className="muted">{t('pass.door.hint')}</p>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          if (form.validate()) submit();
        }}
      >
        <IdentityFields form={form} documentTypes={page.forms.documentTypes} />
        <Field id="purpose" label={t('pass.door.purpose')} problem={problems.purpose}>
          <input
            id="purpose"
            maxLength={200}
            placeholder={t('pass.door.purposePlaceholder')}
            value={values.purpose}
            onChange={(event) => form.set('purpose', event.target.value)}
          />
        </Field>
        {date('validFrom', t('pass.door.validFrom'))}
        {date('validTo', t('pass.door.validTo'))}
        <SendProblemNotice problem={problem} />
        <Button
          type="submit"
          variant="primary"
          block
          className="submit"
          busy={sending}
          disabled={problem?.kind === 'invalidCode'}
          data-testid="public-submit"
        >
          {t('common.submit')}
        </Button>
      </form>
    </Card>
  );
}
