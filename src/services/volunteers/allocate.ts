/** Each volunteer covers 3–5 households (seeds/000): at least three, never more than five. */
export const MIN_HOUSEHOLDS = 3;
export const MAX_HOUSEHOLDS = 5;

export interface VolunteerLoad {
  userId: number;
  households: number;
}

/**
 * Hands uncovered houses (in address order) to volunteers: first everyone below three gets up to
 * three, then everyone up to five. Volunteers are taken in user id order and receive consecutive
 * houses, so neighbours share a volunteer. Deterministic: the same input gives the same result.
 */
export function allocateHouses(
  houseIds: readonly number[],
  volunteers: readonly VolunteerLoad[],
): Array<{ houseId: number; volunteerUserId: number }> {
  const loads = [...volunteers].sort((a, b) => a.userId - b.userId).map((v) => ({ ...v }));
  const result: Array<{ houseId: number; volunteerUserId: number }> = [];
  let next = 0;
  for (const target of [MIN_HOUSEHOLDS, MAX_HOUSEHOLDS]) {
    for (const volunteer of loads) {
      while (volunteer.households < target && next < houseIds.length) {
        result.push({ houseId: houseIds[next++]!, volunteerUserId: volunteer.userId });
        volunteer.households++;
      }
    }
  }
  return result;
}
