import { reportConsent } from '../composition/report-consent';
import { reportRequesting } from '../composition/report-requesting';
import { reportStore } from '../composition/report-store';
import { NotFound } from '../core/errors';
import { isSlug } from '../core/reports/report';
import { isRequestable, requestReport } from '../core/reports/requests';
import { renderRequestReceived } from '../web/pages/report-requests';
import { renderReportPage } from '../web/pages/reports';
import { httpRoute } from './http/edge';
import { fieldIssues, parseFormBody } from './http/request';
import { page } from './http/respond';
import { reportRequestForm, reportRequestInput } from './inputs/reports';

/** The form's rules, with this stage's consent text (built once per process). */
const requestForm = reportRequestForm(reportConsent);

/**
 * `POST /publicaties/{slug}/aanvragen`: the request form of a report on request. A form with errors comes
 * back on the report's page with what was typed; every accepted one gets the same page, whatever the
 * address asked before (core/reports/requests.ts).
 */
export const handler = httpRoute(async (event) => {
  const slug = event.pathParameters?.slug ?? '';
  const form = await parseFormBody(event);
  const report = isSlug(slug) ? await reportStore().bySlug(slug) : undefined;
  if (!report || report.slug !== slug || !isRequestable(report)) {
    throw new NotFound('Deze publicatie is niet (meer) op aanvraag beschikbaar.');
  }
  if (form.get('website')) return page(200, renderRequestReceived(report));
  const input = reportRequestInput(form);
  const parsed = requestForm.safeParse(input);
  if (!parsed.success) {
    const values = { ...input, purpose: input.purpose, consent: input.consent };
    return page(400, renderReportPage(report, reportConsent, { values, issues: fieldIssues(parsed.error) }));
  }
  const { consent: _consent, ...request } = parsed.data;
  await requestReport(await reportRequesting(), slug, request);
  return page(200, renderRequestReceived(report));
});
