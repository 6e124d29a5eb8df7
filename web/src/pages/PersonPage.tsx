import {
  EditOutlined,
  EyeInvisibleOutlined,
  EyeOutlined,
  LogoutOutlined,
  ShareAltOutlined,
  SwapOutlined,
} from '@ant-design/icons';
import {
  Alert,
  Breadcrumb,
  Button,
  Card,
  Col,
  Descriptions,
  type DescriptionsProps,
  Result,
  Row,
  Space,
  Spin,
  Typography,
} from 'antd';
import { type ReactNode, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { isApiError } from '../api/client';
import { usePerson } from '../api/hooks';
import type { PersonDetail, RevealResponse } from '../api/model';
import { useAuth } from '../auth/AuthContext';
import { ErrorResult } from '../components/ErrorResult';
import { PersonHealthCard } from '../components/health/PersonHealthCard';
import { ageOf } from '../components/register/identity';
import {
  DepartPersonDialog,
  EditPersonDialog,
  MovePersonDialog,
  RevealDialog,
} from '../components/register/PersonDialogs';
import { PersonHistory } from '../components/register/PersonHistory';
import { PersonStatusTag, PersonTagList, ResidenceTag } from '../components/register/PersonTags';
import { useI18n } from '../i18n/context';
import { documentTypeLabel, sexLabel } from '../i18n/labels';

type Dialog = 'edit' | 'move' | 'depart' | 'reveal' | null;

/** Revealed numbers stay on screen this long, then are masked again. */
const REVEAL_SECONDS = 60;

function PersonNotFound() {
  const { t } = useI18n();
  return (
    <Result
      status="404"
      title={t('person.notFound')}
      data-testid="person-not-found"
      extra={
        <Link to="/register">
          <Button type="primary">{t('nav.register')}</Button>
        </Link>
      }
    />
  );
}

export function PersonPage() {
  const { id } = useParams();
  const personId = Number(id);
  if (!Number.isInteger(personId) || personId < 1) return <PersonNotFound />;
  return <PersonScreen key={personId} id={personId} />;
}

function useCountdown(revealed: RevealResponse | null, onEnd: () => void): number {
  const [left, setLeft] = useState(REVEAL_SECONDS);
  useEffect(() => {
    if (!revealed) return;
    setLeft(REVEAL_SECONDS);
    const started = Date.now();
    const timer = setInterval(() => {
      const remaining = REVEAL_SECONDS - Math.floor((Date.now() - started) / 1000);
      if (remaining <= 0) onEnd();
      else setLeft(remaining);
    }, 1000);
    return () => clearInterval(timer);
    // onEnd only clears the state that started this timer.
  }, [revealed]);
  return left;
}

function PersonScreen({ id }: { id: number }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { can, canAt } = useAuth();
  const [version, setVersion] = useState(0);
  const person = usePerson(id, version);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [revealed, setRevealed] = useState<RevealResponse | null>(null);
  const secondsLeft = useCountdown(revealed, () => setRevealed(null));

  if (person.error) {
    return isApiError(person.error, 'PERSON_NOT_FOUND') ? (
      <PersonNotFound />
    ) : (
      <ErrorResult error={person.error} onRetry={person.reload} />
    );
  }
  const data = person.data;
  if (!data) return <Spin className="page-spin" />;

  const active = data.status === 'active';
  const write = canAt('person.write', data.area?.path) && active;
  const done = () => {
    setDialog(null);
    setVersion((v) => v + 1);
  };

  return (
    <div className="page" data-testid="person-page">
      <Breadcrumb
        items={[
          { key: 'register', title: <Link to="/register">{t('nav.register')}</Link> },
          ...(data.house
            ? [{ key: 'house', title: <Link to={`/houses/${data.house.id}`}>{data.house.address}</Link> }]
            : []),
          { key: 'person', title: data.name },
        ]}
      />
      <div className="page-title-row">
        <Space wrap size={8} align="center">
          <Typography.Title level={3} className="page-title" data-testid="person-name">
            {data.name}
          </Typography.Title>
          <PersonStatusTag status={data.status} />
          <ResidenceTag type={data.residenceType} />
          <PersonTagList tags={data.tags} />
        </Space>
        <Space wrap className="page-actions">
          {write && (
            <Button icon={<EditOutlined />} onClick={() => setDialog('edit')} data-testid="person-edit">
              {t('person.edit')}
            </Button>
          )}
          {write && (
            <Button icon={<SwapOutlined />} onClick={() => setDialog('move')} data-testid="person-move">
              {t('person.move')}
            </Button>
          )}
          {write && (
            <Button
              danger
              icon={<LogoutOutlined />}
              onClick={() => setDialog('depart')}
              data-testid="person-depart"
            >
              {t('person.depart')}
            </Button>
          )}
          {can('health.read') && (
            <Link to={`/persons/${data.id}/contacts`} data-testid="person-contacts">
              <Button icon={<ShareAltOutlined />}>{t('contacts.find')}</Button>
            </Link>
          )}
          {canAt('person.reveal', data.area?.path) &&
            (revealed ? (
              <Button icon={<EyeInvisibleOutlined />} onClick={() => setRevealed(null)}>
                {t('person.hide')}
              </Button>
            ) : (
              <Button icon={<EyeOutlined />} onClick={() => setDialog('reveal')} data-testid="person-reveal">
                {t('person.reveal')}
              </Button>
            ))}
        </Space>
      </div>
      {!active && data.departedOn && (
        <Alert
          type="info"
          showIcon
          className="page-alert"
          title={t('person.departedAlert', { date: data.departedOn })}
          description={
            data.departureDestination
              ? t('person.destinationLabel', { destination: data.departureDestination })
              : undefined
          }
        />
      )}
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={15}>
          <Card size="small" title={t('person.details')} data-testid="person-details">
            <PersonDescriptions person={data} revealed={revealed} secondsLeft={secondsLeft} />
          </Card>
        </Col>
        <Col xs={24} xl={9}>
          {can('health.read') && (
            <div className="person-health">
              <PersonHealthCard personId={data.id} />
            </div>
          )}
          <Card size="small" title={t('person.history')} data-testid="person-history">
            <PersonHistory history={data.history} />
          </Card>
        </Col>
      </Row>
      {dialog === 'edit' && <EditPersonDialog person={data} onClose={() => setDialog(null)} onDone={done} />}
      {dialog === 'move' && <MovePersonDialog person={data} onClose={() => setDialog(null)} onDone={done} />}
      {dialog === 'depart' && (
        <DepartPersonDialog person={data} onClose={() => setDialog(null)} onDone={done} />
      )}
      {dialog === 'reveal' && (
        <RevealDialog
          person={data}
          onClose={() => setDialog(null)}
          onRevealed={(secrets) => {
            setDialog(null);
            setRevealed(secrets);
          }}
        />
      )}
    </div>
  );
}

interface PersonDescriptionsProps {
  person: PersonDetail;
  revealed: RevealResponse | null;
  secondsLeft: number;
}

function PersonDescriptions({ person, revealed, secondsLeft }: PersonDescriptionsProps) {
  const i18n = useI18n();
  const { t } = i18n;
  // The full date only while revealed: with the masked number it would be the whole number.
  const age = ageOf(revealed?.birthDate ?? null);
  const none = <span className="muted">{t('common.notFilled')}</span>;
  const value = (text: ReactNode) => (text === null || text === undefined || text === '' ? none : text);
  const secret = (
    shown: string | null | undefined,
    masked: string | null,
    testId: string,
    countdown = false,
  ) => (
    <Space size={6} wrap>
      <span className={shown ? 'code-text revealed' : 'code-text'} data-testid={testId}>
        {shown ?? masked ?? t('common.notFilled')}
      </span>
      {shown && countdown && (
        <span className="muted">{t('person.revealedFor', { seconds: secondsLeft })}</span>
      )}
    </Space>
  );

  const items: DescriptionsProps['items'] = [
    {
      key: 'documentType',
      label: t('field.documentType'),
      children: documentTypeLabel(i18n, person.documentType),
    },
    {
      key: 'documentNumber',
      label: t('field.documentNumber'),
      children: secret(revealed?.documentNumber, person.documentMasked, 'person-document', true),
    },
    { key: 'sex', label: t('field.sex'), children: sexLabel(i18n, person.sex) },
    revealed?.birthDate
      ? {
          key: 'birthDate',
          label: t('field.birthDate'),
          children: (
            <span className="code-text revealed" data-testid="person-birth">
              {revealed.birthDate}
              {age !== null && ` (${t('common.years', { age })})`}
            </span>
          ),
        }
      : {
          key: 'birthDate',
          label: t('field.birthYear'),
          children:
            person.birthYear !== null ? (
              <span data-testid="person-birth">{t('common.bornIn', { year: person.birthYear })}</span>
            ) : (
              none
            ),
        },
    {
      key: 'phone',
      label: t('field.phone'),
      children: revealed
        ? secret(revealed.phone ?? t('common.notFilled'), person.phoneMasked, 'person-phone')
        : secret(null, person.phoneMasked, 'person-phone'),
    },
    {
      key: 'house',
      label: t('field.house'),
      children: person.house ? <Link to={`/houses/${person.house.id}`}>{person.house.address}</Link> : none,
    },
    {
      key: 'area',
      label: t('field.area'),
      children: person.area ? <Link to={`/areas/${person.area.id}`}>{person.area.name}</Link> : none,
    },
    { key: 'currentAddress', label: t('field.currentAddress'), children: value(person.currentAddress) },
    { key: 'hukouAddress', label: t('field.hukouAddress'), children: value(person.hukouAddress) },
    { key: 'relation', label: t('field.relation'), children: value(person.relation) },
    { key: 'arrivalDate', label: t('field.arrivalDate'), children: value(person.arrivalDate) },
    { key: 'arrivedFrom', label: t('field.arrivedFrom'), children: value(person.arrivedFrom) },
    { key: 'arrivalReason', label: t('field.arrivalReason'), children: value(person.arrivalReason) },
    {
      key: 'expectedDeparture',
      label: t('field.expectedDeparture'),
      children: value(person.expectedDeparture),
    },
    { key: 'workplace', label: t('field.workplace'), children: value(person.workplace) },
    { key: 'updatedAt', label: t('field.updatedAt'), children: i18n.formatDateTime(person.updatedAt) },
  ];
  return (
    <Descriptions
      size="small"
      column={{ xs: 1, sm: 1, md: 2 }}
      bordered
      items={items}
      className="details-table"
    />
  );
}
