import type { Actor, Db } from '../../auth/context.js';
import type { Viewer } from '../../auth/scope.js';
import { AppError } from '../../core/errors.js';
import type { FieldCipher } from '../../privacy/field-crypto.js';
import * as repo from './repository.js';
import { issueCertificate, signAtDesk } from './service.js';

/**
 * The demo village's return to work (复工复产): a few residents signed their commitment letter at the
 * committee's desk (星火村 does it there), and the committee issued residence certificates and, for
 * those whose health status is clear, health certificates — through the same rules as the desk page.
 */
export async function seedDemoCertificates(
  trx: Db,
  options: {
    village: { id: number; path: string };
    staff: { id: number; username: string; displayName: string };
    cipher: FieldCipher;
    now: Date;
  },
): Promise<{ commitments: number; certificates: number }> {
  const viewer: Viewer = {
    kind: 'user',
    userId: options.staff.id,
    username: options.staff.username,
    displayName: options.staff.displayName,
    assignments: [
      { role: 'community_staff', areaId: options.village.id, areaPath: options.village.path, categories: [] },
    ],
  };
  const residents = await repo.residentsUnder(trx, options.village.path, 40);
  let commitments = 0;
  let certificates = 0;
  for (const [i, resident] of residents.entries()) {
    // Spread over the last days, an hour apart, so the lists read like a week at the desk.
    const at = new Date(options.now.getTime() - (residents.length - i) * 3_600_000 * 3);
    const actor: Actor = { viewer, ip: null, now: () => at };
    if (i % 2 === 0) {
      await signAtDesk(trx, actor, { personId: resident.id, name: resident.name });
      commitments += 1;
    }
    if (i % 5 === 0) {
      await issueCertificate(trx, actor, options.cipher, { personId: resident.id, kind: 'residence' });
      certificates += 1;
    }
    if (i % 3 === 0) {
      try {
        await issueCertificate(trx, actor, options.cipher, { personId: resident.id, kind: 'health' });
        certificates += 1;
      } catch (error) {
        // Not green today: the desk would have refused it too.
        if (!(error instanceof AppError && error.code === 'CERTIFICATE_HEALTH_NOT_CLEAR')) throw error;
      }
    }
  }
  return { commitments, certificates };
}
