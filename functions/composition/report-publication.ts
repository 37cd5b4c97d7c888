import type { PublicationPorts } from '../core/reports/publication';
import { audienceCounter } from './mailing-sending';
import { mailingStore } from './mailing-store';
import { once } from './once';
import { clock, config } from './process';
import { reportStore } from './report-store';

/**
 * A scheduled report's publication (the scheduled-jobs function): the report, its announcement, and the
 * announcement's audience counted for four eyes. No Markdown renderer: nothing is rendered when publishing.
 */
export const scheduledPublication = once(
  (): Omit<PublicationPorts, 'scheduler'> => ({
    store: reportStore(),
    mailings: mailingStore(),
    counter: audienceCounter(),
    clock,
    fourEyesThreshold: config.FOUR_EYES_THRESHOLD,
  }),
);
