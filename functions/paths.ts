import { meetingAddress } from './core/meetings/model';

/**
 * Public paths, named once: the route table declares them and pages and mails link to them, so a renamed
 * path cannot leave a dead link behind.
 */
export const paths = {
  home: '/',
  newsletter: '/nieuwsbrief',
  confirmSubscription: '/nieuwsbrief/bevestigen',
  preferences: '/nieuwsbrief/voorkeuren',
  unsubscribe: '/nieuwsbrief/afmelden',
  meetings: '/bijeenkomsten',
  /** API Gateway template; link to a meeting with `meetingPath(meeting)`. */
  meeting: '/bijeenkomsten/{id}',
  cancelRegistration: '/bijeenkomsten/afmelden',
  /** The confirm link of a registration request opens this page, whose button posts back to it. */
  confirmRegistration: '/bijeenkomsten/aanmelding/bevestigen',
  pastMeetings: '/bijeenkomsten/eerder',
  calendarFeed: '/bijeenkomsten/agenda.ics',
  reports: '/publicaties',
  /** API Gateway template; link to a report with `reportPath(slug)`. */
  report: '/publicaties/{slug}',
  reportsFeed: '/publicaties/feed.xml',
  /** A report on request: the form posts here (`/publicaties/<slug>/aanvragen`). */
  requestReport: '/publicaties/{slug}/aanvragen',
  /** The confirm link of a request opens this page, whose button posts back to it. */
  confirmReportRequest: '/publicaties/aanvraag/bevestigen',
  /** The download link of a granted request: a page, and its button that fetches a fresh URL per click. */
  reportDownload: '/publicaties/aanvraag/download',
  reportDownloadFile: '/publicaties/aanvraag/download/pdf',
  /** A public report's PDF: a fresh download URL per click. */
  reportFile: '/publicaties/{slug}/pdf',
  /** A drafted Vooruitblik as its readers will get it, behind the signed link in the organisers' alert. */
  digestPreview: '/vooruitblik/voorbeeld',
  /** Where a link signed with a retired key leads: a fresh one by mail. */
  freshLink: '/nieuwe-link',
} as const;

/**
 * What every id and slug in a path looks like: ULIDs, the seed's slugs, report slugs, person ids (hex) and
 * the Vooruitblik's mailing ids all fit; anything else names nothing of ours (the HTTP edge answers 404).
 */
export const pathParameterPattern = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * The path of a meeting's page: `/bijeenkomsten/<slug>`, or its id without one. Mails link by id (`{ meetingId }`
 * alone): an id never changes, and the page sends it on to the slug.
 */
export const meetingPath = (meeting: { readonly meetingId: string; readonly slug?: string }): string =>
  `${paths.meetings}/${encodeURIComponent(meetingAddress(meeting))}`;

export const reportPath = (slug: string): string => `${paths.reports}/${encodeURIComponent(slug)}`;
export const requestReportPath = (slug: string): string => `${reportPath(slug)}/aanvragen`;
export const reportFilePath = (slug: string): string => `${reportPath(slug)}/pdf`;

/** An absolute link with its token as the `token` query parameter (docs/architecture.md, "Links and tokens"). */
export const tokenLink = (siteUrl: string, path: string, token: string): string =>
  `${siteUrl}${path}?${new URLSearchParams({ token })}`;
