import { deliveryLeaseMarginSeconds, deliveryLeaseSeconds } from './core/mailings/delivery';

/**
 * Every Lambda entry of the system and what it may touch. The CDK stateless stack creates one function per
 * entry with exactly these grants; the local runtime imports the same files. Plain data: no aws-cdk-lib here,
 * so this module can be bundled into a Lambda without pulling the CDK in.
 */

/** What a function may touch; the CDK turns each into the narrowest IAM grant that serves it. */
export interface EntryNeeds {
  /** Access to the single table: none by default. */
  readonly table?: 'read' | 'readWrite';
  /**
   * May Query the person index (every record of one person, all attributes), with `table`: for AVG export and
   * erasure only. Default false: other entries are granted GSI1 alone.
   */
  readonly personIndex?: boolean;
  /** May send mail through SES with the configuration set. Default false. */
  readonly mail?: boolean;
  /** Signs or checks links: may read the link keyring and the person-id key (the legacy link key). Default false. */
  readonly tokens?: boolean;
  /** Keys people by address: may read the person-id key only. Default false. */
  readonly personIds?: boolean;
  /** May read the SES account's sending standing (GetAccount: rate, quota, sandbox, paused). Default false. */
  readonly sendingAccount?: boolean;
  /** May create, move and delete one-time schedules (EventBridge Scheduler), e.g. reminders. Default false. */
  readonly scheduler?: boolean;
  /**
   * The reports' private PDFs (lib/report-documents.ts): `upload` signs upload forms and completes them (and
   * deletes a replaced document), `read` signs download links. Default none.
   */
  readonly reportDocuments?: 'upload' | 'read';
  /**
   * Delivers outbox mail (claims it with a lease in the table): its timeout must end well before the lease
   * does, so a delivery can never outlive its claim (checked below, at load). Default false.
   */
  readonly delivers?: boolean;
}

export interface LambdaEntry {
  /** Source file below `functions/`, exporting `handler`. */
  readonly file: string;
  /** One line for the function description in AWS. */
  readonly description: string;
  readonly needs: EntryNeeds;
  /** Timeout in seconds. Default 10. */
  readonly timeoutSeconds?: number;
  /** Memory in MiB. Default 512. */
  readonly memoryMiB?: number;
  /**
   * What invokes the function besides the routes that name it: `outbox-stream` is the table's stream,
   * filtered to newly inserted outbox entries; `schedule` is EventBridge Scheduler (one-time schedules such
   * as `reminder-<meetingId>`); `outbox-sweep` is a recurring schedule, every minute (offline a timer);
   * `ses-events` is an EventBridge rule on the SES events of the configuration set (offline the SES proxy);
   * `retention` is a recurring schedule, every night (offline a timer); `mailing-sender` is a recurring
   * schedule, every minute (offline a process of its own that runs it again as soon as it returns);
   * `vooruitblik` is the Vooruitblik's two recurring schedules (offline the local scheduler keeps them).
   * Default: none (HTTP routes only).
   */
  readonly trigger?:
    | 'outbox-stream'
    | 'schedule'
    | 'outbox-sweep'
    | 'ses-events'
    | 'retention'
    | 'mailing-sender'
    | 'vooruitblik';
  /**
   * A bundle budget other than the default (1.3× the bare bundle of the SDK clients the needs name), with the
   * reason it needs more; `npm run bench -- bundles --check` holds every function to its budget.
   */
  readonly budget?: { readonly ratio: number; readonly reason: string };
}

/**
 * The delivering functions compose every kind of mail (the house template, the meeting and subscription
 * mails, calendar invitations) and send it with SES's SendEmail, whose serializer the bare client lacks.
 */
const deliveryBudget = {
  ratio: 1.4,
  reason: 'composes every kind of mail, with calendar invitations, and sends it (SendEmail)',
} as const;

/** An organiser's write of a meeting: its fields validated, the change written with its audit entry. */
const meetingWriteBudget = {
  ratio: 1.35,
  reason:
    "validates a meeting's fields (its slug, times, questions, a cancellation's message) and writes the change with its audit entry and slug claim",
} as const;

