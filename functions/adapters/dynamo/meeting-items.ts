import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import {
  hasPersonalData,
  type Meeting,
  meetingStatuses,
  participantRoles,
  type Registration,
  type RegistrationNeeds,
  registrationStatuses,
  type StoredRegistration,
} from '../../core/meetings/model';
import type { MeetingListPage, MeetingListQuery, RegistrationRow } from '../../core/meetings/ports';
import { ConcurrentChange } from '../../core/ports';
import { decodeListCursor, encodeListCursor } from './list-cursor';
import { keys } from './table-design';

/**
 * Meetings and registrations in the single table, shared by the meeting adapters (one per capability:
 * meeting-registrations.ts, meeting-cancellations.ts, meeting-lifecycle.ts, meeting-catalogue.ts,
 * meeting-reminders.ts, meeting-mails.ts): how an item maps to the domain, and the reads several of them
 * need. Plain functions, so a bundle keeps only what its adapter calls; the writes they share are in
 * meeting-writes.ts. Every key comes from table-design.ts.
 */

/** The table the meeting adapters work in. */
export interface MeetingTable {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

/** What every meeting adapter starts from: the single table, and reading the meeting itself. */
export abstract class MeetingTableAdapter {
  protected readonly table: MeetingTable;

  constructor(client: DynamoDBDocumentClient, tableName: string) {
    this.table = { client, tableName };
  }

  getMeeting(meetingId: string): Promise<Meeting | undefined> {
    return readMeeting(this.table, meetingId);
  }
}

const meetingItem = z.object({
  meetingId: z.string(),
  status: z.enum(meetingStatuses),
  title: z.string(),
  description: z.string(),
  city: z.string(),
  venueAddress: z.string(),
  startsAt: z.string(),
  endsAt: z.string(),
  capacity: z.number(),
  registrationOpensAt: z.string(),
  registrationClosesAt: z.string(),
  waitingListEnabled: z.boolean(),
  reminderLeadHours: z.number(),
  questions: z.object({
    organisation: z.boolean(),
    role: z.boolean(),
    municipality: z.boolean(),
    needs: z.boolean(),
  }),
  confirmedCount: z.number(),
  waitingCount: z.number(),
  waitingTicket: z.optional(z.number()),
  createdAt: z.string(),
  updatedAt: z.string(),
  publishedAt: z.optional(z.string()),
  cancelledAt: z.optional(z.string()),
  personalDataRemovedAt: z.optional(z.string()),
  slug: z.optional(z.string()),
  cancellationMessage: z.optional(z.string()),
  version: z.number(),
  // Meetings stored before calendars existed have none.
  sequence: z._default(z.number(), 0),
});

const registrationRecord = {
  meetingId: z.string(),
  personId: z.string(),
  registrationId: z.string(),
  status: z.enum(registrationStatuses),
  registeredAt: z.string(),
  waitingKey: z.optional(z.string()),
  confirmedAt: z.optional(z.string()),
  cancelledAt: z.optional(z.string()),
  version: z.number(),
};

/** A registration's answers as stored (a registration request stores them the same way). */
export const answersItem = z.object({
  organisation: z.optional(z.string()),
  role: z.optional(z.enum(participantRoles)),
  municipality: z.optional(z.string()),
});

const registrationItem = z.object({
  ...registrationRecord,
  email: z.string(),
  name: z.string(),
  answers: answersItem,
});

/** After the retention period (core/retention.ts): the person's details are gone, the rest stays. */
const anonymisedRegistrationItem = z.object({
  ...registrationRecord,
  answers: z._default(z.object({ role: z.optional(z.enum(participantRoles)) }), {}),
  anonymisedAt: z.string(),
});

const toMeeting = (item: Record<string, unknown>): Meeting => meetingItem.parse(item);
const toStoredRegistration = (item: Record<string, unknown>): StoredRegistration =>
  item.anonymisedAt === undefined ? registrationItem.parse(item) : anonymisedRegistrationItem.parse(item);

/** The item attributes of a meeting: everything but the counters, which only ever move by ADD. */
export const meetingAttributes = (meeting: Meeting) => {
  const { confirmedCount: _c, waitingCount: _w, waitingTicket: _t, ...attributes } = meeting;
  return { ...attributes, ...keys.meetingListing(meeting.status, meeting.startsAt, meeting.meetingId) };
};

/** One meeting, strongly consistent: decisions are taken on it. */
const readMeeting = async (
  { client, tableName }: MeetingTable,
  meetingId: string,
): Promise<Meeting | undefined> => {
  const { Item } = await client.send(
    new GetCommand({ TableName: tableName, Key: keys.meeting(meetingId), ConsistentRead: true }),
  );
  return Item ? toMeeting(Item) : undefined;
};

/** Which meeting a slug names (the slug's item, strongly consistent); undefined when none ever had it. */
export const readMeetingIdAt = async (
  { client, tableName }: MeetingTable,
  slug: string,
): Promise<string | undefined> => {
  const { Item } = await client.send(
    new GetCommand({ TableName: tableName, Key: keys.meetingSlug(slug), ConsistentRead: true }),
  );
  return typeof Item?.meetingId === 'string' ? Item.meetingId : undefined;
};

/** Meetings of one status by start time, earliest first: a Query on GSI1, a page at a time. */
export const queryMeetings = async (
  { client, tableName }: MeetingTable,
  { status, from, before, after, limit, cursor }: MeetingListQuery,
): Promise<MeetingListPage> => {
  const input: QueryCommandInput = {
    TableName: tableName,
    IndexName: 'GSI1',
    KeyConditionExpression: before
      ? 'GSI1PK = :pk AND GSI1SK < :before'
      : after !== undefined
        ? 'GSI1PK = :pk AND GSI1SK > :after'
        : from
          ? 'GSI1PK = :pk AND GSI1SK >= :from'
          : 'GSI1PK = :pk',
    ExpressionAttributeValues: {
      ':pk': keys.meetingsByStatus(status).GSI1PK,
      ...(before
        ? { ':before': before.toISOString() }
        : after !== undefined
          ? { ':after': after }
          : from
            ? { ':from': from.toISOString() }
            : {}),
    },
    ...(before ? { ScanIndexForward: false } : {}),
    Limit: limit,
    ...(cursor ? { ExclusiveStartKey: decodeListCursor(cursor, keys.meetingsByStatus(status).GSI1PK) } : {}),
  };
  const result = await client.send(new QueryCommand(input));
  return {
    items: (result.Items ?? []).map(toMeeting),
    nextCursor: encodeListCursor(result.LastEvaluatedKey),
  };
};

/**
 * One person's registration for a meeting, strongly consistent. An anonymised one (its meeting long past)
 * reads as none: it no longer says whose it is, so nobody can cancel, re-register or be mailed through it.
 */
export const readRegistration = async (
  { client, tableName }: MeetingTable,
  meetingId: string,
  personId: string,
): Promise<Registration | undefined> => {
  const { Item } = await client.send(
    new GetCommand({
      TableName: tableName,
      Key: keys.registration(meetingId, personId),
      ConsistentRead: true,
    }),
  );
  const registration = Item ? toStoredRegistration(Item) : undefined;
  return registration && hasPersonalData(registration) ? registration : undefined;
};

/**
 * The first `limit` people waiting, first come first: a strongly consistent base-table Query of the waiting
 * places, then their registrations. Throws ConcurrentChange when one of them is being promoted or leaving.
 */
export const readWaitingHead = async (
  table: MeetingTable,
  meetingId: string,
  limit: number,
): Promise<readonly Registration[]> => {
  const places = keys.waitingPlaces(meetingId);
  const { Items = [] } = await table.client.send(
    new QueryCommand({
      TableName: table.tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :waiting)',
      ExpressionAttributeValues: { ':pk': places.PK, ':waiting': places.skPrefix },
      ConsistentRead: true,
      Limit: limit,
    }),
  );
  const registrations = await Promise.all(
    Items.map((item) => readRegistration(table, meetingId, item.personId as string)),
  );
  // Read between another transaction's delete of the place and our read of the registration: stale.
  if (registrations.some((registration) => registration?.status !== 'waiting')) throw new ConcurrentChange();
  return registrations as Registration[];
};

