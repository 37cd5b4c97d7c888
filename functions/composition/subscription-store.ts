import { DynamoSubscriptionStore } from '../adapters/dynamo/subscription-store';
import { once } from './once';
import { dynamo, tableName } from './table';

/** Subscriptions in the table: reading lists and counts needs no secret. */
export const subscriptionStore = once(() => new DynamoSubscriptionStore(dynamo(), tableName));
