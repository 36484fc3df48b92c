/**
 * The three roles and their order. A role's rank says what it includes: an admin can do whatever a
 * member can, a member whatever a viewer can. Stored in User.role as lower-case text (the admin
 * plugin of better-auth reads the same column); GraphQL shows them as ADMIN / MEMBER / VIEWER.
 */
export const ROLES = ['viewer', 'member', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const rank = (role: Role): number => ROLES.indexOf(role);
export const atLeast = (role: Role | null, needed: Role): boolean => role !== null && rank(role) >= rank(needed);

export function parseRole(value: string | null | undefined): Role | null {
  const v = (value ?? '').trim().toLowerCase();
  return (ROLES as readonly string[]).includes(v) ? (v as Role) : null;
}

/** GraphQL enum value <-> stored role. */
export const toGraphQLRole = (role: Role) => role.toUpperCase() as 'ADMIN' | 'MEMBER' | 'VIEWER';
export const fromGraphQLRole = (role: 'ADMIN' | 'MEMBER' | 'VIEWER') => role.toLowerCase() as Role;