/**
 * A page a mailed link opens that reads what the link names and renders it in full (the preferences form, a
 * report's download page): the signed link checked, a whole Dutch page with its style sheet inline, and, as in
 * every function, the route table the edge looks its route up in, which grows with each route of the API (the
 * docs' three routes took these two 21 and 168 bytes over 1.3×).
 */
const linkPageBudget = {
  ratio: 1.35,
  reason: 'checks a signed link and answers with a whole Dutch page, its style sheet inline',
} as const;

/** A form posted to a page: zod's checks, and a whole Dutch page (its style sheet inline) as the answer. */
const formPageBudget = {
  ratio: 1.35,
  reason: 'validates a form with zod and answers with a whole Dutch page, its style sheet inline',
} as const;

/**
 * A public JSON intake (subscribing, registering): zod's checks of every field, with NFC normalisation and
 * the patterns that refuse control characters and bidirectional overrides in names and free text.
 */
const publicIntakeBudget = {
  ratio: 1.35,
  reason:
    'validates a public JSON body with zod: NFC normalisation and the text patterns of names and free text',
} as const;

/**
 * Saving a mailing or a report renders its Markdown once: markdown-it and the allow-list sanitiser (with
 * postcss) go along.
 */
const renderingBudget = {
  ratio: 2.15,
  reason:
    'renders Markdown when a mailing or report is saved: markdown-it, sanitize-html and its postcss (about 290 KB)',
} as const;

/**
 * A POST through a signed link (a confirmation, an unsubscribe, a cancellation): it checks the link and, at
 * the edge, counts the POST per link token (the request limiter and its UpdateItem, some 4 KB).
 */
const linkPostBudget = {
  ratio: 1.35,
  reason: 'checks a signed link and counts each POST per link token at the edge (the request limiter)',
} as const;

/**
 * Writing a report renders its body, and creating one drafts its announcement mail in the house template; an
 * update shares the writing composition, so it carries that mail renderer too.
 */
const reportWritingBudget = {
  ratio: 2.2,
  reason:
    "renders the report's Markdown (markdown-it, sanitize-html and its postcss) and the announcement mailing drafted with it",
} as const;

/** The Vooruitblik renders its digest as any mailing is rendered when saved. */
const digestBudget = {
  ratio: 2.1,
  reason:
    'drafts the digest as a mailing: its Markdown through markdown-it and sanitize-html, as a saved mailing',
} as const;

/**
 * Functions that take seats or hand them on retry under contention (everyone at once for the last seats or
 * the head of the waiting list); they get the longest time an HTTP API integration allows (29 s) minus slack.
 */
const contendedTimeoutSeconds = 25;

