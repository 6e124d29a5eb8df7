import { type Me, ROLES, type Role } from '../../api/types';

/** Mirrors the server's rule (it decides anyway): only admins grant admin and commander. */
export function grantableRoles(me: Me | null): readonly Role[] {
  if (me?.assignments.some((assignment) => assignment.role === 'admin')) return ROLES;
  return ROLES.filter((role) => role !== 'admin' && role !== 'commander');
}
