import { describe, expect, it } from 'vitest';
import { deliveryLog, oldestPendingAgeField } from '../../functions/adapters/delivery-log';
import { malformedOutboxMailMessage, outboxStreamFilter } from '../../functions/adapters/dynamo/outbox';
import { sesEventRulePattern } from '../../functions/adapters/ses/events';
import { type EntryName, lambdaEntries } from '../../functions/entries';
import {
  actionsOf,
  asList,
  type CfnResource,
  deployedEntries,
  functionDescribed,
  type PolicyStatementJson,
  policyStatements,
  sesEventEntries,
  statementsOfFunction,
  streamEntries,
  sweepEntries,
  synthesizeStage,
} from './synth';

// Mail delivery as a whole: the stream relay (the fast path), the sweeper (every minute, whatever the stream
// missed), the SES events (Send events, bounces, complaints) and the alarms on delivery.
const { stateless, statelessTemplate: template } = synthesizeStage();

const resourcesOf = (type: string) => template.findResources(type) as Record<string, CfnResource>;
/** The one resource of the type under the construct whose logical ids start with `prefix`. */
const onlyUnder = (prefix: string, type: string): [string, CfnResource] => {
  const found = Object.entries(resourcesOf(type)).filter(([id]) => id.startsWith(prefix));
  expect(found, `${type} under ${prefix}`).toHaveLength(1);
  return found[0] as [string, CfnResource];
};
const alarmsOn = (namespace: string, metricName: string) =>
  Object.values(resourcesOf('AWS::CloudWatch::Alarm')).filter(
    (alarm) => alarm.Properties.Namespace === namespace && alarm.Properties.MetricName === metricName,
  );
const logGroupIdOf = (functionId: string): string =>
  (resourcesOf('AWS::Lambda::Function')[functionId] as CfnResource).Properties.LoggingConfig.LogGroup.Ref;

const streamArnImport = {
  'Fn::ImportValue': expect.stringMatching(
    /^DropIn-prod-Stateful:ExportsOutputFnGetAttDataTable\w+StreamArn\w+$/,
  ),
};
const isStreamAction = (action: string) =>
  [
    'dynamodb:DescribeStream',
    'dynamodb:GetRecords',
    'dynamodb:GetShardIterator',
    'dynamodb:ListStreams',
  ].includes(action);
/** The services an entry's statements reach, `iam:PassRole` spelled out. */
const servicesOf = (statements: readonly PolicyStatementJson[]) =>
  new Set(actionsOf(statements).map((action) => (action === 'iam:PassRole' ? action : action.split(':')[0])));

const relay = lambdaEntries.outboxRelay;
const sweeper = lambdaEntries.outboxSweeper;
const sesEvents = lambdaEntries.sesEvents;
const [relayFunctionId] = functionDescribed(template, relay.description);
const [sweeperFunctionId] = functionDescribed(template, sweeper.description);
const [sesEventsFunctionId] = functionDescribed(template, sesEvents.description);

