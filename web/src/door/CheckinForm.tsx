// 平安报 on the door page: one row per household member — numbered, sex and birth decade, never a
// name — a temperature and a well/unwell tap each, one submit. Sent with an Idempotency-Key made when
// the form opens, so a resend after a dropped link is stored once.
import { useEffect, useState } from 'react';
import { api, call } from '../api/client';
import type { DoorCheckinPage } from '../api/model';
import { Chips } from './form';
import { useDoorI18n } from './i18n';
import { SendProblemNotice, useSend } from './send';
import { Button, Card, FormHeader, Outcome, Spinner } from './ui';

interface Row {
  temperature: string;
  well: boolean | undefined;
}

export function CheckinForm({ token, onBack }: { token: string; onBack: () => void }) {
  const i18n = useDoorI18n();
  const { t } = i18n;
  const [page, setPage] = useState<DoorCheckinPage | null>(null);
  const [rows, setRows] = useState<Row[]>([]);
  const [problems, setProblems] = useState<Record<number, string>>({});
  const [done, setDone] = useState(false);
  const [key] = useState(() => crypto.randomUUID());
  const { sending, problem, send } = useSend(() => false);

  useEffect(() => {
    void send(async () => {
      const data = await call(
        api.GET('/api/public/households/{token}/checkin', { params: { path: { token } } }),
      );
      setPage(data);
      setRows(data.members.map(() => ({ temperature: '', well: undefined })));
    });
    // The page is read once per opening of the form.
  }, [token]);

  if (done)
    return (
      <Card testId="checkin-done">
        <Outcome
          kind="success"
          title={<span data-testid="public-submitted">{t('checkin.door.done')}</span>}
          hint={t('checkin.door.doneHint')}
          action={
            <Button block onClick={onBack}>
              {t('common.back')}
            </Button>
          }
        />
      </Card>
    );
  if (!page) return problem ? <SendProblemNotice problem={problem} /> : <Spinner />;

  const { minimum, maximum } = page.temperature;
  const set = (i: number, change: Partial<Row>) => {
    setRows((current) => current.map((row, j) => (j === i ? { ...row, ...change } : row)));
    // A row being corrected loses its old complaint; the next submit checks it again.
    setProblems(({ [i]: _fixed, ...rest }) => rest);
  };
  const check = () => {
    const found: Record<number, string> = {};
    rows.forEach((row, i) => {
      const text = row.temperature.trim().replace('，', '.');
      const value = Number(text);
      if (text !== '' && !(Number.isFinite(value) && value >= minimum && value <= maximum))
        found[i] = t('checkin.door.temperatureRange', { min: minimum.toFixed(1), max: maximum.toFixed(1) });
      else if (row.well === undefined && text === '') found[i] = t('checkin.door.tapOne');
    });
    if (!rows.some((row) => row.well !== undefined || row.temperature.trim() !== ''))
      found[0] = t('checkin.door.tapOne');
    setProblems(found);
    return Object.keys(found).length === 0;
  };
  const submit = () =>
    void send(async () => {
      const members = rows.flatMap((row, i) => {
        const text = row.temperature.trim().replace('，', '.');
        if (text === '' && row.well === undefined) return [];
        return [
          {
            slot: page.members[i]!.slot,
            temperature: text === '' ? null : Math.round(Number(text) * 10) / 10,
            well: row.well ?? true,
          },
        ];
      });
      await call(
        api.POST('/api/public/households/{token}/checkins', {
          params: { path: { token }, header: { 'idempotency-key': key } },
          headers: { 'accept-language': i18n.locale },
          body: { members },
        }),
      );
      setDone(true);
    });

  return (
    <Card testId="checkin-form">
      <FormHeader title={t('checkin.door.title')} onBack={onBack} backLabel={t('common.back')} />
      <p className="muted">{t('checkin.door.hint')}</p>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          if (check()) submit();
        }}
      >
        {page.members.map((member, i) => (
          <fieldset
            key={member.slot}
            className="checkin-member"
            data-testid={`checkin-member-${member.slot}`}
          >
            <legend id={`checkin-${member.slot}-label`}>
              {[
                t('checkin.door.member', { n: member.slot }),
                t(`checkin.door.sex.${member.sex}`),
                member.birthDecade === null ? null : t('checkin.door.decade', { decade: member.birthDecade }),
              ]
                .filter(Boolean)
                .join(' · ')}
              {member.reportedToday && (
                <span className="checkin-reported"> {t('checkin.door.reported')}</span>
              )}
            </legend>
            <div className="checkin-row">
              <input
                aria-label={t('checkin.door.temperature')}
                inputMode="decimal"
                placeholder={t('checkin.door.temperaturePlaceholder')}
                value={rows[i]?.temperature ?? ''}
                data-testid={`checkin-temperature-${member.slot}`}
                onChange={(event) => set(i, { temperature: event.target.value })}
              />
              <Chips<'well' | 'unwell'>
                id={`checkin-${member.slot}`}
                value={rows[i]?.well === undefined ? undefined : rows[i]!.well ? 'well' : 'unwell'}
                onChange={(value) => set(i, { well: value === 'well' })}
                choices={[
                  { value: 'well', label: t('checkin.door.well'), testId: `checkin-well-${member.slot}` },
                  {
                    value: 'unwell',
                    label: t('checkin.door.unwell'),
                    className: 'health-red',
                    testId: `checkin-unwell-${member.slot}`,
                  },
                ]}
              />
            </div>
            {problems[i] && <div className="field-error">{problems[i]}</div>}
          </fieldset>
        ))}
        <SendProblemNotice problem={problem} />
        <Button
          type="submit"
          variant="primary"
          block
          className="submit"
          busy={sending}
          disabled={problem?.kind === 'invalidCode' || page.members.length === 0}
          data-testid="public-submit"
        >
          {t('common.submit')}
        </Button>
      </form>
    </Card>
  );
}
