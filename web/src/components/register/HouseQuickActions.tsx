// What a worker at the door needs first, in thumb-sized buttons: start the visit, see who lives
// here, call them. Phones are masked; dialling needs the full number, shown through the audited
// reveal (with a proposed reason) and kept on screen for a minute only.
import { PhoneOutlined, SolutionOutlined, TeamOutlined } from '@ant-design/icons';
import { Alert, Button, Drawer, List, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import type { HouseDetail, PersonView } from '../../api/model';
import { useAuth } from '../../auth/AuthContext';
import { useI18n } from '../../i18n/context';
import { RevealDialog } from './PersonDialogs';

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
        <RevealDialog
          person={revealing}
          initialReason={t('house.call.reason')}
          onClose={() => setRevealing(null)}
          onRevealed={(secrets) => {
            const number = secrets.phone;
            if (number) setPhones((current) => ({ ...current, [revealing.id]: number }));
            setRevealing(null);
          }}
        />
      )}
    </Drawer>
  );
}
