import type { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { scheduledJobRetryPolicy } from '../../functions/adapters/scheduled-jobs';
import { type EntryName, lambdaEntries } from '../../functions/entries';
import {
  actionsOf,
  asList,
  deployedEntries,
  type PolicyStatementJson,
  policyStatements,
  statementsOfFunction,
  synthesizeStage,
} from './synth';

const { statefulTemplate, statelessTemplate: template, functionTemplates } = synthesizeStage();

type CfnResource = ReturnType<Template['findResources']>[string];
const resourcesOf = (t: Template, type: string) => t.findResources(type) as Record<string, CfnResource>;
const scheduledOnes = (type: string): [string, CfnResource][] =>
  Object.entries(resourcesOf(template, type)).filter(([id]) => id.startsWith('SchedulemeetingReminders'));
const onlyScheduled = (type: string): [string, CfnResource] => {
  const found = scheduledOnes(type);
  expect(found, type).toHaveLength(1);
  return found[0] as [string, CfnResource];
};

const groupName = 'DropIn-prod-schedules';
const reminders = lambdaEntries.meetingReminders;
const [functionId, reminderFunction] = onlyScheduled('AWS::Lambda::Function');
const [roleId, role] = scheduledOnes('AWS::IAM::Role').find(([id]) => id.includes('SchedulerRole')) as [
  string,
  CfnResource,
];
const [queueId, queue] = onlyScheduled('AWS::SQS::Queue');
const roleArn = { 'Fn::GetAtt': [roleId, 'Arn'] };
const queueArn = { 'Fn::GetAtt': [queueId, 'Arn'] };
/** The same role and queue, in the organiser API stack: imported from the stateless stack. */
const imported = (logicalId: string) => ({
  'Fn::ImportValue': expect.stringMatching(
    new RegExp(`^DropIn-prod-Stateless:ExportsOutputFnGetAtt${logicalId}Arn`),
  ),
});
/** The role and queue as the template of a function refers to them. */
const inTemplate = (t: Template) =>
  t === template ? { roleArn, queueArn } : { roleArn: imported(roleId), queueArn: imported(queueId) };
const accountScoped = (resource: string) => ({
  'Fn::Join': [
    '',
    ['arn:', { Ref: 'AWS::Partition' }, resource, { Ref: 'AWS::AccountId' }, expect.any(String)],
  ],
});

const isSchedulerAction = (action: string) => action.startsWith('scheduler:');
// Publishing, changing and cancelling a meeting write a job; the delivery that runs it moves the schedule.
// Scheduling and unscheduling a mailing create and delete its start (the mailing controls).
const schedulingEntries: EntryName[] = [
  'organiserMailingControl',
  'organiserReportControl',
  'outboxRelay',
  'outboxSweeper',
];

describe('the schedule group', () => {
  it('lives in the stateful stack under the stage’s name and is retained with its pending schedules', () => {
    const groups = Object.values(resourcesOf(statefulTemplate, 'AWS::Scheduler::ScheduleGroup'));
    expect(groups).toHaveLength(1);
    expect(groups[0]?.Properties).toEqual({ Name: groupName });
    expect(groups[0]?.DeletionPolicy).toBe('Retain');
    expect(groups[0]?.UpdateReplacePolicy).toBe('Retain');
  });
});

describe('the role EventBridge Scheduler assumes', () => {
  it('trusts only the scheduler, acting for this account’s schedule group', () => {
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Service: 'scheduler.amazonaws.com' },
        Condition: {
          StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
          ArnEquals: {
            'aws:SourceArn': {
              'Fn::Join': [
                '',
                [
                  'arn:',
                  { Ref: 'AWS::Partition' },
                  ':scheduler:eu-west-1:',
                  { Ref: 'AWS::AccountId' },
                  `:schedule-group/${groupName}`,
                ],
              ],
            },
          },
        },
      },
    ]);
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  it('may invoke exactly the reminder function and write to the dead-letter queue, nothing else', () => {
    const attached = Object.values(resourcesOf(template, 'AWS::IAM::Policy')).filter((policy) =>
      policy.Properties.Roles.some((ref: { Ref: string }) => ref.Ref === roleId),
    );
    const statements = attached.flatMap(
      (policy) => policy.Properties.PolicyDocument.Statement as PolicyStatementJson[],
    );
    expect(statements).toEqual([
      { Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: { 'Fn::GetAtt': [functionId, 'Arn'] } },
      { Action: 'sqs:SendMessage', Effect: 'Allow', Resource: queueArn },
    ]);
  });

  it('has a fixed name, as every schedule stores its ARN', () => {
    expect(role.Properties.RoleName).toBe('DropIn-prod-Stateless-scheduler');
  });
});

