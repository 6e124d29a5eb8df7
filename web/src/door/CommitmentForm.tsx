// 复工承诺书 on the door page: the letter, then a member — numbered, never named — chosen and their name
// typed in full as registered. The server compares the name; the page never learns anyone's name.
import { useEffect, useState } from 'react';
import { api, call, isApiError } from '../api/client';
import type { DoorCommitmentPage } from '../api/model';
import { Chips, Field } from './form';
import { useDoorI18n } from './i18n';
import { SendProblemNotice, useSend } from './send';
import { Button, Card, FormHeader, Outcome, Spinner } from './ui';

export function CommitmentForm({ token, onBack }: { token: string; onBack: () => void }) {
  const i18n = useDoorI18n();
  const { t } = i18n;
  const [page, setPage] = useState<DoorCommitmentPage | null>(null);
  const [slot, setSlot] = useState<number | undefined>();
  const [name, setName] = useState('');
  const [agreed, setAgreed] = useState(false);
  const [problems, setProblems] = useState<{ slot?: string; name?: string; agreed?: string }>({});
  const [done, setDone] = useState(false);
  const { sending, problem, send } = useSend((error) => {
    if (!isApiError(error, 'COMMITMENT_NAME_MISMATCH')) return false;
    setProblems({ name: t('commitment.door.mismatch') });
    return true;
  });

  useEffect(() => {
    void send(async () => {
      setPage(
        await call(
          api.GET('/api/public/households/{token}/commitment', {
            params: { path: { token } },
            headers: { 'accept-language': i18n.locale },
          }),
        ),
      );
    });
    // The letter is read once per opening of the form, in the page's language.
  }, [token, i18n.locale]);

  if (done)
    return (
      <Card testId="commitment-done">
        <Outcome
          kind="success"
          title={<span data-testid="public-submitted">{t('commitment.door.done')}</span>}
          hint={t('commitment.door.doneHint')}
          action={
            <Button block onClick={onBack}>
              {t('common.back')}
            </Button>
          }
        />
      </Card>
    );
  if (!page) return problem ? <SendProblemNotice problem={problem} /> : <Spinner />;

  const check = () => {
    const found: typeof problems = {};
    if (slot === undefined) found.slot = t('commitment.door.chooseMember');
    if (name.trim() === '') found.name = t('commitment.door.nameRequired');
    if (!agreed) found.agreed = t('commitment.door.agreeRequired');
    setProblems(found);
    return Object.keys(found).length === 0;
  };
  const submit = () =>
    void send(async () => {
      await call(
        api.POST('/api/public/households/{token}/commitments', {
          params: { path: { token } },
          headers: { 'accept-language': i18n.locale },
          body: { slot: slot!, name: name.trim() },
        }),
      );
      setDone(true);
    });

  return (
    <Card testId="commitment-form">
      <FormHeader title={t('commitment.door.title')} onBack={onBack} backLabel={t('common.back')} />
      <section className="commitment-letter" data-testid="commitment-letter">
        <h2>{page.letter.title}</h2>
        {page.letter.paragraphs.map((paragraph) => (
          <p key={paragraph}>{paragraph}</p>
        ))}
      </section>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          if (check()) submit();
        }}
      >
        <Field id="commitment-slot" group label={t('commitment.door.who')} problem={problems.slot}>
          <Chips<number>
            id="commitment-slot"
            value={slot}
            onChange={(value) => {
              setSlot(value);
              setProblems(({ slot: _fixed, ...rest }) => rest);
            }}
            choices={page.members.map((member) => ({
              value: member.slot,
              testId: `commitment-member-${member.slot}`,
              label: [
                t('checkin.door.member', { n: member.slot }),
                t(`checkin.door.sex.${member.sex}`),
                member.birthDecade === null ? null : t('checkin.door.decade', { decade: member.birthDecade }),
              ]
                .filter(Boolean)
                .join(' · '),
            }))}
          />
        </Field>
        {slot !== undefined && page.members[slot - 1]?.signedAt && (
          <p className="muted" data-testid="commitment-signed-before">
            {t('commitment.door.signedBefore', {
              at: i18n.formatDateTime(page.members[slot - 1]!.signedAt!),
            })}
          </p>
        )}
        <Field id="commitment-name" label={t('commitment.door.name')} problem={problems.name}>
          <input
            id="commitment-name"
            autoComplete="name"
            maxLength={50}
            placeholder={t('commitment.door.namePlaceholder')}
            value={name}
            data-testid="commitment-name"
            onChange={(event) => {
              setName(event.target.value);
              setProblems(({ name: _fixed, ...rest }) => rest);
            }}
          />
        </Field>
        <label className="commitment-agree">
          <input
            type="checkbox"
            checked={agreed}
            data-testid="commitment-agree"
            onChange={(event) => {
              setAgreed(event.target.checked);
              setProblems(({ agreed: _fixed, ...rest }) => rest);
            }}
          />
          <span>{t('commitment.door.agree')}</span>
        </label>
        {problems.agreed && <div className="field-error">{problems.agreed}</div>}
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
          {t('commitment.door.sign')}
        </Button>
      </form>
    </Card>
  );
}
