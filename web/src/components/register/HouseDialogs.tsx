import { App, Col, DatePicker, Form, Input, InputNumber, Row, Select } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { api, call } from '../../api/client';
import type { HouseBody, HouseDetail, HouseView, PersonView } from '../../api/model';
import {
  HOUSE_TENURES,
  HOUSE_TYPES,
  HOUSE_USES,
  type HouseTenure,
  type HouseType,
  type HouseUse,
  isOneOf,
} from '../../api/vocabulary';
import { useI18n } from '../../i18n/context';
import { houseTypeLabel, houseUseLabel, tenureLabel } from '../../i18n/labels';
import { AreaSelect } from '../AreaSelect';
import { FormModal } from '../FormModal';
import { PersonSelect } from './pickers';

interface HouseValues {
  areaId?: number;
  address: string;
  addressCode?: string;
  road?: string;
  doorNumber?: string;
  building?: string;
  unitNumber?: string;
  room?: string;
  use?: HouseUse;
  tenure?: HouseTenure;
  houseType?: HouseType;
  rooms?: number | null;
  floorArea?: number | null;
}

const PARTS = ['road', 'doorNumber', 'building', 'unitNumber', 'room'] as const;

function toInput(values: HouseValues): Omit<HouseBody, 'areaId'> {
  const input: Omit<HouseBody, 'areaId'> = { address: values.address.trim() };
  if (values.use) input.use = values.use;
  if (values.tenure) input.tenure = values.tenure;
  if (values.houseType) input.houseType = values.houseType;
  for (const part of [...PARTS, 'addressCode'] as const) {
    const value = values[part]?.trim();
    if (value) input[part] = value;
  }
  if (values.rooms !== undefined && values.rooms !== null) input.rooms = values.rooms;
  if (values.floorArea !== undefined && values.floorArea !== null) input.floorArea = values.floorArea;
  return input;
}

function HouseFields({ withArea }: { withArea: boolean }) {
  const i18n = useI18n();
  const { t } = i18n;
  return (
    <>
      {withArea && (
        <Form.Item
          name="areaId"
          label={t('field.area')}
          extra={t('house.areaHint')}
          rules={[{ required: true, message: t('problem.required') }]}
        >
          <AreaSelect placeholder={t('areaSelect.residentPlaceholder')} />
        </Form.Item>
      )}
      <Form.Item
        name="address"
        label={t('field.address')}
        rules={[{ required: true, whitespace: true, message: t('problem.required') }, { max: 200 }]}
      >
        <Input />
      </Form.Item>
      <Row gutter={12}>
        {PARTS.map((part) => (
          <Col key={part} xs={12} sm={8}>
            <Form.Item name={part} label={t(`field.${part}`)} rules={[{ max: part === 'road' ? 100 : 30 }]}>
              <Input />
            </Form.Item>
          </Col>
        ))}
        <Col xs={12} sm={8}>
          <Form.Item
            name="addressCode"
            label={t('field.addressCode')}
            rules={[{ pattern: /^[0-9A-Za-z]{6,40}$/, message: t('problem.oneOf') }]}
          >
            <Input className="code-text" />
          </Form.Item>
        </Col>
      </Row>
      <Row gutter={12}>
        <Col xs={24} sm={8}>
          <Form.Item name="use" label={t('field.use')}>
            <Select options={HOUSE_USES.map((value) => ({ value, label: houseUseLabel(i18n, value) }))} />
          </Form.Item>
        </Col>
        <Col xs={12} sm={8}>
          <Form.Item name="tenure" label={t('field.tenure')}>
            <Select options={HOUSE_TENURES.map((value) => ({ value, label: tenureLabel(i18n, value) }))} />
          </Form.Item>
        </Col>
        <Col xs={12} sm={8}>
          <Form.Item name="houseType" label={t('field.houseType')}>
            <Select options={HOUSE_TYPES.map((value) => ({ value, label: houseTypeLabel(i18n, value) }))} />
          </Form.Item>
        </Col>
        <Col xs={12} sm={8}>
          <Form.Item name="rooms" label={t('field.rooms')}>
            <InputNumber min={0} max={500} precision={0} className="full-width" />
          </Form.Item>
        </Col>
        <Col xs={12} sm={8}>
          <Form.Item name="floorArea" label={t('field.floorArea')}>
            <InputNumber min={0} max={1000000} className="full-width" />
          </Form.Item>
        </Col>
      </Row>
    </>
  );
}

interface CreateHouseDialogProps {
  onClose: () => void;
  onCreated: (house: HouseView) => void;
}

