import type { OrganiserRole } from './core/organisers/identity';
import { reportActions } from './core/reports/report';
import type { RequestLimitKind } from './core/request-limits';
import type { EntryName } from './entries';
import { paths } from './paths';

/**
 * The one route table. The CDK HTTP API and the local server are both built from it, so a route exists in
 * both or in neither. Paths use API Gateway's syntax (`/bijeenkomsten/{id}`).
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Who may call a route: anyone (`public`), or a signed-in organiser in a role (core/organisers/identity.ts):
 * a valid JWT, checked by the API Gateway authorizer, whose groups the handler's HTTP edge checks against the
 * role. `organisers`: meetings, mailings, reports, registering someone; `admins`: also the audit trail and the
 * suppression list (an admin may do everything an organiser may).
 */
export type Access = 'public' | OrganiserRole;

/**
 * How the HTTP edge limits a public POST (core/request-limits.ts; docs/architecture.md, "Limits on public
 * POSTs"), counted before its handler runs: `client` for a POST that starts something (a subscription, a
 * registration, a mailed link), per client network a minute; `token` for a POST that carries a signed link
 * token (a confirmation, a one-click unsubscribe), per token a minute instead, since a mail provider's
 * scanner posts many tokens from one network. Every public POST names one (test/unit/route-table.test.ts).
 */
export interface Route {
  readonly method: HttpMethod;
  readonly path: string;
  readonly entry: EntryName;
  readonly access: Access;
  /** The route's limit on public POSTs. Default: none (pages, the API's reads, organiser routes). */
  readonly limit?: RequestLimitKind;
  /**
   * An organiser's read that the audit trail records as well (as it records every organiser write): reading
   * the suppression list. Default: a GET is not audited.
   */
  readonly audited?: true;
}

