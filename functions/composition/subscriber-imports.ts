import { DynamoImportStore } from '../adapters/dynamo/import-store';
import type { ImportPorts } from '../core/subscriptions/import';
import { renderMailing } from './mailings';
import { personIds } from './person-ids';
import { clock, ids } from './process';
import { subscriptionStore } from './subscription-store';
import { dynamo, tableName } from './table';

/**
 * Importing subscribers: the subscriptions, the imports, the confirmation mailing and its renderer; the
 * handler adds the API's rules for addresses and names.
 */
export const subscriberImports = async (): Promise<Omit<ImportPorts, 'addressIssue' | 'nameOf'>> => ({
  store: subscriptionStore(),
  imports: new DynamoImportStore(dynamo(), tableName),
  render: renderMailing,
  personIds: await personIds(),
  clock,
  ids,
});
