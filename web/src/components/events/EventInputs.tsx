// Inputs the event forms share: the category tree, photos with previews and a size check.
import { CameraOutlined, DeleteOutlined } from '@ant-design/icons';
import { Button, Image, Space, TreeSelect, Typography } from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { api, call } from '../../api/client';
import { useResource } from '../../api/hooks';
import type { CategoryClassView } from '../../api/model';
import { useI18n } from '../../i18n/context';
import { localName } from './labels';

export const MAX_PHOTOS = 4;
/** The server re-encodes photos up to 10 MB; a bigger one is refused here before any upload. */
export const MAX_PHOTO_MB = 10;

interface CategoryTreeSelectProps {
  value?: number;
  onChange?: (id: number | undefined) => void;
  /** Only sub-categories can be chosen (entering an event); a filter takes classes too. */
  leavesOnly?: boolean;
  placeholder?: string;
  id?: string;
  className?: string;
}

export function categoryTreeData(items: CategoryClassView[], locale: 'zh-CN' | 'en', leavesOnly: boolean) {
  return items
    .filter((item) => !item.retired)
    .map((item) => ({
      value: item.id,
      title: localName({ locale }, item),
      selectable: !leavesOnly || item.children.length === 0,
      children: item.children
        .filter((child) => !child.retired)
        .map((child) => ({ value: child.id, title: localName({ locale }, child) })),
    }));
}

/** The category tree (classes and their sub-categories) as a searchable tree select. */
export function CategoryTreeSelect({
  value,
  onChange,
  leavesOnly = false,
  placeholder,
  id,
  className,
}: CategoryTreeSelectProps) {
  const { locale, t } = useI18n();
  const categories = useResource(
    (signal) =>
      call(api.GET('/api/events/categories', { params: { query: { includeRetired: false } }, signal })),
    [],
  );
  const treeData = useMemo(
    () => categoryTreeData(categories.data?.items ?? [], locale, leavesOnly),
    [categories.data, locale, leavesOnly],
  );
  return (
    <TreeSelect<number>
      id={id}
      className={className}
      allowClear
      showSearch
      treeNodeFilterProp="title"
      treeDefaultExpandAll
      loading={categories.loading}
      value={value}
      placeholder={placeholder ?? t('events.allCategories')}
      treeData={treeData}
      onChange={(next) => onChange?.(next ?? undefined)}
      data-testid="category-select"
      popupMatchSelectWidth={false}
    />
  );
}

/** Whether a picked file may go up: an image, not too big. Returns the problem, or null. */
export function photoProblem(t: ReturnType<typeof useI18n>['t'], file: File): string | null {
  if (!file.type.startsWith('image/')) return t('events.form.photoNotImage', { name: file.name });
  if (file.size > MAX_PHOTO_MB * 1024 * 1024)
    return t('events.form.photoTooLarge', { name: file.name, size: MAX_PHOTO_MB });
  return null;
}

interface PhotoPickerProps {
  value?: File[];
  onChange?: (files: File[]) => void;
  /** Tell the phone to open the rear camera (a worker on site); residents may also pick from the album. */
  camera?: boolean;
  max?: number;
  size?: 'middle' | 'large';
  testId?: string;
}

/** Up to `max` photos with previews; files that are not images or too big are refused with a note. */
export function PhotoPicker({
  value = [],
  onChange,
  camera = false,
  max = MAX_PHOTOS,
  size = 'middle',
  testId = 'photo-input',
}: PhotoPickerProps) {
  const { t } = useI18n();
  const input = useRef<HTMLInputElement>(null);
  const [problems, setProblems] = useState<string[]>([]);
  const previews = useMemo(() => value.map((file) => URL.createObjectURL(file)), [value]);
  useEffect(() => () => previews.forEach((url) => URL.revokeObjectURL(url)), [previews]);

  const add = (files: FileList | null) => {
    if (!files) return;
    const next = [...value];
    const refused: string[] = [];
    for (const file of Array.from(files)) {
      const problem = photoProblem(t, file);
      if (problem) refused.push(problem);
      else if (next.length < max) next.push(file);
    }
    setProblems(refused);
    onChange?.(next);
    if (input.current) input.current.value = '';
  };

  return (
    <div>
      <Space wrap size={8} align="start">
        {previews.map((url, index) => (
          <div key={url} style={{ position: 'relative' }}>
            <Image src={url} width={80} height={80} style={{ objectFit: 'cover', borderRadius: 6 }} />
            <Button
              size="small"
              shape="circle"
              danger
              icon={<DeleteOutlined />}
              style={{ position: 'absolute', top: -8, right: -8 }}
              aria-label={t('events.form.removePhoto')}
              onClick={() => onChange?.(value.filter((_, i) => i !== index))}
            />
          </div>
        ))}
        {value.length < max && (
          <Button
            icon={<CameraOutlined />}
            size={size}
            style={{ width: 80, height: 80, flexDirection: 'column' }}
            onClick={() => input.current?.click()}
          >
            <span style={{ fontSize: 12 }}>{t('events.form.addPhoto')}</span>
          </Button>
        )}
      </Space>
      <input
        ref={input}
        type="file"
        accept="image/*"
        multiple={!camera}
        {...(camera ? { capture: 'environment' } : {})}
        style={{ display: 'none' }}
        data-testid={testId}
        onChange={(event) => add(event.target.files)}
      />
      <Typography.Paragraph type="secondary" style={{ margin: '4px 0 0' }}>
        {t('events.form.photoLimit', { max, size: MAX_PHOTO_MB })}
      </Typography.Paragraph>
      {problems.map((problem) => (
        <Typography.Paragraph key={problem} type="danger" style={{ margin: 0 }}>
          {problem}
        </Typography.Paragraph>
      ))}
    </div>
  );
}
