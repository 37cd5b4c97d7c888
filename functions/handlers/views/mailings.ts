import type { StoredMailing } from '../../core/mailings/drafts';
import { fourEyesState, type Mailing, statusLabels } from '../../core/mailings/mailing';

/** A mailing in the list: what it is and where it stands. */
export const mailingSummaryView = (mailing: Mailing) => ({
  id: mailing.mailingId,
  subject: mailing.subject,
  status: mailing.status,
  statusLabel: statusLabels[mailing.status],
  audience: mailing.audience,
  version: mailing.version,
  author: mailing.author,
  createdAt: mailing.createdAt,
  updatedAt: mailing.updatedAt,
  ...(mailing.scheduledAt ? { scheduledAt: mailing.scheduledAt } : {}),
  ...(mailing.counts ? { counts: mailing.counts } : {}),
});

/** One mailing for its author and the other organisers: the content, its state, and the four-eyes record. */
export const mailingView = ({ mailing }: StoredMailing) => ({
  ...mailingSummaryView(mailing),
  ...(mailing.preheader !== undefined ? { preheader: mailing.preheader } : {}),
  body: mailing.body,
  ...(mailing.approval ? { approval: mailing.approval } : {}),
  testSends: mailing.testSends ?? [],
  /** For the current version: an edit voids both (the send checks them against the audience then). */
  fourEyes: fourEyesState(mailing),
  ...(mailing.pausedBy ? { pausedBy: mailing.pausedBy } : {}),
});

/** The version as an HTTP entity tag, for If-Match. */
export const mailingEtag = (mailing: Mailing): string => `"${mailing.version}"`;
