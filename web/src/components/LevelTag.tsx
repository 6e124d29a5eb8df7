import {
  AppstoreOutlined,
  ApartmentOutlined,
  BankOutlined,
  BorderOuterOutlined,
  BuildOutlined,
  ClusterOutlined,
  HomeOutlined,
} from '@ant-design/icons';
import { Tag } from 'antd';
import type { ReactNode } from 'react';
import type { AreaKind as Kind, Level } from '../api/vocabulary';
import { useI18n } from '../i18n/context';
import { kindLabel, levelLabel } from '../i18n/labels';

const LEVEL_STYLE: Record<Level, { color: string; icon: ReactNode }> = {
  city: { color: 'magenta', icon: <BankOutlined /> },
  county: { color: 'volcano', icon: <ClusterOutlined /> },
  township: { color: 'orange', icon: <ApartmentOutlined /> },
  village: { color: 'gold', icon: <HomeOutlined /> },
  grid: { color: 'green', icon: <AppstoreOutlined /> },
  microgrid: { color: 'cyan', icon: <BorderOuterOutlined /> },
  cell: { color: 'blue', icon: <BuildOutlined /> },
};

export const levelIcon = (level: Level): ReactNode => LEVEL_STYLE[level].icon;

export function LevelTag({ level }: { level: Level }) {
  const i18n = useI18n();
  const style = LEVEL_STYLE[level];
  return (
    <Tag color={style.color} icon={style.icon}>
      {levelLabel(i18n, level)}
    </Tag>
  );
}

export function KindTag({ kind }: { kind: Kind }) {
  const i18n = useI18n();
  return <Tag color={kind === 'ordinary' ? 'default' : 'purple'}>{kindLabel(i18n, kind)}</Tag>;
}
