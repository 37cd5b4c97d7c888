/** Cognito groups whose members may use organiser routes; `admins` may do everything organisers may. */
export const organiserGroups = ['organisers', 'admins'] as const;
export type OrganiserGroup = (typeof organiserGroups)[number];

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
