import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoMeetingLifecycle } from '../../functions/adapters/dynamo/meeting-lifecycle';
import { DynamoMeetingRegistrations } from '../../functions/adapters/dynamo/meeting-registrations';
import { keys } from '../../functions/adapters/dynamo/table-design';
import { type CounterRequirement, freeSeats, meets, seatsFit } from '../../functions/core/meetings/capacity';
import { meetingMail } from '../../functions/core/meetings/mail-data';
import type { Meeting, MeetingStatus } from '../../functions/core/meetings/model';
import type { Promotion } from '../../functions/core/meetings/ports';
import { meetingFixture, registrationFixture } from '../support/meeting-fixtures';

/**
 * The capacity rule is defined once (core/meetings/capacity.ts): core decides with it, and the DynamoDB
 * adapters guard their writes with a condition derived from it. These tests take the condition the real
 * adapters send, evaluate it as DynamoDB would against the stored meeting, and require it to agree with
 * core's decision, for every combination of counters.
 */

type Item = Record<string, unknown>;

/**
 * A small evaluator of DynamoDB condition expressions: comparisons, AND, OR, NOT, parentheses,
 * attribute_exists and attribute_not_exists; `#name` and `:value` placeholders. Anything else throws.
 */
const evaluate = (
  expression: string,
  names: Record<string, string>,
  values: Record<string, unknown>,
  item: Item,
): boolean => {
  const tokens = expression.match(/\(|\)|<>|<=|>=|=|<|>|[#:]?[A-Za-z_][A-Za-z0-9_]*/g) ?? [];
  if (tokens.join('') !== expression.replace(/\s+/g, '')) throw new Error(`Cannot read: ${expression}`);
  let at = 0;
  const take = (expected?: string): string => {
    const token = tokens[at++];
    if (token === undefined || (expected && token !== expected))
      throw new Error(`Expected ${expected ?? 'more'} at ${at} in: ${expression}`);
    return token;
  };
  const attribute = (token: string): string => {
    if (!token.startsWith('#')) return token;
    const name = names[token];
    if (name === undefined) throw new Error(`No name for ${token}`);
    return name;
  };
  const operand = (token: string): unknown => {
    if (!token.startsWith(':')) return item[attribute(token)];
    if (!(token in values)) throw new Error(`No value for ${token}`);
    return values[token];
  };
  const compare = (left: unknown, op: string, right: unknown): boolean => {
    if (left === undefined || right === undefined || typeof left !== typeof right) return false;
    const [a, b] = [left as number | string, right as number | string];
    switch (op) {
      case '=':
        return a === b;
      case '<>':
        return a !== b;
      case '<':
        return a < b;
      case '<=':
        return a <= b;
      case '>':
        return a > b;
      case '>=':
        return a >= b;
      default:
        throw new Error(`Unknown comparison ${op}`);
    }
  };
  const primary = (): boolean => {
    const token = take();
    if (token === '(') {
      const inner = or();
      take(')');
      return inner;
    }
    if (token === 'attribute_exists' || token === 'attribute_not_exists') {
      take('(');
      const exists = item[attribute(take())] !== undefined;
      take(')');
      return token === 'attribute_exists' ? exists : !exists;
    }
    const left = operand(token);
    const op = take();
    return compare(left, op, operand(take()));
  };
  const not = (): boolean => {
    if (tokens[at] !== 'NOT') return primary();
    take();
    return !not();
  };
  const and = (): boolean => {
    let result = not();
    while (tokens[at] === 'AND') {
      take();
      const next = not();
      result = result && next;
    }
    return result;
  };
  const or = (): boolean => {
    let result = and();
    while (tokens[at] === 'OR') {
      take();
      const next = and();
      result = result || next;
    }
    return result;
  };
  const result = or();
  if (at !== tokens.length) throw new Error(`Left over in: ${expression}`);
  return result;
};

interface SentUpdate {
  readonly Key: Item;
  readonly ConditionExpression: string;
  readonly ExpressionAttributeNames?: Record<string, string>;
  readonly ExpressionAttributeValues?: Record<string, unknown>;
}

/** A document client that records the transactions it is sent and lets every one succeed. */
const recordingClient = () => {
  const updates: SentUpdate[] = [];
  const client = {
    send: async (command: { input: { TransactItems?: { Update?: SentUpdate }[] } }) => {
      for (const item of command.input.TransactItems ?? []) if (item.Update) updates.push(item.Update);
      return {};
    },
  };
  return { client: client as unknown as DynamoDBDocumentClient, updates };
};

/** The stored item of a meeting, as the adapters write it. */
const storedItem = (meeting: Meeting): Item => ({ ...keys.meeting(meeting.meetingId), ...meeting });

/** Whether the one Update of the meeting item in what was sent would pass against `stored`. */
const conditionPasses = (updates: readonly SentUpdate[], stored: Meeting): boolean => {
  const meetingKey = keys.meeting(stored.meetingId);
  const [update, ...more] = updates.filter(
    (sent) => sent.Key.PK === meetingKey.PK && sent.Key.SK === meetingKey.SK,
  );
  if (!update || more.length) throw new Error('Expected one Update of the meeting item');
  return evaluate(
    update.ConditionExpression,
    update.ExpressionAttributeNames ?? {},
    update.ExpressionAttributeValues ?? {},
    storedItem(stored),
  );
};

const statuses: readonly MeetingStatus[] = ['draft', 'published', 'cancelled'];
const requirements: readonly CounterRequirement[] = [
  'seat-free',
  'full',
  'queue-ahead',
  'no-one-waiting',
  'none',
];

/** Every combination of the counters that matter, around the boundaries. */
const counterGrid = (): Meeting[] =>
  statuses.flatMap((status) =>
    [0, 1, 2, 3].flatMap((capacity) =>
      [0, 1, 2, 3, 4].flatMap((confirmedCount) =>
        [0, 1, 2].flatMap((waitingCount) =>
          [true, false].flatMap((waitingListEnabled) =>
            // No ticket handed out yet (the attribute absent), and some.
            [undefined, 3].map((waitingTicket) =>
              meetingFixture({
                status,
                capacity,
                confirmedCount,
                waitingCount,
                waitingListEnabled,
                ...(waitingTicket === undefined ? {} : { waitingTicket }),
              }),
            ),
          ),
        ),
      ),
    ),
  );

const describeCounters = (meeting: Meeting) =>
  `${meeting.status} capacity ${meeting.capacity} confirmed ${meeting.confirmedCount} waiting ${meeting.waitingCount} list ${meeting.waitingListEnabled} ticket ${meeting.waitingTicket}`;

/** Whether the registrations adapter's write of a change decided on `read` passes against `stored`. */
const registrationWritePasses = async (
  read: Meeting,
  requires: CounterRequirement,
  stored: Meeting = read,
): Promise<boolean> => {
  const { client, updates } = recordingClient();
  await new DynamoMeetingRegistrations(client, 'table').commitRegistration({
    meeting: read,
    requires,
    next: registrationFixture(),
    mails: [],
  });
  return conditionPasses(updates, stored);
};

describe('the capacity rule', () => {
  it('is what the domain says: a seat while one is free and nobody waits, else the waiting list when kept', () => {
    for (const meeting of counterGrid()) {
      const published = meeting.status === 'published';
      const label = describeCounters(meeting);
      expect(meets(meeting, 'seat-free'), label).toBe(
        published && meeting.confirmedCount < meeting.capacity && meeting.waitingCount === 0,
      );
      expect(meets(meeting, 'full'), label).toBe(
        published && meeting.confirmedCount >= meeting.capacity && meeting.waitingListEnabled,
      );
      expect(meets(meeting, 'queue-ahead'), label).toBe(
        published && meeting.waitingCount > 0 && meeting.waitingListEnabled,
      );
      expect(meets(meeting, 'no-one-waiting'), label).toBe(meeting.waitingCount === 0);
      expect(meets(meeting, 'none'), label).toBe(true);
    }
  });

  it('guards a registration write with exactly the decision core took on the same counters', async () => {
    const disagreements: string[] = [];
    for (const meeting of counterGrid()) {
      for (const requires of requirements) {
        const decided = meets(meeting, requires);
        const written = await registrationWritePasses(meeting, requires);
        if (decided !== written)
          disagreements.push(`${requires} on ${describeCounters(meeting)}: ${decided} vs ${written}`);
      }
    }
    expect(disagreements).toEqual([]);
  });

  it('lets only one join of the queue commit per ticket: places are numbered in commit order', async () => {
    const read = meetingFixture({ status: 'published', capacity: 2, confirmedCount: 2, waitingCount: 1 });
    const joins = { ...read, waitingTicket: 1 };
    // Written against the meeting as read: passes. Another join committed first (ticket 2): fails.
    expect(await registrationWritePasses(joins, 'full')).toBe(true);
    expect(
      await registrationWritePasses(joins, 'full', { ...joins, waitingTicket: 2, waitingCount: 2 }),
    ).toBe(false);
    expect(await registrationWritePasses(read, 'queue-ahead', { ...read, waitingTicket: 1 })).toBe(false);
  });

  it('never lets a newcomer take a seat while someone waits, however the read was', async () => {
    const read = meetingFixture({ status: 'published', capacity: 3, confirmedCount: 1, waitingCount: 0 });
    expect(await registrationWritePasses(read, 'seat-free')).toBe(true);
    // A capacity raise left people waiting for the free seats: the seat decided on the older read is refused.
    expect(await registrationWritePasses(read, 'seat-free', { ...read, waitingCount: 2 })).toBe(false);
  });

  it('never lets a registration decided on an older read overbook the meeting as stored', async () => {
    const overbooked: string[] = [];
    for (const read of counterGrid().filter((meeting) => meeting.status === 'published')) {
      for (const taken of [0, 1, 2]) {
        for (const capacityChange of [-1, 0, 1]) {
          const stored = {
            ...read,
            confirmedCount: read.confirmedCount + taken,
            capacity: Math.max(0, read.capacity + capacityChange),
          };
          if (
            (await registrationWritePasses(read, 'seat-free', stored)) &&
            !seatsFit(stored, stored.capacity, 1)
          ) {
            overbooked.push(`seat-free read ${describeCounters(read)}, stored ${describeCounters(stored)}`);
          }
          if ((await registrationWritePasses(read, 'full', stored)) && seatsFit(stored, stored.capacity, 1)) {
            overbooked.push(`full read ${describeCounters(read)}, stored ${describeCounters(stored)}`);
          }
          // With the counters unchanged since the read, the write passes exactly when the rule holds.
          if (taken === 0 && capacityChange === 0) {
            expect(await registrationWritePasses(read, 'seat-free', stored)).toBe(meets(stored, 'seat-free'));
          }
        }
      }
    }
    expect(overbooked).toEqual([]);
  });

  it("guards the organiser's change (capacity, promotions) with the decision core takes", async () => {
    const disagreements: string[] = [];
    for (const confirmedCount of [0, 1, 2, 3, 4]) {
      for (const capacity of [0, 1, 2, 3, 4, 5]) {
        for (const promoted of [0, 1, 2, 3]) {
          const current = meetingFixture({ confirmedCount, capacity: 3, waitingCount: 3 });
          const next = { ...current, capacity, version: current.version + 1 };
          const promotions: Promotion[] = Array.from({ length: promoted }, (_, i) => {
            const waiting = registrationFixture({
              personId: `waiting-${i}`,
              status: 'waiting',
              waitingKey: `${i}`,
            });
            const confirmed = registrationFixture({ personId: `waiting-${i}`, version: 2 });
            return {
              previous: waiting,
              next: confirmed,
              mail: meetingMail('registration-promoted', next, confirmed, {
                mailId: `mail-${i}`,
                createdAt: '2027-01-05T09:00:00.000Z',
              }),
            };
          });
          const { client, updates } = recordingClient();
          await new DynamoMeetingLifecycle(client, 'table').updateMeeting({
            previous: current,
            next,
            promotions,
          });
          const decided = seatsFit(current, capacity, promoted);
          const written = conditionPasses(updates, current);
          if (decided !== written) {
            disagreements.push(
              `confirmed ${confirmedCount}, capacity ${capacity}, promoted ${promoted}: ${decided} vs ${written}`,
            );
          }
        }
      }
    }
    expect(disagreements).toEqual([]);
  });

  it('counts the free seats as the most the rule admits', () => {
    for (const confirmedCount of [0, 1, 2, 3, 4]) {
      for (const capacity of [0, 1, 2, 3, 4]) {
        const meeting = meetingFixture({ confirmedCount, capacity });
        const free = freeSeats(meeting, capacity);
        if (confirmedCount <= capacity) expect(seatsFit(meeting, capacity, free)).toBe(true);
        expect(seatsFit(meeting, capacity, free + 1)).toBe(false);
      }
    }
  });
});
