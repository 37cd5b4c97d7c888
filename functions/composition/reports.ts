import { DynamoMeetingCatalogue } from '../adapters/dynamo/meeting-catalogue';
import type { ReportPorts } from '../core/reports/use-cases';
import { reportPath } from '../paths';
import { parseMarkdown, safeHtml } from '../web/safe-markdown';
import { mailingStore } from './mailing-store';
import { renderMailing } from './mailings';
import { once } from './once';
import { clock, ids, siteUrl } from './process';
import { reportStore } from './report-store';
import { dynamo, tableName } from './table';

/**
 * Writing reports: the store, the meetings a report may name, the safe Markdown renderer, and what its
 * announcement draft needs (the mail renderer, the report's absolute address).
 */
export const reportWriting = once(
  (): ReportPorts => ({
    store: reportStore(),
    render: (markdown) => safeHtml(parseMarkdown(markdown)),
    renderMail: renderMailing,
    reportUrl: (slug) => `${siteUrl}${reportPath(slug)}`,
    mailings: mailingStore(),
    meetings: new DynamoMeetingCatalogue(dynamo(), tableName),
    clock,
    ids,
  }),
);
