import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DynamoFailedMailContent } from '../../functions/adapters/dynamo/failed-mail-retention';
import { DynamoMeetingCancellations } from '../../functions/adapters/dynamo/meeting-cancellations';
import { DynamoMeetingLifecycle } from '../../functions/adapters/dynamo/meeting-lifecycle';
import { DynamoMeetingRegistrations } from '../../functions/adapters/dynamo/meeting-registrations';
import { outboxPut } from '../../functions/adapters/dynamo/outbox';
import { DynamoOutboxLedger } from '../../functions/adapters/dynamo/outbox-ledger';
import { DynamoRegistrationRetention } from '../../functions/adapters/dynamo/registration-retention';
import { keys } from '../../functions/adapters/dynamo/table-design';
import { timeOrderedIds } from '../../functions/adapters/ids';
import type { Claim } from '../../functions/core/mailings/delivery';
import { forgetContentOfOldFailedMails } from '../../functions/core/mailings/failed-mail-retention';
import type { OutboxMail } from '../../functions/core/mailings/outbox';
import type { Meeting } from '../../functions/core/meetings/model';
import { registerForMeeting } from '../../functions/core/meetings/registration';
import {
  type RegistrationRetentionStore,
  removePersonalDataOfPastMeetings,
} from '../../functions/core/meetings/registration-retention';
import { PersonIds } from '../../functions/core/people/person-id';
import { sendLedgerSeconds } from '../../functions/core/retention';
import { registrationsCsv, registrationsJson } from '../../functions/web/exports/registrations';
import { localAwsSettings } from '../../local/engines/dynamodb-local';
import { ensureTable } from '../../local/table';
import { FixedClock } from '../support/in-memory-ports';
import { meetingFixture } from '../support/meeting-fixtures';

/**
 * Data that leaves on time (functions/core/retention.ts), against DynamoDB Local through the real adapters:
 * registrations of a meeting that ended longer ago than the retention period lose the person's details, and
 * nothing else changes; a settled mail keeps its ledger record without its content.
 */

const tableName = `dropin-retention-${randomUUID().slice(0, 8)}`;
const dynamoDbClient = new DynamoDBClient({ ...localAwsSettings, endpoint: inject('dynamoDbEndpoint') });
const db = DynamoDBDocumentClient.from(dynamoDbClient, { marshallOptions: { removeUndefinedValues: true } });
const personIds = new PersonIds('retention-test-secret-0123456789-abcdef');
const lifecycle = new DynamoMeetingLifecycle(db, tableName);
const retention = new DynamoRegistrationRetention(db, tableName);

beforeAll(() => ensureTable(dynamoDbClient, tableName));
afterAll(async () => {
  await dynamoDbClient.send(new DeleteTableCommand({ TableName: tableName })).catch(() => undefined);
  dynamoDbClient.destroy();
});

const hour = 3_600_000;
const day = 24 * hour;
const now = new Date();
const run = (store: RegistrationRetentionStore = retention) =>
  removePersonalDataOfPastMeetings({ store, clock: new FixedClock(now), retentionDays: 90 });

/** Every item of a meeting's partition, by sort key. */
const partition = async (meetingId: string) => {
  const { Items = [] } = await db.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.meeting(meetingId).PK },
      ConsistentRead: true,
    }),
  );
  return Object.fromEntries(Items.map((item) => [String(item.SK), item]));
};
const registrationItems = async (meetingId: string) =>
  Object.values(await partition(meetingId)).filter((item) => item.entity === 'Registration');
const meetingItem = async (meetingId: string) =>
  (
    await db.send(
      new GetCommand({ TableName: tableName, Key: keys.meeting(meetingId), ConsistentRead: true }),
    )
  ).Item;

/**
 * A meeting that ended `endedDaysAgo` days ago, with two confirmed people (one with needs), one waiting and one
 * who cancelled their waiting place, registered through the real use case while it was open.
 */
