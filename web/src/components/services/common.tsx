import { Space, Tag } from 'antd';
import { useState } from 'react';
import { api, call } from '../../api/client';
import { useAreaRoots, useOptionalArea } from '../../api/hooks';
import type { AreaDetail, MeResponse, UserView } from '../../api/model';
import { useAuth } from '../../auth/AuthContext';
import { useI18n } from '../../i18n/context';
import { errorText, roleLabel } from '../../i18n/labels';
import { SearchSelect } from '../SearchSelect';
import type { AnnouncementKind, AnnouncementStatus, RequestKind, RequestStatus, Urgency } from './vocabulary';

const STATUS_COLOURS: Record<RequestStatus, string> = {
  open: 'orange',
  accepted: 'blue',
  delivered: 'cyan',
  closed: 'green',
  cancelled: 'default',
};

export function RequestStatusTag({ status }: { status: RequestStatus }) {
  const { t } = useI18n();
  return (
    <Tag color={STATUS_COLOURS[status]} data-testid="request-status">
      {t(`requests.status.${status}`)}
    </Tag>
  );
}

export function RequestKindTag({ kind }: { kind: RequestKind }) {
  const { t } = useI18n();
  return <Tag color="geekblue">{t(`requests.kind.${kind}`)}</Tag>;
}

export function UrgencyTag({ urgency }: { urgency: Urgency }) {
  const { t } = useI18n();
  if (urgency !== 'urgent') return null;
  return <Tag color="red">{t('requests.urgency.urgent')}</Tag>;
}

const ANNOUNCEMENT_COLOURS: Record<AnnouncementKind, string> = {
  policy: 'blue',
  rumour_rebuttal: 'purple',
  alert: 'red',
  notice: 'green',
};

export function AnnouncementKindTag({ kind }: { kind: AnnouncementKind }) {
  const { t } = useI18n();
  return <Tag color={ANNOUNCEMENT_COLOURS[kind]}>{t(`announcements.kind.${kind}`)}</Tag>;
}

export function AnnouncementStatusTag({ status, expired }: { status: AnnouncementStatus; expired: boolean }) {
  const { t } = useI18n();
  if (status === 'published' && expired) return <Tag>{t('announcements.expired')}</Tag>;
  const colour = status === 'published' ? 'green' : status === 'draft' ? 'gold' : 'default';
  return <Tag color={colour}>{t(`announcements.status.${status}`)}</Tag>;
}

/** Whether the user serves as staff somewhere (any role but volunteer holding the right). */
export function isServiceStaff(me: MeResponse | null | undefined): boolean {
  return (me?.assignments ?? []).some((assignment) => assignment.role !== 'volunteer');
}

/**
 * The area a page works on: the one picked, else the first of the user's assignments at one of
 * `preferred` levels, else the top of their scope.
 */
export function usePageArea(preferred: readonly string[] = []) {
  const { me } = useAuth();
  const roots = useAreaRoots();
  const [chosen, setChosen] = useState<number | undefined>();
  const assigned = me?.assignments.find((assignment) => preferred.includes(assignment.areaLevel))?.areaId;
  const areaId = chosen ?? assigned ?? roots.data?.items[0]?.id;
  const area = useOptionalArea(areaId);
  const current: AreaDetail | null = area.data && area.data.id === areaId ? area.data : null;
  return { areaId, area: current, setArea: setChosen, loading: roots.loading || area.loading };
}

/** Finds a user in the caller's scope by name or username (staff only: needs user.read). */
export function UserSelect({
  value,
  onChange,
  areaId,
  placeholder,
  id,
  testId,
}: {
  value?: number;
  onChange?: (id: number | undefined, user: UserView | undefined) => void;
  areaId?: number;
  placeholder?: string;
  id?: string;
  testId?: string;
}) {
  const i18n = useI18n();
  return (
    <SearchSelect<UserView>
      id={id}
      value={value}
      onChange={onChange}
      testId={testId}
      placeholder={placeholder ?? i18n.t('teams.userPlaceholder')}
      search={(q, signal) =>
        call(
          api.GET('/api/users', { params: { query: { q: q || undefined, areaId, pageSize: 20 } }, signal }),
        ).then((page) => page.items)
      }
      render={(user) => (
        <Space size={4}>
          <span>{user.displayName}</span>
          <span className="muted">
            {user.assignments
              .slice(0, 2)
              .map((assignment) => `${roleLabel(i18n, assignment.role)}·${assignment.areaName}`)
              .join('，')}
          </span>
        </Space>
      )}
    />
  );
}

export function ErrorText({ error }: { error: unknown }) {
  const i18n = useI18n();
  if (!error) return null;
  return <span className="text-alert">{errorText(i18n, error)}</span>;
}

/** "12.5 分钟" / "3.2 小时" / "—". */
export function useMinutes() {
  const { t } = useI18n();
  return (minutes: number | null) => {
    if (minutes === null) return '—';
    if (minutes < 120) return t('review.minutes', { n: Math.round(minutes * 10) / 10 });
    return t('review.hours', { n: Math.round((minutes / 60) * 10) / 10 });
  };
}

export const percent = (share: number | null) => (share === null ? '—' : `${Math.round(share * 1000) / 10}%`);
