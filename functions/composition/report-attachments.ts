import type { AttachmentPorts } from '../core/reports/attachments';
import { once } from './once';
import { clock, ids } from './process';
import { reportDocuments } from './report-documents';
import { reportStore } from './report-store';

/** A report's PDF: upload forms and the completing call, against the report and the private bucket. */
export const reportAttachments = once(
  (): AttachmentPorts => ({ store: reportStore(), documents: reportDocuments(), clock, ids }),
);