export const routes = [
  { method: 'GET', path: paths.home, entry: 'home', access: 'public' },
  { method: 'GET', path: paths.newsletter, entry: 'newsletterForm', access: 'public' },
  { method: 'POST', path: paths.newsletter, entry: 'newsletterSubscribe', access: 'public', limit: 'client' },
  { method: 'GET', path: paths.confirmSubscription, entry: 'confirmSubscriptionPage', access: 'public' },
  {
    method: 'POST',
    path: paths.confirmSubscription,
    entry: 'confirmSubscription',
    access: 'public',
    limit: 'token',
  },
  { method: 'GET', path: paths.preferences, entry: 'preferencesPage', access: 'public' },
  { method: 'POST', path: paths.preferences, entry: 'preferencesSubmit', access: 'public', limit: 'token' },
  { method: 'GET', path: paths.unsubscribe, entry: 'unsubscribePage', access: 'public' },
  { method: 'POST', path: paths.unsubscribe, entry: 'unsubscribe', access: 'public', limit: 'token' },
  { method: 'GET', path: paths.freshLink, entry: 'freshLinkForm', access: 'public' },
  { method: 'POST', path: paths.freshLink, entry: 'freshLinkRequest', access: 'public', limit: 'client' },
  { method: 'POST', path: '/api/subscriptions', entry: 'subscribeApi', access: 'public', limit: 'client' },
  { method: 'GET', path: paths.meetings, entry: 'meetingsPage', access: 'public' },
  { method: 'GET', path: paths.calendarFeed, entry: 'meetingCalendarFeed', access: 'public' },
  { method: 'GET', path: paths.pastMeetings, entry: 'pastMeetingsPage', access: 'public' },
  { method: 'GET', path: paths.meeting, entry: 'meetingPage', access: 'public' },
  { method: 'POST', path: paths.meeting, entry: 'meetingRegisterForm', access: 'public', limit: 'client' },
  { method: 'GET', path: paths.cancelRegistration, entry: 'cancelRegistrationPage', access: 'public' },
  {
    method: 'POST',
    path: paths.cancelRegistration,
    entry: 'cancelRegistration',
    access: 'public',
    limit: 'token',
  },
  { method: 'GET', path: paths.confirmRegistration, entry: 'registrationConfirmPage', access: 'public' },
  {
    method: 'POST',
    path: paths.confirmRegistration,
    entry: 'registrationConfirm',
    access: 'public',
    limit: 'token',
  },
  { method: 'GET', path: '/api/meetings', entry: 'meetingsApi', access: 'public' },
  { method: 'GET', path: '/api/meetings/{id}', entry: 'meetingApi', access: 'public' },
  {
    method: 'POST',
    path: '/api/meetings/{id}/registrations',
    entry: 'registerApi',
    access: 'public',
    limit: 'client',
  },
  { method: 'GET', path: '/api/organiser/meetings', entry: 'organiserMeetings', access: 'organisers' },
  { method: 'POST', path: '/api/organiser/meetings', entry: 'organiserMeetingCreate', access: 'organisers' },
  { method: 'GET', path: '/api/organiser/meetings/{id}', entry: 'organiserMeeting', access: 'organisers' },
  {
    method: 'PATCH',
    path: '/api/organiser/meetings/{id}',
    entry: 'organiserMeetingUpdate',
    access: 'organisers',
  },
  {
    method: 'POST',
    path: '/api/organiser/meetings/{id}/publish',
    entry: 'organiserMeetingPublish',
    access: 'organisers',
  },
  {
    method: 'POST',
    path: '/api/organiser/meetings/{id}/cancel',
    entry: 'organiserMeetingCancel',
    access: 'organisers',
  },
  {
    method: 'POST',
    path: '/api/organiser/meetings/{id}/announce',
    entry: 'organiserMeetingAnnounce',
    access: 'organisers',
  },
  {
    method: 'POST',
    path: '/api/organiser/meetings/{id}/registrations',
    entry: 'organiserRegistrationCreate',
    access: 'organisers',
  },
  {
    method: 'GET',
    path: '/api/organiser/meetings/{id}/registrations.csv',
    entry: 'organiserRegistrationsCsv',
    access: 'organisers',
  },
  {
    method: 'GET',
    path: '/api/organiser/meetings/{id}/registrations.json',
    entry: 'organiserRegistrationsJson',
    access: 'organisers',
  },
  { method: 'GET', path: '/api/organiser/subscribers', entry: 'organiserSubscribers', access: 'organisers' },
  {
    method: 'GET',
    path: '/api/organiser/subscribers/counts',
    entry: 'organiserSubscriberCounts',
    access: 'organisers',
  },
  {
    method: 'POST',
    path: '/api/organiser/subscribers/imports',
    entry: 'organiserSubscriberImport',
    access: 'admins',
  },
  { method: 'GET', path: '/api/organiser/me', entry: 'organiserMe', access: 'organisers' },
  { method: 'GET', path: '/api/organiser/audit', entry: 'organiserAudit', access: 'admins' },
  {
    method: 'GET',
    path: '/api/organiser/suppressions',
    entry: 'organiserSuppressions',
    access: 'admins',
    audited: true,
  },
  {
    method: 'DELETE',
    path: '/api/organiser/suppressions/{id}',
    entry: 'organiserSuppressionLift',
    access: 'admins',
  },
  { method: 'GET', path: '/api/organiser/mailings', entry: 'organiserMailings', access: 'organisers' },
  {
    method: 'POST',
    path: '/api/organiser/mailings',
    entry: 'organiserMailingCreate',
    access: 'organisers',
  },
  { method: 'GET', path: '/api/organiser/mailings/{id}', entry: 'organiserMailing', access: 'organisers' },
  {
    method: 'PATCH',
    path: '/api/organiser/mailings/{id}',
    entry: 'organiserMailingUpdate',
    access: 'organisers',
  },
  {
    method: 'DELETE',
    path: '/api/organiser/mailings/{id}',
    entry: 'organiserMailingDelete',
    access: 'organisers',
  },
  {
    method: 'GET',
    path: '/api/organiser/mailings/{id}/preview',
    entry: 'organiserMailingPreview',
    access: 'organisers',
  },
  {
    method: 'POST',
    path: '/api/organiser/mailings/{id}/test-send',
    entry: 'organiserMailingTestSend',
    access: 'organisers',
  },
  {
    method: 'POST',
    path: '/api/organiser/mailings/{id}/approve',
    entry: 'organiserMailingApprove',
    access: 'organisers',
  },
  ...(['send', 'schedule', 'unschedule', 'pause', 'resume', 'cancel', 'retry-failed'] as const).map(
    (action) =>
      ({
        method: 'POST',
        path: `/api/organiser/mailings/{id}/${action}`,
        entry: 'organiserMailingControl',
        access: 'organisers',
      }) as const,
  ),
  {
    method: 'GET',
    path: '/api/organiser/mailings/{id}/audience',
    entry: 'organiserMailingAudience',
    access: 'organisers',
  },
  { method: 'POST', path: '/api/organiser/test-mail', entry: 'organiserTestMail', access: 'organisers' },
  { method: 'GET', path: paths.reports, entry: 'reportsPage', access: 'public' },
  { method: 'GET', path: paths.reportsFeed, entry: 'reportsFeed', access: 'public' },
  { method: 'GET', path: paths.report, entry: 'reportPage', access: 'public' },
  { method: 'GET', path: '/api/reports', entry: 'reportsApi', access: 'public' },
  { method: 'GET', path: paths.digestPreview, entry: 'digestPreviewPage', access: 'public' },
  { method: 'POST', path: paths.requestReport, entry: 'reportRequest', access: 'public', limit: 'client' },
  { method: 'GET', path: paths.confirmReportRequest, entry: 'reportRequestConfirmPage', access: 'public' },
  {
    method: 'POST',
    path: paths.confirmReportRequest,
    entry: 'reportRequestConfirm',
    access: 'public',
    limit: 'token',
  },
  { method: 'GET', path: paths.reportDownload, entry: 'reportDownloadPage', access: 'public' },
  { method: 'GET', path: paths.reportDownloadFile, entry: 'reportDownload', access: 'public' },
  { method: 'GET', path: paths.reportFile, entry: 'reportFile', access: 'public' },
  {
    method: 'POST',
    path: '/api/organiser/reports/{id}/upload',
    entry: 'organiserReportDocument',
    access: 'organisers',
  },
  {
    method: 'PUT',
    path: '/api/organiser/reports/{id}/document',
    entry: 'organiserReportDocument',
    access: 'organisers',
  },
  {
    method: 'GET',
    path: '/api/organiser/reports/{id}/requests',
    entry: 'organiserReportRequests',
    access: 'organisers',
  },
  {
    method: 'GET',
    path: '/api/organiser/reports/{id}/requests.csv',
    entry: 'organiserReportRequests',
    access: 'organisers',
  },
  {
    method: 'POST',
    path: '/api/organiser/reports/{id}/requests/{personId}/approve',
    entry: 'organiserReportRequestApprove',
    access: 'organisers',
  },
  { method: 'GET', path: '/api/organiser/reports', entry: 'organiserReports', access: 'organisers' },
  { method: 'POST', path: '/api/organiser/reports', entry: 'organiserReportCreate', access: 'organisers' },
  { method: 'GET', path: '/api/organiser/reports/{id}', entry: 'organiserReport', access: 'organisers' },
  {
    method: 'PATCH',
    path: '/api/organiser/reports/{id}',
    entry: 'organiserReportUpdate',
    access: 'organisers',
  },
  {
    method: 'GET',
    path: '/api/organiser/reports/{id}/preview',
    entry: 'organiserReportPreview',
    access: 'organisers',
  },
  ...reportActions.map(
    (action) =>
      ({
        method: 'POST',
        path: `/api/organiser/reports/{id}/${action}`,
        entry: 'organiserReportControl',
        access: 'organisers',
      }) as const,
  ),
  // The API describes itself: its OpenAPI document and the Dutch docs page made from it.
  { method: 'GET', path: '/api', entry: 'apiDocs', access: 'public' },
  { method: 'GET', path: '/api/docs', entry: 'apiDocs', access: 'public' },
  { method: 'GET', path: '/api/openapi.json', entry: 'apiDocs', access: 'public' },
] as const satisfies readonly Route[];

