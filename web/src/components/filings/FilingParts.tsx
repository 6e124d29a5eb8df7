import { Descriptions, Tag, Timeline } from 'antd';
import type { FilingState, FilingStep, FilingSupplies } from '../../api/model';
import { useI18n } from '../../i18n/context';
import { actorLabel } from '../../i18n/labels';

const STATE_COLOUR: Record<FilingState, string> = {
  draft: 'default',
  submitted: 'blue',
  inspected: 'cyan',
  approved: 'green',
  returned: 'orange',
  suspended: 'red',
};

const STEP_ACTIONS = ['approve', 'create', 'inspect', 'return', 'submit', 'suspend'] as const;
export const SUPPLY_KINDS = ['masks', 'thermometers', 'disinfectant'] as const;

/** A filing's state as a coloured tag; "not filed" when there is none. */
export function FilingStateTag({ state }: { state: FilingState | null }) {
  const { t } = useI18n();
  return (
    <Tag color={state ? STATE_COLOUR[state] : 'default'} data-testid={`filing-state-${state ?? 'none'}`}>
      {t(`filings.state.${state ?? 'none'}`)}
    </Tag>
  );
}

/** Stock and days covered of each supply. */
export function SuppliesView({ supplies }: { supplies: FilingSupplies }) {
  const { t } = useI18n();
  return (
    <Descriptions size="small" column={1} bordered>
      {SUPPLY_KINDS.map((kind) => (
        <Descriptions.Item key={kind} label={t(`filings.supply.${kind}`)}>
          {supplies[kind]
            ? `${t('filings.supply.stock')} ${supplies[kind].stock} · ${t('filings.supply.days')} ${supplies[kind].days}`
            : '—'}
        </Descriptions.Item>
      ))}
    </Descriptions>
  );
}

type Step = Pick<FilingStep, 'action' | 'toState' | 'at' | 'reason'> & { actorName?: string };

/** The filing's steps, oldest first, with who did it (staff) and the reason given. */
export function StepsTimeline({ steps }: { steps: Step[] }) {
  const i18n = useI18n();
  const { t } = i18n;
  const label = (step: Step) =>
    (STEP_ACTIONS as readonly string[]).includes(step.action)
      ? t(`filings.step.${step.action as (typeof STEP_ACTIONS)[number]}`)
      : t(`filings.state.${step.toState}`);
  return (
    <Timeline
      data-testid="filing-steps"
      items={steps.map((step) => ({
        color: STATE_COLOUR[step.toState] === 'default' ? 'gray' : STATE_COLOUR[step.toState],
        children: (
          <>
            <div>
              {label(step)} · {i18n.formatDateTime(step.at)}
              {step.actorName ? ` · ${actorLabel(i18n, step.actorName)}` : ''}
            </div>
            {step.reason && <div className="muted">{step.reason}</div>}
          </>
        ),
      }))}
    />
  );
}
