// Inputs the event forms share: the category tree, photos with previews and a size check.
import { CameraOutlined, DeleteOutlined, PictureOutlined } from '@ant-design/icons';
import { Button, Image, Space, Spin, TreeSelect, Typography } from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { api, call } from '../../api/client';
import { useResource } from '../../api/hooks';
import type { CategoryClassView } from '../../api/model';
import { useI18n } from '../../i18n/context';
import { formatBytes, resizePhoto } from '../photos/resize';
import { localName } from './labels';

export const MAX_PHOTOS = 4;
/** The server takes photos up to 10 MB; one still bigger after resizing is refused here before any upload. */
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
  /** A worker on site: a "take photo" button opening the rear camera beside the album. */
  camera?: boolean;
  max?: number;
  size?: 'middle' | 'large';
  /** The album input's test id; the camera input's is `${testId}-camera`. */
  testId?: string;
}

/**
 * Up to `max` photos with previews. Each picked photo is made small on the phone first (upright,
 * longest side 1600 px, JPEG; see photos/resize.ts) and its caption shows the size before and after;
 * files that are not images or still too big are refused with a note.
 */
export function PhotoPicker({
  value = [],
  onChange,
  camera = false,
  max = MAX_PHOTOS,
  size = 'middle',
  testId = 'photo-input',
}: PhotoPickerProps) {
  const { t } = useI18n();
  const album = useRef<HTMLInputElement>(null);
  const shutter = useRef<HTMLInputElement>(null);
  const [problems, setProblems] = useState<string[]>([]);
  const [resizing, setResizing] = useState(0);
  // The size each photo had before it was made small, for its caption.
  // (A ref: the captions render again when the new list comes back through `value`.)
  const originalBytes = useRef(new WeakMap<File, number>());
  const previews = useMemo(() => value.map((file) => URL.createObjectURL(file)), [value]);
  useEffect(() => () => previews.forEach((url) => URL.revokeObjectURL(url)), [previews]);

  const add = async (input: HTMLInputElement | null) => {
    const files = Array.from(input?.files ?? []);
    if (input) input.value = '';
    if (files.length === 0) return;
    const refused: string[] = [];
    const room = Math.max(0, max - value.length);
    const wanted = files.filter((file) => {
      if (file.type.startsWith('image/')) return true;
      refused.push(t('events.form.photoNotImage', { name: file.name }));
      return false;
    });
    setResizing(Math.min(room, wanted.length));
    const resized = await Promise.all(wanted.slice(0, room).map((file) => resizePhoto(file)));
    setResizing(0);
    const next = [...value];
    for (const photo of resized) {
      const problem = photoProblem(t, photo.file);
      if (problem) refused.push(problem);
      else {
        next.push(photo.file);
        originalBytes.current.set(photo.file, photo.originalBytes);
      }
    }
    setProblems(refused);
    onChange?.(next);
  };

  const caption = (file: File) => {
    const before = originalBytes.current.get(file);
    return before !== undefined && before !== file.size
      ? t('events.form.photoResized', { from: formatBytes(before), to: formatBytes(file.size) })
      : formatBytes(file.size);
  };
  const tile = { width: 88, height: 80, flexDirection: 'column' } as const;

  return (
    <div>
      <Space wrap size={8} align="start">
        {previews.map((url, index) => (
          <div key={url} style={{ position: 'relative', width: 88 }} data-testid="photo-preview">
            <Image src={url} width={88} height={80} style={{ objectFit: 'cover', borderRadius: 6 }} />
            <Button
              size="small"
              shape="circle"
              danger
              icon={<DeleteOutlined />}
              style={{ position: 'absolute', top: -8, right: -8 }}
              aria-label={t('events.form.removePhoto')}
              onClick={() => onChange?.(value.filter((_, i) => i !== index))}
            />
            <div className="photo-size" data-testid="photo-size">
              {value[index] && caption(value[index])}
            </div>
          </div>
        ))}
        {Array.from({ length: resizing }, (_, index) => (
          <div key={`resizing-${index}`} className="photo-resizing" style={tile}>
            <Spin size="small" />
            <span style={{ fontSize: 12 }}>{t('events.form.resizing')}</span>
          </div>
        ))}
        {value.length + resizing < max && camera && (
          <Button icon={<CameraOutlined />} size={size} style={tile} onClick={() => shutter.current?.click()}>
            <span style={{ fontSize: 12 }}>{t('events.form.takePhoto')}</span>
          </Button>
        )}
        {value.length + resizing < max && (
          <Button
            icon={camera ? <PictureOutlined /> : <CameraOutlined />}
            size={size}
            style={tile}
            onClick={() => album.current?.click()}
          >
            <span style={{ fontSize: 12 }}>
              {t(camera ? 'events.form.fromAlbum' : 'events.form.addPhoto')}
            </span>
          </Button>
        )}
      </Space>
      {camera && (
        <input
          ref={shutter}
          type="file"
          accept="image/*"
          capture="environment"
          style={{ display: 'none' }}
          data-testid={`${testId}-camera`}
          onChange={(event) => void add(event.target)}
        />
      )}
      <input
        ref={album}
        type="file"
        accept="image/*"
        multiple
        style={{ display: 'none' }}
        data-testid={testId}
        onChange={(event) => void add(event.target)}
      />
      <Typography.Paragraph type="secondary" style={{ margin: '4px 0 0' }}>
        {t('events.form.photoLimit', { max })}
      </Typography.Paragraph>
      {problems.map((problem) => (
        <Typography.Paragraph key={problem} type="danger" style={{ margin: 0 }}>
          {problem}
        </Typography.Paragraph>
      ))}
    </div>
  );
}