describe('the outbox relay', () => {
  const [mappingId, mapping] = onlyUnder('Streamoutbox', 'AWS::Lambda::EventSourceMapping');
  const [queueId, queue] = onlyUnder('Streamoutbox', 'AWS::SQS::Queue');

  it('exists once per stream-triggered entry, today outboxRelay', () => {
    expect([...streamEntries]).toEqual(['outboxRelay']);
    expect([...stateless.outboxRelays.keys()]).toEqual(['outboxRelay']);
  });

  it('reads the table stream of the stateful stack from its oldest record, into the relay function', () => {
    expect(mappingId).toBeDefined();
    expect(mapping.Properties).toMatchObject({
      EventSourceArn: streamArnImport,
      FunctionName: { Ref: relayFunctionId },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 10,
    });
  });

  it('lets only newly inserted outbox entries through, with the filter the local relay applies', () => {
    const patterns = (mapping.Properties.FilterCriteria.Filters as { Pattern: string }[]).map((filter) =>
      JSON.parse(filter.Pattern),
    );
    expect(patterns).toEqual([outboxStreamFilter]);
    expect(outboxStreamFilter.eventName).toEqual(['INSERT']);
  });

  // The stream is the fast path: the handler records every outcome on the entry and never fails a batch, and
  // the sweeper delivers whatever the stream gives up on. Only a crashed invocation is retried, a few times.
  it('retries a crashed batch a few times for at most an hour, bisecting, then dead-letters it', () => {
    expect(mapping.Properties).toMatchObject({
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 3,
      MaximumRecordAgeInSeconds: 3600,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
    });
  });

  it('is created only after the role may read the stream (Lambda checks it on creation)', () => {
    const policyIds = Object.entries(resourcesOf('AWS::IAM::Policy'))
      .filter(([, policy]) =>
        (policy.Properties.PolicyDocument.Statement as PolicyStatementJson[]).some((statement) =>
          actionsOf([statement]).some(isStreamAction),
        ),
      )
      .map(([id]) => id);
    expect(policyIds).toHaveLength(1);
    expect(mapping.DependsOn).toEqual(expect.arrayContaining(policyIds));
  });

  it('reads exactly the table’s stream, and nothing reads a stream on "*"', () => {
    const streamStatements = statementsOfFunction(template, relay.description).filter((statement) =>
      actionsOf([statement]).some(isStreamAction),
    );
    expect(streamStatements).toHaveLength(1);
    expect(actionsOf(streamStatements).sort()).toEqual([
      'dynamodb:DescribeStream',
      'dynamodb:GetRecords',
      'dynamodb:GetShardIterator',
      'dynamodb:ListStreams',
    ]);
    expect(asList(streamStatements[0]?.Resource)).toEqual([streamArnImport]);
    const anyStreamStatement = policyStatements(template).filter((statement) =>
      actionsOf([statement]).some(isStreamAction),
    );
    expect(anyStreamStatement).toEqual(streamStatements);
  });

  it('may do what the entry needs (table, mail, token key, fan-out schedules) and send to its own queue', () => {
    const statements = statementsOfFunction(template, relay.description);
    expect(actionsOf(statements)).toEqual(
      expect.arrayContaining([
        'dynamodb:UpdateItem',
        'dynamodb:GetItem',
        'ses:SendEmail',
        'secretsmanager:GetSecretValue',
        'scheduler:CreateSchedule',
      ]),
    );
    const sqsStatements = statements.filter((statement) =>
      actionsOf([statement]).some((action) => action.startsWith('sqs:')),
    );
    expect(sqsStatements.length).toBeGreaterThan(0);
    for (const statement of sqsStatements) {
      expect(asList(statement.Resource)).toEqual([{ 'Fn::GetAtt': [queueId, 'Arn'] }]);
    }
  });

  it('has an encrypted, TLS-only dead-letter queue that alarms on its first message', () => {
    expect(queue.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
    const [, policy] = onlyUnder('Streamoutbox', 'AWS::SQS::QueuePolicy');
    expect(policy.Properties.PolicyDocument.Statement).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Effect: 'Deny',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          Resource: { 'Fn::GetAtt': [queueId, 'Arn'] },
        }),
      ]),
    );
    const queueAlarms = Object.entries(resourcesOf('AWS::CloudWatch::Alarm')).filter(
      ([id, candidate]) => id.startsWith('Streamoutbox') && candidate.Properties.Namespace === 'AWS/SQS',
    );
    expect(queueAlarms.map(([, candidate]) => candidate.Properties)).toEqual([
      expect.objectContaining({
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 0,
        EvaluationPeriods: 1,
      }),
    ]);
  });

  it('counts skipped malformed outbox items from its log and raises an alarm', () => {
    const [, filter] = onlyUnder('Streamoutbox', 'AWS::Logs::MetricFilter');
    expect(filter.Properties.LogGroupName).toEqual({ Ref: logGroupIdOf(relayFunctionId) });
    expect(filter.Properties.FilterPattern).toBe(`{ $.message = "${malformedOutboxMailMessage}" }`);
    const { MetricNamespace, MetricName } = filter.Properties.MetricTransformations[0];
    const alarms = alarmsOn(MetricNamespace, MetricName);
    expect(alarms).toHaveLength(1);
    expect(alarms[0]?.Properties).toMatchObject({
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });
});

