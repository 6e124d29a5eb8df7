// The page a door code opens (/h/<token>): the address, and 来时登记 / 走时注销 — never who lives there —
// plus the area's announcements and asking for help (DoorServices).
import { type ReactNode, useEffect, useState } from 'react';
import { api, call, isApiError } from '../api/client';
import type { HouseholdDoorPage } from '../api/model';
import { normaliseDocumentNumber } from '../components/register/identity';
import { maxLength, noDigits, phone, required, residentId, todayText, withinDates } from './checks';
import { DoorServices } from './DoorServices';
import { CheckinForm } from './CheckinForm';
import { CommitmentForm } from './CommitmentForm';
import { PassForm } from './PassForm';
import { Chips, Field, useForm } from './form';
import { IdentityFields } from './IdentityFields';
import { named, useDoorI18n } from './i18n';
import { SendProblemNotice, failureText, useSend } from './send';
import { Button, Card, FormHeader, Icon, Outcome, Spinner } from './ui';

type View = 'arrival' | 'departure' | 'pass' | 'checkin' | 'commitment';

export const tokenOfPage = () => decodeURIComponent(window.location.pathname.split('/')[2] ?? '');

/** The door page's data, or why it could not be had; neither while it loads. */
export interface DoorPageState {
  data?: HouseholdDoorPage;
  error?: unknown;
}

/**
 * Fetches the door page's data. The server preloads this request (a Link header, src/core/web-delivery.ts:
 * same URL, same mode), so the answer is usually here before the script has run.
 */
export const loadDoorPage = (token: string): Promise<DoorPageState> =>
  call(api.GET('/api/public/households/{token}', { params: { path: { token } } })).then(
    (data) => ({ data }),
    (error: unknown) => ({ error }),
  );

/** The data the page started with (fetched before the first render, so it renders once), and a retry. */
function useDoorPage(token: string, first: DoorPageState) {
  const [state, setState] = useState(first);
  const reload = () => {
    setState({});
    void loadDoorPage(token).then(setState);
  };
  return { ...state, reload };
}
const viewOfPage = (): View | null => {
  const form = new URLSearchParams(window.location.search).get('form');
  return form === 'arrival' ||
    form === 'departure' ||
    form === 'pass' ||
    form === 'checkin' ||
    form === 'commitment'
    ? form
    : null;
};

