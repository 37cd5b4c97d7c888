import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import type { OutboxMail } from '../../core/mailings/outbox';
import {
  type Meeting,
  meetingStatuses,
  needsRetentionSeconds,
  participantRoles,
  type Registration,
  type RegistrationNeeds,
  registrationStatuses,
} from '../../core/meetings/model';
import type {
  MeetingChange,
  MeetingListPage,
  MeetingListQuery,
  MeetingStore,
  Promotion,
  RegistrationChange,
  RegistrationRow,
} from '../../core/meetings/ports';
import type { MailRate, MailRateChange } from '../../core/people/mail-rate';
import { ConcurrentChange } from '../../core/ports';
import { decodeListCursor, encodeListCursor } from './list-cursor';
import { mailRateFrom, mailRatePut } from './mail-rate';
import { outboxJobPut, outboxPut } from './outbox';
import { keys } from './table-design';
import { type TransactItem, TransactionConditionFailed, transactWrite } from './transactions';

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
  createdAt: z.string(),
  updatedAt: z.string(),
  publishedAt: z.string().optional(),
  cancelledAt: z.string().optional(),
  version: z.number(),
  // Meetings stored before calendars existed have none.
  sequence: z.number().default(0),
});

const registrationItem = z.object({
  meetingId: z.string(),
  personId: z.string(),
  registrationId: z.string(),
  email: z.string(),
  name: z.string(),
  answers: z.object({
    organisation: z.string().optional(),
    role: z.enum(participantRoles).optional(),
    municipality: z.string().optional(),
  }),
  status: z.enum(registrationStatuses),
  registeredAt: z.string(),
  waitingKey: z.string().optional(),
  confirmedAt: z.string().optional(),
  cancelledAt: z.string().optional(),
  version: z.number(),
});

const toMeeting = (item: Record<string, unknown>): Meeting => meetingItem.parse(item);
const toRegistration = (item: Record<string, unknown>): Registration => registrationItem.parse(item);

/** The item attributes of a meeting: everything but the counters, which only ever move by ADD. */
const meetingAttributes = (meeting: Meeting) => {
  const { confirmedCount: _c, waitingCount: _w, ...attributes } = meeting;
  return { ...attributes, ...keys.meetingListing(meeting.status, meeting.startsAt, meeting.meetingId) };
};

const isConfirmed = (registration: Registration | undefined) =>
  registration?.status === 'confirmed' ? 1 : 0;
const isWaiting = (registration: Registration | undefined) => (registration?.status === 'waiting' ? 1 : 0);

/**
 * Meetings and registrations in the single table. The meeting item carries the confirmed and waiting
 * counters; every registration change moves them with ADD in the same transaction as the registration, the
 * waiting-list places and the outbox mails, under a condition on the counters (a free seat, or a full
 * meeting), so capacity holds under any concurrency and the counters always equal the items.
 */
