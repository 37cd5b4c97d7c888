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
  'status' | 'capacity' | 'confirmedCount' | 'waitingCount' | 'waitingListEnabled' | 'waitingTicket'
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
  /** The last waiting-list ticket handed out, as read (absent counts as 0): pins the queue's next place. */
  | { readonly field: 'waitingTicket'; readonly op: '='; readonly value: number }
  | { readonly field: 'status'; readonly op: '='; readonly value: MeetingStatus }
  | { readonly field: 'waitingListEnabled'; readonly op: '='; readonly value: boolean };

export const holds = (counters: Counters, clauses: readonly CounterClause[]): boolean =>
  clauses.every((clause) => {
    if (clause.field === 'waitingTicket') return (counters.waitingTicket ?? 0) === clause.value;
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

/** The seats a newcomer may take: none while people wait (seats freed then are the queue's, see `holds`). */
export const placesForNewcomers = (
  meeting: Pick<Counters, 'capacity' | 'confirmedCount' | 'waitingCount'>,
): number => (meeting.waitingCount > 0 ? 0 : freeSeats(meeting, meeting.capacity));

/**
 * What a registration change requires of the meeting's counters as it read them (before its own ADD):
 * `seat-free` takes a seat; `full` and `queue-ahead` join the waiting list, because there is no room or
 * because others are waiting for the room there is.
 */
export type CounterRequirement = 'seat-free' | 'full' | 'queue-ahead' | 'no-one-waiting' | 'none';

/**
 * The clauses of a requirement, for the meeting as read. A seat is taken only from a published meeting with
 * room for one more and nobody waiting (so a newcomer never passes the queue, also while promotions after a
 * capacity raise are still under way); the waiting list is joined only when a published meeting keeps one
 * and has no room or a queue. Seat and queue pin the capacity that was read, so the rule holds as a number:
 * an organiser who changes the capacity meanwhile makes the registration read and decide again. Joining the
 * queue also pins the last ticket handed out, so places are numbered in commit order and the place a
 * registration is told is the place it holds.
 */
const nobodyWaiting: CountClause = { field: 'waitingCount', op: '=', value: 0 };

/** A waiting list is kept, and its last ticket is still the one read. */
const queueKept = (meeting: Counters): readonly CounterClause[] => [
  { field: 'waitingListEnabled', op: '=', value: true },
  { field: 'waitingTicket', op: '=', value: meeting.waitingTicket ?? 0 },
];

/**
 * The key of a waiting place from its ticket: tickets count up from 1 per meeting and sort as strings
 * (zero-padded). The `T` sorts after the time-ordered ids (ULIDs, digits first) that keyed places before
 * tickets, so a queue that has both keeps its order.
 */
export const waitingKeyOf = (ticket: number): string => `T${String(ticket).padStart(10, '0')}`;

/** How the waiting list is joined, for the meeting as read: a seat, a queue place, or neither. */
export const registrationRequirement = (
  meeting: Counters,
): Extract<CounterRequirement, 'seat-free' | 'full' | 'queue-ahead'> | undefined =>
  (['seat-free', 'full', 'queue-ahead'] as const).find((requirement) => meets(meeting, requirement));

export const counterClauses = (
  meeting: Counters,
  requirement: CounterRequirement,
): readonly CounterClause[] => {
  const published: CounterClause = { field: 'status', op: '=', value: 'published' };
  const capacityAsRead: CounterClause = { field: 'capacity', op: '=', value: meeting.capacity };
  const oneSeat = roomFor(meeting.capacity, 1);
  switch (requirement) {
    case 'seat-free':
      return [published, capacityAsRead, oneSeat, nobodyWaiting];
    case 'full':
      return [published, capacityAsRead, { ...oneSeat, op: '>' }, ...queueKept(meeting)];
    case 'queue-ahead':
      return [published, capacityAsRead, { ...nobodyWaiting, op: '>' }, ...queueKept(meeting)];
    case 'no-one-waiting':
      return [nobodyWaiting];
    case 'none':
      return [];
  }
};

/** Whether a meeting's counters meet a requirement: the decision, from the clauses that guard its write. */
export const meets = (meeting: Counters, requirement: CounterRequirement): boolean =>
  holds(meeting, counterClauses(meeting, requirement));
