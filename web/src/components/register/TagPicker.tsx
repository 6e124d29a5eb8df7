import { Space, Tag } from 'antd';
import { PERSON_TAGS, type PersonTag } from '../../api/vocabulary';
import { useI18n } from '../../i18n/context';
import { tagLabel } from '../../i18n/labels';

interface TagPickerProps {
  value?: PersonTag[];
  onChange?: (tags: PersonTag[]) => void;
  id?: string;
}

/** The attention tags as chips to tap: easier on a phone than a drop-down. */
export function TagPicker({ value = [], onChange, id }: TagPickerProps) {
  const i18n = useI18n();
  return (
    <Space size={[6, 8]} wrap id={id} className="tag-picker">
      {PERSON_TAGS.map((tag) => (
        <Tag.CheckableTag
          key={tag}
          checked={value.includes(tag)}
          onChange={(checked) =>
            onChange?.(checked ? [...value, tag] : value.filter((existing) => existing !== tag))
          }
        >
          {tagLabel(i18n, tag)}
        </Tag.CheckableTag>
      ))}
    </Space>
  );
}
