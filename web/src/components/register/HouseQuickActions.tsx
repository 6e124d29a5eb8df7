// What a worker at the door needs first, in thumb-sized buttons: start the visit, see who lives
// here, call them. Phones are masked; dialling needs the full number, asked for with a reason
// (proposed, audit-logged; the phone alone, no ID number) and kept on screen for a minute only.
import { PhoneOutlined, SolutionOutlined, TeamOutlined } from '@ant-design/icons';
import { Alert, Button, Drawer, Form, Input, List, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { api, call } from '../../api/client';
import type { HouseDetail, PersonView } from '../../api/model';
import { useAuth } from '../../auth/AuthContext';
import { useI18n } from '../../i18n/context';
import { FormModal } from '../FormModal';

/** Revealed phone numbers stay on screen this long, as on the Today page. */
const REVEAL_MS = 60_000;

/** The householder first, then everyone else with a phone, as registered. */
function callable(residents: PersonView[]): PersonView[] {
  const withPhone = residents.filter((person) => person.phoneMasked);
  const householder = (person: PersonView) => (person.relation?.includes('户主') ? 0 : 1);
  return [...withPhone].sort((a, b) => householder(a) - householder(b));
}

export function HouseQuickActions({
  house,
  onResidents,
}: {
  house: HouseDetail;
  /** Brings the residents list into view. */
  onResidents: () => void;
}) {
  const { t } = useI18n();
  const { canAt } = useAuth();
  const navigate = useNavigate();
  const [calling, setCalling] = useState(false);
  const write = canAt('person.write', house.area.path);

  return (
    <div className="house-quick" data-testid="house-quick-actions">
      {write && (
        <Button
          type="primary"
          size="large"
          icon={<SolutionOutlined />}
          data-testid="house-quick-visit"
          onClick={() => void navigate(`/visits/new?houseId=${house.id}`)}
        >
          {t('house.quick.visit')}
        </Button>
      )}
      <Button size="large" icon={<TeamOutlined />} data-testid="house-quick-residents" onClick={onResidents}>
        {t('house.quick.residents')} {house.residents.length}
      </Button>
      <Button
        size="large"
        icon={<PhoneOutlined />}
        data-testid="house-quick-call"
        onClick={() => setCalling(true)}
      >
        {t('house.quick.call')}
      </Button>
      <CallDrawer house={house} open={calling} onClose={() => setCalling(false)} />
    </div>
  );
}

function CallDrawer({ house, open, onClose }: { house: HouseDetail; open: boolean; onClose: () => void }) {
  const { t } = useI18n();
  const { canAt } = useAuth();
  const [revealing, setRevealing] = useState<PersonView | null>(null);
  const [phones, setPhones] = useState<Record<number, string>>({});
  const mayReveal = canAt('person.reveal', house.area.path);
  const people = callable(house.residents);

  // Full numbers leave the screen after a minute.
  useEffect(() => {
    if (Object.keys(phones).length === 0) return;
    const timer = window.setTimeout(() => setPhones({}), REVEAL_MS);
    return () => window.clearTimeout(timer);
  }, [phones]);

  return (
    <Drawer
      placement="bottom"
      size="auto"
      open={open}
      onClose={onClose}
      title={t('house.call.title')}
      data-testid="house-call-drawer"
    >
      {people.length === 0 ? (
        <Typography.Text type="secondary">{t('house.call.none')}</Typography.Text>
      ) : (
        <>
          {mayReveal && <Alert type="info" showIcon className="dialog-hint" title={t('house.call.hint')} />}
          <List<PersonView>
            dataSource={people}
            renderItem={(person) => {
              const phone = phones[person.id];
              return (
                <List.Item className="house-call-item" data-testid="house-call-person">
                  <div>
                    <div className="today-name">
                      {person.name}
                      {person.relation && <span className="muted"> · {person.relation}</span>}
                    </div>
                    <div className="code-text">{person.phoneMasked}</div>
                  </div>
                  {phone ? (
                    <a href={`tel:${phone}`} data-testid="house-call-link">
                      <Button type="primary" size="large" icon={<PhoneOutlined />}>
                        {t('house.call.dial', { phone })}
                      </Button>
                    </a>
                  ) : (
                    mayReveal && (
                      <Button size="large" data-testid="house-call-show" onClick={() => setRevealing(person)}>
                        {t('house.call.show')}
                      </Button>
                    )
                  )}
                </List.Item>
              );
            }}
          />
        </>
      )}
      {revealing && (
        <CallDialog
          person={revealing}
          onClose={() => setRevealing(null)}
          onNumber={(number) => {
            if (number) setPhones((current) => ({ ...current, [revealing.id]: number }));
            setRevealing(null);
          }}
        />
      )}
    </Drawer>
  );
}

/** Asks for the number with a reason the audit log keeps (proposed: contacting the household on a visit). */
function CallDialog({
  person,
  onClose,
  onNumber,
}: {
  person: PersonView;
  onClose: () => void;
  onNumber: (phone: string | null) => void;
}) {
  const { t } = useI18n();
  return (
    <FormModal<{ reason: string }>
      testId="call-dialog"
      title={t('house.call.confirm', { name: person.name })}
      okText={t('house.call.show')}
      initialValues={{ reason: t('house.call.reason') }}
      onCancel={onClose}
      onSubmit={async (values) => {
        const answer = await call(
          api.POST('/api/persons/{id}/call', {
            params: { path: { id: person.id } },
            body: { reason: values.reason.trim() },
          }),
        );
        onNumber(answer.phone);
      }}
    >
      <Form.Item
        name="reason"
        label={t('person.revealReason')}
        rules={[
          { required: true, whitespace: true, message: t('person.revealReasonRule') },
          { min: 2, message: t('person.revealReasonRule') },
          { max: 200 },
        ]}
      >
        <Input autoComplete="off" data-testid="call-reason" />
      </Form.Item>
    </FormModal>
  );
}
