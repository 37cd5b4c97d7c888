import { setTimeout as delay } from 'node:timers/promises';
import type { Handler } from 'aws-lambda';
import type { SesEventBridgeEvent } from '../../functions/adapters/ses/events';
import { soleEntryWithTrigger } from '../../functions/entries';
import { createLambdaContext } from '../http/lambda-context';
import { type HandlerLoader, localRegion } from '../runtime';
import { describeFailure } from '../scheduler/invoke';

/** The entry SES events go to, as in lib/ (the EventBridge rule's target). */
export const sesEventsEntry = soleEntryWithTrigger('ses-events');

/**
 * The EventBridge rule offline: the SES proxy publishes each event here and it invokes the SES events
 * function with it, retrying a failure a few times (EventBridge retries for up to a day, then writes the
 * event to the rule's dead-letter queue; offline the give-up is a log line).
 */
export const sesEventsTarget =
  (loadHandler: HandlerLoader, log: (line: string) => void = (line) => console.error(line), attempts = 4) =>
  async (event: SesEventBridgeEvent): Promise<void> => {
    const handler = await loadHandler<Handler<unknown, unknown>>(sesEventsEntry);
    for (let attempt = 1; ; attempt++) {
      try {
        await handler(
          structuredClone(event),
          createLambdaContext(sesEventsEntry, localRegion),
          () => undefined,
        );
        return;
      } catch (error) {
        if (attempt >= attempts) {
          log(
            `${sesEventsEntry}: gave up on SES event ${event.id} (${event['detail-type']}): ${describeFailure(error)}`,
          );
          return;
        }
        await delay(200 * 2 ** attempt);
      }
    }
  };