describe('the outbox sweeper', () => {
  const [, schedule] = onlyUnder('Sweepoutbox', 'AWS::Scheduler::Schedule');
  const [roleId, role] = onlyUnder('SweepoutboxSweeperInvokeRole', 'AWS::IAM::Role');
  const sweeperFunctionArn = { 'Fn::GetAtt': [sweeperFunctionId, 'Arn'] };

  it('exists once per sweep-triggered entry, today outboxSweeper, with the only recurring schedule of mail', () => {
    expect([...sweepEntries]).toEqual(['outboxSweeper']);
    expect([...stateless.outboxSweepers.keys()]).toEqual(['outboxSweeper']);
    // The other recurring schedules are the nightly retention job's (test/infra/retention-job.test.ts), the
    // mailing sender's (test/infra/mailing-sender.test.ts) and the Vooruitblik's (vooruitblik-job.test.ts).
    expect(
      Object.keys(resourcesOf('AWS::Scheduler::Schedule')).filter(
        (id) =>
          !id.startsWith('Retention') && !id.startsWith('MailingSender') && !id.startsWith('Vooruitblik'),
      ),
    ).toHaveLength(1);
  });

  it('runs every minute in Dutch time, in the default group (out of reach of the run-time scheduling grant)', () => {
    expect(schedule.Properties).toMatchObject({
      ScheduleExpression: 'rate(1 minute)',
      ScheduleExpressionTimezone: 'Europe/Amsterdam',
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: 'ENABLED',
    });
    expect(schedule.Properties.GroupName).toBeUndefined();
  });

  // A sweep carries no input: a given-up one holds nothing to replay, and the next one is a minute away.
  it('invokes the sweeper with a short retry policy and no dead-letter queue', () => {
    expect(schedule.Properties.Target).toEqual({
      Arn: sweeperFunctionArn,
      RoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] },
      RetryPolicy: { MaximumEventAgeInSeconds: 60, MaximumRetryAttempts: 2 },
    });
    const [, invokeConfig] = onlyUnder('Sweepoutbox', 'AWS::Lambda::EventInvokeConfig');
    expect(invokeConfig.Properties).toMatchObject({
      FunctionName: { Ref: sweeperFunctionId },
      MaximumRetryAttempts: 0,
      MaximumEventAgeInSeconds: 60,
    });
    expect(invokeConfig.Properties.DestinationConfig).toBeUndefined();
  });

  it('runs as a role only the scheduler may assume, for this account’s default group, that invokes only the sweeper', () => {
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
                  ':schedule-group/default',
                ],
              ],
            },
          },
        },
      },
    ]);
    const statements = Object.values(resourcesOf('AWS::IAM::Policy'))
      .filter((policy) => policy.Properties.Roles.some((ref: { Ref: string }) => ref.Ref === roleId))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement as PolicyStatementJson[]);
    expect(statements).toEqual([
      { Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: sweeperFunctionArn },
    ]);
  });

  it('may use the table, send mail, read the token key and schedule, and nothing more', () => {
    const statements = statementsOfFunction(template, sweeper.description);
    expect(servicesOf(statements)).toEqual(
      new Set(['logs', 'xray', 'dynamodb', 'ses', 'secretsmanager', 'scheduler', 'iam:PassRole']),
    );
    expect(actionsOf(statements)).toEqual(
      expect.arrayContaining(['dynamodb:Query', 'dynamodb:UpdateItem', 'ses:SendEmail']),
    );
    expect(actionsOf(statements).filter(isStreamAction)).toEqual([]);
  });
});

describe('the SES events', () => {
  const [ruleId, rule] = onlyUnder('SesEvents', 'AWS::Events::Rule');
  const [queueId] = onlyUnder('SesEvents', 'AWS::SQS::Queue');
  const queueArn = { 'Fn::GetAtt': [queueId, 'Arn'] };
  const ruleArn = { 'Fn::GetAtt': [ruleId, 'Arn'] };
  const configurationSetName = {
    'Fn::ImportValue': expect.stringMatching(/^DropIn-prod-Stateful:ExportsOutputRefMailConfigurationSet/),
  };

  it('exist once per SES-events-triggered entry, today sesEvents', () => {
    expect([...sesEventEntries]).toEqual(['sesEvents']);
    expect([...stateless.sesEvents.keys()]).toEqual(['sesEvents']);
  });

  it('come from a rule on the default bus, for the events of the configuration set only', () => {
    expect(rule.Properties.EventBusName).toBeUndefined();
    expect(rule.Properties.State).toBe('ENABLED');
    expect(rule.Properties.EventPattern).toEqual(
      sesEventRulePattern(configurationSetName as unknown as string),
    );
  });

  it('go to the SES events function, retried for 6 hours, then into a dead-letter queue', () => {
    expect(rule.Properties.Targets).toEqual([
      expect.objectContaining({
        Arn: { 'Fn::GetAtt': [sesEventsFunctionId, 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 20, MaximumEventAgeInSeconds: 6 * 3600 },
        DeadLetterConfig: { Arn: queueArn },
      }),
    ]);
    const [, permission] = onlyUnder('SesEvents', 'AWS::Lambda::Permission');
    expect(permission.Properties).toMatchObject({
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      SourceArn: ruleArn,
    });
  });

  it('that this rule alone may write to, besides the function’s own failed invocations', () => {
    const [, policy] = onlyUnder('SesEvents', 'AWS::SQS::QueuePolicy');
    expect(policy.Properties.PolicyDocument.Statement).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Effect: 'Deny',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
        expect.objectContaining({
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Condition: { ArnEquals: { 'aws:SourceArn': ruleArn } },
          Resource: queueArn,
        }),
      ]),
    );
    const [, invokeConfig] = onlyUnder('SesEvents', 'AWS::Lambda::EventInvokeConfig');
    expect(invokeConfig.Properties).toMatchObject({
      FunctionName: { Ref: sesEventsFunctionId },
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 6 * 3600,
      DestinationConfig: { OnFailure: { Destination: queueArn } },
    });
    const queueAlarms = Object.entries(resourcesOf('AWS::CloudWatch::Alarm')).filter(
      ([id, alarm]) => id.startsWith('SesEvents') && alarm.Properties.Namespace === 'AWS/SQS',
    );
    expect(queueAlarms).toHaveLength(1);
  });

  it('are handled by a function that may use the table and the token key, and send no mail', () => {
    const statements = statementsOfFunction(template, sesEvents.description);
    expect(servicesOf(statements)).toEqual(new Set(['logs', 'xray', 'dynamodb', 'secretsmanager', 'sqs']));
    for (const statement of statements.filter((s) => actionsOf([s]).some((a) => a.startsWith('sqs:')))) {
      expect(asList(statement.Resource)).toEqual([queueArn]);
    }
    expect(actionsOf(statements).filter(isStreamAction)).toEqual([]);
  });
});