export class DynamoMeetingStore implements MeetingStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async createMeeting(meeting: Meeting): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.meeting(meeting.meetingId),
            entity: 'Meeting',
            ...meeting,
            ...meetingAttributes(meeting),
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new ConcurrentChange();
      throw error;
    }
  }

  async getMeeting(meetingId: string): Promise<Meeting | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.meeting(meetingId), ConsistentRead: true }),
    );
    return Item ? toMeeting(Item) : undefined;
  }

  async updateMeeting({ previous, next, promotions = [], mails = [], job }: MeetingChange): Promise<void> {
    const attributes = meetingAttributes(next);
    const names = Object.keys(attributes);
    const removed = (['publishedAt', 'cancelledAt'] as const).filter((name) => next[name] === undefined);
    const promoted = promotions.length;
    const items: TransactItem[] = [
      {
        Update: {
          TableName: this.tableName,
          Key: keys.meeting(next.meetingId),
          UpdateExpression: [
            `SET ${names.map((_, i) => `#a${i} = :a${i}`).join(', ')}`,
            promoted ? 'ADD confirmedCount :promoted, waitingCount :unwaited' : '',
            removed.length ? `REMOVE ${removed.join(', ')}` : '',
          ].join(' '),
          // Capacity may only go as low as the seats taken, counted at write time (conditions cannot add,
          // so the promoted seats come off the capacity instead).
          ConditionExpression: 'version = :version AND confirmedCount <= :seatsBeforePromotions',
          ExpressionAttributeNames: Object.fromEntries(names.map((name, i) => [`#a${i}`, name])),
          ExpressionAttributeValues: {
            ...Object.fromEntries(
              names.map((name, i) => [`:a${i}`, attributes[name as keyof typeof attributes]]),
            ),
            ':version': previous.version,
            ':seatsBeforePromotions': next.capacity - promoted,
            ...(promoted ? { ':promoted': promoted, ':unwaited': -promoted } : {}),
          },
        },
      },
      ...promotions.flatMap((promotion) => this.promotionItems(promotion)),
      ...mails.map((mail) => outboxPut(this.tableName, mail)),
      ...(job ? [outboxJobPut(this.tableName, job.jobId, job.job, job.createdAt)] : []),
    ];
    await this.transact(items);
  }

  async listMeetings({ status, from, limit, cursor }: MeetingListQuery): Promise<MeetingListPage> {
    const input: QueryCommandInput = {
      TableName: this.tableName,
      IndexName: 'GSI1',
      KeyConditionExpression: from ? 'GSI1PK = :pk AND GSI1SK >= :from' : 'GSI1PK = :pk',
      ExpressionAttributeValues: {
        ':pk': keys.meetingsByStatus(status).GSI1PK,
        ...(from ? { ':from': from.toISOString() } : {}),
      },
      Limit: limit,
      ...(cursor
        ? { ExclusiveStartKey: decodeListCursor(cursor, keys.meetingsByStatus(status).GSI1PK) }
        : {}),
    };
    const result = await this.client.send(new QueryCommand(input));
    return {
      items: (result.Items ?? []).map(toMeeting),
      nextCursor: encodeListCursor(result.LastEvaluatedKey),
    };
  }

  async getRegistration(meetingId: string, personId: string): Promise<Registration | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.registration(meetingId, personId),
        ConsistentRead: true,
      }),
    );
    return Item ? toRegistration(Item) : undefined;
  }

  async waitingHead(meetingId: string, limit: number): Promise<readonly Registration[]> {
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :waiting)',
        ExpressionAttributeValues: { ':pk': keys.meetingItems(meetingId).PK, ':waiting': 'WAITING#' },
        ConsistentRead: true,
        Limit: limit,
      }),
    );
    const registrations = await Promise.all(
      Items.map((item) => this.getRegistration(meetingId, item.personId as string)),
    );
    // Read between another transaction's delete of the place and our read of the registration: stale.
    if (registrations.some((registration) => registration?.status !== 'waiting'))
      throw new ConcurrentChange();
    return registrations as Registration[];
  }

  async waitingPosition(meetingId: string, waitingKey: string): Promise<number> {
    let ahead = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const result = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'PK = :pk AND SK BETWEEN :first AND :mine',
          ExpressionAttributeValues: {
            ':pk': keys.meetingItems(meetingId).PK,
            ':first': 'WAITING#',
            ':mine': keys.waitingPlace(meetingId, waitingKey).SK,
          },
          Select: 'COUNT',
          ConsistentRead: true,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      ahead += result.Count ?? 0;
      startKey = result.LastEvaluatedKey;
    } while (startKey);
    return ahead;
  }

  async commitRegistration(change: RegistrationChange): Promise<void> {
    const { meeting, previous, next, requires, promotions = [], mails, needs } = change;
    const table = this.tableName;
    const confirmedDelta = isConfirmed(next) - isConfirmed(previous) + promotions.length;
    const waitingDelta = isWaiting(next) - isWaiting(previous) - promotions.length;
    const capacityCondition = {
      'seat-free': '#status = :published AND confirmedCount < #capacity',
      full: '#status = :published AND confirmedCount >= #capacity AND waitingListEnabled = :true',
      'no-one-waiting': 'waitingCount = :zero',
      none: 'attribute_exists(PK)',
    }[requires];
    // The mails of this change carry the meeting's time and place as read: a move committed since then
    // raised the sequence, and this change must be read and written again with the new ones.
    const sequenceCondition =
      meeting.sequence === 0
        ? '(attribute_not_exists(#sequence) OR #sequence = :sequence)'
        : '#sequence = :sequence';
    const counted = requires === 'seat-free' || requires === 'full';
    const items: TransactItem[] = [
      {
        Update: {
          TableName: table,
          Key: keys.meeting(meeting.meetingId),
          UpdateExpression: 'ADD confirmedCount :confirmed, waitingCount :waiting',
          ConditionExpression: `${capacityCondition} AND ${sequenceCondition}`,
          ExpressionAttributeNames: {
            '#sequence': 'sequence',
            ...(counted ? { '#status': 'status', '#capacity': 'capacity' } : {}),
          },
          ExpressionAttributeValues: {
            ':sequence': meeting.sequence,
            ':confirmed': confirmedDelta,
            ':waiting': waitingDelta,
            ...(counted ? { ':published': 'published' } : {}),
            ...(requires === 'full' ? { ':true': true } : {}),
            ...(requires === 'no-one-waiting' ? { ':zero': 0 } : {}),
          },
        },
      },
      {
        Put: {
          TableName: table,
          Item: { ...keys.registration(next.meetingId, next.personId), entity: 'Registration', ...next },
          ...(previous
            ? {
                ConditionExpression: 'version = :version',
                ExpressionAttributeValues: { ':version': previous.version },
              }
            : { ConditionExpression: 'attribute_not_exists(PK)' }),
        },
      },
    ];
    if (previous?.status === 'waiting' && previous.waitingKey && next.status !== 'waiting') {
      items.push(this.leaveWaitingList(previous));
    }
    if (next.status === 'waiting' && next.waitingKey && previous?.status !== 'waiting') {
      items.push({
        Put: {
          TableName: table,
          Item: {
            ...keys.waitingPlace(next.meetingId, next.waitingKey),
            entity: 'WaitingPlace',
            personId: next.personId,
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      });
    }
    if (needs) items.push(this.needsPut(meeting, next.personId, needs));
    // Special-category answers go with the registration: a cancelled one keeps none.
    if (next.status === 'cancelled' && previous?.status !== 'cancelled') {
      items.push({
        Delete: { TableName: table, Key: keys.registrationNeeds(next.meetingId, next.personId) },
      });
    }
    items.push(...promotions.flatMap((promotion) => this.promotionItems(promotion)));
    items.push(...mails.map((mail) => outboxPut(table, mail)));
    await this.transact(items);
  }

  async listRegistrations(meetingId: string): Promise<readonly RegistrationRow[]> {
    const registrations: Registration[] = [];
    const needs = new Map<string, RegistrationNeeds>();
    let startKey: Record<string, unknown> | undefined;
    const nowSeconds = Math.floor(Date.now() / 1000);
    do {
      const result = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
          // NEEDS# and REGISTRATION# sort between these bounds, WAITING# after them.
          ExpressionAttributeValues: {
            ':pk': keys.meetingItems(meetingId).PK,
            ':from': 'NEEDS#',
            ':to': 'REGISTRATION#~',
          },
          ConsistentRead: true,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const item of result.Items ?? []) {
        if (item.entity === 'Registration') registrations.push(toRegistration(item));
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
  }

  async loadMailRate(personId: string): Promise<MailRate> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.mailRate(personId), ConsistentRead: true }),
    );
    return mailRateFrom(Item);
  }

  async commitResend(personId: string, mailRate: MailRateChange, mail: OutboxMail): Promise<void> {
    await this.transact([mailRatePut(this.tableName, personId, mailRate), outboxPut(this.tableName, mail)]);
  }

  async firstReminderRun(meetingId: string, at: Date): Promise<Date> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.reminderRun(meetingId), entity: 'ReminderRun', firstRunAt: at.toISOString() },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      return at;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.reminderRun(meetingId), ConsistentRead: true }),
    );
    return new Date(String(Item?.firstRunAt));
  }

  async queueMailsOnce(mails: readonly OutboxMail[]): Promise<void> {
    for (const mail of mails) {
      try {
        await this.client.send(new PutCommand(outboxPut(this.tableName, mail).Put));
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
  }

  private needsPut(meeting: Meeting, personId: string, needs: RegistrationNeeds): TransactItem {
    return {
      Put: {
        TableName: this.tableName,
        Item: {
          ...keys.registrationNeeds(meeting.meetingId, personId),
          entity: 'RegistrationNeeds',
          personId,
          ...needs,
          expiresAt: Math.floor(Date.parse(meeting.endsAt) / 1000) + needsRetentionSeconds,
        },
      },
    };
  }

  private leaveWaitingList(registration: Registration): TransactItem {
    return {
      Delete: {
        TableName: this.tableName,
        Key: keys.waitingPlace(registration.meetingId, registration.waitingKey ?? ''),
        ConditionExpression: 'attribute_exists(PK)',
      },
    };
  }

  /** A promotion: the waiting place goes, the registration becomes confirmed, the promotion mail is queued. */
  private promotionItems({ previous, next, mail }: Promotion): TransactItem[] {
    return [
      this.leaveWaitingList(previous),
      {
        Put: {
          TableName: this.tableName,
          Item: { ...keys.registration(next.meetingId, next.personId), entity: 'Registration', ...next },
          ConditionExpression: 'version = :version AND #status = :waiting',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':version': previous.version, ':waiting': 'waiting' },
        },
      },
      outboxPut(this.tableName, mail),
    ];
  }

  private async transact(items: readonly TransactItem[]): Promise<void> {
    try {
      await transactWrite(this.client, items);
    } catch (error) {
      if (error instanceof TransactionConditionFailed) throw new ConcurrentChange();
      throw error;
    }
  }
}
