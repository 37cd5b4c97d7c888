import { DynamoRequestCounter } from '../adapters/dynamo/request-counts';
import { type RequestLimitPorts, RequestSubjects } from '../core/request-limits';
import { onceResolved } from './once';
import { personIdSecret } from './person-ids';
import { clock, config } from './process';
import { dynamo, tableName } from './table';

/**
 * The limits on public POSTs (the HTTP edge loads them for a route with a `limit`): counts in the table, under
 * subjects keyed with the person-id key, which every function on such a route reads already (it keys people
 * or checks links); the limits from the configuration.
 */
export const requestLimits = onceResolved(
  async (): Promise<RequestLimitPorts> => ({
    counter: new DynamoRequestCounter(dynamo(), tableName),
    subjects: new RequestSubjects(await personIdSecret()),
    clock,
    perWindow: {
      client: config.PUBLIC_POSTS_PER_IP_PER_MINUTE,
      token: config.PUBLIC_POSTS_PER_TOKEN_PER_MINUTE,
    },
  }),
);