export const lambdaEntries = {
  home: {
    file: 'handlers/home.ts',
    description: 'Home page: the next meetings and the latest publications',
    needs: { table: 'read' },
  },
  apiDocs: {
    file: 'handlers/api-docs.ts',
    description: 'The API described: its OpenAPI 3.1 document and the Dutch docs page made from it',
    needs: {},
  },
  notFound: {
    file: 'handlers/not-found.ts',
    description: 'Dutch 404 page or problem+json for unknown paths',
    needs: {},
  },
  organiserMe: {
    file: 'handlers/organiser-me.ts',
    description: "The calling organiser's identity and groups",
    needs: {},
  },
  organiserAudit: {
    file: 'handlers/organiser-audit.ts',
    description: "The organisers' audit trail, for admins: newest first, per kind or person",
    // A person's entries are found through the person index; an address asked for is keyed, not kept.
    needs: { table: 'read', personIndex: true, personIds: true },
  },
  organiserSuppressions: {
    file: 'handlers/organiser-suppressions.ts',
    description: 'The suppression list, for admins: newest first, or one person by address or id (audited)',
    // Reading it is audited: the entry is its only write (lib/app-function.ts grants just that).
    needs: { table: 'read', personIds: true },
  },
  organiserSuppressionLift: {
    file: 'handlers/organiser-suppression-lift.ts',
    description: "Lifts one person's suppression, for admins (audited)",
    needs: { table: 'readWrite' },
  },
  organiserSubscriberImport: {
    file: 'handlers/organiser-subscriber-import.ts',
    description:
      'Imports a list of addresses, for admins: pending with a confirmation mailing, or confirmed with evidence (audited)',
    // A few thousand people written a few at a time, and the confirmation mailing rendered once.
    needs: { table: 'readWrite', personIds: true },
    timeoutSeconds: 29,
    budget: {
      ratio: 2.25,
      reason:
        'renders the confirmation mailing from Markdown once (markdown-it, sanitize-html), and reads the CSV file with its quotes and headers',
    },
  },
  organiserTestMail: {
    file: 'handlers/organiser-test-mail.ts',
    description: 'Sends the house mail template to the calling organiser',
    // Writes nothing but its audit entry (lib/app-function.ts grants just that).
    needs: { mail: true, personIds: true, table: 'read' },
  },
  newsletterForm: {
    file: 'handlers/newsletter-form.ts',
    description: 'The newsletter subscription form',
    needs: {},
  },
  newsletterSubscribe: {
    file: 'handlers/newsletter-subscribe.ts',
    description: 'Subscribes through the newsletter form (double opt-in)',
    needs: { table: 'readWrite', personIds: true },
    budget: formPageBudget,
  },
  subscribeApi: {
    file: 'handlers/subscribe-api.ts',
    description: 'Subscribes through the JSON API (double opt-in)',
    needs: { table: 'readWrite', personIds: true },
    budget: publicIntakeBudget,
  },
  confirmSubscriptionPage: {
    file: 'handlers/confirm-subscription-page.ts',
    description: 'The page an opt-in link opens (checks the link, shows the confirm button)',
    needs: { tokens: true },
  },
  confirmSubscription: {
    file: 'handlers/confirm-subscription.ts',
    description: 'Confirms a pending subscription',
    needs: { table: 'readWrite', tokens: true },
    budget: linkPostBudget,
  },
  preferencesPage: {
    file: 'handlers/preferences-page.ts',
    description: "A subscriber's preferences page",
    needs: { table: 'read', tokens: true },
    budget: linkPageBudget,
  },
  preferencesSubmit: {
    file: 'handlers/preferences-submit.ts',
    description: "Saves a subscriber's topics and name, or unsubscribes",
    needs: { table: 'readWrite', tokens: true },
    budget: formPageBudget,
  },
  unsubscribePage: {
    file: 'handlers/unsubscribe-page.ts',
    description: 'The page the unsubscribe link opens',
    needs: { tokens: true },
  },
  unsubscribe: {
    file: 'handlers/unsubscribe.ts',
    description: 'One-click unsubscribe (RFC 8058)',
    needs: { table: 'readWrite', tokens: true },
    budget: linkPostBudget,
  },
  organiserMailings: {
    file: 'handlers/organiser-mailings.ts',
    description: 'Lists the mailings, newest first',
    needs: { table: 'read' },
  },
  organiserMailingCreate: {
    file: 'handlers/organiser-mailing-create.ts',
    description: 'Creates a mailing as a draft and renders its Markdown',
    needs: { table: 'readWrite' },
    budget: renderingBudget,
  },
  organiserMailing: {
    file: 'handlers/organiser-mailing.ts',
    description: 'One mailing with its content and state',
    needs: { table: 'read' },
  },
  organiserMailingUpdate: {
    file: 'handlers/organiser-mailing-update.ts',
    description: 'Changes a draft mailing (If-Match) and renders it again',
    needs: { table: 'readWrite' },
    budget: renderingBudget,
  },
  organiserMailingDelete: {
    file: 'handlers/organiser-mailing-delete.ts',
    description: 'Deletes a draft mailing',
    needs: { table: 'readWrite' },
  },
  organiserMailingPreview: {
    file: 'handlers/organiser-mailing-preview.ts',
    description: 'The exact mail a sample recipient of a mailing gets',
    needs: { table: 'read' },
  },
  organiserMailingTestSend: {
    file: 'handlers/organiser-mailing-test-send.ts',
    description: 'Test-sends a mailing to up to five addresses and records it',
    needs: { table: 'readWrite', mail: true, personIds: true },
    budget: {
      ratio: 1.35,
      reason: 'sends the stored mailing in the house template and counts each send against the SES allowance',
    },
  },
  organiserMailingApprove: {
    file: 'handlers/organiser-mailing-approve.ts',
    description: "A second organiser approves a mailing's current version",
    needs: { table: 'readWrite' },
  },
  organiserMailingControl: {
    file: 'handlers/organiser-mailing-control.ts',
    description:
      'Sends, schedules, unschedules, pauses, resumes, cancels a mailing or retries its failed recipients',
    // The audience is counted (four eyes) and the failed recipients requeued page by page.
    needs: { table: 'readWrite', scheduler: true, sendingAccount: true },
    timeoutSeconds: 29,
    budget: {
      ratio: 1.4,
      reason:
        'counts the audience (four eyes), requeues failed recipients, reads the SES account and schedules, and writes each change with its audit entry',
    },
  },
  organiserMailingAudience: {
    file: 'handlers/organiser-mailing-audience.ts',
    description: "A mailing's dry run: its audience now, less unsubscribes and suppressions",
    needs: { table: 'read' },
    timeoutSeconds: 29,
  },
  freshLinkForm: {
    file: 'handlers/fresh-link-form.ts',
    description: 'The form that mails a fresh preferences link',
    needs: {},
  },
  freshLinkRequest: {
    file: 'handlers/fresh-link-request.ts',
    description: 'Mails a fresh preferences link to an active subscriber (a link whose key was retired)',
    needs: { table: 'readWrite', personIds: true },
    budget: formPageBudget,
  },
  organiserSubscribers: {
    file: 'handlers/organiser-subscribers.ts',
    description: 'Lists subscribers by status and topic for organisers',
    needs: { table: 'read' },
  },
  organiserSubscriberCounts: {
    file: 'handlers/organiser-subscriber-counts.ts',
    description: 'Counts subscribers per status and topic for organisers',
    needs: { table: 'read' },
  },
  meetingsPage: {
    file: 'handlers/meetings-page.ts',
    description: 'Upcoming meetings page',
    needs: { table: 'read' },
  },
  pastMeetingsPage: {
    file: 'handlers/past-meetings-page.ts',
    description: 'Past meetings with their reports (/bijeenkomsten/eerder)',
    needs: { table: 'read' },
  },
  reportsPage: {
    file: 'handlers/reports-page.ts',
    description: 'The archive of published reports (/publicaties)',
    needs: { table: 'read' },
  },
  reportPage: {
    file: 'handlers/report-page.ts',
    description: 'One published report; an old address redirects',
    needs: { table: 'read' },
  },
  reportsFeed: {
    file: 'handlers/reports-feed.ts',
    description: 'The Atom feed of published reports',
    needs: { table: 'read' },
  },
  reportsApi: {
    file: 'handlers/reports-api.ts',
    description: 'The published reports as JSON',
    needs: { table: 'read' },
  },
  organiserReports: {
    file: 'handlers/organiser-reports.ts',
    description: 'Lists the reports per status, newest first',
    needs: { table: 'read' },
  },
  organiserReportCreate: {
    file: 'handlers/organiser-report-create.ts',
    description: 'Creates a report as a draft and renders its Markdown',
    needs: { table: 'readWrite' },
    budget: reportWritingBudget,
  },
  organiserReport: {
    file: 'handlers/organiser-report.ts',
    description: 'One report with its Markdown and rendered body',
    needs: { table: 'read' },
  },
  organiserReportPreview: {
    file: 'handlers/organiser-report-preview.ts',
    description: 'The page a report shows once published, also for a draft',
    needs: { table: 'read' },
  },
  organiserReportUpdate: {
    file: 'handlers/organiser-report-update.ts',
    description: 'Changes a report (If-Match) and renders it again',
    needs: { table: 'readWrite' },
    budget: reportWritingBudget,
  },
  organiserReportControl: {
    file: 'handlers/organiser-report-control.ts',
    description: 'Publishes a report now, schedules it, or takes it offline',
    // The announcement's audience is counted (four eyes); the report's one-time schedule is written.
    needs: { table: 'readWrite', scheduler: true },
    timeoutSeconds: 29,
    budget: {
      ratio: 1.36,
      reason:
        'writes the report and its announcement in one transaction, and counts the announcement audience (any kind: topics, a meeting, an import)',
    },
  },
  meetingCalendarFeed: {
    file: 'handlers/meeting-calendar-feed.ts',
    description: 'The subscribable calendar of upcoming meetings (iCalendar)',
    needs: { table: 'read' },
  },
  // The name stays `meetingReminders`: its function's name comes from it, and every pending schedule holds
  // that function's ARN. It runs every one-time job: a meeting's reminders, a scheduled mailing's start.
  meetingReminders: {
    file: 'handlers/scheduled-job.ts',
    description: "Runs a one-time scheduled job: a meeting's reminders, or a scheduled mailing's start",
    // A scheduled mailing's start counts its audience again (four eyes), as the organiser's schedule did.
    timeoutSeconds: 29,
    needs: { table: 'readWrite' },
    trigger: 'schedule',
  },
  meetingPage: {
    file: 'handlers/meeting-page.ts',
    description: 'A meeting with its registration form',
    needs: { table: 'read' },
  },
  meetingRegisterForm: {
    file: 'handlers/meeting-register-form.ts',
    description: 'Asks to register for a meeting through the form (in one step from an invitation link)',
    needs: { table: 'readWrite', tokens: true },
    budget: {
      ratio: 1.4,
      reason:
        'a form page that also registers in one step from an invitation: the registration use case, the checked link and the outcome pages',
    },
    timeoutSeconds: contendedTimeoutSeconds,
  },
  cancelRegistrationPage: {
    file: 'handlers/cancel-registration-page.ts',
    description: 'The page a cancel link opens',
    needs: { table: 'read', tokens: true },
  },
  cancelRegistration: {
    file: 'handlers/cancel-registration.ts',
    description: 'Cancels a registration and promotes the first person waiting',
    needs: { table: 'readWrite', tokens: true },
    timeoutSeconds: contendedTimeoutSeconds,
    budget: linkPostBudget,
  },
  registrationConfirmPage: {
    file: 'handlers/registration-confirm-page.ts',
    description: 'The page the confirm link of a registration request opens',
    needs: { table: 'read', tokens: true },
    budget: formPageBudget,
  },
  registrationConfirm: {
    file: 'handlers/registration-confirm.ts',
    description: 'Confirms a registration request: a seat or a waiting place',
    needs: { table: 'readWrite', tokens: true },
    budget: formPageBudget,
    timeoutSeconds: contendedTimeoutSeconds,
  },
  meetingsApi: {
    file: 'handlers/meetings-api.ts',
    description: 'Upcoming meetings as JSON',
    needs: { table: 'read' },
  },
  meetingApi: {
    file: 'handlers/meeting-api.ts',
    description: 'One meeting as JSON',
    needs: { table: 'read' },
  },
  registerApi: {
    file: 'handlers/register-api.ts',
    description: 'Asks to register for a meeting through the JSON API (confirmed from the mail)',
    needs: { table: 'readWrite', personIds: true },
    budget: publicIntakeBudget,
    timeoutSeconds: contendedTimeoutSeconds,
  },
  organiserMeetings: {
    file: 'handlers/organiser-meetings.ts',
    description: 'Lists meetings per status for organisers',
    needs: { table: 'read' },
  },
  organiserMeetingCreate: {
    file: 'handlers/organiser-meeting-create.ts',
    description: 'Creates a draft meeting',
    needs: { table: 'readWrite' },
    budget: meetingWriteBudget,
  },
  organiserMeeting: {
    file: 'handlers/organiser-meeting.ts',
    description: 'One meeting with its counters for organisers',
    needs: { table: 'read' },
  },
  organiserMeetingUpdate: {
    file: 'handlers/organiser-meeting-update.ts',
    description: 'Changes a meeting (If-Match), promoting people waiting',
    needs: { table: 'readWrite' },
    timeoutSeconds: contendedTimeoutSeconds,
    budget: meetingWriteBudget,
  },
  organiserMeetingPublish: {
    file: 'handlers/organiser-meeting-publish.ts',
    description: 'Publishes a meeting',
    needs: { table: 'readWrite' },
  },
  organiserRegistrationCreate: {
    file: 'handlers/organiser-registration-create.ts',
    description: 'An organiser registers someone (an admin also over capacity), with the usual mail',
    needs: { table: 'readWrite', personIds: true },
    timeoutSeconds: contendedTimeoutSeconds,
    budget: publicIntakeBudget,
  },
  organiserMeetingCancel: {
    file: 'handlers/organiser-meeting-cancel.ts',
    description: 'Cancels a meeting and mails everyone registered',
    needs: { table: 'readWrite' },
    budget: meetingWriteBudget,
  },
  organiserMeetingAnnounce: {
    file: 'handlers/organiser-meeting-announce.ts',
    description: 'Creates a draft mailing announcing a published meeting, rendered from Markdown',
    needs: { table: 'readWrite' },
    budget: renderingBudget,
  },
  organiserRegistrationsCsv: {
    file: 'handlers/organiser-registrations-csv.ts',
    description: 'Exports registrations as CSV for Dutch Excel',
    needs: { table: 'read' },
  },
  organiserRegistrationsJson: {
    file: 'handlers/organiser-registrations-json.ts',
    description: 'Exports registrations as JSON',
    needs: { table: 'read' },
  },
  outboxRelay: {
    file: 'handlers/outbox-relay.ts',
    description: 'Delivers new outbox mails and fan-out jobs from the table stream (the fast path)',
    needs: { table: 'readWrite', mail: true, tokens: true, scheduler: true, delivers: true },
    trigger: 'outbox-stream',
    timeoutSeconds: 60,
    budget: deliveryBudget,
  },
  outboxSweeper: {
    file: 'handlers/outbox-sweeper.ts',
    description: 'Every minute: delivers outbox mail and jobs that are due (missed, postponed or in doubt)',
    needs: { table: 'readWrite', mail: true, tokens: true, scheduler: true, delivers: true },
    trigger: 'outbox-sweep',
    timeoutSeconds: 60,
    budget: deliveryBudget,
  },
  sesEvents: {
    file: 'handlers/ses-events.ts',
    description: 'SES events: confirms sends, suppresses bounced and complaining addresses',
    needs: { table: 'readWrite', personIds: true },
    trigger: 'ses-events',
  },
  mailingSender: {
    file: 'handlers/mailing-sender.ts',
    description:
      'Every minute: sends the mailings that are sending, paced to the SES allowance, one sender at a time',
    needs: { table: 'readWrite', mail: true, tokens: true, sendingAccount: true },
    trigger: 'mailing-sender',
    // A sender holds its lease for up to 14 minutes, then hands over to the next minute's run.
    timeoutSeconds: 900,
    // One full vCPU (Lambda gives CPU by memory): composing, signing and sending cost some 4–8 ms of CPU per
    // mail (bench/send.ts), so 180 mails/s needs about a core; 512 MB would give a third of one.
    memoryMiB: 1769,
    budget: {
      ratio: 1.4,
      reason:
        'composes mailing mails in the house template with per-recipient signed links (SendEmail, GetAccount)',
    },
  },
  retention: {
    file: 'handlers/retention.ts',
    description: 'Every night: removes personal data past its retention period (registrations, failed mail)',
    needs: { table: 'readWrite' },
    trigger: 'retention',
    // Meetings one after another, each a few hundred writes at most; what does not fit is done the next night.
    timeoutSeconds: 300,
  },
  reportRequest: {
    file: 'handlers/report-request.ts',
    description: 'The request form of a report on request: stores the request and mails the confirm link',
    needs: { table: 'readWrite', personIds: true },
    budget: formPageBudget,
  },
  reportRequestConfirmPage: {
    file: 'handlers/report-request-confirm-page.ts',
    description: 'The page a request confirm link opens (checks the link, shows the confirm button)',
    needs: { table: 'read', tokens: true },
    budget: linkPageBudget,
  },
  reportRequestConfirm: {
    file: 'handlers/report-request-confirm.ts',
    description: 'Confirms a request for a report on request: grants it and mails the download link',
    needs: { table: 'readWrite', tokens: true },
    budget: formPageBudget,
  },
  reportDownloadPage: {
    file: 'handlers/report-download-page.ts',
    description: 'The page a download link opens, for a granted request of a report on request',
    needs: { table: 'read', tokens: true },
    budget: linkPageBudget,
  },
  reportDownload: {
    file: 'handlers/report-download.ts',
    description: 'One download of a report on request: a fresh presigned URL, counted',
    needs: { table: 'readWrite', tokens: true, reportDocuments: 'read' },
  },
  reportFile: {
    file: 'handlers/report-file.ts',
    description: "A public report's PDF: a fresh presigned URL per click",
    needs: { table: 'read', reportDocuments: 'read' },
  },
  organiserReportDocument: {
    file: 'handlers/organiser-report-document.ts',
    description:
      "Signs an upload form for a report's PDF, and completes the upload (checks it, keeps or deletes it)",
    needs: { table: 'readWrite', reportDocuments: 'upload' },
    timeoutSeconds: 29,
  },
  organiserReportRequests: {
    file: 'handlers/organiser-report-requests.ts',
    description: "A report's requests, as JSON or as CSV for the impact reporting",
    needs: { table: 'read' },
  },
  organiserReportRequestApprove: {
    file: 'handlers/organiser-report-request-approve.ts',
    description: 'Approves a confirmed request for a report on request and mails its download link',
    needs: { table: 'readWrite' },
  },
  digestPreviewPage: {
    file: 'handlers/digest-preview-page.ts',
    description:
      'The drafted Vooruitblik as readers will get it, behind the signed link mailed to organisers',
    needs: { table: 'read', tokens: true },
  },
  vooruitblik: {
    file: 'handlers/vooruitblik.ts',
    description: 'The monthly Vooruitblik: drafts it three working days ahead, sends it when approved',
    // The organisers' preview alerts are outbox mails, keyed by person id like every mail.
    needs: { table: 'readWrite', personIds: true },
    trigger: 'vooruitblik',
    timeoutSeconds: 60,
    budget: digestBudget,
  },
} as const satisfies Record<string, LambdaEntry>;

