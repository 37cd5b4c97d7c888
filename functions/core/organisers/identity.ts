/** Cognito groups whose members may use organiser routes; `admins` may do everything organisers may. */
export const organiserGroups = ['organisers', 'admins'] as const;
export type OrganiserGroup = (typeof organiserGroups)[number];
/** The role a route needs is the group that grants it (functions/routes.ts). */
export type OrganiserRole = OrganiserGroup;

/** The authenticated caller of an organiser route, as the identity provider vouches for it. */
export interface Organiser {
  /** The stable user id (`sub`). */
  readonly subject: string;
  readonly email?: string;
  readonly name?: string;
  /** Every group the identity provider lists, known to us or not. */
  readonly groups: readonly string[];
}

export const isOrganiser = (groups: readonly string[]): boolean =>
  groups.some((group) => (organiserGroups as readonly string[]).includes(group));

/** Whether a caller in these groups has the role: `admins` has both roles, `organisers` its own. */
export const hasRole = (groups: readonly string[], role: OrganiserRole): boolean =>
  role === 'admins' ? groups.includes('admins') : isOrganiser(groups);

/** Why a caller without the role is refused (403), in the words an organiser reads. */
export const missingRoleReason = (role: OrganiserRole): string =>
  role === 'admins'
    ? 'Dit kan alleen een beheerder (de groep admins). Vraag een beheerder om dit te doen of om je die rol te geven.'
    : 'Dit kan alleen een organisator (de groep organisers of admins). Vraag een beheerder om je die rol te geven.';

export interface OrganiserProfile {
  readonly subject: string;
  readonly email: string | null;
  readonly name: string | null;
  readonly groups: readonly string[];
  readonly isAdmin: boolean;
}

/** Who the caller is, as the organiser console shows it. */
export const describeOrganiser = (organiser: Organiser): OrganiserProfile => ({
  subject: organiser.subject,
  email: organiser.email ?? null,
  name: organiser.name ?? null,
  groups: organiser.groups,
  isAdmin: organiser.groups.includes('admins'),
});