export function CreateHouseDialog({ onClose, onCreated }: CreateHouseDialogProps) {
  const { t } = useI18n();
  const { message } = App.useApp();
  return (
    <FormModal<HouseValues>
      testId="create-house-dialog"
      title={t('house.create')}
      okText={t('common.create')}
      initialValues={{ use: 'residential', tenure: 'owned', houseType: 'house' }}
      onCancel={onClose}
      onSubmit={async (values) => {
        const house = await call(
          api.POST('/api/houses', { body: { areaId: values.areaId!, ...toInput(values) } }),
        );
        void message.success(t('house.created', { address: house.address }));
        onCreated(house);
      }}
    >
      <HouseFields withArea />
    </FormModal>
  );
}

interface EditHouseDialogProps {
  house: HouseView;
  onClose: () => void;
  onDone: () => void;
}

export function EditHouseDialog({ house, onClose, onDone }: EditHouseDialogProps) {
  const { t } = useI18n();
  const { message } = App.useApp();
  return (
    <FormModal<HouseValues>
      testId="edit-house-dialog"
      title={t('house.editTitle')}
      initialValues={{
        address: house.address,
        addressCode: house.addressCode ?? undefined,
        road: house.road ?? undefined,
        doorNumber: house.doorNumber ?? undefined,
        building: house.building ?? undefined,
        unitNumber: house.unitNumber ?? undefined,
        room: house.room ?? undefined,
        // A word this page does not know yet leaves the field empty rather than sending it back.
        use: isOneOf(HOUSE_USES, house.use) ? house.use : undefined,
        tenure: isOneOf(HOUSE_TENURES, house.tenure) ? house.tenure : undefined,
        houseType: isOneOf(HOUSE_TYPES, house.houseType) ? house.houseType : undefined,
        rooms: house.rooms,
        floorArea: house.floorArea,
      }}
      onCancel={onClose}
      onSubmit={async (values) => {
        await call(
          api.PATCH('/api/houses/{id}', { params: { path: { id: house.id } }, body: toInput(values) }),
        );
        void message.success(t('house.updated'));
        onDone();
      }}
    >
      <HouseFields withArea={false} />
    </FormModal>
  );
}

interface TenancyValues {
  tenantPersonId: number;
  landlordPersonId?: number;
  startsOn: Dayjs;
  endsOn?: Dayjs | null;
  leaseReference?: string;
}

interface AddTenancyDialogProps {
  house: HouseDetail;
  onClose: () => void;
  onDone: () => void;
}

/** An online lease record (网上租赁登记): a resident of the house rents it from a landlord. */
export function AddTenancyDialog({ house, onClose, onDone }: AddTenancyDialogProps) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const landlord: PersonView | null = house.residents.find((p) => p.id === house.landlordPersonId) ?? null;
  return (
    <FormModal<TenancyValues>
      testId="add-tenancy-dialog"
      title={t('house.addTenancy')}
      initialValues={{ startsOn: dayjs(), landlordPersonId: house.landlordPersonId ?? undefined }}
      onCancel={onClose}
      onSubmit={async (values) => {
        const reference = values.leaseReference?.trim();
        await call(
          api.POST('/api/houses/{id}/tenancies', {
            params: { path: { id: house.id } },
            body: {
              tenantPersonId: values.tenantPersonId,
              startsOn: values.startsOn.format('YYYY-MM-DD'),
              ...(values.landlordPersonId ? { landlordPersonId: values.landlordPersonId } : {}),
              ...(values.endsOn ? { endsOn: values.endsOn.format('YYYY-MM-DD') } : {}),
              ...(reference ? { leaseReference: reference } : {}),
            },
          }),
        );
        void message.success(t('house.tenancyAdded'));
        onDone();
      }}
    >
      <Form.Item
        name="tenantPersonId"
        label={t('house.tenant')}
        extra={t('house.tenantHint')}
        rules={[{ required: true, message: t('problem.required') }]}
      >
        <Select
          options={house.residents.map((person) => ({
            value: person.id,
            label: `${person.name} · ${person.documentMasked}`,
          }))}
        />
      </Form.Item>
      <Form.Item name="landlordPersonId" label={t('field.landlord')}>
        <PersonSelect placeholder={t('house.landlordPlaceholder')} initial={landlord} />
      </Form.Item>
      <Row gutter={12}>
        <Col xs={12}>
          <Form.Item
            name="startsOn"
            label={t('house.startsOn')}
            rules={[{ required: true, message: t('problem.required') }]}
          >
            <DatePicker className="full-width" />
          </Form.Item>
        </Col>
        <Col xs={12}>
          <Form.Item name="endsOn" label={t('house.endsOn')}>
            <DatePicker className="full-width" />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item name="leaseReference" label={t('house.leaseReference')} rules={[{ max: 100 }]}>
        <Input />
      </Form.Item>
    </FormModal>
  );
}