export type EntryName = keyof typeof lambdaEntries;

/** The names of the entries a trigger invokes (routes aside). */
export const entriesWithTrigger = (
  trigger: NonNullable<LambdaEntry['trigger']>,
  entries: Readonly<Record<EntryName, LambdaEntry>> = lambdaEntries,
): EntryName[] =>
  (Object.entries(entries) as [EntryName, LambdaEntry][])
    .filter(([, entry]) => entry.trigger === trigger)
    .map(([name]) => name);

/** The one entry a trigger invokes, for triggers that have a single target; throws otherwise. */
export const soleEntryWithTrigger = (
  trigger: NonNullable<LambdaEntry['trigger']>,
  entries: Readonly<Record<EntryName, LambdaEntry>> = lambdaEntries,
): EntryName => {
  const [first, ...more] = entriesWithTrigger(trigger, entries);
  if (!first || more.length > 0) {
    throw new Error(
      `Exactly one entry must have trigger '${trigger}'; found ${more.length + (first ? 1 : 0)}`,
    );
  }
  return first;
};

/** The default Lambda timeout of an entry, in seconds (the CDK and the local runtime both apply it). */
export const defaultTimeoutSeconds = 10;

// A delivering function stops sending when its time is up (the SES call carries the deadline), so a claim
// that outlives its timeout by a margin can never expire under a delivery still running.
for (const [name, entry] of Object.entries(lambdaEntries) as [string, LambdaEntry][]) {
  const timeout = entry.timeoutSeconds ?? defaultTimeoutSeconds;
  if (entry.needs.delivers && timeout + deliveryLeaseMarginSeconds > deliveryLeaseSeconds) {
    throw new Error(
      `Entry ${name} delivers outbox mail with a ${timeout} s timeout: the ${deliveryLeaseSeconds} s delivery ` +
        `lease must exceed it by ${deliveryLeaseMarginSeconds} s`,
    );
  }
}
