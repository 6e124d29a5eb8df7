import type { Transaction } from 'kysely';
import type { DB, GeoJsonGeometry, ResidenceType } from '../db/schema.js';
import type { AreaRow } from '../hierarchy/repository.js';
import type { FieldCipher } from '../privacy/field-crypto.js';
import { residentIdCheckCharacter } from '../register/identity/identity-number.js';
import { protectPerson } from '../register/protect.js';
import { chineseName, type SeededRandom } from '../core/random.js';
import * as repo from './repository.js';

/** Where 星火村's tenants come from (GB/T 2260 county codes of the usual source regions). */
const TENANT_REGIONS = [
  '340823',
  '341221',
  '420116',
  '421023',
  '510623',
  '512021',
  '412826',
  '320721',
  '362330',
  '522121',
];
const VILLAGE_REGION = '310116';
const ENTERPRISE_WORDS = [
  '机械',
  '电子',
  '服装',
  '塑料',
  '食品',
  '五金',
  '包装',
  '化工',
  '物流',
  '建材',
  '纺织',
  '印务',
];

function residentId(
  random: SeededRandom,
  region: string,
  birth: Date,
  sex: 'male' | 'female',
  used: Set<string>,
): string {
  for (;;) {
    const date = `${birth.getUTCFullYear()}${String(birth.getUTCMonth() + 1).padStart(2, '0')}${String(birth.getUTCDate()).padStart(2, '0')}`;
    let sequence = random.int(1, 499) * 2;
    if (sex === 'male') sequence -= 1;
    const first17 = `${region}${date}${String(sequence).padStart(3, '0')}`;
    const id = first17 + residentIdCheckCharacter(first17);
    if (!used.has(id)) {
      used.add(id);
      return id;
    }
  }
}

function birthDate(random: SeededRandom, minAge: number, maxAge: number, today: Date): Date {
  const age = random.int(minAge, maxAge);
  return new Date(Date.UTC(today.getUTCFullYear() - age, random.int(0, 11), random.int(1, 28)));
}

const iso = (date: Date) => date.toISOString().slice(0, 10);

/**
 * The register of the demo village: 5–15 houses a row cell (~1,200), families of locals and
 * tenant households (~4,100 people), and 51 enterprises. ID numbers are valid but fictitious.
 */
