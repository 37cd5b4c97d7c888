import { DynamoSendingProgress } from '../adapters/dynamo/mailing-recipients';
import { once } from './once';
import { dynamo, tableName } from './table';

/** The sender's progress of a mailing (counts, rate), for the organiser's view. */
export const mailingProgress = once(() => new DynamoSendingProgress(dynamo(), tableName));
