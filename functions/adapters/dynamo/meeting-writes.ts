import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { OutboxMail } from '../../core/mailings/outbox';
import { type CounterClause, counterClauses } from '../../core/meetings/capacity';
import type { Meeting, Registration, RegistrationNeeds } from '../../core/meetings/model';
import type { Promotion, RegistrationChange } from '../../core/meetings/ports';
import { ConcurrentChange } from '../../core/ports';
import { registrationNeedsSeconds } from '../../core/retention';
import { type RecordChange, transactRecorded } from './audited-writes';
import type { MeetingTable } from './meeting-items';
import { outboxPut } from './outbox';
import { keys, listedForPerson } from './table-design';
import { type TransactItem, TransactionConditionFailed, transactWrite } from './transactions';

/**
 * The writes several meeting adapters share: a registration change (registering and cancelling), a
 * promotion (cancelling, and the organiser raising the capacity), the capacity condition both are guarded
 * by, and queueing mails once (reminders, meeting-wide mails).
 *
 * The meeting item carries the confirmed and waiting counters; every registration change moves them with
 * ADD in the same transaction as the registration, the waiting-list places and the outbox mails, under the
 * condition core's capacity rule gives (core/meetings/capacity.ts), so capacity holds under any concurrency
 * and the counters always equal the items.
 */

export interface WriteCondition {
  readonly expression: string;
  readonly names: Record<string, string>;
  readonly values: Record<string, unknown>;
}

/**
 * Core's counter clauses (core/meetings/capacity.ts) as a DynamoDB condition on the meeting item: the same
 * clauses the use case decided with, evaluated at write time. No clauses: the meeting must exist.
 */
export const counterCondition = (clauses: readonly CounterClause[]): WriteCondition =>
  clauses.length === 0
    ? { expression: 'attribute_exists(PK)', names: {}, values: {} }
    : {
        expression: clauses
          .map((clause, i) =>
            // No ticket handed out yet: the attribute is absent, which the comparison with 0 would fail.
            clause.field === 'waitingTicket' && clause.value === 0
              ? `(attribute_not_exists(#counter${i}) OR #counter${i} = :counter${i})`
              : `#counter${i} ${clause.op} :counter${i}`,
          )
          .join(' AND '),
        names: Object.fromEntries(clauses.map((clause, i) => [`#counter${i}`, clause.field])),
        values: Object.fromEntries(clauses.map((clause, i) => [`:counter${i}`, clause.value])),
      };

/**
 * Writes the items in one transaction, with the audit entry of `change` when an organiser's action is being
 * carried out (adapters/audit-scope.ts); a failed condition is a ConcurrentChange.
 */
export const transact = async (
  { client, tableName }: MeetingTable,
  items: readonly TransactItem[],
  change?: RecordChange,
): Promise<void> => {
  try {
    if (change) await transactRecorded(client, tableName, items, change);
    else await transactWrite(client, items);
  } catch (error) {
    if (error instanceof TransactionConditionFailed) throw new ConcurrentChange();
    throw error;
  }
};

const isConfirmed = (registration: Registration | undefined) =>
  registration?.status === 'confirmed' ? 1 : 0;
const isWaiting = (registration: Registration | undefined) => (registration?.status === 'waiting' ? 1 : 0);

const needsPut = (
  tableName: string,
  meeting: Meeting,
  personId: string,
  needs: RegistrationNeeds,
): TransactItem => ({
  Put: {
    TableName: tableName,
    Item: listedForPerson({
      ...keys.registrationNeeds(meeting.meetingId, personId),
      entity: 'RegistrationNeeds',
      personId,
      ...needs,
      expiresAt: Math.floor(Date.parse(meeting.endsAt) / 1000) + registrationNeedsSeconds,
    }),
  },
});

const registrationItem = (registration: Registration) =>
  listedForPerson({
    ...keys.registration(registration.meetingId, registration.personId),
    entity: 'Registration',
    ...registration,
  });

const leaveWaitingList = (tableName: string, registration: Registration): TransactItem => ({
  Delete: {
    TableName: tableName,
    Key: keys.waitingPlace(registration.meetingId, registration.waitingKey ?? ''),
    ConditionExpression: 'attribute_exists(PK)',
  },
});

