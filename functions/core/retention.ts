import { consentedRetentionDays } from './reports/request-consent';

/**
 * How long the system keeps what it stores: every retention period, stated once (docs/architecture.md,
 * "Retention"). Every other module imports its period from here, so the privacy statement can be written from
 * this file alone. Each period says what leaves, when, and how (DynamoDB's TTL on `expiresAt`, which deletes
 * late — reads treat an expired item as absent — or the nightly retention job where a TTL cannot express it,
 * because it removes attributes rather than items).
 */

const day = 24 * 3600;

/**
 * Unconfirmed newsletter subscriptions (address, name, topics): deleted 7 days after the sign-up when nobody
 * confirms them; the confirm link in the opt-in mail stops working at the same moment. By TTL.
 */
export const pendingSubscriptionDays = 7;
export const pendingSubscriptionSeconds = pendingSubscriptionDays * day;

/**
 * How long a person keeps the mark that an import asked them to confirm (no address: their person id and the
 * import's): while it lasts, no import asks them again, whether they declined, let it lapse or confirmed and
 * left since (core/subscriptions/import.ts). Two years, as the audit trail keeps who imported them.
 */
export const importAskedDays = 730;
export const importAskedSeconds = importAskedDays * day;

/**
 * Registrations for a meeting (confirmed, waiting and cancelled alike): the name, the address, the
 * organisation and the municipality are removed this many days after the meeting ended; the role, the status,
 * the times and the meeting's counts stay, as do no-longer-personal statistics. The waiting-list places go
 * with them. By the nightly retention job. Configurable per stage (`registrationRetentionDays` in cdk.json,
 * REGISTRATION_RETENTION_DAYS in functions/config.ts); this is the default.
 */
export const defaultRegistrationRetentionDays = 90;

/**
 * Requests for a report on request (address, name, organisation, purpose, the consent version, downloads):
 * deleted this many days after the request, kept that long for the programme's impact reporting. By TTL.
 * Configurable per stage (`reportRequestRetentionDays` in cdk.json, REPORT_REQUEST_RETENTION_DAYS in
 * functions/config.ts); this is the default.
 */
export const defaultReportRequestRetentionDays = 365;

/**
 * The audit trail's entries (core/organisers/audit.ts: who did what to which meeting, mailing or report, and
 * which person it concerned; no addresses, no bodies): deleted this many days after the action, by TTL. Two
 * years: long enough to answer for a mailing or a lifted suppression, and to cover a year's accountability
 * report. Configurable per stage (`auditRetentionDays` in cdk.json, AUDIT_RETENTION_DAYS in
 * functions/config.ts); this is the default.
 */
export const defaultAuditRetentionDays = 730;

/** When an audit entry made at `at` expires: the stage's audit retention, in days, after it. */
export const auditEntryExpiresAt = (at: Date, retentionDays: number): Date =>
  new Date(at.getTime() + retentionDays * day * 1000);

/**
 * A registration request waits this long for its confirmation at most (registration-requests.ts; sooner when
 * registration closes), and then its item expires (TTL).
 */
export const pendingRegistrationSeconds = day;

/** A personal invitation link in a mailing registers its recipient in one step for 30 days. */
export const invitationLinkSeconds = 30 * day;

/** A download link for a report on request, and the confirm link before it, work for 7 days. */
export const reportRequestLinkSeconds = 7 * day;

/**
 * When a request is deleted (epoch seconds, for the TTL): one nobody confirmed (anyone may type an address)
 * when its last confirm link stops working, 7 days after it was mailed; a confirmed one the stage's retention
 * after it was made.
 */
export const reportRequestExpiresAt = (
  request: {
    readonly status: string;
    readonly requestedAt: string;
    readonly lastMailedAt: string;
    readonly consentVersion: string;
  },
  retentionDays: number,
): number =>
  request.status === 'unconfirmed'
    ? Math.floor(Date.parse(request.lastMailedAt) / 1000) + reportRequestLinkSeconds
    : Math.floor(Date.parse(request.requestedAt) / 1000) +
      // Never longer than the consent the requester gave said, even when the stage's retention grew since.
      Math.min(retentionDays, consentedRetentionDays(request.consentVersion) ?? retentionDays) * day;

