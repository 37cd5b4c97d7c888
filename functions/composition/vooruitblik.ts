import { DynamoDigestStore } from '../adapters/dynamo/digest-store';
import { DynamoMeetingCatalogue } from '../adapters/dynamo/meeting-catalogue';
import type { OutboxMail } from '../core/mailings/outbox';
import type { VooruitblikPorts } from '../core/mailings/vooruitblik';
import { meetingPath, reportPath } from '../paths';
import { renderMailing } from './mailings';
import { once } from './once';
import { personIds } from './person-ids';
import { clock, config, siteUrl } from './process';
import { reportStore } from './report-store';
import { dynamo, tableName } from './table';

/**
 * The Vooruitblik's function: the digests and the last one sent, the meetings and reports it lists, the mail
 * renderer, and the organisers who get the preview link (ORGANISER_ALERT_ADDRESSES).
 */
export const vooruitblik = once(
  (): VooruitblikPorts => ({
    digests: new DynamoDigestStore(dynamo(), tableName),
    meetings: new DynamoMeetingCatalogue(dynamo(), tableName),
    reports: reportStore(),
    render: renderMailing,
    meetingUrl: (meeting) => `${siteUrl}${meetingPath(meeting)}`,
    reportUrl: (slug) => `${siteUrl}${reportPath(slug)}`,
    previewAlerts: async (digest) => {
      const ids = await personIds();
      return config.ORGANISER_ALERT_ADDRESSES.map((address): OutboxMail => {
        const personId = ids.of(address);
        return {
          // One per digest and organiser: a second draft of the same digest could not write it twice.
          mailId: `${digest.mailingId}-preview-${personId.slice(0, 16)}`,
          kind: 'digest-preview',
          recipient: { personId, address },
          data: { mailingId: digest.mailingId, digestFor: digest.digestFor ?? '', subject: digest.subject },
          createdAt: clock.now().toISOString(),
        };
      });
    },
    clock,
  }),
);
