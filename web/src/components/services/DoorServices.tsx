import { BellOutlined, CustomerServiceOutlined, NotificationOutlined } from '@ant-design/icons';
import { Alert, Badge, Button, Card, Collapse, Form, Input, List, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api, call } from '../../api/client';
import { useResource } from '../../api/hooks';
import type { PublicAnnouncement, PublicReceipt, PublicRequestBody } from '../../api/model';
import { useI18n } from '../../i18n/context';
import { phoneRules, SubmitProblemAlert, usePublicSubmit } from '../public/fields';
import { PublicFormHeader } from '../public/PublicLayout';
import { AnnouncementKindTag, RequestKindTag } from './common';
import { helpFollowPath, saveHelpLink, type SavedHelpLink, savedHelpLinks } from './helpLinks';
import { KindAndDetails } from './RequestFields';

/**
 * What the door page adds: announcements to everyone in the area, and asking for help. Anyone who
 * scans the door sees this page, so it lists no requests; whoever asks gets the request's own
 * follow link, which this browser keeps.
 */
export function DoorServices({ token }: { token: string }) {
  const { t } = useI18n();
  const [asking, setAsking] = useState(false);
  const [receipt, setReceipt] = useState<PublicReceipt | null>(null);
  const [saved, setSaved] = useState<SavedHelpLink[]>(() => savedHelpLinks(token));
  return (
    <div className="door-services" data-testid="door-services">
      <DoorAnnouncements token={token} />
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
          size="large"
          block
          icon={<CustomerServiceOutlined />}
          onClick={() => {
            setReceipt(null);
            setAsking(true);
          }}
          data-testid="door-help"
          style={{ height: 56, margin: '12px 0', fontSize: 17 }}
        >
          {t('requests.door.ask')}
        </Button>
      )}
      {receipt && <HelpReceipt receipt={receipt} />}
      <SavedHelpLinks links={saved} />
    </div>
  );
}

/** The answer to asking: the follow link, shown once; only its holder can follow or withdraw. */
function HelpReceipt({ receipt }: { receipt: PublicReceipt }) {
  const { t } = useI18n();
  const path = helpFollowPath(receipt.followToken);
  return (
    <Alert
      type="success"
      showIcon
      style={{ marginBottom: 12 }}
      title={
        <span data-testid="door-help-receipt">
          {t(receipt.routedToVolunteer ? 'requests.door.receiptVolunteer' : 'requests.door.receiptWorker')}
        </span>
      }
      description={
        <Space direction="vertical" style={{ width: '100%' }}>
          <span>{t('requests.door.followHint')}</span>
          <Typography.Text
            code
            copyable={{ text: `${window.location.origin}${path}` }}
            style={{ wordBreak: 'break-all' }}
            data-testid="door-help-link"
          >
            {`${window.location.origin}${path}`}
          </Typography.Text>
          <Link to={path} data-testid="door-help-follow">
            <Button type="primary" block>
              {t('requests.door.follow')}
            </Button>
          </Link>
        </Space>
      }
    />
  );
}

/** The requests asked for from this browser at this door (kept in its storage, never fetched by the door code). */
function SavedHelpLinks({ links }: { links: SavedHelpLink[] }) {
  const i18n = useI18n();
  const { t } = i18n;
  if (links.length === 0) return null;
  return (
    <Card
      className="public-card"
      size="small"
      title={t('requests.door.mine')}
      data-testid="door-my-requests"
      style={{ marginTop: 12 }}
    >
      <List
        dataSource={links}
        renderItem={(link) => (
          <List.Item key={link.followToken} data-testid="door-my-request">
            <Link to={helpFollowPath(link.followToken)}>
              <Space size={4} wrap>
                <RequestKindTag kind={link.kind} />
                <span className="muted">{i18n.formatDateTime(link.createdAt)}</span>
              </Space>
            </Link>
          </List.Item>
        )}
      />
    </Card>
  );
}

