import type { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { lambdaEntries } from '../../functions/entries';
import {
  actionsOf,
  asList,
  type PolicyStatementJson,
  policyStatements,
  statementsOfFunction,
  streamEntries,
  synthesizeStage,
} from './synth';

const { stateless, statelessTemplate: template } = synthesizeStage();

type CfnResource = ReturnType<Template['findResources']>[string];
const resourcesOf = (type: string) => template.findResources(type) as Record<string, CfnResource>;
/** The one resource of the type that belongs to the outbox relay (the scheduled jobs have a queue too). */
const only = (type: string): [string, CfnResource] => {
  const entries = Object.entries(resourcesOf(type)).filter(([id]) => id.startsWith('Streamoutbox'));
  expect(entries, type).toHaveLength(1);
  return entries[0] as [string, CfnResource];
};

const relay = lambdaEntries.outboxRelay;
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

const [mappingId, mapping] = only('AWS::Lambda::EventSourceMapping');
const [queueId, queue] = only('AWS::SQS::Queue');
const relayFunctionId = Object.entries(resourcesOf('AWS::Lambda::Function')).find(
  ([, fn]) => fn.Properties.Description === relay.description,
)?.[0];

describe('the outbox relay', () => {
  it('exists once per stream-triggered entry, today outboxRelay', () => {
    expect([...streamEntries]).toEqual(['outboxRelay']);
    expect([...stateless.outboxRelays.keys()]).toEqual(['outboxRelay']);
    expect(relayFunctionId).toBeDefined();
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

  it('lets only newly inserted outbox mails through its filter', () => {
    const patterns = (mapping.Properties.FilterCriteria.Filters as { Pattern: string }[]).map((filter) =>
      JSON.parse(filter.Pattern),
    );
    expect(patterns).toEqual([
      {
        eventName: ['INSERT'],
        dynamodb: { Keys: { PK: { S: [{ prefix: 'OUTBOX#' }] }, SK: { S: ['MAIL'] } } },
      },
    ]);
  });

  // Unlimited retries: a live claim (DeliveryBusy) must not use up a retry count within seconds; the record's
  // age alone decides when to give up.
  it('retries from the failed record until the record is 6 hours old, bisecting, then dead-letters it', () => {
    expect(mapping.Properties).toMatchObject({
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: -1,
      MaximumRecordAgeInSeconds: 6 * 3600,
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
});

describe('the relay function’s permissions', () => {
  it('read exactly the table’s stream, and nothing reads a stream on "*"', () => {
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

  it('include what the entry needs: the table, sending mail and the token key', () => {
    const actions = actionsOf(statementsOfFunction(template, relay.description));
    expect(actions).toEqual(
      expect.arrayContaining([
        'dynamodb:UpdateItem',
        'dynamodb:GetItem',
        'ses:SendEmail',
        'secretsmanager:GetSecretValue',
      ]),
    );
  });

  it('may send to its dead-letter queue and to no other queue', () => {
    const sqsStatements = statementsOfFunction(template, relay.description).filter((statement) =>
      actionsOf([statement]).some((action) => action.startsWith('sqs:')),
    );
    expect(sqsStatements.length).toBeGreaterThan(0);
    for (const statement of sqsStatements) {
      expect(asList(statement.Resource)).toEqual([{ 'Fn::GetAtt': [queueId, 'Arn'] }]);
    }
  });
});

describe('the dead-letter queue', () => {
  it('is encrypted, refuses unencrypted transport and keeps messages 14 days', () => {
    expect(queue.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
    const [, policy] = only('AWS::SQS::QueuePolicy');
    expect(policy.Properties.PolicyDocument.Statement).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Effect: 'Deny',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          Resource: { 'Fn::GetAtt': [queueId, 'Arn'] },
        }),
      ]),
    );
  });

  it('raises an alarm as soon as a message is in it', () => {
    const alarms = Object.entries(resourcesOf('AWS::CloudWatch::Alarm'))
      .filter(([id, alarm]) => id.startsWith('Streamoutbox') && alarm.Properties.Namespace === 'AWS/SQS')
      .map(([, alarm]) => alarm);
    expect(alarms).toHaveLength(1);
    expect(alarms[0]?.Properties).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
      EvaluationPeriods: 1,
    });
  });
});

describe('a skipped malformed outbox item', () => {
  it('is counted from the relay’s log and raises an alarm', () => {
    const [, filter] = only('AWS::Logs::MetricFilter');
    const logGroupId: string = filter.Properties.LogGroupName.Ref;
    const relayFunction = resourcesOf('AWS::Lambda::Function')[relayFunctionId as string] as CfnResource;
    expect(relayFunction.Properties.LoggingConfig.LogGroup).toEqual({ Ref: logGroupId });
    expect(filter.Properties.FilterPattern).toBe('{ $.message = "Malformed outbox mail skipped" }');
    const { MetricNamespace, MetricName } = filter.Properties.MetricTransformations[0];
    const alarms = Object.values(resourcesOf('AWS::CloudWatch::Alarm')).filter(
      (alarm) => alarm.Properties.Namespace === MetricNamespace && alarm.Properties.MetricName === MetricName,
    );
    expect(alarms).toHaveLength(1);
    expect(alarms[0]?.Properties).toMatchObject({
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });
});
