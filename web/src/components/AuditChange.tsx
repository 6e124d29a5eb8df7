import { Col, Row, Typography } from 'antd';
import type { AuditEntryView } from '../api/model';
import { useI18n } from '../i18n/context';

const json = (value: unknown) => JSON.stringify(value, null, 2);

/** The recorded state before and after a change, side by side. */
export function AuditChange({ entry }: { entry: AuditEntryView }) {
  const { t } = useI18n();
  const sides = [
    { key: 'before', title: t('audit.before'), value: entry.before },
    { key: 'after', title: t('audit.after'), value: entry.after },
  ].filter((side) => side.value !== null && side.value !== undefined);
  if (sides.length === 0) return <Typography.Text type="secondary">{t('audit.noDetail')}</Typography.Text>;
  return (
    <Row gutter={[16, 8]}>
      {sides.map((side) => (
        <Col key={side.key} xs={24} md={24 / sides.length}>
          <Typography.Text strong>{side.title}</Typography.Text>
          <pre className="json-block">{json(side.value)}</pre>
        </Col>
      ))}
    </Row>
  );
}
