import { BankOutlined, HomeOutlined, TeamOutlined } from '@ant-design/icons';
import { Card, Tabs } from 'antd';
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useOptionalArea } from '../api/hooks';
import type { AreaView } from '../api/model';
import { HouseList } from '../components/register/HouseList';
import { PersonList } from '../components/register/PersonList';
import { UnitList } from '../components/register/UnitList';
import { NARROW_SCREEN, useMediaQuery } from '../components/useMediaQuery';
import { PERSON_HEALTH_FILTERS, type PersonHealthFilter } from '../api/vocabulary';
import { useI18n } from '../i18n/context';

const TABS = ['persons', 'houses', 'units'] as const;
type Tab = (typeof TABS)[number];

/** The register (一标三实): people, houses and units; tab and area filter live in the address. */
export function RegisterPage() {
  const { t } = useI18n();
  const narrow = useMediaQuery(NARROW_SCREEN);
  const [params, setParams] = useSearchParams();
  const tabParam = params.get('tab');
  const tab: Tab = TABS.find((candidate) => candidate === tabParam) ?? 'persons';
  const withinParam = Number(params.get('within'));
  const within = Number.isInteger(withinParam) && withinParam > 0 ? withinParam : undefined;
  const healthParam = params.get('health');
  const health = PERSON_HEALTH_FILTERS.find((candidate) => candidate === healthParam);
  const [picked, setPicked] = useState<AreaView | null>(null);
  // Opened from an area page (?within=): the filter names that area.
  const linked = useOptionalArea(picked?.id === within ? undefined : within);
  const withinArea = picked?.id === within ? picked : (linked.data ?? null);

  const update = (next: {
    tab?: Tab;
    within?: number | undefined;
    health?: PersonHealthFilter | undefined;
  }) => {
    const merged = new URLSearchParams(params);
    if (next.tab !== undefined) merged.set('tab', next.tab);
    if ('health' in next) {
      if (next.health === undefined) merged.delete('health');
      else merged.set('health', next.health);
    }
    if ('within' in next) {
      if (next.within === undefined) merged.delete('within');
      else merged.set('within', String(next.within));
    }
    setParams(merged, { replace: true });
  };
  const filterProps = {
    within,
    withinArea,
    onWithinChange: (id: number | undefined, area: AreaView | null) => {
      setPicked(area);
      update({ within: id });
    },
  };

  return (
    <div className="page" data-testid="register-page">
      <Card className="register-card">
        <Tabs
          activeKey={tab}
          onChange={(key) => update({ tab: key as Tab })}
          items={[
            {
              key: 'persons',
              label: t('register.persons'),
              icon: <TeamOutlined />,
              children: (
                <PersonList
                  {...filterProps}
                  narrow={narrow}
                  health={health}
                  onHealthChange={(value) => update({ health: value })}
                />
              ),
            },
            {
              key: 'houses',
              label: t('register.houses'),
              icon: <HomeOutlined />,
              children: <HouseList {...filterProps} />,
            },
            {
              key: 'units',
              label: t('register.units'),
              icon: <BankOutlined />,
              children: <UnitList {...filterProps} />,
            },
          ]}
          destroyOnHidden
        />
      </Card>
    </div>
  );
}