/** A promotion: the waiting place goes, the registration becomes confirmed, the promotion mail is queued. */
export const promotionItems = (tableName: string, { previous, next, mail }: Promotion): TransactItem[] => [
  leaveWaitingList(tableName, previous),
  {
    Put: {
      TableName: tableName,
      Item: registrationItem(next),
      ConditionExpression: 'version = :version AND #status = :waiting',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':version': previous.version, ':waiting': 'waiting' },
    },
  },
  outboxPut(tableName, mail),
];

/**
 * One registration change in one transaction (core/meetings/ports.ts, RegistrationChange): the counters by
 * ADD under the capacity condition and the calendar sequence as read, the registration conditional on its
 * version, the waiting place, the needs, the promotions and the mails.
 */
export const commitRegistration = async (table: MeetingTable, change: RegistrationChange): Promise<void> => {
  const { meeting, previous, next, requires, promotions = [], mails, needs, addsSeat, request } = change;
  const { tableName } = table;
  const confirmedDelta = isConfirmed(next) - isConfirmed(previous) + promotions.length;
  const waitingDelta = isWaiting(next) - isWaiting(previous) - promotions.length;
  // Joining the queue takes the next ticket; the condition pins the last one as read (capacity.ts).
  const ticket = next.status === 'waiting' && previous?.status !== 'waiting' ? 1 : 0;
  const counters = counterCondition(counterClauses(meeting, requires));
  // The mails of this change carry the meeting's time and place as read: a move committed since then
  // raised the sequence, and this change must be read and written again with the new ones.
  const sequenceCondition =
    meeting.sequence === 0
      ? '(attribute_not_exists(#sequence) OR #sequence = :sequence)'
      : '#sequence = :sequence';
  const items: TransactItem[] = [
    {
      Update: {
        TableName: tableName,
        Key: keys.meeting(meeting.meetingId),
        UpdateExpression: [
          'ADD confirmedCount :confirmed, waitingCount :waiting',
          ticket ? ', waitingTicket :ticket' : '',
          // An admin's seat over capacity: the capacity grows with it, and the organisers' version moves.
          addsSeat ? ', #capacity :seat, #version :seat' : '',
        ].join(''),
        ConditionExpression: `${counters.expression} AND ${sequenceCondition}`,
        ExpressionAttributeNames: {
          '#sequence': 'sequence',
          ...counters.names,
          ...(addsSeat ? { '#capacity': 'capacity', '#version': 'version' } : {}),
        },
        ExpressionAttributeValues: {
          ':sequence': meeting.sequence,
          ':confirmed': confirmedDelta,
          ':waiting': waitingDelta,
          ...(ticket ? { ':ticket': ticket } : {}),
          ...(addsSeat ? { ':seat': 1 } : {}),
          ...counters.values,
        },
      },
    },
    {
      Put: {
        TableName: tableName,
        Item: registrationItem(next),
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
    items.push(leaveWaitingList(tableName, previous));
  }
  if (next.status === 'waiting' && next.waitingKey && previous?.status !== 'waiting') {
    items.push({
      Put: {
        TableName: tableName,
        Item: listedForPerson({
          ...keys.waitingPlace(next.meetingId, next.waitingKey),
          entity: 'WaitingPlace',
          personId: next.personId,
        }),
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    });
  }
  if (needs) items.push(needsPut(tableName, meeting, next.personId, needs));
  // The request goes with the registration it became; the one confirmed gone already: a concurrent confirm won.
  if (request) {
    items.push({
      Delete: {
        TableName: tableName,
        Key: keys.pendingRegistration(request.meetingId, request.personId),
        ...(request.mustExist ? { ConditionExpression: 'attribute_exists(PK)' } : {}),
      },
    });
  }
  // Special-category answers go with the registration: a cancelled one keeps none.
  if (next.status === 'cancelled' && previous?.status !== 'cancelled') {
    items.push({
      Delete: { TableName: tableName, Key: keys.registrationNeeds(next.meetingId, next.personId) },
    });
  }
  items.push(...promotions.flatMap((promotion) => promotionItems(tableName, promotion)));
  items.push(...mails.map((mail) => outboxPut(tableName, mail)));
  await transact(table, items, {
    kind: 'registration',
    targetId: next.meetingId,
    ...(previous ? { before: previous } : {}),
    after: next,
    personId: next.personId,
  });
};

/** Queues mails whose ids are deterministic; a mail already queued is left alone, so a rerun adds the rest. */
export const queueMailsOnce = async (
  { client, tableName }: MeetingTable,
  mails: readonly OutboxMail[],
): Promise<void> => {
  for (const mail of mails) {
    try {
      await client.send(new PutCommand(outboxPut(tableName, mail).Put));
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
};