describe('the delivery alarms', () => {
  const filters = Object.values(resourcesOf('AWS::Logs::MetricFilter'));
  const filtersOf = (metricName: string) =>
    filters.filter((filter) => filter.Properties.MetricTransformations[0].MetricName === metricName);
  const delivering = [...deployedEntries].filter(
    (name: EntryName) => (lambdaEntries[name].needs as { delivers?: boolean }).delivers === true,
  );

  it('count the mails given up on from the log of every function that delivers', () => {
    expect(delivering.sort()).toEqual(['outboxRelay', 'outboxSweeper']);
    const failed = filtersOf('FailedOutboxMails');
    expect(failed.map((filter) => filter.Properties.LogGroupName).sort()).toEqual(
      delivering
        .map((name) => ({
          Ref: logGroupIdOf(functionDescribed(template, lambdaEntries[name].description)[0]),
        }))
        .sort(),
    );
    for (const filter of failed) {
      expect(filter.Properties.FilterPattern).toBe(`{ $.message = "${deliveryLog.failed}" }`);
      expect(filter.Properties.MetricTransformations).toEqual([
        { MetricNamespace: 'DropIn', MetricName: 'FailedOutboxMails', MetricValue: '1', DefaultValue: 0 },
      ]);
    }
  });

  it('raise one alarm as soon as a mail is given up on', () => {
    const alarms = alarmsOn('DropIn', 'FailedOutboxMails');
    expect(alarms).toHaveLength(1);
    expect(alarms[0]?.Properties).toMatchObject({
      Statistic: 'Sum',
      Period: 300,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  it('take the age of the oldest mail waiting from every sweep, leaving a gap when none ran', () => {
    const backlog = filtersOf('OldestPendingMailAgeSeconds');
    expect(backlog).toHaveLength(1);
    expect(backlog[0]?.Properties.LogGroupName).toEqual({ Ref: logGroupIdOf(sweeperFunctionId) });
    expect(backlog[0]?.Properties.FilterPattern).toBe(`{ $.message = "${deliveryLog.backlog}" }`);
    expect(backlog[0]?.Properties.MetricTransformations).toEqual([
      {
        MetricNamespace: 'DropIn',
        MetricName: 'OldestPendingMailAgeSeconds',
        MetricValue: `$.${oldestPendingAgeField}`,
        Unit: 'Seconds',
      },
    ]);
  });

  // The issue: an alarm fires when account-level or infrastructure errors last more than 5 minutes.
  it('alarm when a mail waits more than 5 minutes, or when the sweeper stops reporting', () => {
    const alarms = alarmsOn('DropIn', 'OldestPendingMailAgeSeconds');
    expect(alarms).toHaveLength(1);
    expect(alarms[0]?.Properties).toMatchObject({
      Statistic: 'Maximum',
      Period: 300,
      EvaluationPeriods: 1,
      Threshold: 300,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'breaching',
    });
  });
});
