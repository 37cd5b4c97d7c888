import {
  ConflictException,
  CreateScheduleCommand,
  type DeleteScheduleCommand,
  ResourceNotFoundException,
  type SchedulerClient,
  type UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import { describe, expect, it } from 'vitest';
import { atExpression, EventBridgeScheduler } from '../../functions/adapters/eventbridge-scheduler';
import { InvalidScheduleName } from '../../functions/adapters/scheduled-jobs';

const amsterdam = (wallTime: string) => ({ expression: `at(${wallTime})`, timeZone: 'Europe/Amsterdam' });
const utc = (wallTime: string) => ({ expression: `at(${wallTime})`, timeZone: 'UTC' });

describe('the at() expression of a one-time schedule', () => {
  it.each([
    ['a winter afternoon (CET, +01:00)', '2027-01-14T12:30:00Z', amsterdam('2027-01-14T13:30:00')],
    ['a summer afternoon (CEST, +02:00)', '2027-06-10T12:30:00Z', amsterdam('2027-06-10T14:30:00')],
    // 2027-03-28: the clocks go from 02:00 CET to 03:00 CEST at 01:00 UTC.
    ['the day before summer time', '2027-03-27T12:00:00Z', amsterdam('2027-03-27T13:00:00')],
    ['the last minute of winter time', '2027-03-28T00:59:00Z', amsterdam('2027-03-28T01:59:00')],
    ['the first second of summer time', '2027-03-28T01:00:00Z', amsterdam('2027-03-28T03:00:00')],
    ['the afternoon summer time starts', '2027-03-28T12:00:00Z', amsterdam('2027-03-28T14:00:00')],
    // 2027-10-31: the clocks go from 03:00 CEST back to 02:00 CET at 01:00 UTC; 02:00–03:00 happens twice.
    ['the evening before winter time', '2027-10-30T19:00:00Z', amsterdam('2027-10-30T21:00:00')],
    ['just before the repeated hour', '2027-10-30T23:59:59Z', amsterdam('2027-10-31T01:59:59')],
    ['02:00 CEST, the first time round', '2027-10-31T00:00:00Z', utc('2027-10-31T00:00:00')],
    ['02:30 CEST, the first time round', '2027-10-31T00:30:00Z', utc('2027-10-31T00:30:00')],
    ['02:30 CET, the second time round', '2027-10-31T01:30:00Z', utc('2027-10-31T01:30:00')],
    ['03:00 CET, after the repeated hour', '2027-10-31T02:00:00Z', amsterdam('2027-10-31T03:00:00')],
    ['the afternoon winter time starts', '2027-10-31T12:00:00Z', amsterdam('2027-10-31T13:00:00')],
  ])('%s: %s', (_, instant, expected) => {
    expect(atExpression(new Date(instant))).toEqual(expected);
  });

  it('rounds up to the whole second, so a schedule never fires early', () => {
    expect(atExpression(new Date('2027-01-14T12:29:59.001Z'))).toEqual(amsterdam('2027-01-14T13:30:00'));
    expect(atExpression(new Date('2027-01-14T12:30:00.000Z'))).toEqual(amsterdam('2027-01-14T13:30:00'));
  });

  it('refuses an invalid date', () => {
    expect(() => atExpression(new Date('not a date'))).toThrow(RangeError);
  });
});

type Sent = CreateScheduleCommand | UpdateScheduleCommand | DeleteScheduleCommand;

/** A client that answers each command with the next scripted outcome: undefined succeeds, an error is thrown. */
const scriptedClient = (outcomes: (Error | undefined)[]) => {
  const sent: Sent[] = [];
  const client = {
    send: async (command: Sent) => {
      sent.push(command);
      const outcome = outcomes.shift();
      if (outcome) throw outcome;
      return {};
    },
  } as unknown as SchedulerClient;
  return { client, sent };
};

const settings = {
  groupName: 'DropIn-prod-schedules',
  roleArn: 'arn:aws:iam::123456789012:role/DropIn-prod-Stateless-scheduler',
  targetArn: 'arn:aws:lambda:eu-west-1:123456789012:function:DropIn-prod-Stateless-meetingReminders',
  deadLetterArn: 'arn:aws:sqs:eu-west-1:123456789012:DropIn-prod-Stateless-scheduled-job-failures',
  retryPolicy: { maximumRetryAttempts: 20, maximumEventAgeSeconds: 3600 },
};
const job = { kind: 'meeting-reminder', meetingId: '01JABCDEFGHJKMNPQRSTVWXYZ0' } as const;
const conflict = () =>
  new ConflictException({
    message: 'Schedule already exists',
    Message: 'Schedule already exists',
    $metadata: {},
  });
const notFound = () =>
  new ResourceNotFoundException({
    message: 'Schedule not found',
    Message: 'Schedule not found',
    $metadata: {},
  });

describe('EventBridgeScheduler', () => {
  it('creates a one-time schedule in the group that invokes the target with the job, and deletes itself after', async () => {
    const { client, sent } = scriptedClient([undefined]);

    await new EventBridgeScheduler(client, settings).scheduleOnce(
      `reminder-${job.meetingId}`,
      new Date('2027-03-28T11:30:00Z'),
      job,
    );

    expect(sent).toHaveLength(1);
    expect(sent[0]).toBeInstanceOf(CreateScheduleCommand);
    expect(sent[0]?.input).toEqual({
      Name: `reminder-${job.meetingId}`,
      GroupName: settings.groupName,
      ScheduleExpression: 'at(2027-03-28T13:30:00)',
      ScheduleExpressionTimezone: 'Europe/Amsterdam',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      Target: {
        Arn: settings.targetArn,
        RoleArn: settings.roleArn,
        Input: JSON.stringify(job),
        RetryPolicy: { MaximumRetryAttempts: 20, MaximumEventAgeInSeconds: 3600 },
        DeadLetterConfig: { Arn: settings.deadLetterArn },
      },
    });
  });

  it('moves an existing schedule: Create conflicts, Update replaces it with the same definition', async () => {
    const { client, sent } = scriptedClient([conflict(), undefined]);

    await new EventBridgeScheduler(client, settings).scheduleOnce(
      'reminder-x',
      new Date('2027-06-10T12:30:00Z'),
      job,
    );

    expect(sent.map((command) => command.constructor.name)).toEqual([
      'CreateScheduleCommand',
      'UpdateScheduleCommand',
    ]);
    expect(sent[1]?.input).toEqual(sent[0]?.input);
  });

  it('creates it again when it ran (and was deleted) between the conflict and the update', async () => {
    const { client, sent } = scriptedClient([conflict(), notFound(), undefined]);

    await new EventBridgeScheduler(client, settings).scheduleOnce(
      'reminder-x',
      new Date('2027-06-10T12:30:00Z'),
      job,
    );

    expect(sent.map((command) => command.constructor.name)).toEqual([
      'CreateScheduleCommand',
      'UpdateScheduleCommand',
      'CreateScheduleCommand',
    ]);
  });

  it('passes on other errors', async () => {
    const denied = Object.assign(new Error('not allowed'), { name: 'AccessDeniedException' });
    const { client } = scriptedClient([denied]);

    await expect(
      new EventBridgeScheduler(client, settings).scheduleOnce('reminder-x', new Date(), job),
    ).rejects.toBe(denied);
  });

  it('cancels by deleting the schedule from the group, and a schedule already gone is fine', async () => {
    const { client, sent } = scriptedClient([undefined, notFound()]);
    const scheduler = new EventBridgeScheduler(client, settings);

    await scheduler.cancel('reminder-x');
    await scheduler.cancel('reminder-x');

    expect(sent.map((command) => command.input)).toEqual([
      { Name: 'reminder-x', GroupName: settings.groupName },
      { Name: 'reminder-x', GroupName: settings.groupName },
    ]);
  });

  it('refuses a name EventBridge Scheduler would refuse, before calling it', async () => {
    const { client, sent } = scriptedClient([]);
    const scheduler = new EventBridgeScheduler(client, settings);

    await expect(scheduler.scheduleOnce('reminder x', new Date(), job)).rejects.toBeInstanceOf(
      InvalidScheduleName,
    );
    await expect(scheduler.cancel('r'.repeat(65))).rejects.toBeInstanceOf(InvalidScheduleName);
    expect(sent).toEqual([]);
  });
});
