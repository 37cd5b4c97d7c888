import { NotFound } from '../errors';
import type { SuppressionReason } from './suppression';

/**
 * The suppression list as admins see it (docs/architecture.md, "The suppression list"): who is never mailed
 * again and why, by person id (the list holds no address), and lifting one — for an address that bounced
 * while its mailbox was full for good, or a complaint made by mistake. Lifting deletes the suppression and
 * the soft-bounce count, so the next mail goes out and is counted afresh; the audit trail records who lifted it.
 */

export interface Suppression {
  readonly personId: string;
  readonly reason: SuppressionReason;
  readonly suppressedAt: string;
  /** SES's id of the report that suppressed the person, to find it in SES's records. */
  readonly feedbackId?: string;
}

export interface SuppressionPage {
  readonly items: readonly Suppression[];
  /** Where the next page starts (its `before`); null on the last page. */
  readonly nextBefore: string | null;
}

export interface SuppressionAdminStore {
  /** Newest first, `limit` at a time, before a place (`suppressionPlace`). */
  list(query: { readonly before?: string; readonly limit: number }): Promise<SuppressionPage>;
  /** One person's suppression, strongly consistent. */
  get(personId: string): Promise<Suppression | undefined>;
  /** Deletes the suppression read (conditional on it) and the soft-bounce count. Throws ConcurrentChange. */
  lift(suppression: Suppression): Promise<void>;
}

/** A suppression's place in the list, newest first: its time, then its person. */
export const suppressionPlace = (suppression: Pick<Suppression, 'suppressedAt' | 'personId'>): string =>
  `${suppression.suppressedAt}#${suppression.personId}`;

/** Lifts one person's suppression; NotFound when they are not suppressed (nothing written). */
export const liftSuppression = async (
  store: SuppressionAdminStore,
  personId: string,
): Promise<Suppression> => {
  const suppression = await store.get(personId);
  if (!suppression)
    throw new NotFound('Dit adres staat niet op de lijst van adressen die geen mail meer krijgen.');
  await store.lift(suppression);
  return suppression;
};