/** How many items a Query matches, page by page (`Select: 'COUNT'`: no item is read back). */
export const countMatches = async (
  { client, tableName }: MeetingTable,
  query: Omit<QueryCommandInput, 'TableName' | 'Select' | 'ExclusiveStartKey'>,
): Promise<number> => {
  let count = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const result = await client.send(
      new QueryCommand({
        ...query,
        TableName: tableName,
        Select: 'COUNT',
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    count += result.Count ?? 0;
    startKey = result.LastEvaluatedKey;
  } while (startKey);
  return count;
};

/** Every registration of a meeting with its needs (expired needs count as absent). */
export const readRegistrations = async (
  { client, tableName }: MeetingTable,
  meetingId: string,
): Promise<readonly RegistrationRow[]> => {
  const registrations: StoredRegistration[] = [];
  const needs = new Map<string, RegistrationNeeds>();
  const range = keys.registrationsWithNeeds(meetingId);
  let startKey: Record<string, unknown> | undefined;
  const nowSeconds = Math.floor(Date.now() / 1000);
  do {
    const result = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': range.PK, ':from': range.skFrom, ':to': range.skTo },
        ConsistentRead: true,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    for (const item of result.Items ?? []) {
      if (item.entity === 'Registration') registrations.push(toStoredRegistration(item));
      else if (item.entity === 'RegistrationNeeds' && !((item.expiresAt as number) < nowSeconds)) {
        needs.set(item.personId as string, {
          ...(item.dietary ? { dietary: item.dietary as string } : {}),
          ...(item.accessibility ? { accessibility: item.accessibility as string } : {}),
        });
      }
    }
    startKey = result.LastEvaluatedKey;
  } while (startKey);
  return registrations.map((registration) => {
    const personNeeds = needs.get(registration.personId);
    return personNeeds ? { registration, needs: personNeeds } : { registration };
  });
};
