import { DynamoReportStore } from '../adapters/dynamo/report-store';
import { once } from './once';
import { dynamo, tableName } from './table';

/** Reports in the table: what the public pages and the feed read (no Markdown renderer bundled). */
export const reportStore = once(() => new DynamoReportStore(dynamo(), tableName));