/** Whether a route is the organisers' (signed in, in a role), not the public's. */
export const isOrganiserRoute = (route: Pick<Route, 'access'>): boolean => route.access !== 'public';

/** Whether the audit trail records each call of a route: every organiser write, and the reads marked so. */
export const isAuditedRoute = (route: Pick<Route, 'access' | 'method' | 'audited'>): boolean =>
  isOrganiserRoute(route) && (route.method !== 'GET' || route.audited === true);

/** API Gateway's `$default` route: everything no route matches. */
export const fallbackEntry: EntryName = 'notFound';

/** The API Gateway route key, as it arrives in `event.routeKey`. */
export const routeKey = (route: Pick<Route, 'method' | 'path'>): string => `${route.method} ${route.path}`;

const byKey = new Map<string, Route>(routes.map((route) => [routeKey(route), route]));

/** The route an event was routed by; undefined for `$default`. */
export const routeByKey = (key: string): Route | undefined => byKey.get(key);

/**
 * Whether an entry serves a route with a `limit`: its function counts requests (lib/app-function.ts grants
 * it, lib/bundling.ts bundles the limiter).
 */
export const servesLimitedRoute = (entry: EntryName, table: readonly Route[] = routes): boolean =>
  table.some((route) => route.entry === entry && route.limit !== undefined);

/** Whether an entry serves an audited route: its function writes audit entries (lib/app-function.ts grants it). */
export const servesAuditedRoute = (entry: EntryName, table: readonly Route[] = routes): boolean =>
  table.some((route) => route.entry === entry && isAuditedRoute(route));

/** API routes answer problem+json; every other path is a page and answers Dutch HTML. */
export const isApiPath = (path: string): boolean => path === '/api' || path.startsWith('/api/');
