import type { MailingBody, MailingSummaryBody } from '../../contract/schemas/mailings';
import type { StoredMailing } from '../../core/mailings/drafts';
import { fourEyesState, type Mailing, statusLabels } from '../../core/mailings/mailing';
import type { SendingProgress } from '../../core/mailings/recipients';

/** A mailing in the list: what it is and where it stands. */
export const mailingSummaryView = (mailing: Mailing): MailingSummaryBody => ({
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

/** Where sending stands: the counts (exact once sent), the rate, and SES's feedback so far. */
const progressView = (progress: SendingProgress | undefined) =>
  progress
    ? {
        counts: progress.counts,
        sending: {
          audienceComplete: progress.snapshot.done,
          ...(progress.rate !== undefined ? { ratePerSecond: progress.rate } : {}),
          ...(progress.startedAt ? { startedAt: progress.startedAt } : {}),
          ...(progress.finishedAt ? { finishedAt: progress.finishedAt } : {}),
          deliveries: progress.deliveries,
          complaints: progress.complaints,
        },
      }
    : {};

/**
 * One mailing for its author and the other organisers: the content, its state, the four-eyes record and,
 * once it sends, its progress.
 */
export const mailingView = ({ mailing }: StoredMailing, progress?: SendingProgress): MailingBody => ({
  ...mailingSummaryView(mailing),
  ...progressView(progress),
  ...(mailing.notice ? { notice: mailing.notice } : {}),
  ...(mailing.preheader !== undefined ? { preheader: mailing.preheader } : {}),
  body: mailing.body,
  ...(mailing.approval ? { approval: mailing.approval } : {}),
  testSends: mailing.testSends ?? [],
  /** For the current version: an edit voids both (the send checks them against the audience then). */
  fourEyes: fourEyesState(mailing),
  ...(mailing.pausedBy ? { pausedBy: mailing.pausedBy } : {}),
  /** A report's announcement: it goes out when that report is published. */
  ...(mailing.announcesReport ? { announcesReport: mailing.announcesReport } : {}),
  /** A Vooruitblik: when it goes out, once an organiser approved it. */
  ...(mailing.digestFor ? { digestFor: mailing.digestFor } : {}),
});

/** The version as an HTTP entity tag, for If-Match. */
export const mailingEtag = (mailing: Mailing): string => `"${mailing.version}"`;