export async function seedDemoRegister(
  trx: Transaction<DB>,
  cipher: FieldCipher,
  random: SeededRandom,
  cells: AreaRow[],
  village: AreaRow,
  now: Date,
) {
  const used = new Set<string>();
  const houses = [];
  for (const cell of cells) {
    const count = random.int(7, 13);
    for (let n = 1; n <= count; n++) {
      houses.push({
        area_id: cell.id,
        area_path: cell.path,
        address: `金山卫镇星火村${cell.name}${n}号`,
        door_number: String(n),
        road: cell.name,
        use: 'residential',
        tenure: random.chance(0.35) ? 'rented' : 'owned',
        house_type: 'house',
        rooms: random.int(3, 9),
        created_at: now,
        updated_at: now,
      });
    }
  }
  const storedHouses = [];
  for (let i = 0; i < houses.length; i += 1000) {
    storedHouses.push(...(await repo.insertHouses(trx, houses.slice(i, i + 1000))));
  }

  const persons = [];
  for (const house of storedHouses) {
    // A local family in every house; rented houses also hold one or two tenant households.
    const households = [
      { tenant: false },
      ...(house.tenure === 'rented'
        ? Array.from({ length: random.int(1, 2) }, () => ({ tenant: true }))
        : []),
    ];
    for (const household of households) {
      const size = household.tenant ? random.int(1, 3) : random.int(1, 4);
      const region = household.tenant ? random.pick(TENANT_REGIONS) : VILLAGE_REGION;
      const surname = chineseName(random).slice(0, 1);
      for (let member = 0; member < size; member++) {
        const sex: 'male' | 'female' = random.chance(0.5) ? 'male' : 'female';
        const born =
          member === 0
            ? birthDate(random, household.tenant ? 22 : 35, household.tenant ? 55 : 88, now)
            : birthDate(random, 0, household.tenant ? 50 : 80, now);
        const age = now.getUTCFullYear() - born.getUTCFullYear();
        const tags: string[] = [];
        if (age >= 70 && size === 1) tags.push('elderly_alone');
        else if (age >= 65) tags.push('elderly');
        if (age <= 2) tags.push('infant');
        if (random.chance(0.02)) tags.push('disabled');
        if (age >= 75 && random.chance(0.1)) tags.push('bedridden');
        const arrival = household.tenant ? new Date(now.getTime() - random.int(10, 900) * 86400000) : null;
        const id = residentId(random, region, born, sex, used);
        const phone =
          age >= 16 && random.chance(0.9)
            ? `1${random.pick(['3', '5', '7', '8', '9'])}${String(random.int(0, 999999999)).padStart(9, '0')}`
            : null;
        persons.push({
          area_id: house.area_id,
          area_path: house.area_path,
          house_id: house.id,
          document_type: 'resident_id',
          ...protectPerson(cipher, 'resident_id', { documentNumber: id, phone }),
          name:
            member === 0 || random.chance(0.6) ? surname + chineseName(random).slice(1) : chineseName(random),
          sex,
          region_code: region,
          hukou_address: household.tenant ? null : '上海市金山区金山卫镇星火村',
          current_address: house.address,
          residence_type: (household.tenant
            ? random.chance(0.7)
              ? 'floating'
              : 'temporary'
            : 'registered') as ResidenceType,
          relation: member === 0 ? '户主' : random.pick(['配偶', '子女', '父母', '孙子女']),
          arrival_date: arrival ? iso(arrival) : null,
          arrival_reason: arrival ? random.pick(['务工', '经商', '投亲', '就学']) : null,
          arrived_from: arrival ? `${region}` : null,
          workplace: household.tenant && age >= 18 ? `星火村${random.pick(ENTERPRISE_WORDS)}厂` : null,
          tags,
          created_at: now,
          updated_at: now,
        });
      }
    }
  }
  for (let i = 0; i < persons.length; i += 1000) await repo.insertPersons(trx, persons.slice(i, i + 1000));
  await repo.recordDemoRegistrations(trx, now);

  const units = Array.from({ length: 51 }, (_, i) => {
    const cell = random.pick(cells);
    return {
      area_id: cell.id,
      area_path: cell.path,
      name: `上海星火${random.pick(ENTERPRISE_WORDS)}有限公司${i + 1}厂`,
      category: 'enterprise' as const,
      legal_person: chineseName(random),
      contact_name: chineseName(random),
      employees: random.int(5, 320),
      address: `金山卫镇星火村工业路${i + 1}号`,
      created_at: now,
      updated_at: now,
    };
  });
  await repo.insertUnits(trx, units);
  // 81 cameras as in 星火村: road and river cameras, high-point "eagle eyes", and gates at the village entrances.
  const cameraKinds: Array<'road' | 'river' | 'high_point' | 'gate'> = [
    ...Array<'road'>(42).fill('road'),
    ...Array<'river'>(27).fill('river'),
    ...Array<'high_point'>(6).fill('high_point'),
    ...Array<'gate'>(6).fill('gate'),
  ];
  const cameraNames = { road: '道路监控', river: '河道监控', high_point: '高空鹰眼', gate: '村口卡口' };
  const cameras = cameraKinds.map((kind, i) => {
    const cell = cells[(i * 7) % cells.length]!;
    const ring = (cell.boundary as GeoJsonGeometry).coordinates[0] as number[][];
    const lng = (ring[0]![0]! + ring[2]![0]!) / 2;
    const lat = (ring[0]![1]! + ring[2]![1]!) / 2;
    return {
      area_id: cell.id,
      area_path: cell.path,
      code: `${village.code}C${String(i + 1).padStart(3, '0')}`,
      name: `${cameraNames[kind]}${i + 1}号`,
      kind,
      lng: Math.round(lng * 1e6) / 1e6,
      lat: Math.round(lat * 1e6) / 1e6,
      created_at: now,
    };
  });
  await repo.insertCameras(trx, cameras);
  return {
    houses: storedHouses.length,
    persons: persons.length,
    units: units.length,
    cameras: cameras.length,
    village: village.name,
  };
}
