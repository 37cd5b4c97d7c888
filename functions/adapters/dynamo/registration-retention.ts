import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { meetingStatuses } from '../../core/meetings/model';
import type {
  MeetingPersonalData,
  PastMeeting,
  RegistrationRetentionStore,
} from '../../core/meetings/registration-retention';
import { keys, listedUntil } from './table-design';

/**
 * Registration retention in the single table (core/meetings/registration-retention.ts). Past meetings are a
 * Query of GSI1 per status up to the cutoff (meetings are listed by start time), skipping those marked
 * `personalDataRemovedAt`; a meeting's registrations, needs and waiting places are one base-table Query of its
 * partition. Every write is conditional on the item being there, so none can create an item, and a registration
 * is anonymised only once.
 */
export class DynamoRegistrationRetention implements RegistrationRetentionStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async pastMeetingsWithPersonalData(startedBefore: Date): Promise<readonly PastMeeting[]> {
    const found: PastMeeting[] = [];
    for (const status of meetingStatuses) {
      await this.eachPage(
        {
          IndexName: 'GSI1',
          KeyConditionExpression: 'GSI1PK = :pk AND GSI1SK <= :until',
          FilterExpression: 'attribute_not_exists(personalDataRemovedAt)',
          ExpressionAttributeValues: {
            ':pk': keys.meetingsByStatus(status).GSI1PK,
            ':until': listedUntil(startedBefore.toISOString()),
          },
          ProjectionExpression: 'meetingId, endsAt',
        },
        (item) => found.push({ meetingId: String(item.meetingId), endsAt: String(item.endsAt) }),
      );
    }
    return found;
  }

  async personalDataOf(meetingId: string): Promise<MeetingPersonalData> {
    const registrations: string[] = [];
    const needs: string[] = [];
    const waitingPlaces: string[] = [];
    const range = keys.registrationsWithNeeds(meetingId);
    await this.eachPage(
      {
        KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': range.PK, ':from': range.skFrom, ':to': range.skTo },
        ProjectionExpression: 'entity, personId, anonymisedAt',
        ConsistentRead: true,
      },
      (item) => {
        if (item.entity === 'Registration' && item.anonymisedAt === undefined) {
          registrations.push(String(item.personId));
        } else if (item.entity === 'RegistrationNeeds') needs.push(String(item.personId));
      },
    );
    const places = keys.waitingPlaces(meetingId);
    await this.eachPage(
      {
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :waiting)',
        ExpressionAttributeValues: { ':pk': places.PK, ':waiting': places.skPrefix },
        ProjectionExpression: 'SK',
        ConsistentRead: true,
      },
      (item) => waitingPlaces.push(String(item.SK).slice(places.skPrefix.length)),
    );
    return { registrations, needs, waitingPlaces };
  }

  async anonymiseRegistration(meetingId: string, personId: string, at: Date): Promise<void> {
    await this.ifPresent(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.registration(meetingId, personId),
        // Role, status and times stay; so does the person's keyed hash in the key. The version rises, so a
        // writer that read the registration before (a promotion, a cancellation) cannot put the details back.
        UpdateExpression:
          'SET anonymisedAt = :at, version = version + :one REMOVE email, #name, answers.organisation, answers.municipality',
        ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(anonymisedAt)',
        ExpressionAttributeNames: { '#name': 'name' },
        ExpressionAttributeValues: { ':at': at.toISOString(), ':one': 1 },
      }),
    );
  }

  async deleteNeeds(meetingId: string, personId: string): Promise<void> {
    await this.client.send(
      new DeleteCommand({ TableName: this.tableName, Key: keys.registrationNeeds(meetingId, personId) }),
    );
  }

  async deleteWaitingPlace(meetingId: string, waitingKey: string): Promise<void> {
    await this.client.send(
      new DeleteCommand({ TableName: this.tableName, Key: keys.waitingPlace(meetingId, waitingKey) }),
    );
  }

  async markPersonalDataRemoved(meetingId: string, at: Date): Promise<void> {
    await this.ifPresent(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.meeting(meetingId),
        UpdateExpression: 'SET personalDataRemovedAt = if_not_exists(personalDataRemovedAt, :at)',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeValues: { ':at': at.toISOString() },
      }),
    );
  }

  /** A conditional write whose condition failing means there is nothing (more) to do. */
  private async ifPresent(command: UpdateCommand): Promise<void> {
    try {
      await this.client.send(command);
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  private async eachPage(
    input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>,
    onItem: (item: Record<string, unknown>) => void,
  ): Promise<void> {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          ...input,
          TableName: this.tableName,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const item of page.Items ?? []) onItem(item);
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }
}
