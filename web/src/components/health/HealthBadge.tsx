import { Space, Tag } from 'antd';
import { api, call } from '../../api/client';
import type { PersonHealthStatus } from '../../api/model';
import { useResource } from '../../api/resource';
import { useI18n } from '../../i18n/context';

const VERDICT_COLOUR = { green: 'success', amber: 'warning', red: 'error' } as const;
const CODE_COLOUR = { GREEN: 'green', YELLOW: 'gold', RED: 'red', UNKNOWN: 'default' } as const;

/**
 * A person's health in one line: verdict, code colour, doses, a fever of the last 24 hours.
 * Compact for lists (a house's members, the untested list); the statuses come from
 * `useHealthStatuses` in one request for the whole list.
 */
export function HealthBadge({ status }: { status: PersonHealthStatus | undefined }) {
  const i18n = useI18n();
  const { t } = i18n;
  if (!status) return null;
  const { facts } = status;
  return (
    <Space
      size={[0, 4]}
      wrap
      className="health-badge"
      data-testid="health-badge"
      data-verdict={status.verdict}
    >
      <Tag color={VERDICT_COLOUR[status.verdict]}>{t(`healthBadge.${status.verdict}`)}</Tag>
      {facts.healthCode && (
        <Tag color={CODE_COLOUR[facts.healthCode]}>{t(`healthCode.${facts.healthCode}`)}</Tag>
      )}
      {facts.fever && facts.lastTemperature !== null && (
        <Tag color="red">{t('healthBadge.fever', { temperature: facts.lastTemperature })}</Tag>
      )}
      <Tag>
        {facts.vaccinationDoses > 0
          ? t('healthBadge.doses', { doses: facts.vaccinationDoses })
          : t('healthBadge.noDose')}
      </Tag>
    </Space>
  );
}

/** The health statuses of a list's persons (at most 200) in one request; those out of reach are absent. */
export function useHealthStatuses(personIds: readonly number[], enabled = true) {
  const ids = [...new Set(personIds)].slice(0, 200);
  const result = useResource(
    (signal) =>
      enabled && ids.length > 0
        ? call(api.GET('/api/health-statuses', { params: { query: { ids } }, signal }))
        : Promise.resolve({ items: [] as PersonHealthStatus[] }),
    [ids.join(','), enabled],
  );
  return new Map((result.data?.items ?? []).map((status) => [status.personId, status]));
}
