import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { roomFor } from '../../core/meetings/capacity';
import {
  type MeetingChange,
  type MeetingLifecycleStore,
  MeetingSlugTaken,
} from '../../core/meetings/lifecycle';
import type { Meeting, Registration } from '../../core/meetings/model';
import type { MeetingListPage, MeetingListQuery, RegistrationRow } from '../../core/meetings/ports';
import { ConcurrentChange } from '../../core/ports';
import { type RecordChange, transactRecorded, writeRecorded } from './audited-writes';
import {
  countMatches,
  MeetingTableAdapter,
  meetingAttributes,
  queryMeetings,
  readRegistrations,
  readWaitingHead,
} from './meeting-items';
import { counterCondition, promotionItems } from './meeting-writes';
import { outboxJobPut, outboxPut } from './outbox';
import { keys } from './table-design';
import { type TransactItem, TransactionConditionFailed } from './transactions';

/**
 * The organiser's meetings (core/meetings/lifecycle.ts): created, read, changed conditional on their
 * version and on the capacity rule, with the promotions and the job the change sets off.
 */
export class DynamoMeetingLifecycle extends MeetingTableAdapter implements MeetingLifecycleStore {
  async createMeeting(meeting: Meeting): Promise<void> {
    const { client, tableName } = this.table;
    const put = {
      TableName: tableName,
      Item: {
        ...keys.meeting(meeting.meetingId),
        entity: 'Meeting',
        ...meeting,
        ...meetingAttributes(meeting),
      },
      ConditionExpression: 'attribute_not_exists(PK)',
    };
    const change: RecordChange = { kind: 'meeting', targetId: meeting.meetingId, after: meeting };
    if (meeting.slug === undefined) {
      try {
        await writeRecorded(client, tableName, { Put: put }, change);
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) throw new ConcurrentChange();
        throw error;
      }
      return;
    }
    try {
      await transactRecorded(
        client,
        tableName,
        [{ Put: put }, ...this.slugClaim(meeting.meetingId, meeting.slug)],
        change,
      );
    } catch (error) {
      if (!(error instanceof TransactionConditionFailed)) throw error;
      if (error.failedItems.some((index) => index > 0)) throw new MeetingSlugTaken(meeting.slug);
      throw new ConcurrentChange();
    }
  }

  async updateMeeting({
    previous,
    next,
    promotions = [],
    mails = [],
    jobs = [],
  }: MeetingChange): Promise<void> {
    const { tableName } = this.table;
    const attributes = meetingAttributes(next);
    const names = Object.keys(attributes);
    const removed = (['publishedAt', 'cancelledAt', 'slug'] as const).filter(
      (name) => next[name] === undefined,
    );
    const promoted = promotions.length;
    // The capacity rule for the seats taken plus the promoted ones, counted at write time.
    const capacity = counterCondition([roomFor(next.capacity, promoted)]);
    const items: TransactItem[] = [
      {
        Update: {
          TableName: tableName,
          Key: keys.meeting(next.meetingId),
          UpdateExpression: [
            `SET ${names.map((_, i) => `#a${i} = :a${i}`).join(', ')}`,
            promoted ? 'ADD confirmedCount :promoted, waitingCount :unwaited' : '',
            removed.length ? `REMOVE ${removed.join(', ')}` : '',
          ].join(' '),
          ConditionExpression: `version = :version AND ${capacity.expression}`,
          ExpressionAttributeNames: {
            ...Object.fromEntries(names.map((name, i) => [`#a${i}`, name])),
            ...capacity.names,
          },
          ExpressionAttributeValues: {
            ...Object.fromEntries(
              names.map((name, i) => [`:a${i}`, attributes[name as keyof typeof attributes]]),
            ),
            ':version': previous.version,
            ...capacity.values,
            ...(promoted ? { ':promoted': promoted, ':unwaited': -promoted } : {}),
          },
        },
      },
      ...promotions.flatMap((promotion) => promotionItems(tableName, promotion)),
      ...mails.map((mail) => outboxPut(tableName, mail)),
      ...jobs.map((job) => outboxJobPut(tableName, job.jobId, job.job, job.createdAt)),
    ];
    const claims =
      next.slug !== undefined && next.slug !== previous.slug ? this.slugClaim(next.meetingId, next.slug) : [];
    try {
      await transactRecorded(this.table.client, tableName, [...items, ...claims], {
        kind: 'meeting',
        targetId: next.meetingId,
        before: previous,
        after: next,
      });
    } catch (error) {
      if (!(error instanceof TransactionConditionFailed)) throw error;
      // A stale version first: what the organiser read is not what is there, whatever else failed.
      if (
        !error.failedItems.includes(0) &&
        next.slug &&
        error.failedItems.some((index) => index >= items.length)
      ) {
        throw new MeetingSlugTaken(next.slug);
      }
      throw new ConcurrentChange();
    }
  }

  /**
   * Claims the meeting's slug, in the transaction of the write that gives it: the slug's item, new or already
   * this meeting's (a meeting may take back an address it had), and a check that no meeting has the slug as
   * its id (the seed's meetings have readable ids). The old slug's item stays: it leads to the meeting still.
   */
  private slugClaim(meetingId: string, slug: string): TransactItem[] {
    const { tableName } = this.table;
    return [
      {
        Put: {
          TableName: tableName,
          Item: { ...keys.meetingSlug(slug), entity: 'MeetingSlug', meetingId },
          ConditionExpression: 'attribute_not_exists(PK) OR meetingId = :meetingId',
          ExpressionAttributeValues: { ':meetingId': meetingId },
        },
      },
      ...(slug === meetingId
        ? []
        : [
            {
              ConditionCheck: {
                TableName: tableName,
                Key: keys.meeting(slug),
                ConditionExpression: 'attribute_not_exists(PK)',
              },
            },
          ]),
    ];
  }

  waitingHead(meetingId: string, limit: number): Promise<readonly Registration[]> {
    return readWaitingHead(this.table, meetingId, limit);
  }

  listMeetings(query: MeetingListQuery): Promise<MeetingListPage> {
    return queryMeetings(this.table, query);
  }

  listRegistrations(meetingId: string): Promise<readonly RegistrationRow[]> {
    return readRegistrations(this.table, meetingId);
  }

  /** A Query of the meeting's requests, counted; an expired one the TTL has not yet removed counts as gone. */
  countPending(meetingId: string, now: Date): Promise<number> {
    const { PK, SK } = keys.pendingRegistration(meetingId, '');
    return countMatches(this.table, {
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :pending)',
      FilterExpression: 'expiresAt > :now',
      ExpressionAttributeValues: { ':pk': PK, ':pending': SK, ':now': Math.floor(now.getTime() / 1000) },
    });
  }
}