/**
 * Dietary and accessibility needs (special-category data): deleted 30 days after the meeting ended. By TTL;
 * the nightly job removes any left over with the rest of the registration.
 */
export const registrationNeedsSeconds = 30 * day;

/**
 * Mail rate (when we last mailed a person at their own request, to refuse a flood): deleted an hour after the
 * last such mail, the window the rule counts in. By TTL.
 */
export const mailRateWindowSeconds = 3600;

/**
 * Transactional sends per second (a count, no person in it): the mailing sender reads the last few seconds;
 * an hour is kept for a look afterwards. By TTL.
 */
export const transactionalSendCountSeconds = 3600;

/**
 * Counts of public POSTs per client network or per link token in one minute (a keyed hash of the network or
 * the token, never an IP address, a token or an address; core/request-limits.ts): deleted a minute after the
 * minute they count, which nothing reads after it ends. By TTL.
 */
export const requestCountKeptSeconds = 60;

/**
 * Soft bounces of an address (a count, under the person's keyed hash, never the address): forgotten 90 days
 * after the last one, so an address that bounced softly long ago is mailed again. By TTL.
 */
export const softBounceSeconds = 90 * day;

/**
 * Markers of SES reports already applied (a report id under the person's keyed hash): deleted after 30 days,
 * long after SES and EventBridge stop redelivering a report (24 h). By TTL.
 */
export const sesFeedbackMarkerSeconds = 30 * day;

// The suppression list (a hard bounce, a complaint or three soft bounces, under the person's keyed hash) is
// kept as long as the system runs, because its purpose is never to mail that address again: no period.

/**
 * An outbox mail that never settles (delivery stopped for days: alarmed long before): deleted with its
 * content (address, name, the data its mail is rendered from) 7 days after it was written or last postponed.
 * By TTL.
 */
export const unsettledOutboxSeconds = 7 * day;

/**
 * The content of a sent or skipped mail (recipient address and name, the data the mail is rendered from) is
 * removed at once, in the write that records the send; nothing reads it afterwards. No period.
 *
 * A failed mail keeps its content while it is listed as failed, for people to see what went wrong and with
 * what: 30 days after it failed, then the nightly retention job removes the content and unlists it.
 */
export const failedMailListingSeconds = 30 * day;

/**
 * The send ledger (which mail of which kind went to which person — the keyed hash, never the address — when,
 * with what outcome and SES message id): deleted a year after the mail settled (sent, skipped, failed) or the
 * job ran. By TTL.
 */
export const sendLedgerSeconds = 365 * day;

/**
 * Stated by the infrastructure, not by this code: SES events the events function gave up on wait 14 days in
 * their dead-letter queue (lib/dead-letter-queue.ts), whole, addresses included; the table's point-in-time
 * recovery keeps 35 days of backups (lib/single-table.ts), so anything removed above is gone from them
 * 35 days later.
 *
 * Not stated here, because they are not stored data: token lifetimes (the links in mails) are in
 * core/tokens.ts and web/mail/, and function and access logs (which hold no addresses, names or tokens) are
 * kept for the stage's `logRetentionDays` (cdk.json; 90 in production).
 */

/** The instant before which a meeting must have ended for its registrations to be anonymised. */
export const registrationRetentionCutoff = (now: Date, retentionDays: number): Date =>
  new Date(now.getTime() - retentionDays * day * 1000);

/** The instant before which a failed mail must have failed for its content to be removed. */
export const failedMailContentCutoff = (now: Date): Date =>
  new Date(now.getTime() - failedMailListingSeconds * 1000);

/** Epoch seconds, the unit of the TTL attribute. */
export const epochSeconds = (date: Date): number => Math.floor(date.getTime() / 1000);
