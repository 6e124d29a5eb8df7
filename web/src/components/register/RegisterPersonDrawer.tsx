import { IdcardOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  AutoComplete,
  Button,
  DatePicker,
  Drawer,
  Form,
  Input,
  Radio,
  Select,
  Space,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import { answer, api, call } from '../../api/client';
import type { LookupResponse, PersonView, VisitArrival } from '../../api/model';
import {
  ARRIVAL_REASONS,
  DOCUMENT_TYPES,
  type DocumentType,
  isOneOf,
  PERSON_TAGS,
  type PersonTag,
  RELATIONS,
  RESIDENCE_TYPES,
  type ResidenceType,
  type Sex,
  SEXES,
} from '../../api/vocabulary';
import { useI18n } from '../../i18n/context';
import {
  arrivalReasonLabel,
  documentTypeLabel,
  relationLabel,
  residenceLabel,
  sexLabel,
} from '../../i18n/labels';
import { AreaSelect } from '../AreaSelect';
import { showFormError } from '../forms';
import { ageOf, normaliseDocumentNumber, residentIdFacts } from './identity';
import { HouseSelect } from './pickers';
import { TagPicker } from './TagPicker';

interface PersonFormValues {
  documentType: DocumentType;
  documentNumber: string;
  name: string;
  sex?: Sex;
  birthDate?: Dayjs | null;
  phone?: string;
  placeKind: 'house' | 'area';
  houseId?: number;
  areaId?: number;
  residenceType?: ResidenceType;
  relation?: string;
  arrivalDate?: Dayjs | null;
  arrivedFrom?: string;
  arrivalReason?: string;
  expectedDeparture?: Dayjs | null;
  hukouAddress?: string;
  currentAddress?: string;
  workplace?: string;
  tags?: PersonTag[];
}

/** Where the form's answer goes: the register itself, or the visit form being filled in. */
export type RegisterTarget =
  | { kind: 'register'; house?: { id: number; address: string } }
  | { kind: 'visit'; house: { id: number; address: string } };

interface RegisterPersonDrawerProps {
  open: boolean;
  target: RegisterTarget;
  narrow: boolean;
  onClose: () => void;
  /** After the register took the person (created, or merged into the one with that document). */
  onRegistered?: (person: PersonView, created: boolean) => void;
  /** Visit form: the newcomer to add to the visit (registered when the visit is recorded). */
  onArrival?: (arrival: VisitArrival) => void;
}

const DATE = 'YYYY-MM-DD';
const dateText = (value: Dayjs | null | undefined) => (value ? value.format(DATE) : undefined);
const text = (value: string | undefined) => value?.trim() || undefined;

/** Drops what was left empty: the API takes absent fields, not empty strings. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(
    Object.entries(value).filter(
      ([, v]) => v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0),
    ),
  ) as T;
}

/**
 * Registers a person: the document comes first; leaving its field asks the server what the
 * number tells (sex, birth date) and whether the person is already registered here or elsewhere.
 */
export function RegisterPersonDrawer({
  open,
  target,
  narrow,
  onClose,
  onRegistered,
  onArrival,
}: RegisterPersonDrawerProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const [form] = Form.useForm<PersonFormValues>();
  const [lookup, setLookup] = useState<LookupResponse | null>(null);
  const [checking, setChecking] = useState(false);
  const [submitting, setSubmitting] = useState(false);
  const lastChecked = useRef('');
  const documentType = Form.useWatch('documentType', form) ?? 'resident_id';
  const placeKind = Form.useWatch('placeKind', form) ?? 'house';
  const fixedHouse = target.house;
  // A resident ID number fixes sex and birth date; other documents need them typed in.
  const derived = documentType === 'resident_id' && lookup !== null && lookup.sex !== null;

  const reset = () => {
    form.resetFields();
    setLookup(null);
    lastChecked.current = '';
  };

  const checkDocument = async () => {
    const type = (form.getFieldValue('documentType') as DocumentType | undefined) ?? 'resident_id';
    const number = normaliseDocumentNumber(
      (form.getFieldValue('documentNumber') as string | undefined) ?? '',
    );
    const key = `${type}:${number}`;
    if (!number || key === lastChecked.current) return;
    if (type === 'resident_id' && residentIdFacts(number) === null) {
      form.setFields([{ name: 'documentNumber', errors: [t('personForm.idInvalid')] }]);
      return;
    }
    lastChecked.current = key;
    setChecking(true);
    try {
      const result = await call(
        api.POST('/api/persons/lookup', { body: { documentNumber: number, documentType: type } }),
      );
      if (lastChecked.current !== key) return;
      setLookup(result);
      form.setFieldsValue({
        documentNumber: number,
        ...(result.sex !== null && isOneOf(SEXES, result.sex) ? { sex: result.sex } : {}),
        ...(result.birthDate ? { birthDate: dayjs(result.birthDate) } : {}),
      });
      // A known person: fill what is still empty, as grid workers expect of an ID number.
      const existing = result.existing;
      if (existing) {
        const current = form.getFieldsValue();
        form.setFieldsValue({
          ...(current.name ? {} : { name: existing.name }),
          ...(current.residenceType || !isOneOf(RESIDENCE_TYPES, existing.residenceType)
            ? {}
            : { residenceType: existing.residenceType }),
          ...(current.hukouAddress
            ? {}
            : existing.hukouAddress
              ? { hukouAddress: existing.hukouAddress }
              : {}),
          ...(current.workplace ? {} : existing.workplace ? { workplace: existing.workplace } : {}),
          ...(current.relation ? {} : existing.relation ? { relation: existing.relation } : {}),
          ...(current.tags?.length
            ? {}
            : { tags: existing.tags.filter((tag): tag is PersonTag => isOneOf(PERSON_TAGS, tag)) }),
        });
      }
    } catch (error) {
      lastChecked.current = '';
      setLookup(null);
      showFormError(form, error, i18n, message);
    } finally {
      setChecking(false);
    }
  };

  const toArrival = (values: PersonFormValues): VisitArrival =>
    compact({
      documentType: values.documentType,
      documentNumber: normaliseDocumentNumber(values.documentNumber),
      name: values.name.trim(),
      ...(derived ? {} : { sex: values.sex, birthDate: dateText(values.birthDate) }),
      phone: text(values.phone),
      residenceType: values.residenceType,
      relation: text(values.relation),
      arrivalDate: dateText(values.arrivalDate),
      arrivedFrom: text(values.arrivedFrom),
      arrivalReason: text(values.arrivalReason),
      expectedDeparture: dateText(values.expectedDeparture),
      hukouAddress: text(values.hukouAddress),
      currentAddress: text(values.currentAddress),
      workplace: text(values.workplace),
      tags: values.tags,
    });

  const submit = async (values: PersonFormValues) => {
    const arrival = toArrival(values);
    if (target.kind === 'visit') {
      onArrival?.(arrival);
      void message.success(t('personForm.added', { name: arrival.name }));
      reset();
      return;
    }
    setSubmitting(true);
    try {
      const place = fixedHouse
        ? { houseId: fixedHouse.id }
        : values.placeKind === 'house'
          ? { houseId: values.houseId }
          : { areaId: values.areaId };
      const { data: person, response } = await answer(
        api.POST('/api/persons', { body: { ...arrival, ...place } }),
      );
      // 201: a new person; 200: the document was known and that person was updated (merged).
      const created = response.status === 201;
      void message.success(t(created ? 'personForm.registered' : 'personForm.merged', { name: person.name }));
      reset();
      onRegistered?.(person, created);
    } catch (error) {
      showFormError(form, error, i18n, message);
    } finally {
      setSubmitting(false);
    }
  };

  const age = ageOf(lookup?.birthDate ?? null);

  return (
    <Drawer
      open={open}
      title={target.kind === 'visit' ? t('personForm.arrivalTitle') : t('personForm.title')}
      size={narrow ? '100%' : 560}
      onClose={onClose}
      afterOpenChange={(visible) => {
        if (!visible) reset();
      }}
      forceRender
      data-testid="register-person-drawer"
      extra={
        <Space>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button
            type="primary"
            loading={submitting}
            disabled={lookup?.registeredElsewhere === true}
            onClick={() => form.submit()}
            data-testid="register-person-submit"
          >
            {target.kind === 'visit' ? t('common.ok') : t('common.save')}
          </Button>
        </Space>
      }
    >
      <Form<PersonFormValues>
        form={form}
        layout="vertical"
        requiredMark="optional"
        initialValues={{ documentType: 'resident_id', placeKind: 'house' }}
        onFinish={(values) => void submit(values)}
      >
        <Typography.Title level={5} className="form-section-title">
          <IdcardOutlined /> {t('personForm.identity')}
        </Typography.Title>
        <Form.Item name="documentType" label={t('field.documentType')}>
          <Select<DocumentType>
            onChange={() => {
              setLookup(null);
              lastChecked.current = '';
            }}
            options={DOCUMENT_TYPES.map((value) => ({ value, label: documentTypeLabel(i18n, value) }))}
          />
        </Form.Item>
        <Form.Item
          name="documentNumber"
          label={t('field.documentNumber')}
          extra={checking ? t('personForm.checking') : t('personForm.documentHint')}
          rules={[{ required: true, whitespace: true, message: t('problem.required') }, { max: 40 }]}
        >
          <Input
            autoComplete="off"
            className="code-text"
            maxLength={40}
            onChange={() => {
              if (lookup) setLookup(null);
              lastChecked.current = '';
            }}
            onBlur={() => void checkDocument()}
            onPressEnter={(event) => {
              event.preventDefault();
              void checkDocument();
            }}
          />
        </Form.Item>
        {lookup?.existing && (
          <Alert
            type="info"
            showIcon
            className="form-alert"
            data-testid="lookup-existing"
            title={t('personForm.existing', {
              name: lookup.existing.name,
              area: lookup.existing.house?.address ?? lookup.existing.area?.name ?? '',
            })}
            action={
              <Link to={`/persons/${lookup.existing.id}`} onClick={onClose}>
                {t('personForm.openExisting')}
              </Link>
            }
          />
        )}
        {lookup?.registeredElsewhere && (
          <Alert
            type="warning"
            showIcon
            className="form-alert"
            data-testid="lookup-elsewhere"
            title={t('personForm.registeredElsewhere')}
          />
        )}
        {derived && lookup ? (
          <Form.Item label={`${t('field.sex')} · ${t('field.birthDate')}`} extra={t('personForm.derived')}>
            <div className="derived-facts" data-testid="derived-facts">
              {sexLabel(i18n, lookup.sex ?? 'unknown')} · {lookup.birthDate}
              {age !== null && ` · ${t('common.years', { age })}`}
            </div>
          </Form.Item>
        ) : (
          documentType !== 'resident_id' && (
            <Space wrap size={16}>
              <Form.Item name="sex" label={t('field.sex')}>
                <Radio.Group
                  optionType="button"
                  options={(['male', 'female'] as const).map((value) => ({
                    value,
                    label: sexLabel(i18n, value),
                  }))}
                />
              </Form.Item>
              <Form.Item name="birthDate" label={t('field.birthDate')}>
                <DatePicker disabledDate={(day) => day.isAfter(dayjs())} />
              </Form.Item>
            </Space>
          )
        )}

        <Typography.Title level={5} className="form-section-title">
          {t('personForm.basics')}
        </Typography.Title>
        <Form.Item
          name="name"
          label={t('field.name')}
          rules={[{ required: true, whitespace: true, message: t('problem.required') }, { max: 100 }]}
        >
          <Input autoComplete="off" />
        </Form.Item>
        <Form.Item
          name="phone"
          label={t('field.phone')}
          rules={[{ pattern: /^[\d\s+()-]{5,30}$/, message: t('personForm.phoneRule') }]}
        >
          <Input inputMode="tel" autoComplete="off" />
        </Form.Item>
        <Form.Item
          name="residenceType"
          label={t('field.residenceType')}
          rules={[{ required: true, message: t('problem.required') }]}
        >
          <Radio.Group
            optionType="button"
            options={RESIDENCE_TYPES.map((value) => ({ value, label: residenceLabel(i18n, value) }))}
          />
        </Form.Item>

        {target.kind === 'register' && (
          <>
            <Typography.Title level={5} className="form-section-title">
              {t('personForm.place')}
            </Typography.Title>
            {fixedHouse ? (
              <Form.Item label={t('field.house')}>
                <div className="derived-facts">{fixedHouse.address}</div>
              </Form.Item>
            ) : (
              <>
                <Form.Item name="placeKind" extra={t('personForm.placeHint')}>
                  <Radio.Group
                    optionType="button"
                    options={[
                      { value: 'house', label: t('field.house') },
                      { value: 'area', label: t('field.area') },
                    ]}
                  />
                </Form.Item>
                {placeKind === 'house' ? (
                  <Form.Item
                    name="houseId"
                    label={t('field.house')}
                    rules={[{ required: true, message: t('personForm.houseOrArea') }]}
                  >
                    <HouseSelect />
                  </Form.Item>
                ) : (
                  <Form.Item
                    name="areaId"
                    label={t('field.area')}
                    rules={[{ required: true, message: t('personForm.houseOrArea') }]}
                  >
                    <AreaSelect placeholder={t('areaSelect.residentPlaceholder')} />
                  </Form.Item>
                )}
              </>
            )}
          </>
        )}
        <Form.Item name="relation" label={t('field.relation')} rules={[{ max: 20 }]}>
          <AutoComplete
            options={RELATIONS.map((value) => ({ value, label: relationLabel(i18n, value) }))}
            filterOption={false}
          />
        </Form.Item>

        <Typography.Title level={5} className="form-section-title">
          {t('personForm.arrival')}
        </Typography.Title>
        <Space wrap size={16}>
          <Form.Item name="arrivalDate" label={t('field.arrivalDate')}>
            <DatePicker disabledDate={(day) => day.isAfter(dayjs().add(7, 'day'))} />
          </Form.Item>
          <Form.Item name="expectedDeparture" label={t('field.expectedDeparture')}>
            <DatePicker />
          </Form.Item>
        </Space>
        <Form.Item name="arrivedFrom" label={t('field.arrivedFrom')} rules={[{ max: 200 }]}>
          <Input />
        </Form.Item>
        <Form.Item name="arrivalReason" label={t('field.arrivalReason')} rules={[{ max: 200 }]}>
          <AutoComplete
            options={ARRIVAL_REASONS.map((value) => ({ value, label: arrivalReasonLabel(i18n, value) }))}
            filterOption={false}
          />
        </Form.Item>

        <Typography.Title level={5} className="form-section-title">
          {t('personForm.more')}
        </Typography.Title>
        <Form.Item name="tags" label={t('field.tags')}>
          <TagPicker />
        </Form.Item>
        <Form.Item name="hukouAddress" label={t('field.hukouAddress')} rules={[{ max: 200 }]}>
          <Input />
        </Form.Item>
        {target.kind === 'register' && (
          <Form.Item name="currentAddress" label={t('field.currentAddress')} rules={[{ max: 200 }]}>
            <Input />
          </Form.Item>
        )}
        <Form.Item name="workplace" label={t('field.workplace')} rules={[{ max: 200 }]}>
          <Input />
        </Form.Item>
        <button type="submit" hidden />
      </Form>
    </Drawer>
  );
}
