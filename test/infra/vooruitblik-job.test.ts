import { describe, expect, it } from 'vitest';
import { lambdaEntries } from '../../functions/entries';
import {
  type CfnResource,
  functionDescribed,
  type PolicyStatementJson,
  synthesizeStage,
  vooruitblikEntries,
} from './synth';

// The Vooruitblik (docs/architecture.md, "The Vooruitblik"): one function, two recurring schedules.
const { stateless, statelessTemplate: template } = synthesizeStage();
const [functionId] = functionDescribed(template, lambdaEntries.vooruitblik.description);
const functionArn = { 'Fn::GetAtt': [functionId, 'Arn'] };
const resourcesOf = (type: string) => template.findResources(type) as Record<string, CfnResource>;
const schedules = Object.entries(resourcesOf('AWS::Scheduler::Schedule')).filter(([id]) =>
  id.startsWith('Vooruitblik'),
);

describe('the Vooruitblik job', () => {
  it('exists once, with its two schedules next to its function', () => {
    expect([...vooruitblikEntries]).toEqual(['vooruitblik']);
    expect([...stateless.vooruitblikJobs.keys()]).toEqual(['vooruitblik']);
    expect(schedules).toHaveLength(2);
  });

  it('drafts every working day and sends the first Monday at 09.00 in Dutch time, naming the scheduled time', () => {
    const byExpression = Object.fromEntries(
      schedules.map(([, schedule]) => [schedule.Properties.ScheduleExpression, schedule.Properties]),
    );
    expect(Object.keys(byExpression).sort()).toEqual(['cron(0 9 ? * MON#1 *)', 'cron(0 9 ? * MON-FRI *)']);
    for (const [expression, step] of [
      ['cron(0 9 ? * MON#1 *)', 'send'],
      ['cron(0 9 ? * MON-FRI *)', 'draft'],
    ] as const) {
      const properties = byExpression[expression];
      expect(properties).toMatchObject({
        ScheduleExpressionTimezone: 'Europe/Amsterdam',
        FlexibleTimeWindow: { Mode: 'OFF' },
        State: 'ENABLED',
      });
      expect(properties.GroupName).toBeUndefined();
      expect(properties.Target.Arn).toEqual(functionArn);
      expect(properties.Target.RetryPolicy).toEqual({
        MaximumEventAgeInSeconds: 6 * 3600,
        MaximumRetryAttempts: 10,
      });
      // EventBridge Scheduler fills in the time the firing was scheduled for.
      expect(JSON.parse(properties.Target.Input)).toEqual({
        kind: 'vooruitblik',
        step,
        scheduledAt: '<aws.scheduler.scheduled-time>',
      });
    }
  });

  it('has a role that may invoke this function and nothing else', () => {
    const roleIds = new Set(
      schedules.map(([, schedule]) => schedule.Properties.Target.RoleArn['Fn::GetAtt'][0]),
    );
    expect(roleIds.size).toBe(1);
    const [roleId] = [...roleIds];
    const statements = Object.values(resourcesOf('AWS::IAM::Policy'))
      .filter((policy) => policy.Properties.Roles.some((ref: { Ref: string }) => ref.Ref === roleId))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement as PolicyStatementJson[]);
    expect(statements).toEqual([{ Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: functionArn }]);
  });
});
