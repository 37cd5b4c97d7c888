import { DynamoMeetingCatalogue } from '../adapters/dynamo/meeting-catalogue';
import type { ReportPorts } from '../core/reports/use-cases';
import { parseMarkdown, safeHtml } from '../web/safe-markdown';
import { once } from './once';
import { clock, ids } from './process';
import { reportStore } from './report-store';
import { dynamo, tableName } from './table';

/** Writing reports: the store, the meetings a report may name, and the safe Markdown renderer. */
export const reportWriting = once(
  (): ReportPorts => ({
    store: reportStore(),
    render: (markdown) => safeHtml(parseMarkdown(markdown)),
    meetings: new DynamoMeetingCatalogue(dynamo(), tableName),
    clock,
    ids,
  }),
);
