import * as z from 'zod/mini';
import { vooruitblikSchedules } from '../core/mailings/vooruitblik';

/**
 * The recurring schedules that carry an input (docs/architecture.md, "The Vooruitblik"): the CDK creates them
 * next to their function, the local scheduler keeps them in its table and fires them alike. EventBridge
 * Scheduler puts the time a firing was scheduled for into the input (`<aws.scheduler.scheduled-time>`, a
 * context attribute), and the local scheduler does the same, so a late or repeated firing still names the
 * digest it is for.
 */
export const scheduledTimePlaceholder = '<aws.scheduler.scheduled-time>';

export const vooruitblikEvent = z.object({
  kind: z.literal('vooruitblik'),
  step: z.enum(['draft', 'send', 'now']),
  scheduledAt: z.iso.datetime({ offset: true }),
});
export type VooruitblikEvent = z.infer<typeof vooruitblikEvent>;

/** A recurring schedule: its name, its cron expression (Europe/Amsterdam) and the input of every firing. */
export interface RecurringSchedule {
  readonly name: string;
  readonly expression: string;
  readonly input: {
    readonly kind: 'vooruitblik';
    readonly step: 'draft' | 'send';
    readonly scheduledAt: typeof scheduledTimePlaceholder;
  };
}

/** The Vooruitblik's two: the daily look whether to draft, and the monthly send. */
export const recurringSchedules: readonly RecurringSchedule[] = [
  {
    name: 'vooruitblik-draft',
    expression: vooruitblikSchedules.draft,
    input: { kind: 'vooruitblik', step: 'draft', scheduledAt: scheduledTimePlaceholder },
  },
  {
    name: 'vooruitblik-send',
    expression: vooruitblikSchedules.send,
    input: { kind: 'vooruitblik', step: 'send', scheduledAt: scheduledTimePlaceholder },
  },
];
