// Sending a door form: field problems land under their fields; an unknown code, too many tries or a
// dropped link get a sentence above the button. Server sentences come in the page's language.
import { useState } from 'react';
import { isApiError } from '../api/client';
import { type DoorI18n, useDoorI18n } from './i18n';
import { Notice } from './ui';

export type SendProblem = { kind: 'invalidCode' } | { kind: 'message'; text: string } | null;

/** The sentence for a failed call: ours for what the phone itself saw, else the server's (localized) one. */
export function failureText(i18n: DoorI18n, error: unknown): string {
  if (isApiError(error, 'RATE_LIMITED')) return i18n.t('public.rateLimited');
  if (isApiError(error, 'NETWORK_ERROR')) return i18n.t('error.NETWORK_ERROR');
  if (isApiError(error)) return error.message;
  return i18n.t('error.unknown', { message: error instanceof Error ? error.message : String(error) });
}

export function useSend(showFieldProblems: (error: unknown) => boolean) {
  const i18n = useDoorI18n();
  const [sending, setSending] = useState(false);
  const [problem, setProblem] = useState<SendProblem>(null);
  const send = async (work: () => Promise<void>) => {
    setSending(true);
    setProblem(null);
    try {
      await work();
    } catch (error) {
      if (isApiError(error, 'CODE_NOT_FOUND')) setProblem({ kind: 'invalidCode' });
      else if (showFieldProblems(error)) setProblem({ kind: 'message', text: i18n.t('public.fixErrors') });
      else setProblem({ kind: 'message', text: failureText(i18n, error) });
    } finally {
      setSending(false);
    }
  };
  return { sending, problem, send };
}

export function SendProblemNotice({ problem }: { problem: SendProblem }) {
  const { t } = useDoorI18n();
  if (!problem) return null;
  return (
    <Notice
      kind="error"
      testId="public-error"
      title={problem.kind === 'invalidCode' ? t('public.invalidCode') : problem.text}
    >
      {problem.kind === 'invalidCode' ? t('public.invalidCodeHint') : null}
    </Notice>
  );
}