const pastMeeting = async (name: string, endedDaysAgo: number, extra = 0): Promise<Meeting> => {
  const endsAt = new Date(now.getTime() - endedDaysAgo * day);
  const startsAt = new Date(endsAt.getTime() - 3 * hour);
  const meeting = meetingFixture({
    meetingId: `${name}-${randomUUID().slice(0, 8)}`,
    startsAt: startsAt.toISOString(),
    endsAt: endsAt.toISOString(),
    registrationOpensAt: new Date(startsAt.getTime() - 30 * day).toISOString(),
    registrationClosesAt: new Date(startsAt.getTime() - day).toISOString(),
    capacity: 2 + extra,
    confirmedCount: 0,
    waitingCount: 0,
  });
  await lifecycle.createMeeting(meeting);
  const clock = new FixedClock(new Date(startsAt.getTime() - 10 * day));
  const ports = {
    store: new DynamoMeetingRegistrations(db, tableName),
    clock,
    ids: timeOrderedIds(clock),
    personIds,
  };
  const people = ['Sanne', 'Bram', 'Fatma', 'Joris', ...Array.from({ length: extra }, (_, i) => `Extra${i}`)];
  for (const [i, first] of people.entries()) {
    clock.advance(60);
    await registerForMeeting(ports, meeting.meetingId, {
      email: `${first.toLowerCase()}.${meeting.meetingId}@example.org`,
      name: `${first} de Vries`,
      answers: { organisation: `Stichting ${first}`, role: 'jongerenwerker', municipality: 'Groningen' },
      ...(i === 0 ? { needs: { dietary: 'vegetarisch', accessibility: 'rolstoel' } } : {}),
    });
  }
  // The last one leaves the waiting list, as the cancellation use case writes it.
  const cancellations = new DynamoMeetingCancellations(db, tableName);
  const leaving = personIds.of(`${people.at(-1)?.toLowerCase()}.${meeting.meetingId}@example.org`);
  const previous = await cancellations.getRegistration(meeting.meetingId, leaving);
  const current = await cancellations.getMeeting(meeting.meetingId);
  if (!previous || !current) throw new Error('the registration to cancel is missing');
  const { waitingKey: _, ...rest } = previous;
  clock.advance(60);
  await cancellations.commitRegistration({
    meeting: current,
    requires: 'none',
    previous,
    next: {
      ...rest,
      status: 'cancelled',
      cancelledAt: clock.now().toISOString(),
      version: previous.version + 1,
    },
    mails: [],
  });
  return meeting;
};

const personalFields = (item: Record<string, unknown>) => ({
  email: item.email,
  name: item.name,
  organisation: (item.answers as Record<string, unknown> | undefined)?.organisation,
  municipality: (item.answers as Record<string, unknown> | undefined)?.municipality,
});

