import { describe, expect, it } from 'vitest';
import { lambdaEntries } from '../../functions/entries';
import {
  actionsOf,
  asList,
  type CfnResource,
  functionDescribed,
  mailingSenderEntries,
  type PolicyStatementJson,
  statementsOfFunction,
  synthesizeStage,
} from './synth';

// The mailing sender: every minute, one sender at a time (a lease in the table), paced to the SES allowance.
const { stateless, settings, statelessTemplate: template } = synthesizeStage();
const sender = lambdaEntries.mailingSender;
const [functionId, fn] = functionDescribed(template, sender.description);
const functionArn = { 'Fn::GetAtt': [functionId, 'Arn'] };

const resourcesOf = (type: string) => template.findResources(type) as Record<string, CfnResource>;
const onlyUnder = (prefix: string, type: string): [string, CfnResource] => {
  const found = Object.entries(resourcesOf(type)).filter(([id]) => id.startsWith(prefix));
  expect(found, `${type} under ${prefix}`).toHaveLength(1);
  return found[0] as [string, CfnResource];
};
const statementsOfRole = (roleId: string): PolicyStatementJson[] =>
  Object.values(resourcesOf('AWS::IAM::Policy'))
    .filter((policy) => policy.Properties.Roles.some((ref: { Ref: string }) => ref.Ref === roleId))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as PolicyStatementJson[]);

describe('the mailing sender', () => {
  const [, schedule] = onlyUnder('MailingSendermailingSender', 'AWS::Scheduler::Schedule');
  const [roleId, role] = onlyUnder('MailingSendermailingSenderInvokeRole', 'AWS::IAM::Role');

  it('exists once per mailing-sender entry, today mailingSender, in the stateless stack', () => {
    expect([...mailingSenderEntries]).toEqual(['mailingSender']);
    expect([...stateless.mailingSenders.keys()]).toEqual(['mailingSender']);
    expect(stateless.functions.get('mailingSender')).toBe(
      stateless.mailingSenders.get('mailingSender')?.appFunction,
    );
  });

  it('starts every minute, said in Dutch time, in the default group', () => {
    expect(schedule.Properties).toMatchObject({
      ScheduleExpression: 'rate(1 minute)',
      ScheduleExpressionTimezone: 'Europe/Amsterdam',
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: 'ENABLED',
    });
    expect(schedule.Properties.GroupName).toBeUndefined();
  });

  it('invokes the sender and nothing else, retrying within the minute; no dead-letter queue', () => {
    expect(schedule.Properties.Target).toEqual({
      Arn: functionArn,
      RoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] },
      RetryPolicy: { MaximumEventAgeInSeconds: 60, MaximumRetryAttempts: 2 },
    });
    expect(statementsOfRole(roleId)).toEqual([
      { Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: functionArn },
    ]);
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      expect.objectContaining({
        Principal: { Service: 'scheduler.amazonaws.com' },
        Condition: expect.objectContaining({
          ArnEquals: {
            'aws:SourceArn': {
              'Fn::Join': ['', expect.arrayContaining([':schedule-group/default'])],
            },
          },
        }),
      }),
    ]);
    const [, invokeConfig] = onlyUnder('MailingSendermailingSender', 'AWS::Lambda::EventInvokeConfig');
    // No Lambda retries, and a run not started within the minute is dropped: the next one does the same work.
    expect(invokeConfig.Properties).toMatchObject({
      FunctionName: { Ref: functionId },
      MaximumRetryAttempts: 0,
      MaximumEventAgeInSeconds: 60,
    });
    expect(invokeConfig.Properties.DestinationConfig).toBeUndefined();
  });

  it('has 15 minutes and a full vCPU (1,769 MB), and no reserved concurrency (the lease keeps it to one)', () => {
    expect(fn.Properties.Timeout).toBe(900);
    expect(fn.Properties.MemorySize).toBe(1769);
    expect(fn.Properties.ReservedConcurrentExecutions).toBeUndefined();
  });

  it('is watched by an alarm on its errors', () => {
    const errors = Object.values(resourcesOf('AWS::CloudWatch::Alarm')).filter(
      (alarm) =>
        alarm.Properties.MetricName === 'Errors' &&
        JSON.stringify(alarm.Properties.Dimensions) ===
          JSON.stringify([{ Name: 'FunctionName', Value: { Ref: functionId } }]),
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]?.Properties).toMatchObject({
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  describe('may', () => {
    const statements = statementsOfFunction(template, sender.description);
    const actions = actionsOf(statements);

    it('read and write the table (no Scan)', () => {
      expect(actions).toEqual(
        expect.arrayContaining([
          'dynamodb:GetItem',
          'dynamodb:Query',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
        ]),
      );
      expect(actions).not.toContain('dynamodb:Scan');
    });

    it('send mail from the stage sender, through the identity and configuration set, as the other senders', () => {
      const send = statements.filter((statement) => actionsOf([statement]).includes('ses:SendEmail'));
      expect(send).toHaveLength(1);
      expect(send[0]?.Condition).toEqual({ StringEquals: { 'ses:FromAddress': settings.mailFromAddress } });
      const sweeperSend = statementsOfFunction(template, lambdaEntries.outboxSweeper.description).filter(
        (statement) => actionsOf([statement]).includes('ses:SendEmail'),
      );
      expect(send).toEqual(sweeperSend);
      expect(JSON.stringify(send[0]?.Resource)).toMatch(
        /configuration-set\/.*ExportsOutputRefMailConfigurationSet/,
      );
    });

    it("read the SES account's sending standing", () => {
      expect(statements.filter((statement) => actionsOf([statement]).includes('ses:GetAccount'))).toEqual([
        { Action: 'ses:GetAccount', Effect: 'Allow', Resource: '*' },
      ]);
    });

    it('read the link keyring and the person-id key, to sign the links of each mail', () => {
      const secrets = statements
        .filter((statement) => actionsOf([statement]).includes('secretsmanager:GetSecretValue'))
        .flatMap((statement) => asList(statement.Resource))
        .map((resource) => /ExportsOutputRef(TokenSigningKey|LinkKeys)/.exec(JSON.stringify(resource))?.[1])
        .sort();
      expect(secrets).toEqual(['LinkKeys', 'TokenSigningKey']);
    });

    it('do nothing else: no schedules, no stream', () => {
      expect(new Set(actions.map((action) => action.split(':')[0]))).toEqual(
        new Set(['logs', 'xray', 'dynamodb', 'ses', 'secretsmanager']),
      );
      expect(new Set(actions.filter((action) => action.startsWith('ses:')))).toEqual(
        new Set(['ses:SendEmail', 'ses:GetAccount']),
      );
      expect(actions.filter((action) => /^dynamodb:.*(Stream|Shard)/.test(action))).toEqual([]);
    });
  });
});
