import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { describe, expect, it } from 'vitest';
import { buildStage, type CfnResource, cdkContext } from './synth';

// One alarm more than the app has, added to the stateless stack as a bare CfnAlarm after the stage is built:
// it must notify the topic like every other alarm, so a future alarm cannot be forgotten.
const stage = buildStage();
new cloudwatch.CfnAlarm(stage.stateless, 'FutureAlarm', {
  alarmDescription: 'An alarm someone adds later, without thinking of notifications',
  namespace: 'DropIn',
  metricName: 'Anything',
  statistic: 'Sum',
  period: 300,
  evaluationPeriods: 1,
  threshold: 1,
  comparisonOperator: 'GreaterThanOrEqualToThreshold',
});
const statefulTemplate = Template.fromStack(stage.stateful);
// The stacks after the stateful one: each imports the topic.
const codeTemplates = [stage.stateless, stage.publicPages, stage.organiserApi].map((stack) =>
  Template.fromStack(stack),
);

const resourcesOf = (template: Template, type: string) =>
  Object.entries(template.findResources(type)) as [string, CfnResource][];
const only = (template: Template, type: string): [string, CfnResource] => {
  const found = resourcesOf(template, type);
  expect(found, type).toHaveLength(1);
  return found[0] as [string, CfnResource];
};

const [topicId, topic] = only(statefulTemplate, 'AWS::SNS::Topic');
const [keyId, key] = only(statefulTemplate, 'AWS::KMS::Key');
const alarmEmail = (cdkContext.stages as Record<string, { alarmEmail: string }>).prod?.alarmEmail;

describe('every alarm', () => {
  const topicInStateful = { Ref: topicId };
  const topicInStateless = {
    'Fn::ImportValue': expect.stringMatching(/^DropIn-prod-Stateful:ExportsOutputRefAlarmsTopic/),
  };
  const alarms = [
    ...resourcesOf(statefulTemplate, 'AWS::CloudWatch::Alarm').map(([id, alarm]) => ({
      id,
      alarm,
      topic: topicInStateful,
    })),
    ...codeTemplates.flatMap((template) =>
      resourcesOf(template, 'AWS::CloudWatch::Alarm').map(([id, alarm]) => ({
        id,
        alarm,
        topic: topicInStateless,
      })),
    ),
  ];

  it('is found: the functions, queues, delivery and the added one', () => {
    expect(alarms.length).toBeGreaterThan(60);
    expect(alarms.map(({ id }) => id)).toContain('FutureAlarm');
  });

  it('notifies the alarm topic when it goes into alarm and when it is OK again', () => {
    for (const { id, alarm, topic: expected } of alarms) {
      expect(alarm.Properties.AlarmActions, id).toEqual(expect.arrayContaining([expected]));
      expect(alarm.Properties.OKActions, id).toEqual(expect.arrayContaining([expected]));
      // Once: the aspect must not add the topic twice.
      expect(alarm.Properties.AlarmActions, id).toHaveLength(1);
    }
  });
});

describe('the alarm topic', () => {
  it('is the only topic, in the stateful stack, encrypted with its own customer-managed key', () => {
    for (const template of codeTemplates) {
      template.resourceCountIs('AWS::SNS::Topic', 0);
      // Each stack after the stateful one has alarms of its own, all on the imported topic (tested above).
      expect(resourcesOf(template, 'AWS::CloudWatch::Alarm').length).toBeGreaterThan(0);
    }
    expect(topic.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    expect(key.Properties.EnableKeyRotation).toBe(true);
  });

  it('has a key that CloudWatch may use for this account’s alarms', () => {
    const statements = key.Properties.KeyPolicy.Statement as Record<string, unknown>[];
    const forCloudWatch = statements.filter(
      (statement) =>
        JSON.stringify(statement.Principal) === JSON.stringify({ Service: 'cloudwatch.amazonaws.com' }),
    );
    expect(forCloudWatch).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      }),
    ]);
  });

  it('refuses publishing without TLS and lets CloudWatch publish for this account’s alarms only', () => {
    const [, policy] = only(statefulTemplate, 'AWS::SNS::TopicPolicy');
    expect(policy.Properties.Topics).toEqual([{ Ref: topicId }]);
    expect(policy.Properties.PolicyDocument.Statement).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Effect: 'Deny',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          Resource: { Ref: topicId },
        }),
        expect.objectContaining({
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: 'sns:Publish',
          Resource: { Ref: topicId },
          Condition: {
            StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
            ArnLike: {
              'aws:SourceArn': {
                'Fn::Join': [
                  '',
                  [
                    'arn:',
                    { Ref: 'AWS::Partition' },
                    ':cloudwatch:eu-west-1:',
                    { Ref: 'AWS::AccountId' },
                    ':alarm:*',
                  ],
                ],
              },
            },
          },
        }),
      ]),
    );
  });

  it('mails the stage’s alarm address from cdk.json', () => {
    expect(alarmEmail).toMatch(/@/);
    const [, subscription] = only(statefulTemplate, 'AWS::SNS::Subscription');
    expect(subscription.Properties).toEqual({
      Protocol: 'email',
      Endpoint: alarmEmail,
      TopicArn: { Ref: topicId },
    });
  });
});