describe('registrations of a meeting past its retention period', () => {
  it('lose name, address, organisation and municipality; the counts stay; a meeting 89 days past is untouched', async () => {
    const expired = await pastMeeting('verlopen', 91);
    const recent = await pastMeeting('recent', 89);
    const before = await meetingItem(expired.meetingId);
    const recentBefore = await partition(recent.meetingId);
    expect(before).toMatchObject({ confirmedCount: 2, waitingCount: 1 });
    expect(
      Object.keys(await partition(expired.meetingId)).filter((sk) => sk.startsWith('WAITING#')),
    ).toHaveLength(1);

    const summary = await run();

    expect(summary).toMatchObject({ meetings: 1, registrations: 4, waitingPlaces: 1, unfinished: false });
    const registrations = await registrationItems(expired.meetingId);
    expect(registrations.map((item) => item.status).sort()).toEqual([
      'cancelled',
      'confirmed',
      'confirmed',
      'waiting',
    ]);
    for (const item of registrations) {
      expect(personalFields(item)).toEqual({
        email: undefined,
        name: undefined,
        organisation: undefined,
        municipality: undefined,
      });
      expect(item).toMatchObject({ anonymisedAt: now.toISOString(), answers: { role: 'jongerenwerker' } });
      expect(item.registeredAt).toEqual(expect.any(String));
    }
    expect(JSON.stringify(await partition(expired.meetingId))).not.toMatch(
      /de Vries|@example\.org|Stichting /,
    );
    // Waiting places name a person; needs are gone too (their TTL is late): only the registrations remain.
    expect(
      Object.keys(await partition(expired.meetingId)).filter((sk) => /^(WAITING|NEEDS)#/.test(sk)),
    ).toEqual([]);
    const after = await meetingItem(expired.meetingId);
    expect(after).toMatchObject({
      confirmedCount: before?.confirmedCount,
      waitingCount: before?.waitingCount,
      personalDataRemovedAt: now.toISOString(),
    });
    // The negative control: ended 89 days ago, every item exactly as it was.
    expect(await partition(recent.meetingId)).toEqual(recentBefore);
    expect(JSON.stringify(recentBefore)).toContain('de Vries');

    // A second run finds nothing to do and changes nothing.
    const settled = await partition(expired.meetingId);
    expect(await run()).toMatchObject({ meetings: 0, registrations: 0 });
    expect(await partition(expired.meetingId)).toEqual(settled);
    expect(await partition(recent.meetingId)).toEqual(recentBefore);
  });

  it('read back without personal data: the exports list them, and no link can act on them', async () => {
    const meeting = await pastMeeting('export', 120);
    await run();
    const current = (await lifecycle.getMeeting(meeting.meetingId)) as Meeting;
    const rows = await lifecycle.listRegistrations(meeting.meetingId);

    const json = registrationsJson(current, rows, 0);
    expect(json).toMatchObject({ confirmedCount: 2, waitingCount: 1 });
    expect(json.registrations).toHaveLength(4);
    for (const registration of json.registrations) {
      expect(registration).toMatchObject({
        name: null,
        email: null,
        organisation: null,
        municipality: null,
        role: 'jongerenwerker',
        anonymisedAt: now.toISOString(),
      });
    }
    const csv = registrationsCsv(current, rows);
    expect(csv.trimEnd().split('\r\n')).toHaveLength(5);
    expect(csv).not.toMatch(/de Vries|@example\.org|Stichting /);
    // The cancel link's lookup: an anonymised registration is nobody's any more.
    const sanne = personIds.of(`sanne.${meeting.meetingId}@example.org`);
    expect(
      await new DynamoMeetingCancellations(db, tableName).getRegistration(meeting.meetingId, sanne),
    ).toBe(undefined);
  });

  it('cannot be undone by a writer that read a registration before the job ran', async () => {
    const meeting = await pastMeeting('gelijktijdig', 91);
    const cancellations = new DynamoMeetingCancellations(db, tableName);
    const person = personIds.of(`sanne.${meeting.meetingId}@example.org`);
    const stale = await cancellations.getRegistration(meeting.meetingId, person);
    const current = await cancellations.getMeeting(meeting.meetingId);
    if (!stale || !current || stale.status !== 'confirmed') throw new Error('the registration is missing');
    // What a cancellation that read before the job would write: the whole item, details included.
    const staleCancel = () =>
      cancellations.commitRegistration({
        meeting: current,
        requires: 'none',
        previous: stale,
        next: { ...stale, status: 'cancelled', cancelledAt: now.toISOString(), version: stale.version + 1 },
        mails: [],
      });

    await run();

    await expect(staleCancel()).rejects.toThrow();
    const [item] = (await registrationItems(meeting.meetingId)).filter((r) => r.personId === person);
    expect(item).toMatchObject({ status: 'confirmed', version: stale.version + 1 });
    expect(personalFields(item ?? {})).toEqual({
      email: undefined,
      name: undefined,
      organisation: undefined,
      municipality: undefined,
    });
    // The control: before the job, the same write goes through (on a registration of another meeting).
    const other = await pastMeeting('controle', 89);
    const otherPerson = personIds.of(`sanne.${other.meetingId}@example.org`);
    const fresh = await cancellations.getRegistration(other.meetingId, otherPerson);
    const otherMeeting = await cancellations.getMeeting(other.meetingId);
    if (!fresh || !otherMeeting) throw new Error('the control registration is missing');
    await expect(
      cancellations.commitRegistration({
        meeting: otherMeeting,
        requires: 'none',
        previous: fresh,
        next: { ...fresh, status: 'cancelled', cancelledAt: now.toISOString(), version: fresh.version + 1 },
        mails: [],
      }),
    ).resolves.toBeUndefined();
  });

  it('a run that dies half-way is finished by the next', async () => {
    const meeting = await pastMeeting('onderbroken', 95, 2);
    let writes = 0;
    const dying: RegistrationRetentionStore = {
      pastMeetingsWithPersonalData: (before) => retention.pastMeetingsWithPersonalData(before),
      personalDataOf: (id) => retention.personalDataOf(id),
      anonymiseRegistration: async (id, personId, at) => {
        writes += 1;
        // The function dies while the writes it started before complete.
        if (writes > 3) return sleep(500).then(() => Promise.reject(new Error('the function timed out')));
        await retention.anonymiseRegistration(id, personId, at);
      },
      deleteNeeds: (id, personId) => retention.deleteNeeds(id, personId),
      deleteWaitingPlace: (id, key) => retention.deleteWaitingPlace(id, key),
      markPersonalDataRemoved: (id, at) => retention.markPersonalDataRemoved(id, at),
    };

    await expect(run(dying)).rejects.toThrow('timed out');
    const halfway = await registrationItems(meeting.meetingId);
    expect(halfway.filter((item) => item.anonymisedAt !== undefined)).toHaveLength(3);
    expect((await meetingItem(meeting.meetingId))?.personalDataRemovedAt).toBeUndefined();

    expect(await run()).toMatchObject({ meetings: 1, registrations: 3 });
    const done = await registrationItems(meeting.meetingId);
    expect(done).toHaveLength(6);
    expect(done.every((item) => item.anonymisedAt !== undefined && item.email === undefined)).toBe(true);
    expect(await meetingItem(meeting.meetingId)).toMatchObject({
      confirmedCount: 4,
      waitingCount: 1,
      personalDataRemovedAt: now.toISOString(),
    });
  });
});

describe('the send ledger', () => {
  const ledger = new DynamoOutboxLedger(db, tableName);
  const mail = (label: string): OutboxMail => ({
    mailId: `${label}-${randomUUID()}`,
    kind: 'subscription-welcome',
    recipient: {
      personId: personIds.of(`${label}@example.org`),
      address: `${label}@example.org`,
      name: 'Sam',
    },
    data: { confirmationId: 'c-1' },
    createdAt: new Date(now.getTime() - 40 * day).toISOString(),
  });
  const queued = async (label: string) => {
    const queuedMail = mail(label);
    await db.send(new TransactWriteCommand({ TransactItems: [outboxPut(tableName, queuedMail)] }));
    return queuedMail;
  };
  const claimed = async (queuedMail: OutboxMail, at: Date): Promise<Claim> => {
    const result = await ledger.claim({ id: queuedMail.mailId, type: 'mail' }, at);
    if (result.outcome !== 'claimed') throw new Error(`not claimed: ${result.outcome}`);
    return result.claim;
  };
  const itemOf = async (queuedMail: OutboxMail) =>
    (await db.send(new GetCommand({ TableName: tableName, Key: keys.outboxMail(queuedMail.mailId) }))).Item;

  it('keeps a sent mail’s record for a year, without its address, name or data', async () => {
    const sent = await queued('verzonden');
    const at = new Date(now.getTime() - 40 * day);
    expect(await ledger.complete(await claimed(sent, at), at, 'ses-message-1')).toBe('done');

    const item = await itemOf(sent);
    expect(item).toMatchObject({
      state: 'sent',
      messageId: 'ses-message-1',
      kind: 'subscription-welcome',
      recipient: { personId: sent.recipient.personId },
      expiresAt: Math.floor(at.getTime() / 1000) + sendLedgerSeconds,
    });
    expect(item?.recipient).toEqual({ personId: sent.recipient.personId });
    expect(item?.data).toBeUndefined();
  });

  it('keeps a failed mail’s content while it is listed; after 30 days it leaves the list and its content goes', async () => {
    const old = await queued('oud-mislukt');
    const young = await queued('jong-mislukt');
    const failedLongAgo = new Date(now.getTime() - 31 * day);
    const failedLately = new Date(now.getTime() - 29 * day);
    await ledger.fail(await claimed(old, failedLongAgo), failedLongAgo, 'MailRejected: no such mailbox');
    await ledger.fail(await claimed(young, failedLately), failedLately, 'MailRejected: no such mailbox');
    expect(await itemOf(old)).toMatchObject({ recipient: old.recipient, data: old.data });

    const forgotten = await forgetContentOfOldFailedMails({
      failedMails: new DynamoFailedMailContent(db, tableName),
      clock: new FixedClock(now),
    });

    expect(forgotten).toBeGreaterThanOrEqual(1);
    const oldItem = await itemOf(old);
    expect(oldItem).toMatchObject({ state: 'failed', failure: 'MailRejected: no such mailbox', attempts: 1 });
    expect(oldItem?.recipient).toEqual({ personId: old.recipient.personId });
    expect(oldItem?.data).toBeUndefined();
    expect(oldItem?.GSI1PK).toBeUndefined();
    expect(await itemOf(young)).toMatchObject({
      recipient: young.recipient,
      data: young.data,
      GSI1PK: 'OUTBOX#failed',
    });
    const listed = await ledger.list('failed', 100);
    expect(listed.map((entry) => entry.id)).toContain(young.mailId);
    expect(listed.map((entry) => entry.id)).not.toContain(old.mailId);
  });

  it('keeps no address in the error texts the ledger holds for its year', async () => {
    const mail = await queued('fouttekst');
    const at = new Date(now.getTime() - hour);
    await ledger.fail(await claimed(mail, at), at, `MailRejected: ${mail.recipient.address} does not exist`);

    const item = await itemOf(mail);
    expect(item?.failure).toBe('MailRejected: [address] does not exist');
    // The control: the address was in the text the ledger was given.
    expect(mail.recipient.address).toMatch(/@example\.org$/);
  });
});
