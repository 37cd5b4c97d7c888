import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { inAuditScope } from '../../functions/adapters/audit-scope';
import { auditWriter } from '../../functions/adapters/dynamo/audit-trail';
import { installAuditWriter } from '../../functions/adapters/dynamo/audited-writes';
import {
  DynamoMailingRecipients,
  DynamoSendingProgress,
} from '../../functions/adapters/dynamo/mailing-recipients';
import { DynamoMeetingLifecycle } from '../../functions/adapters/dynamo/meeting-lifecycle';
import { DynamoMeetingRegistrations } from '../../functions/adapters/dynamo/meeting-registrations';
import { DynamoOutboxLedger } from '../../functions/adapters/dynamo/outbox-ledger';
import { DynamoReportRequestStore } from '../../functions/adapters/dynamo/report-requests';
import { DynamoSubscriptionStore } from '../../functions/adapters/dynamo/subscription-store';
import { DynamoSuppressionAdmin } from '../../functions/adapters/dynamo/suppression-admin';
import { DynamoSuppressionList } from '../../functions/adapters/dynamo/suppression-list';
import {
  type ItemKey,
  keys,
  type PersonEntityKind,
  personEntityKinds,
  personEntryOf,
  personIndexName,
} from '../../functions/adapters/dynamo/table-design';
import { timeOrderedIds } from '../../functions/adapters/ids';
import { applySesFeedback } from '../../functions/core/mailings/suppression';
import { registerForMeeting } from '../../functions/core/meetings/registration';
import { requestRegistration } from '../../functions/core/meetings/registration-requests';
import { PersonIds } from '../../functions/core/people/person-id';
import { subscribe } from '../../functions/core/subscriptions/use-cases';
import { localAwsSettings } from '../../local/engines/dynamodb-local';
import { backfillPersonIndex, personIndexBackfill } from '../../local/maintenance/person-index-backfill';
import { ensureTable } from '../../local/table';
import { FixedClock } from '../support/in-memory-ports';
import { meetingFixture } from '../support/meeting-fixtures';

/**
 * The person index (docs/architecture.md, "The person index"): every item that names a person is listed
 * under that person, written so by the real adapters, so one Query finds all of them; and the backfill lists
 * what an older version wrote without the attributes.
 */

const dynamoDbEndpoint = inject('dynamoDbEndpoint');
const dynamoDbClient = new DynamoDBClient({ ...localAwsSettings, endpoint: dynamoDbEndpoint });
const db = DynamoDBDocumentClient.from(dynamoDbClient, { marshallOptions: { removeUndefinedValues: true } });
const run = randomUUID().slice(0, 8);
const tables: string[] = [];
const freshTable = async () => {
  const name = `dropin-person-index-${randomUUID().slice(0, 8)}`;
  tables.push(name);
  await ensureTable(dynamoDbClient, name);
  return name;
};

afterAll(async () => {
  await Promise.allSettled(
    tables.map((TableName) => dynamoDbClient.send(new DeleteTableCommand({ TableName }))),
  );
  dynamoDbClient.destroy();
});

const everyKind = Object.keys(personEntityKinds) as PersonEntityKind[];
const keyOf = (item: { readonly PK?: unknown; readonly SK?: unknown }) => `${item.PK} / ${item.SK}`;
type StoredItem = ItemKey & Record<string, unknown>;

/** One person's records: the one Query the index exists for (a page is plenty for a test person). */
const personRecords = async (tableName: string, personId: string, kind?: PersonEntityKind) => {
  const records = keys.personRecords(personId, kind);
  const { Items = [], LastEvaluatedKey } = await db.send(
    new QueryCommand({
      TableName: tableName,
      IndexName: personIndexName,
      KeyConditionExpression: records.skPrefix
        ? 'PersonPK = :pk AND begins_with(PersonSK, :kind)'
        : 'PersonPK = :pk',
      ExpressionAttributeValues: {
        ':pk': records.PersonPK,
        ...(records.skPrefix ? { ':kind': records.skPrefix } : {}),
      },
    }),
  );
  expect(LastEvaluatedKey).toBeUndefined();
  return Items;
};

