import type { MeResponse as Me } from '../../api/model';
import { ROLES, type Role } from '../../api/vocabulary';

/** Mirrors the server's rule (it decides anyway): only admins grant admin and commander. */
export function grantableRoles(me: Me | null): readonly Role[] {
  if (me?.assignments.some((assignment) => assignment.role === 'admin')) return ROLES;
  return ROLES.filter((role) => role !== 'admin' && role !== 'commander');
}