/** The chosen form lives in the address (?form=arrival), so the phone's back button leaves it. */
function useView(): [View | null, (next: View | null) => void] {
  const [view, setView] = useState<View | null>(viewOfPage);
  useEffect(() => {
    const onPop = () => setView(viewOfPage());
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const open = (next: View | null) => {
    window.history.pushState(null, '', next ? `?form=${next}` : window.location.pathname);
    setView(next);
    window.scrollTo(0, 0);
  };
  return [view, open];
}

export function DoorApp({ token, first }: { token: string; first: DoorPageState }) {
  const page = useDoorPage(token, first);
  const [view, open] = useView();
  const [done, setDone] = useState<View | null>(null);
  const choose = (next: View | null) => {
    setDone(null);
    open(next);
  };

  return (
    <DoorFrame>
      {!page.data ? (
        <LoadState error={page.error} onRetry={page.reload} />
      ) : (
        <div className="page" data-testid="door-page">
          <AddressCard page={page.data} />
          {done ? (
            <Submitted onAgain={() => choose(null)} />
          ) : view === 'checkin' ? (
            <CheckinForm token={token} onBack={() => choose(null)} />
          ) : view === 'commitment' ? (
            <CommitmentForm token={token} onBack={() => choose(null)} />
          ) : view === 'pass' ? (
            <PassForm token={token} page={page.data} onBack={() => choose(null)} />
          ) : view ? (
            <PersonForm
              key={view}
              view={view}
              token={token}
              page={page.data}
              onBack={() => choose(null)}
              onDone={() => setDone(view)}
            />
          ) : (
            <>
              <Choices onChoose={choose} />
              <DoorServices token={token} />
            </>
          )}
        </div>
      )}
    </DoorFrame>
  );
}

function DoorFrame({ children }: { children: ReactNode }) {
  const { t, locale, setLocale } = useDoorI18n();
  return (
    <div className="screen">
      <header className="header">
        <span className="brand">
          <Icon name="shield" className="brand-logo" />
          <span className="brand-name">{t('app.name')}</span>
        </span>
        <button
          type="button"
          className="header-button"
          title={t('lang.switchTitle')}
          data-testid="language-switch"
          onClick={() => setLocale(locale === 'zh-CN' ? 'en' : 'zh-CN')}
        >
          <Icon name="globe" />
          {t('lang.switchTo')}
        </button>
      </header>
      <main className="main">{children}</main>
      <footer className="footer">{t('public.privacy')}</footer>
    </div>
  );
}

/** Loading, or why the page cannot be shown (an unknown or revoked code, too many requests, no link). */
function LoadState({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  const i18n = useDoorI18n();
  const { t } = i18n;
  if (!error) return <Spinner />;
  if (isApiError(error) && (error.status === 404 || error.status === 400)) {
    return (
      <Outcome
        kind="warning"
        testId="public-invalid-code"
        title={t('public.invalidCode')}
        hint={t('public.invalidCodeHint')}
      />
    );
  }
  return (
    <Outcome
      kind="error"
      title={failureText(i18n, error)}
      action={<Button onClick={onRetry}>{t('common.retry')}</Button>}
    />
  );
}

function AddressCard({ page }: { page: HouseholdDoorPage }) {
  return (
    <section className="card address-card">
      {page.community && (
        <div className="address-community">
          <Icon name="home" /> {page.community.name}
        </div>
      )}
      <h1 className="address-title" data-testid="door-address">
        {page.house.address}
      </h1>
    </section>
  );
}

function Choices({ onChoose }: { onChoose: (view: View) => void }) {
  const { t } = useDoorI18n();
  return (
    <div className="door-choices">
      <button
        type="button"
        className="door-button door-checkin"
        onClick={() => onChoose('checkin')}
        data-testid="door-checkin"
      >
        <Icon name="check" className="door-button-icon" />
        <span className="door-button-title">{t('checkin.door.title')}</span>
        <span className="door-button-hint">{t('checkin.door.choiceHint')}</span>
      </button>
      <button
        type="button"
        className="door-button door-arrival"
        onClick={() => onChoose('arrival')}
        data-testid="door-arrival"
      >
        <Icon name="arrive" className="door-button-icon" />
        <span className="door-button-title">{t('public.arrival')}</span>
        <span className="door-button-hint">{t('public.arrivalHint')}</span>
      </button>
      <button
        type="button"
        className="door-button door-departure"
        onClick={() => onChoose('departure')}
        data-testid="door-departure"
      >
        <Icon name="leave" className="door-button-icon" />
        <span className="door-button-title">{t('public.departure')}</span>
        <span className="door-button-hint">{t('public.departureHint')}</span>
      </button>
      <button
        type="button"
        className="door-button door-pass"
        onClick={() => onChoose('pass')}
        data-testid="door-pass"
      >
        <Icon name="check" className="door-button-icon" />
        <span className="door-button-title">{t('pass.door.apply')}</span>
        <span className="door-button-hint">{t('pass.door.applyHint')}</span>
      </button>
      <button
        type="button"
        className="door-button door-commitment"
        onClick={() => onChoose('commitment')}
        data-testid="door-commitment"
      >
        <Icon name="check" className="door-button-icon" />
        <span className="door-button-title">{t('commitment.door.title')}</span>
        <span className="door-button-hint">{t('commitment.door.choiceHint')}</span>
      </button>
    </div>
  );
}

/** "Submitted; the grid worker will confirm it". */
function Submitted({ onAgain }: { onAgain: () => void }) {
  const { t } = useDoorI18n();
  return (
    <Card>
      <Outcome
        kind="success"
        title={<span data-testid="public-submitted">{t('public.submitted')}</span>}
        hint={t('public.submittedHint')}
        action={
          <Button block onClick={onAgain}>
            {t('public.another')}
          </Button>
        }
      />
    </Card>
  );
}

interface PersonValues {
  documentType: string;
  documentNumber: string;
  name: string;
  phone: string;
  arrivedFrom: string;
  arrivalDate: string;
  arrivalReason: string | undefined;
  healthCodeColour: string | undefined;
  vaccinationDoses: number | undefined;
  relation: string | undefined;
  departedOn: string;
  destination: string;
}

const COLOUR_CLASS: Record<string, string> = {
  GREEN: 'health-green',
  YELLOW: 'health-yellow',
  RED: 'health-red',
  UNKNOWN: 'health-unknown',
};

/** 来时登记 (arrival) or 走时注销 (departure): the person, and what each needs. */
function PersonForm({
  view,
  token,
  page,
  onBack,
  onDone,
}: {
  view: 'arrival' | 'departure';
  token: string;
  page: HouseholdDoorPage;
  onBack: () => void;
  onDone: () => void;
}) {
  const i18n = useDoorI18n();
  const { t } = i18n;
  const arriving = view === 'arrival';
  const options = page.forms;
  const limits = options.dateLimits[arriving ? 'arrivalDate' : 'departedOn'];
  const need = required(t);
  const form = useForm<PersonValues>(
    {
      documentType: 'resident_id',
      documentNumber: '',
      name: '',
      phone: '',
      arrivedFrom: '',
      arrivalDate: todayText(),
      arrivalReason: undefined,
      healthCodeColour: undefined,
      vaccinationDoses: undefined,
      relation: undefined,
      departedOn: todayText(),
      destination: '',
    },
    {
      documentNumber: [need, residentId(t)],
      name: [need, maxLength(t, 50), noDigits(t)],
      ...(arriving
        ? {
            phone: [need, phone(t)],
            arrivedFrom: [need, maxLength(t, 100)],
            arrivalDate: [need, withinDates(t, limits)],
            arrivalReason: [need],
            healthCodeColour: [need],
            vaccinationDoses: [need],
          }
        : { departedOn: [need, withinDates(t, limits)], destination: [need, maxLength(t, 100)] }),
    },
  );
  const { sending, problem, send } = useSend(form.showServerProblems);
  const { values, problems } = form;
  const text = (name: 'name' | 'phone' | 'arrivedFrom' | 'destination') => ({
    id: name,
    value: values[name],
    onChange: (event: { target: { value: string } }) => form.set(name, event.target.value),
  });
  const dateRange = limits && t('public.dateRange', { min: limits.min, max: limits.max });
  // Arrival and departure ask for one date each, within the same allowed range.
  const dateField = (name: 'arrivalDate' | 'departedOn', label: string) => (
    <Field id={name} label={label} problem={problems[name]} extra={dateRange}>
      <input
        id={name}
        type="date"
        min={limits?.min}
        max={limits?.max}
        value={values[name]}
        onChange={(event) => form.set(name, event.target.value)}
      />
    </Field>
  );
  const headers = { 'accept-language': i18n.locale };

  const submit = () =>
    void send(async () => {
      const identity = {
        documentType: values.documentType as 'resident_id',
        documentNumber: normaliseDocumentNumber(values.documentNumber),
        name: values.name.trim(),
      };
      if (arriving) {
        const relation = values.relation?.trim();
        await call(
          api.POST('/api/public/households/{token}/arrivals', {
            params: { path: { token } },
            headers,
            body: {
              ...identity,
              phone: values.phone.replace(/[\s-]/g, ''),
              arrivedFrom: values.arrivedFrom.trim(),
              arrivalDate: values.arrivalDate,
              arrivalReason: values.arrivalReason ?? '',
              healthCodeColour: values.healthCodeColour as 'GREEN',
              vaccinationDoses: values.vaccinationDoses ?? 0,
              ...(relation ? { relation } : {}),
            },
          }),
        );
      } else {
        await call(
          api.POST('/api/public/households/{token}/departures', {
            params: { path: { token } },
            headers,
            body: { ...identity, departedOn: values.departedOn, destination: values.destination.trim() },
          }),
        );
      }
      onDone();
    });

  const doses = Array.from(
    { length: options.vaccinationDoses.maximum - options.vaccinationDoses.minimum + 1 },
    (_v, i) => options.vaccinationDoses.minimum + i,
  );

  return (
    <Card testId={arriving ? 'arrival-form' : 'departure-form'}>
      <FormHeader
        title={t(arriving ? 'public.arrival' : 'public.departure')}
        onBack={onBack}
        backLabel={t('common.back')}
      />
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          if (form.validate()) submit();
        }}
      >
        <IdentityFields form={form} documentTypes={options.documentTypes} />
        {arriving ? (
          <>
            <Field id="phone" label={t('field.phone')} problem={problems.phone}>
              <input
                type="tel"
                inputMode="tel"
                autoComplete="tel"
                placeholder={t('public.phonePlaceholder')}
                {...text('phone')}
              />
            </Field>
            <Field id="arrivedFrom" label={t('field.arrivedFrom')} problem={problems.arrivedFrom}>
              <input placeholder={t('public.arrivedFromPlaceholder')} {...text('arrivedFrom')} />
            </Field>
            {dateField('arrivalDate', t('field.arrivalDate'))}
            <Field id="arrivalReason" group label={t('field.arrivalReason')} problem={problems.arrivalReason}>
              <Chips
                id="arrivalReason"
                value={values.arrivalReason}
                onChange={(value) => form.set('arrivalReason', value)}
                choices={options.arrivalReasons.map((value) => ({
                  value,
                  label: named(i18n, 'arrivalReason', value),
                }))}
              />
            </Field>
            <Field
              id="healthCodeColour"
              group
              label={t('field.healthCodeColour')}
              problem={problems.healthCodeColour}
            >
              <Chips
                id="healthCodeColour"
                className="health-colours"
                value={values.healthCodeColour}
                onChange={(value) => form.set('healthCodeColour', value)}
                choices={options.healthCodeColours.map((option) => ({
                  value: option.value,
                  label: named(i18n, 'healthColour', option.value, option.label),
                  className: `health-colour ${COLOUR_CLASS[option.value] ?? ''}`,
                  testId: `health-${option.value}`,
                }))}
              />
            </Field>
            <Field
              id="vaccinationDoses"
              group
              label={t('field.vaccinationDoses')}
              problem={problems.vaccinationDoses}
            >
              <Chips
                id="vaccinationDoses"
                value={values.vaccinationDoses}
                onChange={(value) => form.set('vaccinationDoses', value)}
                choices={doses.map((value) => ({ value, label: String(value) }))}
              />
            </Field>
            <Field id="relation" group label={t('field.relation')} optionalLabel={t('common.optional')}>
              <Chips
                id="relation"
                value={values.relation}
                onChange={(value) => form.set('relation', value)}
                choices={options.relations.map((value) => ({ value, label: named(i18n, 'relation', value) }))}
              />
            </Field>
          </>
        ) : (
          <>
            {dateField('departedOn', t('field.departedOn'))}
            <Field id="destination" label={t('field.destination')} problem={problems.destination}>
              <input placeholder={t('public.destinationPlaceholder')} {...text('destination')} />
            </Field>
          </>
        )}
        <SendProblemNotice problem={problem} />
        <Button
          type="submit"
          variant={arriving ? 'primary' : 'danger'}
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