/** Every item of a test table (a throwaway table: the control the index is checked against). */
const everyItem = async (tableName: string) => {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new ScanCommand({
        TableName: tableName,
        ConsistentRead: true,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
};

/** The items that mention the person anywhere (keys, attributes, a recipient): all must be in the index. */
const itemsMentioning = (items: readonly Record<string, unknown>[], personId: string) =>
  items.filter((item) => JSON.stringify(item).includes(personId));

describe('the person index, written by the real adapters', () => {
  const secret = 'person-index-test-secret-0123456789-abcdef';
  const clock = new FixedClock(new Date());
  const personIds = new PersonIds(secret);
  const ids = timeOrderedIds(clock);
  const sam = { email: `sam.${run}@example.org`, name: 'Sam de Vries' };
  const noor = { email: `noor.${run}@example.org`, name: 'Noor Bakker' };
  const samId = personIds.of(sam.email);
  const noorId = personIds.of(noor.email);
  const hour = 3_600_000;
  let tableName: string;

  /** Subscribes and confirms through the subscription store (the use case's confirm writes the same change). */
  const subscribeAndConfirm = async (
    store: DynamoSubscriptionStore,
    person: { email: string; name: string },
  ) => {
    const ports = { store, clock, ids, personIds };
    await subscribe(ports, {
      ...person,
      topics: ['nieuwsbrief', 'bijeenkomsten'],
      source: 'form',
      consentTextVersion: '2026-11-28',
    });
    const personId = personIds.of(person.email);
    const { subscription } = await store.load(personId);
    if (subscription?.status !== 'pending') throw new Error('expected a pending subscription');
    const { expiresAt: _, ...pending } = subscription;
    const at = clock.now().toISOString();
    const next = { ...pending, status: 'active' as const, confirmedAt: at, changedAt: at, version: 2 };
    await store.commit({
      personId,
      previous: subscription,
      next,
      mail: {
        mailId: ids.next(),
        kind: 'subscription-welcome',
        recipient: { personId, address: next.email, ...(next.name ? { name: next.name } : {}) },
        data: {},
        createdAt: at,
      },
    });
  };

  const openMeeting = (meetingId: string, capacity: number, needs: boolean) => {
    const startsAt = new Date(clock.now().getTime() + 10 * 24 * hour);
    return meetingFixture({
      meetingId,
      startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + 3 * hour).toISOString(),
      registrationOpensAt: new Date(clock.now().getTime() - 24 * hour).toISOString(),
      registrationClosesAt: new Date(startsAt.getTime() - 24 * hour).toISOString(),
      capacity,
      confirmedCount: 0,
      waitingCount: 0,
      questions: { organisation: false, role: false, municipality: false, needs },
      publishedAt: clock.now().toISOString(),
    });
  };

  beforeAll(async () => {
    tableName = await freshTable();
    const store = new DynamoSubscriptionStore(db, tableName);
    const lifecycle = new DynamoMeetingLifecycle(db, tableName);
    const registrations = { store: new DynamoMeetingRegistrations(db, tableName), clock, ids, personIds };
    const feedback = {
      suppressions: new DynamoSuppressionList(db, tableName),
      ledger: new DynamoOutboxLedger(db, tableName),
      mailings: {
        recipients: new DynamoMailingRecipients(db, tableName),
        progress: new DynamoSendingProgress(db, tableName),
      },
      personIds,
    };

    // Sam: a confirmed subscription with two topics, a registration with needs, a place on a waiting list.
    await subscribeAndConfirm(store, sam);
    const withNeeds = openMeeting(`needs-${run}`, 10, true);
    const full = openMeeting(`full-${run}`, 1, false);
    await lifecycle.createMeeting(withNeeds);
    await lifecycle.createMeeting(full);
    await registerForMeeting(registrations, withNeeds.meetingId, {
      ...sam,
      answers: {},
      needs: { dietary: 'vegetarisch', accessibility: 'rolstoel' },
    });
    // Noor takes the one seat (and is the other person, who must not show up under Sam). An organiser
    // registers both there: the audit entries of those actions name them.
    await subscribeAndConfirm(store, noor);
    // As in a function that serves an organiser's write route (organiser-route.ts installs it).
    installAuditWriter(auditWriter);
    const asOrganiser = <T>(action: () => Promise<T>) =>
      inAuditScope(
        {
          actor: { subject: 'organiser-1', name: 'Organisator' },
          action: 'POST /api/organiser/meetings/{id}/registrations',
          requestId: `request-${run}`,
          newEntryId: () => ids.next(),
          now: () => clock.now(),
          retentionDays: 730,
          recorded: [],
        },
        action,
      );
    expect(
      await asOrganiser(() => registerForMeeting(registrations, full.meetingId, { ...noor, answers: {} })),
    ).toMatchObject({ status: 'confirmed' });
    expect(
      await asOrganiser(() => registerForMeeting(registrations, full.meetingId, { ...sam, answers: {} })),
    ).toMatchObject({ status: 'waiting', position: 1 });
    // Both asked to register for the open meeting once more (a request waiting for its confirmation).
    await requestRegistration(registrations, withNeeds.meetingId, { ...noor, answers: {} });
    await requestRegistration(registrations, withNeeds.meetingId, { ...sam, answers: {} });
    // Both are recipients of a mailing (its send ledger entries name them).
    await new DynamoMailingRecipients(db, tableName).add(
      `mailing-${run}`,
      [
        { personId: samId, from: 'topics' },
        { personId: noorId, from: 'meeting' },
      ],
      clock.now(),
    );
    // Both asked for a report on request (its requests name them).
    const requests = new DynamoReportRequestStore(db, tableName, 365);
    for (const [person, personId] of [
      [sam, samId],
      [noor, noorId],
    ] as const) {
      await requests.save(
        undefined,
        {
          reportId: `report-${run}`,
          personId,
          email: person.email,
          name: 'Aanvrager',
          organisation: 'Jongerenwerk',
          consentVersion: '2026-12',
          status: 'unconfirmed',
          requestedAt: clock.now().toISOString(),
          lastMailedAt: clock.now().toISOString(),
          downloads: 0,
        },
        [],
      );
    }
    // An import brought Sam in (its audience's member item, written with the subscription change).
    await store.commit({
      personId: samId,
      importMember: {
        importId: `import-${run}`,
        line: 2,
        at: clock.now().toISOString(),
        markedUntil: Math.floor(clock.now().getTime() / 1000) + 3600,
      },
    });
    // SES: a soft bounce (counted, with its feedback marker), then a complaint (suppressed).
    const at = clock.now();
    await applySesFeedback(feedback, {
      type: 'bounced',
      feedbackId: `soft-${run}`,
      permanent: false,
      recipients: [sam.email],
      at,
    });
    await applySesFeedback(feedback, {
      type: 'complained',
      feedbackId: `complaint-${run}`,
      recipients: [sam.email, noor.email],
      at,
    });
  });

  it.each(everyKind)('lists every %s item of the person, with the listing its keys give', async (kind) => {
    const records = await personRecords(tableName, samId);
    const ofKind = records.filter((item) => personEntryOf(item)?.kind === kind);

    expect(ofKind.length, `no ${kind} item of the person in the person index`).toBeGreaterThan(0);
    for (const item of ofKind) {
      const entry = personEntryOf(item);
      expect(entry?.personId).toBe(samId);
      expect({ PersonPK: item.PersonPK, PersonSK: item.PersonSK }).toEqual(
        keys.personListing(samId, kind, entry?.ref),
      );
      expect(item.PersonSK as string).toMatch(new RegExp(`^${personEntityKinds[kind]}(#|$)`));
    }
    // begins_with on the kind narrows the Query to exactly these.
    expect((await personRecords(tableName, samId, kind)).map(keyOf).sort()).toEqual(ofKind.map(keyOf).sort());
  });

  it('returns, in one Query, every item that mentions the person and nothing of anyone else', async () => {
    const records = await personRecords(tableName, samId);
    const all = await everyItem(tableName);

    expect(records.map(keyOf).sort()).toEqual(itemsMentioning(all, samId).map(keyOf).sort());
    expect(records.every((item) => item.PersonPK === keys.personRecords(samId).PersonPK)).toBe(true);
    expect(JSON.stringify(records)).not.toContain(noorId);
    // Noor's are under Noor: every kind but what only Sam has (needs, a waiting place, a soft bounce, an import).
    const noorKinds = new Set(
      (await personRecords(tableName, noorId)).map((item) => personEntryOf(item)?.kind),
    );
    const samOnly: PersonEntityKind[] = [
      'registrationNeeds',
      'waitingPlace',
      'softBounces',
      'importMember',
      'importAsked',
    ];
    expect([...noorKinds].sort()).toEqual(everyKind.filter((kind) => !samOnly.includes(kind)).sort());
    // Outbox jobs, meetings and counters name nobody: not listed.
    expect(all.filter((item) => item.PersonPK !== undefined).every((item) => personEntryOf(item))).toBe(true);
  });

  it('misses an item written without the attributes, which is what the check above would catch', async () => {
    const old: StoredItem = {
      ...keys.registration(`old-${run}`, samId),
      entity: 'Registration',
      personId: samId,
    };
    await db.send(new PutCommand({ TableName: tableName, Item: old }));
    try {
      const records = await personRecords(tableName, samId);
      const mentioning = itemsMentioning(await everyItem(tableName), samId);

      expect(mentioning.map(keyOf).filter((key) => !records.map(keyOf).includes(key))).toEqual([keyOf(old)]);
    } finally {
      await db.send(new DeleteCommand({ TableName: tableName, Key: keys.registration(`old-${run}`, samId) }));
    }
  });
});

describe('the person-index backfill', () => {
  /** One item of every kind that names a person, as a version before the index wrote it: no listing. */
  const oldItemsOf = (personId: string): Record<PersonEntityKind, StoredItem> => ({
    person: { ...keys.person(personId), entity: 'Person', email: `${personId}@example.org` },
    subscription: { ...keys.subscription(personId), entity: 'Subscription', personId, status: 'active' },
    topicMember: { ...keys.topicMember('nieuwsbrief', personId), entity: 'TopicMember', personId },
    mailRate: { ...keys.mailRate(personId), entity: 'MailRate', sentAt: [1], version: 1 },
    suppression: {
      ...keys.suppression(personId),
      entity: 'Suppression',
      reason: 'complaint',
      suppressedAt: '2026-11-01T09:00:00.000Z',
    },
    softBounces: { ...keys.softBounces(personId), entity: 'SoftBounces', count: 1, version: 1 },
    sesFeedback: { ...keys.sesFeedback(personId, `fb-${personId}`), entity: 'SesFeedback' },
    registration: { ...keys.registration('m-old', personId), entity: 'Registration', personId },
    waitingPlace: { ...keys.waitingPlace('m-old', `wait-${personId}`), entity: 'WaitingPlace', personId },
    registrationNeeds: {
      ...keys.registrationNeeds('m-old', personId),
      entity: 'RegistrationNeeds',
      personId,
    },
    pendingRegistration: {
      ...keys.pendingRegistration('m-old', personId),
      entity: 'PendingRegistration',
      personId,
    },
    outboxJob: {
      ...keys.outboxJob(`job-${personId}`),
      entity: 'OutboxJob',
      jobId: `job-${personId}`,
      job: { kind: 'registration-requested', meetingId: 'm-old', personId, requestId: `r-${personId}` },
    },
    outboxMail: {
      ...keys.outboxMail(`mail-${personId}`),
      entity: 'OutboxMail',
      mailId: `mail-${personId}`,
      recipient: { personId, address: `${personId}@example.org` },
      state: 'sent',
    },
    mailingRecipient: {
      ...keys.mailingRecipient('mailing-old', personId),
      entity: 'MailingRecipient',
      personId,
      state: 'sent',
    },
    reportRequest: {
      ...keys.reportRequest('report-old', personId),
      entity: 'ReportRequest',
      personId,
      status: 'granted',
    },
    auditEntry: {
      ...keys.auditEntry(`AUDIT-${personId}`),
      entity: 'AuditEntry',
      personId,
      kind: 'registration',
    },
    importMember: { ...keys.importMember('import-old', personId), entity: 'ImportMember', personId, line: 2 },
    importAsked: { ...keys.importAsked(personId), entity: 'ImportAsked', importId: 'import-old' },
  });
  const people = ['person-a', 'person-b', 'person-c'];
  /** Items that name nobody: the backfill leaves them as they are. */
  const nobodys = [
    { ...keys.meeting('m-old'), entity: 'Meeting', meetingId: 'm-old' },
    { ...keys.outboxJob('job-1'), entity: 'OutboxJob', job: { kind: 'meeting-changed', meetingId: 'm-old' } },
    { ...keys.subscriberCounts(), active: 3 },
    { ...keys.schedule('reminder-m-old'), entity: 'Schedule' },
    { ...keys.subscriberImport('import-old'), entity: 'SubscriberImport', source: 'intekenlijst' },
  ];
  let tableName: string;
  const withoutProgress = (items: Record<string, unknown>[]) =>
    items.filter((item) => keyOf(item) !== keyOf(keys.backfillProgress(personIndexBackfill)));

  beforeAll(async () => {
    tableName = await freshTable();
    const old = [...people.flatMap((personId) => Object.values(oldItemsOf(personId))), ...nobodys];
    for (const Item of old) await db.send(new PutCommand({ TableName: tableName, Item }));
  });

  it('lists every old item, resuming where an interrupted run stopped; a second run changes nothing', async () => {
    const personItems = people.length * everyKind.length;
    for (const personId of people) expect(await personRecords(tableName, personId)).toEqual([]);

    const first = await backfillPersonIndex(db, tableName, { pageSize: 4, maxPages: 1 });

    expect(first).toMatchObject({ outcome: 'stopped', pages: 1, scanned: 4, done: false, resumed: false });
    const progress = await db.send(
      new GetCommand({
        TableName: tableName,
        Key: keys.backfillProgress(personIndexBackfill),
        ConsistentRead: true,
      }),
    );
    expect(progress.Item?.startKey).toBeDefined();

    const second = await backfillPersonIndex(db, tableName, { pageSize: 4 });

    expect(second).toMatchObject({ outcome: 'done', done: true, resumed: true, listed: personItems });
    expect(second.listedNow).toBe(personItems - first.listedNow);
    // Resumed, not started over: every item was scanned once (the progress item perhaps too).
    const stored = withoutProgress(await everyItem(tableName));
    expect(second.scanned).toBeGreaterThanOrEqual(stored.length);
    expect(second.scanned).toBeLessThanOrEqual(stored.length + 1);
    for (const personId of people) {
      const records = await personRecords(tableName, personId);
      expect(records.map((item) => personEntryOf(item)?.kind).sort()).toEqual([...everyKind].sort());
      for (const item of records) {
        const entry = personEntryOf(item);
        expect(item).toMatchObject(keys.personListing(personId, entry?.kind ?? 'person', entry?.ref));
      }
    }
    for (const item of nobodys) {
      const { Item } = await db.send(
        new GetCommand({ TableName: tableName, Key: { PK: item.PK, SK: item.SK } }),
      );
      expect(Item).toEqual(item);
    }
    // The old suppressions have their place in the admins' list too, by their time.
    const listed = await new DynamoSuppressionAdmin(db, tableName).list({ limit: 10 });
    expect(listed.items.map((suppression) => suppression.personId).sort()).toEqual([...people].sort());
    expect(listed.items.every((suppression) => suppression.reason === 'complaint')).toBe(true);

    const done = await backfillPersonIndex(db, tableName, { pageSize: 4 });
    expect(done).toMatchObject({ outcome: 'already-done', listedNow: 0, listed: personItems });
    const again = await backfillPersonIndex(db, tableName, { pageSize: 4, restart: true });
    expect(again).toMatchObject({ outcome: 'done', listedNow: 0, resumed: false });
    expect(withoutProgress(await everyItem(tableName))).toEqual(stored);
  });

  it('never brings back an item deleted before its turn, nor overwrites a listing a writer set', async () => {
    const tableName = await freshTable();
    const gone = oldItemsOf('person-gone').registration;
    const listedByWriter = {
      ...oldItemsOf('person-new').registration,
      ...keys.personListing('person-new', 'registration', 'm-old'),
      note: 'written by the new version',
    };
    await db.send(new PutCommand({ TableName: tableName, Item: gone }));
    await db.send(new PutCommand({ TableName: tableName, Item: listedByWriter }));
    // Deleted between the Scan and the update: the scanned item is stale, exactly as a TTL deletion leaves it.
    const original = db.send.bind(db);
    const racing = {
      send: async (command: unknown) => {
        const result = await original(command as never);
        if (command instanceof ScanCommand) {
          await original(
            new DeleteCommand({ TableName: tableName, Key: { PK: gone.PK, SK: gone.SK } }) as never,
          );
        }
        return result;
      },
    } as unknown as DynamoDBDocumentClient;

    const report = await backfillPersonIndex(racing, tableName);

    expect(report).toMatchObject({ outcome: 'done', listedNow: 0 });
    expect(
      (await db.send(new GetCommand({ TableName: tableName, Key: { PK: gone.PK, SK: gone.SK } }))).Item,
    ).toBe(undefined);
    expect(
      (
        await db.send(
          new GetCommand({ TableName: tableName, Key: { PK: listedByWriter.PK, SK: listedByWriter.SK } }),
        )
      ).Item,
    ).toEqual(listedByWriter);
  });

  it('runs as `npm run local -- backfill-person-index` against the running DynamoDB Local', async () => {
    const tableName = await freshTable();
    await db.send(new PutCommand({ TableName: tableName, Item: oldItemsOf('person-cli').subscription }));
    const cli = (...args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolveRun) => {
        execFile(
          'npm',
          ['run', '-s', 'local', '--', 'backfill-person-index', '--table', tableName, ...args],
          {
            cwd: path.resolve(import.meta.dirname, '../..'),
            env: { ...process.env, DROPIN_DYNAMODB_PORT: new URL(dynamoDbEndpoint).port },
            timeout: 30_000,
          },
          (error, stdout, stderr) =>
            resolveRun({
              code: error ? (typeof error.code === 'number' ? error.code : 1) : 0,
              stdout,
              stderr,
            }),
        );
      });

    const first = await cli('--page-size', '10');
    const second = await cli();
    const wrong = await cli('--page-size', '0');

    expect(first).toMatchObject({ code: 0 });
    expect(first.stdout).toContain('Done');
    expect(await personRecords(tableName, 'person-cli')).toHaveLength(1);
    expect(second.stdout).toContain('done already');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('--page-size 0');
  }, 60_000);
});
