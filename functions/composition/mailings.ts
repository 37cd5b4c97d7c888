import { DynamoMeetingCatalogue } from '../adapters/dynamo/meeting-catalogue';
import { InvalidInput } from '../core/errors';
import type { MeetingAnnouncementPorts } from '../core/mailings/announcement';
import type { MailingDraftPorts, RenderedMailing } from '../core/mailings/drafts';
import type { MailingContent } from '../core/mailings/mailing';
import { meetingPath } from '../paths';
import { MailingContentRejected, renderMailingContent } from '../web/mail/mailing-content';
import { mailingStore } from './mailing-store';
import { once } from './once';
import { clock, ids, siteUrl } from './process';
import { dynamo, tableName } from './table';

/** Markdown to the house mail's HTML and text, once per save; what the renderer refuses is the body's 400. */
export const renderMailing = (content: Pick<MailingContent, 'body' | 'preheader'>): RenderedMailing => {
  try {
    const { html, text } = renderMailingContent({
      markdown: content.body,
      ...(content.preheader !== undefined ? { preheader: content.preheader } : {}),
    });
    return { html, text };
  } catch (error) {
    if (error instanceof MailingContentRejected) {
      throw new InvalidInput([{ field: 'body', message: error.message }]);
    }
    throw error;
  }
};

/** Writing mailings: the store, the meetings an audience may name, the renderer (create and change only). */
export const mailingDrafts = once(
  (): MailingDraftPorts => ({
    store: mailingStore(),
    meetings: new DynamoMeetingCatalogue(dynamo(), tableName),
    render: renderMailing,
    clock,
    ids,
  }),
);

/** Announcing a meeting: writing a draft, plus the absolute link to the meeting's public page. */
export const meetingAnnouncements = once(
  (): MeetingAnnouncementPorts => ({
    ...mailingDrafts(),
    meetingUrl: (meeting) => `${siteUrl}${meetingPath(meeting)}`,
  }),
);
