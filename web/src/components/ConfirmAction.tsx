import { App, Popconfirm } from 'antd';
import type { ReactNode } from 'react';
import { useI18n } from '../i18n/context';
import { errorText } from '../i18n/labels';

/**
 * A change that asks first: on confirm runs `run`, then `onDone`; a refusal from the server is
 * shown as a message in the user's language. `children` is the button that opens the question.
 */
export function ConfirmAction({
  title,
  run,
  onDone,
  children,
}: {
  title: string;
  run: () => Promise<unknown>;
  onDone: () => void;
  children: ReactNode;
}) {
  const i18n = useI18n();
  const { message } = App.useApp();
  return (
    <Popconfirm
      title={title}
      okText={i18n.t('common.confirm')}
      cancelText={i18n.t('common.cancel')}
      onConfirm={() =>
        run()
          .then(onDone)
          .catch((error: unknown) => void message.error(errorText(i18n, error)))
      }
    >
      {children}
    </Popconfirm>
  );
}
