// What the door page adds: announcements to everyone in the area, and asking for help. Anyone who scans
// the door sees this page, so it lists no requests; whoever asks gets the request's own follow link,
// which this browser keeps.
import { useState } from 'react';
import { api, call } from '../api/client';
import { useResource } from '../api/resource';
import type { PublicAnnouncement, PublicReceipt, PublicRequestBody } from '../api/model';
import { DOOR_REQUEST_KINDS, DOOR_URGENCIES } from './words';
import {
  helpFollowPath,
  saveHelpLink,
  type SavedHelpLink,
  savedHelpLinks,
} from '../components/services/helpLinks';
import { maxLength, phone, required } from './checks';
import { Chips, Field, useForm } from './form';
import { useDoorI18n } from './i18n';
import { SendProblemNotice, useSend } from './send';
import { Button, Card, FormHeader, Icon, Notice } from './ui';

export function DoorServices({ token }: { token: string }) {
  const { t } = useDoorI18n();
  const [asking, setAsking] = useState(false);
  const [receipt, setReceipt] = useState<PublicReceipt | null>(null);
  const [saved, setSaved] = useState<SavedHelpLink[]>(() => savedHelpLinks(token));
  return (
    <div className="door-services" data-testid="door-services">
      <Announcements token={token} />
      {asking ? (
        <HelpForm
          token={token}
          onBack={() => setAsking(false)}
          onDone={(next, kind) => {
            setAsking(false);
            setReceipt(next);
            saveHelpLink(token, {
              followToken: next.followToken,
              code: next.code,
              kind,
              createdAt: new Date().toISOString(),
            });
            setSaved(savedHelpLinks(token));
          }}
        />
      ) : (
        <Button
          block
          className="door-help"
          onClick={() => {
            setReceipt(null);
            setAsking(true);
          }}
          data-testid="door-help"
        >
          <Icon name="help" />
          {t('requests.door.ask')}
        </Button>
      )}
      {receipt && <HelpReceipt receipt={receipt} />}
      <SavedLinks links={saved} />
    </div>
  );
}

/** The answer to asking: the follow link, shown once; only its holder can follow or withdraw. */
function HelpReceipt({ receipt }: { receipt: PublicReceipt }) {
  const { t } = useDoorI18n();
  const [copied, setCopied] = useState(false);
  const path = helpFollowPath(receipt.followToken);
  const link = `${window.location.origin}${path}`;
  return (
    <Notice
      kind="success"
      title={
        <span data-testid="door-help-receipt">
          {t(receipt.routedToVolunteer ? 'requests.door.receiptVolunteer' : 'requests.door.receiptWorker')}
        </span>
      }
    >
      <p>{t('requests.door.followHint')}</p>
      <code className="link-text" data-testid="door-help-link">
        {link}
      </code>
      <div className="receipt-actions">
        <Button
          onClick={() =>
            void navigator.clipboard?.writeText(link).then(
              () => setCopied(true),
              () => undefined,
            )
          }
        >
          {copied ? t('requests.door.copied') : t('requests.door.copy')}
        </Button>
        <a className="btn btn-primary" href={path} data-testid="door-help-follow">
          {t('requests.door.follow')}
        </a>
      </div>
    </Notice>
  );
}

/** The requests asked for from this browser at this door (kept in its storage, never fetched by the door code). */
function SavedLinks({ links }: { links: SavedHelpLink[] }) {
  const i18n = useDoorI18n();
  if (links.length === 0) return null;
  return (
    <Card testId="door-my-requests">
      <h2 className="card-title">{i18n.t('requests.door.mine')}</h2>
      <ul className="list">
        {links.map((link) => (
          <li key={link.followToken} data-testid="door-my-request">
            <a href={helpFollowPath(link.followToken)}>
              <span className="tag tag-blue">{i18n.t(`requests.kind.${link.kind}`)}</span>
              <span className="muted">{i18n.formatDateTime(link.createdAt)}</span>
            </a>
          </li>
        ))}
      </ul>
    </Card>
  );
}

const KIND_TAG: Record<PublicAnnouncement['kind'], string> = {
  policy: 'tag-blue',
  rumour_rebuttal: 'tag-purple',
  alert: 'tag-red',
  notice: 'tag-green',
};

