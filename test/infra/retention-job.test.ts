import { describe, expect, it } from 'vitest';
import { lambdaEntries } from '../../functions/entries';
import { readStageSettings } from '../../lib/stage-settings';
import {
  actionsOf,
  type CfnResource,
  cdkContext,
  functionDescribed,
  type PolicyStatementJson,
  retentionEntries,
  statementsOfFunction,
  synthesizeStage,
} from './synth';

// The nightly retention job (functions/core/retention.ts): what a TTL cannot remove.
const { stateless, statelessTemplate: template } = synthesizeStage();
const job = lambdaEntries.retention;
const [functionId, fn] = functionDescribed(template, job.description);
const functionArn = { 'Fn::GetAtt': [functionId, 'Arn'] };

const resourcesOf = (type: string) => template.findResources(type) as Record<string, CfnResource>;
const onlyUnder = (prefix: string, type: string): [string, CfnResource] => {
  const found = Object.entries(resourcesOf(type)).filter(([id]) => id.startsWith(prefix));
  expect(found, `${type} under ${prefix}`).toHaveLength(1);
  return found[0] as [string, CfnResource];
};

describe('the nightly retention job', () => {
  const [, schedule] = onlyUnder('Retentionretention', 'AWS::Scheduler::Schedule');
  const [roleId] = onlyUnder('RetentionretentionInvokeRole', 'AWS::IAM::Role');

  it('exists once per retention-triggered entry, today retention', () => {
    expect([...retentionEntries]).toEqual(['retention']);
    expect([...stateless.retentionJobs.keys()]).toEqual(['retention']);
  });

  it('runs at 03:30 every night in Dutch time, in the default group', () => {
    expect(schedule.Properties).toMatchObject({
      ScheduleExpression: 'cron(30 3 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/Amsterdam',
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: 'ENABLED',
    });
    expect(schedule.Properties.GroupName).toBeUndefined();
  });

  it('invokes the job, and only the job, retrying a run it could not deliver; no dead-letter queue', () => {
    expect(schedule.Properties.Target).toEqual({
      Arn: functionArn,
      RoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] },
      RetryPolicy: { MaximumEventAgeInSeconds: 3 * 3600, MaximumRetryAttempts: 5 },
    });
    const statements = Object.values(resourcesOf('AWS::IAM::Policy'))
      .filter((policy) => policy.Properties.Roles.some((ref: { Ref: string }) => ref.Ref === roleId))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement as PolicyStatementJson[]);
    expect(statements).toEqual([{ Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: functionArn }]);
    const [, invokeConfig] = onlyUnder('Retentionretention', 'AWS::Lambda::EventInvokeConfig');
    expect(invokeConfig.Properties).toMatchObject({
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 3 * 3600,
    });
    expect(invokeConfig.Properties.DestinationConfig).toBeUndefined();
  });

  it('may read and write the table (no Scan, no stream), and nothing else', () => {
    const statements = statementsOfFunction(template, job.description);
    const actions = actionsOf(statements);
    expect(new Set(actions.map((action) => action.split(':')[0]))).toEqual(
      new Set(['logs', 'xray', 'dynamodb']),
    );
    expect(actions).toEqual(
      expect.arrayContaining(['dynamodb:Query', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem']),
    );
    expect(actions).not.toContain('dynamodb:Scan');
    expect(actions.filter((action) => /^dynamodb:.*(Stream|Shard)/.test(action))).toEqual([]);
  });

  it('has five minutes, and the default retention period unless the stage sets one', () => {
    expect(fn.Properties.Timeout).toBe(300);
    expect(fn.Properties.Environment.Variables.REGISTRATION_RETENTION_DAYS).toBeUndefined();
  });
});

describe('the stage setting registrationRetentionDays', () => {
  const prod = (cdkContext.stages as Record<string, Record<string, unknown>>).prod;

  it('is optional, and read as a whole number of days', () => {
    expect(readStageSettings({ prod }, 'prod').registrationRetentionDays).toBeUndefined();
    expect(
      readStageSettings({ prod: { ...prod, registrationRetentionDays: 120 } }, 'prod')
        .registrationRetentionDays,
    ).toBe(120);
    expect(() => readStageSettings({ prod: { ...prod, registrationRetentionDays: 0 } }, 'prod')).toThrow(
      /registrationRetentionDays/,
    );
  });
});
