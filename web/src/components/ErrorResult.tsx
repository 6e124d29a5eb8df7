import { Button, Result } from 'antd';
import { isApiError } from '../api/client';
import { useI18n } from '../i18n/context';
import { errorText } from '../i18n/labels';

/** A failed load, in place of the content; 404s read as "not found", the rest offer a retry. */
export function ErrorResult({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const i18n = useI18n();
  const status =
    isApiError(error) && error.status === 404
      ? '404'
      : isApiError(error) && error.status === 403
        ? '403'
        : 'error';
  return (
    <Result
      status={status}
      title={errorText(i18n, error)}
      extra={
        onRetry && status === 'error' ? (
          <Button onClick={onRetry}>{i18n.t('common.retry')}</Button>
        ) : undefined
      }
    />
  );
}
