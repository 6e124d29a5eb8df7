import { SearchOutlined, ShareAltOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Breadcrumb,
  Button,
  Card,
  DatePicker,
  Descriptions,
  Form,
  InputNumber,
  Result,
  Space,
  Spin,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { api, call } from '../api/client';
import { useContacts, usePerson } from '../api/hooks';
import type { ContactQuery, ContactView } from '../api/model';
import { useAuth } from '../auth/AuthContext';
import { ErrorResult } from '../components/ErrorResult';
import { useI18n } from '../i18n/context';
import { contactSourceLabel, errorText } from '../i18n/labels';

export function ContactsPage() {
  const { id } = useParams();
  const personId = Number(id);
  const { t } = useI18n();
  if (!Number.isInteger(personId) || personId < 1)
    return <Result status="404" title={t('person.notFound')} />;
  return <ContactsScreen key={personId} personId={personId} />;
}

interface WindowValues {
  period?: [Dayjs | null, Dayjs | null] | null;
  hours?: number | null;
}

/**
 * Contact finding for a case: who scanned the same place codes around the same time, and the
 * household; the chosen ones become close-contact leads. Each search is audit-logged.
 */
function ContactsScreen({ personId }: { personId: number }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { canAt } = useAuth();
  const { message } = App.useApp();
  const person = usePerson(personId);
  const [searchWindow, setSearchWindow] = useState<ContactQuery | null>(null);
  const contacts = useContacts(personId, searchWindow);
  const [selected, setSelected] = useState<string[]>([]);
  const [sending, setSending] = useState(false);
  const data = contacts.data;
  // Contact leads are made where the caller may act on the case's area (the server's rule).
  const makeLeadsAllowed = canAt('health.write', person.data?.area?.path);

  const search = (values: WindowValues) => {
    const [from, to] = values.period ?? [null, null];
    setSelected([]);
    setSearchWindow({
      ...(from ? { from: from.toISOString() } : {}),
      ...(to ? { to: to.toISOString() } : {}),
      ...(values.hours ? { hours: values.hours } : {}),
    });
  };

  const makeLeads = async () => {
    if (!searchWindow) return;
    setSending(true);
    try {
      const result = await call(
        api.POST('/api/contacts/{personId}/leads', {
          params: { path: { personId } },
          body: { ...searchWindow, refs: selected },
        }),
      );
      void message.success(
        t('contacts.leadsMade', {
          inserted: result.inserted,
          unchanged: result.unchanged,
          inbox: result.routed.inbox,
        }),
      );
      setSelected([]);
    } catch (error) {
      void message.error(errorText(i18n, error));
    } finally {
      setSending(false);
    }
  };

  return (
    <div className="page" data-testid="contacts-page">
      <Breadcrumb
        items={[
          { key: 'register', title: <Link to="/register">{t('nav.register')}</Link> },
          {
            key: 'person',
            title: <Link to={`/persons/${personId}`}>{person.data?.name ?? t('common.loading')}</Link>,
          },
          { key: 'contacts', title: t('contacts.title') },
        ]}
      />
      <div className="page-title-row">
        <Typography.Title level={3} className="page-title">
          {t('contacts.titleOf', { name: person.data?.name ?? '' })}
        </Typography.Title>
      </div>
      <Card size="small" className="page-alert">
        <Alert type="warning" showIcon className="dialog-hint" title={t('contacts.auditHint')} />
        <Form<WindowValues>
          layout="inline"
          onFinish={search}
          initialValues={{ hours: 2 }}
          className="filter-form"
        >
          <Form.Item name="period" label={t('contacts.period')}>
            <DatePicker.RangePicker
              showTime={{ format: 'HH:mm' }}
              format="YYYY-MM-DD HH:mm"
              allowEmpty={[true, true]}
            />
          </Form.Item>
          <Form.Item name="hours" label={t('contacts.hours')} tooltip={t('contacts.hoursHint')}>
            <InputNumber min={0.25} max={24} step={0.5} suffix={t('contacts.hoursUnit')} />
          </Form.Item>
          <Form.Item>
            <Button type="primary" htmlType="submit" icon={<SearchOutlined />} data-testid="contacts-search">
              {t('contacts.search')}
            </Button>
          </Form.Item>
        </Form>
      </Card>
      {contacts.error ? (
        <ErrorResult error={contacts.error} />
      ) : contacts.loading && searchWindow ? (
        <Spin className="page-spin" />
      ) : data ? (
        <>
          <Card size="small" className="page-alert" title={t('contacts.case')}>
            {!data.case.positive && (
              <Alert type="info" showIcon className="dialog-hint" title={t('contacts.noPositive')} />
            )}
            <Descriptions
              size="small"
              column={{ xs: 1, md: 3 }}
              items={[
                { key: 'name', label: t('field.name'), children: data.case.nameMasked },
                {
                  key: 'document',
                  label: t('field.documentNumber'),
                  children: <span className="code-text">{data.case.documentMasked}</span>,
                },
                {
                  key: 'positive',
                  label: t('contacts.positive'),
                  children: data.case.positive ? i18n.formatDateTime(data.case.positive.occurredAt) : '—',
                },
                {
                  key: 'window',
                  label: t('contacts.window'),
                  children: `${i18n.formatDateTime(data.window.from)} – ${i18n.formatDateTime(data.window.to)} (±${data.window.hours}h)`,
                },
                {
                  key: 'visits',
                  label: t('contacts.visits'),
                  children:
                    data.visits
                      .map((visit) => `${visit.placeName} ${i18n.formatDateTime(visit.scannedAt)}`)
                      .join('；') || '—',
                },
              ]}
            />
          </Card>
          <Card
            size="small"
            title={t('contacts.list', { count: data.contacts.length })}
            extra={
              makeLeadsAllowed && (
                <Button
                  type="primary"
                  icon={<ShareAltOutlined />}
                  disabled={selected.length === 0}
                  loading={sending}
                  onClick={() => void makeLeads()}
                  data-testid="contacts-make-leads"
                >
                  {t('contacts.makeLeads', { count: selected.length })}
                </Button>
              )
            }
          >
            <Table<ContactView>
              rowKey="ref"
              size="middle"
              dataSource={data.contacts}
              scroll={{ x: 'max-content' }}
              pagination={{ pageSize: 50, hideOnSinglePage: true }}
              rowSelection={
                makeLeadsAllowed
                  ? { selectedRowKeys: selected, onChange: (keys) => setSelected(keys.map(String)) }
                  : undefined
              }
              locale={{ emptyText: t('contacts.none') }}
              columns={[
                {
                  key: 'who',
                  title: t('field.name'),
                  render: (_, contact) =>
                    contact.person ? (
                      <Link to={`/persons/${contact.person.id}`}>{contact.nameMasked ?? '—'}</Link>
                    ) : (
                      (contact.nameMasked ?? '—')
                    ),
                },
                {
                  key: 'identity',
                  title: t('field.documentNumber'),
                  render: (_, contact) => (
                    <span className="code-cell">
                      {[contact.documentMasked, contact.phoneMasked].filter(Boolean).join(' · ') || '—'}
                    </span>
                  ),
                },
                {
                  key: 'sources',
                  title: t('contacts.source'),
                  render: (_, contact) => (
                    <Space size={2}>
                      {contact.sources.map((source) => (
                        <Tag key={source} color={source === 'household' ? 'volcano' : 'blue'}>
                          {contactSourceLabel(i18n, source)}
                        </Tag>
                      ))}
                      {!contact.registered && <Tag>{t('contacts.unregistered')}</Tag>}
                    </Space>
                  ),
                },
                {
                  key: 'area',
                  title: t('field.area'),
                  render: (_, contact) => contact.person?.area?.name ?? '—',
                },
                {
                  key: 'encounters',
                  title: t('contacts.encounters'),
                  render: (_, contact) =>
                    contact.encounters
                      .map((e) => t('contacts.encounter', { place: e.placeName, minutes: e.minutesApart }))
                      .join('；') || '—',
                },
              ]}
            />
          </Card>
        </>
      ) : (
        <Card size="small">
          <Space>
            <SearchOutlined />
            {t('contacts.start')}
          </Space>
        </Card>
      )}
    </div>
  );
}
