import type { Meeting, MeetingStatus } from './model';

/**
 * The capacity rule, defined once: a meeting never has more people confirmed than it has seats.
 *
 * Core decides with the clauses below (`meets`, `seatsFit`, `freeSeats`); the store guards the write that
 * follows with the very same clauses, turned into its condition expression (the DynamoDB adapters do that in
 * adapters/dynamo/meeting-writes.ts, `counterCondition`; the in-memory store evaluates them with `holds`).
 * So what a use case decided is what the write checks, counted at write time, under any concurrency.
 * test/unit/capacity-rule.test.ts fails when the two disagree.
 */

/** What a capacity decision reads of a meeting: its counters and what bounds them. */
export type Counters = Pick<
  Meeting,
  'status' | 'capacity' | 'confirmedCount' | 'waitingCount' | 'waitingListEnabled'
>;

/** A comparison of a stored count with a number. */
export interface CountClause {
  readonly field: 'capacity' | 'confirmedCount' | 'waitingCount';
  readonly op: '=' | '<=' | '>';
  readonly value: number;
}

/** One comparison of a stored counter field with a value; a condition is a list that must all hold. */
export type CounterClause =
  | CountClause
  | { readonly field: 'status'; readonly op: '='; readonly value: MeetingStatus }
  | { readonly field: 'waitingListEnabled'; readonly op: '='; readonly value: boolean };

export const holds = (counters: Counters, clauses: readonly CounterClause[]): boolean =>
  clauses.every((clause) => {
    if (clause.op === '=') return counters[clause.field] === clause.value;
    const found = counters[clause.field];
    return clause.op === '<=' ? found <= clause.value : found > clause.value;
  });

/**
 * The rule itself: a change that confirms `seats` more people fits when the confirmed count it finds is at
 * most the capacity less those seats (`seats` 0: the capacity still holds everyone confirmed). Stated on the
 * count as found, because a write condition cannot add.
 */
export const roomFor = (capacity: number, seats: number): CountClause => ({
  field: 'confirmedCount',
  op: '<=',
  value: capacity - seats,
});

/** Whether `seats` more people fit under `capacity`, with the confirmed count of `found`. */
export const seatsFit = (found: Counters, capacity: number, seats: number): boolean =>
  holds(found, [roomFor(capacity, seats)]);

/** How many more people fit under `capacity`: the most seats `roomFor` admits (none when overfull). */
export const freeSeats = (found: Pick<Counters, 'confirmedCount'>, capacity: number): number =>
  Math.max(0, capacity - found.confirmedCount);

/** What a registration change requires of the meeting's counters as it read them (before its own ADD). */
export type CounterRequirement = 'seat-free' | 'full' | 'no-one-waiting' | 'none';

/**
 * The clauses of a requirement, for the meeting as read. A seat is taken only from a published meeting with
 * room for one more; the waiting list is joined only when a published meeting has no room and keeps one.
 * Both pin the capacity that was read, so the rule holds as a number: an organiser who changes the capacity
 * meanwhile makes the registration read and decide again.
 */
export const counterClauses = (
  meeting: Counters,
  requirement: CounterRequirement,
): readonly CounterClause[] => {
  const published: CounterClause = { field: 'status', op: '=', value: 'published' };
  const capacityAsRead: CounterClause = { field: 'capacity', op: '=', value: meeting.capacity };
  const oneSeat = roomFor(meeting.capacity, 1);
  switch (requirement) {
    case 'seat-free':
      return [published, capacityAsRead, oneSeat];
    case 'full':
      return [
        published,
        capacityAsRead,
        { ...oneSeat, op: '>' },
        { field: 'waitingListEnabled', op: '=', value: true },
      ];
    case 'no-one-waiting':
      return [{ field: 'waitingCount', op: '=', value: 0 }];
    case 'none':
      return [];
  }
};

/** Whether a meeting's counters meet a requirement: the decision, from the clauses that guard its write. */
export const meets = (meeting: Counters, requirement: CounterRequirement): boolean =>
  holds(meeting, counterClauses(meeting, requirement));
