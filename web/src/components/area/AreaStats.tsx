import { Card, Col, Row, Statistic } from 'antd';
import type { AreaDetail } from '../../api/model';
import { useI18n } from '../../i18n/context';
import { levelLabel } from '../../i18n/labels';
import { levelIcon } from '../LevelTag';
import { levelsBelow } from './levels';

/** How many areas of each level lie below this one. */
export function AreaStats({ area }: { area: AreaDetail }) {
  const i18n = useI18n();
  const levels = levelsBelow(area.level);
  if (levels.length === 0) return null;
  return (
    <Row gutter={[12, 12]} className="area-stats" data-testid="area-stats">
      {levels.map((level) => (
        <Col key={level} xs={12} sm={8} md={6} xl={4}>
          <Card size="small">
            <Statistic
              title={levelLabel(i18n, level)}
              value={area.descendantCounts[level] ?? 0}
              prefix={levelIcon(level)}
            />
          </Card>
        </Col>
      ))}
    </Row>
  );
}