describe('the reminder function', () => {
  it('has a fixed name, and SCHEDULER_TARGET_ARN names it', () => {
    const name = reminderFunction.Properties.FunctionName;
    expect(name).toBe('DropIn-prod-Stateless-meetingReminders');
    expect(reminderFunction.Properties.Description).toBe(reminders.description);
    expect(reminderFunction.Properties.Environment.Variables.SCHEDULER_TARGET_ARN).toEqual({
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':lambda:eu-west-1:',
          { Ref: 'AWS::AccountId' },
          `:function:${name}`,
        ],
      ],
    });
  });

  it('retries its own errors per the retry policy, then gives the event to the dead-letter queue', () => {
    const [, invokeConfig] = onlyScheduled('AWS::Lambda::EventInvokeConfig');
    expect(invokeConfig.Properties).toMatchObject({
      FunctionName: { Ref: functionId },
      MaximumRetryAttempts: scheduledJobRetryPolicy.functionRetryAttempts,
      MaximumEventAgeInSeconds: scheduledJobRetryPolicy.maximumEventAgeSeconds,
      DestinationConfig: { OnFailure: { Destination: queueArn } },
    });
  });

  it('may read and write the table, and schedules nothing itself', () => {
    const actions = actionsOf(statementsOfFunction(template, reminders.description));
    expect(actions).toEqual(
      expect.arrayContaining(['dynamodb:Query', 'dynamodb:PutItem', 'sqs:SendMessage']),
    );
    expect(actions.filter(isSchedulerAction)).toEqual([]);
    expect(actions).not.toContain('iam:PassRole');
  });
});

describe('every function', () => {
  it('gets the scheduler config: the group, the role, the target and the dead-letter queue, in every stack', () => {
    expect(functionTemplates).toHaveLength(3);
    for (const t of functionTemplates) {
      const functions = Object.values(resourcesOf(t, 'AWS::Lambda::Function'));
      expect(functions.length).toBeGreaterThan(0);
      for (const fn of functions) {
        expect(fn.Properties.Environment.Variables).toMatchObject({
          SCHEDULER_MODE: 'aws',
          SCHEDULER_GROUP: groupName,
          SCHEDULER_ROLE_ARN: inTemplate(t).roleArn,
          SCHEDULER_TARGET_ARN: accountScoped(':lambda:eu-west-1:'),
          SCHEDULER_DLQ_ARN: inTemplate(t).queueArn,
        });
      }
    }
  });
});

describe('the scheduling grants', () => {
  it('go to exactly the entries that need the scheduler: those delivering the outbox (its jobs move reminders), the mailing and the report controls', () => {
    const needing = [...deployedEntries]
      .filter((name) => (lambdaEntries[name].needs as { scheduler?: boolean }).scheduler === true)
      .sort();
    expect(needing).toEqual(schedulingEntries);
    for (const name of deployedEntries) {
      const actions = actionsOf(statementsOfFunction(functionTemplates, lambdaEntries[name].description));
      const expected = needing.includes(name)
        ? ['iam:PassRole', 'scheduler:CreateSchedule', 'scheduler:DeleteSchedule', 'scheduler:UpdateSchedule']
        : [];
      expect(
        actions.filter((action) => isSchedulerAction(action) || action === 'iam:PassRole').sort(),
        name,
      ).toEqual(expected);
    }
  });

  it('cover the schedules of the one group, and pass only the scheduler role, only to the scheduler', () => {
    const statements = functionTemplates.flatMap((t) =>
      policyStatements(t)
        .filter((statement) =>
          actionsOf([statement]).some((action) => isSchedulerAction(action) || action === 'iam:PassRole'),
        )
        .map((statement) => [statement, t] as const),
    );
    expect(statements).toHaveLength(2 * schedulingEntries.length);
    for (const [statement, t] of statements) {
      if (actionsOf([statement]).includes('iam:PassRole')) {
        expect(statement).toEqual({
          Action: 'iam:PassRole',
          Effect: 'Allow',
          Resource: inTemplate(t).roleArn,
          Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
        });
      } else {
        expect(asList(statement.Action).sort()).toEqual([
          'scheduler:CreateSchedule',
          'scheduler:DeleteSchedule',
          'scheduler:UpdateSchedule',
        ]);
        expect(statement.Resource).toEqual({
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':scheduler:eu-west-1:',
              { Ref: 'AWS::AccountId' },
              `:schedule/${groupName}/*`,
            ],
          ],
        });
      }
      expect(asList(statement.Resource)).not.toContain('*');
    }
  });
});

describe('the dead-letter queue', () => {
  it('is encrypted, refuses unencrypted transport, keeps messages 14 days and has a fixed name', () => {
    expect(queue.Properties).toMatchObject({
      QueueName: 'DropIn-prod-Stateless-scheduled-job-failures',
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
    const [, policy] = onlyScheduled('AWS::SQS::QueuePolicy');
    expect(policy.Properties.PolicyDocument.Statement).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Effect: 'Deny',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          Resource: queueArn,
        }),
      ]),
    );
  });

  it('raises an alarm as soon as a message is in it', () => {
    const alarms = scheduledOnes('AWS::CloudWatch::Alarm')
      .map(([, alarm]) => alarm.Properties)
      .filter((alarm) => alarm.Namespace === 'AWS/SQS');
    expect(alarms).toHaveLength(1);
    expect(alarms[0]).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
    });
  });

  it('is watched for invocations the scheduler could not even put into it', () => {
    const alarms = scheduledOnes('AWS::CloudWatch::Alarm')
      .map(([, alarm]) => alarm.Properties)
      .filter((alarm) => alarm.Namespace === 'AWS/Scheduler');
    expect(alarms).toEqual([
      expect.objectContaining({
        MetricName: 'InvocationsFailedToBeSentToDeadLetterCount',
        Dimensions: [{ Name: 'ScheduleGroup', Value: groupName }],
        Threshold: 1,
      }),
    ]);
  });
});
