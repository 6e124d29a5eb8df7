import { Space, Tag } from 'antd';
import { useI18n } from '../../i18n/context';
import { personStatusLabel, residenceLabel, tagLabel } from '../../i18n/labels';

const RESIDENCE_COLOURS: Record<string, string> = {
  registered: 'blue',
  permanent: 'geekblue',
  floating: 'orange',
  temporary: 'gold',
};

// Tags that call for a visit or care first stand out.
const URGENT_TAGS = new Set(['elderly_alone', 'bedridden', 'disabled', 'pregnant']);

export function ResidenceTag({ type }: { type: string }) {
  const i18n = useI18n();
  return <Tag color={RESIDENCE_COLOURS[type] ?? 'default'}>{residenceLabel(i18n, type)}</Tag>;
}

export function PersonStatusTag({ status }: { status: string }) {
  const i18n = useI18n();
  return (
    <Tag color={status === 'active' ? 'green' : status === 'departed' ? 'default' : 'red'}>
      {personStatusLabel(i18n, status)}
    </Tag>
  );
}

export function PersonTagList({ tags }: { tags: string[] }) {
  const i18n = useI18n();
  if (tags.length === 0) return null;
  return (
    <Space size={[2, 4]} wrap>
      {tags.map((tag) => (
        <Tag key={tag} color={URGENT_TAGS.has(tag) ? 'volcano' : 'purple'} variant="filled">
          {tagLabel(i18n, tag)}
        </Tag>
      ))}
    </Space>
  );
}