function Announcements({ token }: { token: string }) {
  const i18n = useDoorI18n();
  const { t } = i18n;
  const list = useResource(
    (signal) =>
      call(api.GET('/api/public/households/{token}/announcements', { params: { path: { token } }, signal })),
    [token],
  );
  const [read, setRead] = useState<Set<number>>(new Set());
  const [opened, setOpened] = useState<Set<number>>(new Set());
  const items = list.data?.items ?? [];
  if (items.length === 0) return null;
  const isRead = (item: PublicAnnouncement) => item.read || read.has(item.id);
  const unread = items.filter((item) => !isRead(item)).length;

  const toggle = (item: PublicAnnouncement) => {
    const next = new Set(opened);
    if (next.has(item.id)) next.delete(item.id);
    else next.add(item.id);
    setOpened(next);
    if (isRead(item)) return;
    setRead((current) => new Set(current).add(item.id));
    // Best effort: a failed mark only leaves the count a little low.
    call(
      api.POST('/api/public/households/{token}/announcements/{id}/read', {
        params: { path: { token, id: item.id } },
      }),
    ).catch(() => undefined);
  };

  return (
    <Card testId="door-announcements">
      <h2 className="card-title">
        <Icon name="bell" />
        {t('announcements.door.title')}
        {unread > 0 && (
          <span className="badge" data-testid="door-announcements-unread">
            {unread}
          </span>
        )}
      </h2>
      <ul className="list">
        {items.map((item) => (
          <li key={item.id}>
            <button
              type="button"
              className="announcement"
              aria-expanded={opened.has(item.id)}
              onClick={() => toggle(item)}
              data-testid="door-announcement"
              data-read={isRead(item) ? 'true' : 'false'}
            >
              <span className="tags">
                <span className={`tag ${KIND_TAG[item.kind]}`}>{t(`announcements.kind.${item.kind}`)}</span>
                {!isRead(item) && <span className="tag tag-red">{t('announcements.door.new')}</span>}
              </span>
              <span
                className={isRead(item) ? 'announcement-title' : 'announcement-title unread'}
                data-testid="door-announcement-title"
              >
                {item.title}
              </span>
              <span className="muted">
                {item.from} · {i18n.formatDateTime(item.publishedAt)}
              </span>
            </button>
            {opened.has(item.id) && (
              <p className="announcement-body" data-testid="door-announcement-body">
                {item.body}
              </p>
            )}
          </li>
        ))}
      </ul>
    </Card>
  );
}

interface HelpValues {
  kind: PublicRequestBody['kind'] | undefined;
  details: string;
  urgency: 'normal' | 'urgent';
  requesterName: string;
  contactPhone: string;
}

function HelpForm({
  token,
  onBack,
  onDone,
}: {
  token: string;
  onBack: () => void;
  onDone: (receipt: PublicReceipt, kind: PublicRequestBody['kind']) => void;
}) {
  const i18n = useDoorI18n();
  const { t } = i18n;
  const need = required(t);
  const form = useForm<HelpValues>(
    { kind: undefined, details: '', urgency: 'normal', requesterName: '', contactPhone: '' },
    {
      kind: [need],
      details: [need, maxLength(t, 1000)],
      requesterName: [maxLength(t, 50)],
      contactPhone: [phone(t)],
    },
  );
  const { sending, problem, send } = useSend(form.showServerProblems);
  const { values, problems } = form;

  const submit = () =>
    void send(async () => {
      const kind = values.kind!;
      const name = values.requesterName.trim();
      const contact = values.contactPhone.replace(/[\s-]/g, '');
      const receipt = await call(
        api.POST('/api/public/households/{token}/requests', {
          params: { path: { token } },
          headers: { 'accept-language': i18n.locale },
          body: {
            kind,
            details: values.details.trim(),
            urgency: values.urgency,
            ...(name ? { requesterName: name } : {}),
            ...(contact ? { contactPhone: contact } : {}),
          },
        }),
      );
      onDone(receipt, kind);
    });

  return (
    <Card testId="help-form">
      <FormHeader title={t('requests.door.title')} onBack={onBack} backLabel={t('common.back')} />
      <p className="muted">{t('requests.door.hint')}</p>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          if (form.validate()) submit();
        }}
      >
        <Field id="kind" group label={t('requests.kindLabel')} problem={problems.kind}>
          <Chips
            id="kind"
            value={values.kind}
            onChange={(value) => form.set('kind', value)}
            choices={DOOR_REQUEST_KINDS.map((value) => ({ value, label: t(`requests.kind.${value}`) }))}
          />
        </Field>
        <Field id="details" label={t('requests.details')} problem={problems.details}>
          <textarea
            id="details"
            rows={3}
            placeholder={t('requests.detailsHint')}
            value={values.details}
            onChange={(event) => form.set('details', event.target.value)}
          />
        </Field>
        <Field id="urgency" group label={t('requests.urgencyLabel')}>
          <Chips
            id="urgency"
            value={values.urgency}
            onChange={(value) => form.set('urgency', value)}
            choices={DOOR_URGENCIES.map((value) => ({ value, label: t(`requests.urgency.${value}`) }))}
          />
        </Field>
        <Field id="requesterName" label={t('requests.door.name')} problem={problems.requesterName}>
          <input
            id="requesterName"
            autoComplete="name"
            value={values.requesterName}
            onChange={(event) => form.set('requesterName', event.target.value)}
          />
        </Field>
        <Field
          id="contactPhone"
          label={t('requests.door.phone')}
          problem={problems.contactPhone}
          extra={t('requests.door.phoneHint')}
        >
          <input
            id="contactPhone"
            type="tel"
            inputMode="tel"
            autoComplete="tel"
            value={values.contactPhone}
            onChange={(event) => form.set('contactPhone', event.target.value)}
          />
        </Field>
        <SendProblemNotice problem={problem} />
        <Button
          type="submit"
          variant="primary"
          block
          className="submit"
          busy={sending}
          disabled={problem?.kind === 'invalidCode'}
          data-testid="help-submit"
        >
          {t('common.submit')}
        </Button>
      </form>
    </Card>
  );
}