function DoorAnnouncements({ token }: { token: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const list = useResource(
    (signal) =>
      call(api.GET('/api/public/households/{token}/announcements', { params: { path: { token } }, signal })),
    [token],
  );
  const [read, setRead] = useState<Set<number>>(new Set());
  const [opened, setOpened] = useState<string[]>([]);
  const items = list.data?.items ?? [];
  if (items.length === 0) return null;
  const isRead = (item: PublicAnnouncement) => item.read || read.has(item.id);
  const unread = items.filter((item) => !isRead(item)).length;

  const open = (keys: string[]) => {
    setOpened(keys);
    for (const key of keys) {
      const id = Number(key);
      const item = items.find((candidate) => candidate.id === id);
      if (!item || isRead(item)) continue;
      setRead((current) => new Set(current).add(id));
      // Best effort: a failed mark only leaves the count a little low.
      call(
        api.POST('/api/public/households/{token}/announcements/{id}/read', {
          params: { path: { token, id } },
        }),
      ).catch(() => undefined);
    }
  };

  return (
    <Card
      className="public-card"
      size="small"
      title={
        <Space>
          <NotificationOutlined />
          {t('announcements.door.title')}
          {unread > 0 && <Badge count={unread} data-testid="door-announcements-unread" />}
        </Space>
      }
      data-testid="door-announcements"
      style={{ marginTop: 12 }}
    >
      <Collapse
        ghost
        activeKey={opened}
        onChange={(keys) => open(Array.isArray(keys) ? keys : [keys])}
        items={items.map((item) => ({
          key: String(item.id),
          label: (
            <div data-testid="door-announcement" data-read={isRead(item) ? 'true' : 'false'}>
              <Space size={4} wrap>
                <AnnouncementKindTag kind={item.kind} />
                {!isRead(item) && (
                  <Tag color="red" icon={<BellOutlined />}>
                    {t('announcements.door.new')}
                  </Tag>
                )}
              </Space>
              <div style={{ fontWeight: isRead(item) ? 400 : 600 }} data-testid="door-announcement-title">
                {item.title}
              </div>
              <div className="muted" style={{ fontSize: 12 }}>
                {item.from} · {i18n.formatDateTime(item.publishedAt)}
              </div>
            </div>
          ),
          children: (
            <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }} data-testid="door-announcement-body">
              {item.body}
            </Typography.Paragraph>
          ),
        }))}
      />
    </Card>
  );
}

interface HelpValues extends PublicRequestBody {
  requesterName?: string;
  contactPhone?: string;
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
  const { t } = useI18n();
  const [form] = Form.useForm<HelpValues>();
  const { submitting, problem, submit } = usePublicSubmit(form);
  return (
    <Card className="public-card" data-testid="help-form" style={{ marginTop: 12 }}>
      <PublicFormHeader title={t('requests.door.title')} onBack={onBack} />
      <Typography.Paragraph className="muted">{t('requests.door.hint')}</Typography.Paragraph>
      <Form<HelpValues>
        form={form}
        layout="vertical"
        size="large"
        requiredMark="optional"
        initialValues={{ urgency: 'normal' }}
        onFinish={(values) =>
          void submit(async () => {
            const name = values.requesterName?.trim();
            const phone = values.contactPhone?.replace(/[\s-]/g, '');
            const receipt = await call(
              api.POST('/api/public/households/{token}/requests', {
                params: { path: { token } },
                body: {
                  kind: values.kind,
                  details: values.details.trim(),
                  urgency: values.urgency,
                  ...(name ? { requesterName: name } : {}),
                  ...(phone ? { contactPhone: phone } : {}),
                },
              }),
            );
            onDone(receipt, values.kind);
          })
        }
      >
        <KindAndDetails large />
        <Form.Item
          name="requesterName"
          label={t('requests.door.name')}
          rules={[{ max: 50, message: t('common.maxLength', { max: 50 }) }]}
        >
          <Input autoComplete="name" />
        </Form.Item>
        <Form.Item
          name="contactPhone"
          label={t('requests.door.phone')}
          rules={phoneRules(t, false)}
          extra={t('requests.door.phoneHint')}
        >
          <Input inputMode="tel" autoComplete="tel" />
        </Form.Item>
        <SubmitProblemAlert problem={problem} />
        <Button
          type="primary"
          htmlType="submit"
          block
          size="large"
          className="public-submit"
          loading={submitting}
          disabled={problem?.kind === 'invalidCode'}
          data-testid="help-submit"
        >
          {t('common.submit')}
        </Button>
      </Form>
    </Card>
  );
}
