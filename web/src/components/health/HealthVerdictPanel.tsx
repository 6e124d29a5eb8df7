import {
  CheckCircleFilled,
  CloseCircleFilled,
  ExclamationCircleFilled,
  InfoCircleOutlined,
} from '@ant-design/icons';
import type { ReactNode } from 'react';
import type { GateReason, HealthReason } from '../../api/model';
import { type I18n, type Params, useI18n } from '../../i18n/context';

type Verdict = 'green' | 'amber' | 'red';
type Reason = HealthReason | GateReason;

const DATE_PARAMS = new Set(['at', 'lastAt', 'validTo']);

/** A reason as a sentence: dates in the reader's format, categories and levels by name. */
export function reasonText(i18n: I18n, reason: Reason): string {
  const params: Params = {};
  for (const [name, value] of Object.entries(reason.params)) {
    if (value === null) params[name] = i18n.t('healthReason.none');
    else if (DATE_PARAMS.has(name) && typeof value === 'string') params[name] = i18n.formatDateTime(value);
    else if (name === 'category' && i18n.has(`kpCategory.${value}`))
      params[name] = i18n.t(`kpCategory.${value}` as never);
    else if (name === 'level' && i18n.has(`riskLevel.${value}`))
      params[name] = i18n.t(`riskLevel.${value}` as never);
    else params[name] = value;
  }
  const key = `healthReason.${reason.code}`;
  return i18n.has(key) ? i18n.t(key, params) : reason.code;
}

const ICON: Readonly<Record<Verdict, ReactNode>> = {
  green: <CheckCircleFilled />,
  amber: <ExclamationCircleFilled />,
  red: <CloseCircleFilled />,
};

/**
 * The one-glance verdict: a coloured block with the verdict's word, then the reasons, heaviest
 * first. Used big on the gate page and small on the person page.
 */
export function HealthVerdictPanel({
  verdict,
  reasons,
  size = 'small',
  children,
  testId = 'health-verdict',
}: {
  verdict: Verdict;
  reasons: readonly Reason[];
  size?: 'large' | 'small';
  children?: ReactNode;
  testId?: string;
}) {
  const i18n = useI18n();
  return (
    <div
      className={`verdict-panel verdict-${verdict} verdict-${size}`}
      data-testid={testId}
      data-verdict={verdict}
    >
      <div className="verdict-head">
        <span className="verdict-icon">{ICON[verdict]}</span>
        <span className="verdict-word">{i18n.t(`healthVerdict.${verdict}`)}</span>
      </div>
      {children}
      {reasons.length > 0 ? (
        <ul className="verdict-reasons">
          {reasons.map((reason) => (
            <li
              key={`${reason.code}-${JSON.stringify(reason.params)}`}
              className={`verdict-reason-${reason.severity}`}
            >
              {reason.severity === 'info' ? <InfoCircleOutlined /> : <ExclamationCircleFilled />}{' '}
              {reasonText(i18n, reason)}
            </li>
          ))}
        </ul>
      ) : (
        <div className="verdict-reasons verdict-clear">{i18n.t('healthStatus.allClear')}</div>
      )}
    </div>
  );
}
