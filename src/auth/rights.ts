import { type DepartmentCategory, type Right, RIGHTS, type Role, ROLES } from '../core/vocabulary.js';

// Roles and rights are named once, in the vocabulary; this module says which role holds which right.
export { ROLES, RIGHTS, type Right, type Role } from '../core/vocabulary.js';

/**
 * Data categories a department role can be granted; each opens the rights listed. The health
 * department organises screening (health.manage: uploads, rounds, key-person list) but gets no
 * health.write: marking a person, recording a follow-up or verifying a lead is done by whoever
 * saw the person on the ground.
 */
export const DEPARTMENT_CATEGORIES = {
  health: ['person.read', 'health.read', 'health.manage'],
  police: ['person.read', 'event.read', 'checkpoint.read'],
  industry: ['event.read'],
  city_management: ['event.read', 'event.handle'],
} as const satisfies Record<DepartmentCategory, readonly Right[]>;
export type { DepartmentCategory } from '../core/vocabulary.js';

const READ_ALL: Right[] = ['area.read', 'user.read', 'person.read', 'health.read', 'event.read'];

export const ROLE_RIGHTS: Record<Role, readonly Right[]> = {
  admin: RIGHTS,
  commander: [
    ...READ_ALL,
    'audit.read',
    'person.export',
    'event.dispatch',
    'announcement.write',
    'review.read',
    'checkpoint.read',
  ],
  community_staff: [
    ...READ_ALL,
    'area.manage',
    'user.manage',
    'audit.read',
    'person.write',
    'person.reveal',
    'person.export',
    'health.write',
    'health.manage',
    'event.handle',
    'event.dispatch',
    'service.handle',
    'service.manage',
    'event.configure',
    'announcement.write',
    'team.manage',
    'review.read',
    'checkpoint.read',
    'checkpoint.check',
    'checkpoint.manage',
    'pass.issue',
    'enterprise.inspect',
    'enterprise.manage',
  ],
  grid_leader: [
    ...READ_ALL,
    'person.write',
    'person.reveal',
    'person.export',
    'health.write',
    'health.manage',
    'event.handle',
    'event.dispatch',
    'service.handle',
    'service.manage',
    'announcement.write',
    'team.manage',
    'review.read',
    'checkpoint.read',
    'checkpoint.check',
    'checkpoint.manage',
    'pass.issue',
    'enterprise.inspect',
    'enterprise.manage',
  ],
  grid_worker: [
    'area.read',
    'user.read',
    'person.read',
    'person.write',
    'person.reveal',
    'health.read',
    'health.write',
    'health.manage',
    'event.read',
    'event.handle',
    'service.handle',
    'checkpoint.read',
    'checkpoint.check',
    'pass.issue',
    'enterprise.inspect',
  ],
  // Volunteers staff gates (值守): they see their checkpoints and check, nothing more.
  volunteer: ['area.read', 'service.handle', 'checkpoint.read', 'checkpoint.check'],
  doctor: ['area.read', 'person.read', 'health.read', 'health.write', 'health.manage'],
  police: [
    'area.read',
    'person.read',
    'person.reveal',
    'event.read',
    'event.handle',
    'checkpoint.read',
    'checkpoint.check',
  ],
  department: ['area.read'],
};

/** Roles a holder of user.manage may grant: never more powerful than community staff, admin only by admins. */
export function grantableRoles(holderRoles: readonly Role[]): readonly Role[] {
  if (holderRoles.includes('admin')) return ROLES;
  return ROLES.filter((role) => role !== 'admin' && role !== 'commander');
}

/** Machine clients (data feeds, devices, Open311 apps) act through one capability each. */
export const CAPABILITIES = [
  'feed.health',
  'feed.register',
  'device.alerts',
  'open311',
  // SMS gateways and voice robots posting residents' daily check-ins (平安报).
  'checkin.inbound',
] as const;
export type Capability = (typeof CAPABILITIES)[number];

export function rightsOf(role: Role, categories: readonly string[] = []): Right[] {
  const rights = new Set<Right>(ROLE_RIGHTS[role]);
  if (role === 'department') {
    for (const category of categories) {
      const granted = DEPARTMENT_CATEGORIES[category as DepartmentCategory] as readonly Right[] | undefined;
      for (const right of granted ?? []) rights.add(right);
    }
  }
  return [...rights];
}

/**
 * Accounts that must hold a second factor when GRIDGUARD_MFA=required: admins, commanders and
 * whoever may manage user accounts (they could otherwise grant themselves anything).
 */
export function needsSecondFactor(
  assignments: ReadonlyArray<{ role: Role; categories?: readonly string[] }>,
) {
  return assignments.some(
    (a) =>
      a.role === 'admin' ||
      a.role === 'commander' ||
      rightsOf(a.role, a.categories ?? []).includes('user.manage'),
  );
}

/** Whether an account must enrol a second factor before anything else (GRIDGUARD_MFA=required). */
export function mfaEnrolmentRequired(
  mode: 'required' | 'optional' | 'off',
  mfaEnabled: boolean,
  assignments: ReadonlyArray<{ role: Role; categories?: readonly string[] }>,
): boolean {
  return mode === 'required' && !mfaEnabled && needsSecondFactor(assignments);
}
