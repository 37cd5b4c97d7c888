import { DynamoMeetingCatalogue } from '../adapters/dynamo/meeting-catalogue';
import { once } from './once';
import { dynamo, tableName } from './table';

/** The published meetings, for the public pages and the API: reads only. */
export const meetingCatalogue = once(() => new DynamoMeetingCatalogue(dynamo(), tableName));
