import type { CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildStage, type CfnResource, cdkContext } from './synth';

// Deliverability (the issue): alarms on the account's SES reputation before SES reviews or pauses it, and
// the DNS records beside the DKIM ones: a custom MAIL FROM domain (MX, SPF) and DMARC in monitoring mode.
// All of it is in the stateful stack, with the identity and the alarm topic.
const { stateful } = buildStage();
const statefulTemplate = Template.fromStack(stateful);
const prod = (cdkContext.stages as Record<string, { sesIdentity: string; region: string }>).prod as {
  sesIdentity: string;
  region: string;
};
const domain = prod.sesIdentity;
const mailFromDomain = `mail.${domain}`;

describe('the SES reputation alarms', () => {
  const alarmTopic = { Ref: stateful.getLogicalId(stateful.alarms.topic.node.defaultChild as CfnElement) };
  const alarmOn = (metricName: string): CfnResource => {
    const alarms = Object.values(
      statefulTemplate.findResources('AWS::CloudWatch::Alarm') as Record<string, CfnResource>,
    ).filter(
      (alarm) => alarm.Properties.Namespace === 'AWS/SES' && alarm.Properties.MetricName === metricName,
    );
    expect(alarms, metricName).toHaveLength(1);
    return alarms[0] as CfnResource;
  };

  it.each([
    ['Reputation.ComplaintRate', 0.001],
    ['Reputation.BounceRate', 0.04],
  ])('alarm once %s, account-wide, reaches %s in an hour, silent without data', (metricName, threshold) => {
    const alarm = alarmOn(metricName);
    expect(alarm.Properties).toMatchObject({
      Statistic: 'Maximum',
      Period: 3600,
      EvaluationPeriods: 1,
      Threshold: threshold,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
    // The account-level metric has no dimensions; with any, the alarm would watch a metric that never comes.
    expect(alarm.Properties.Dimensions).toBeUndefined();
  });

  it.each(['Reputation.ComplaintRate', 'Reputation.BounceRate'])(
    'on %s notify the alarm topic, in alarm and when OK again',
    (metricName) => {
      const alarm = alarmOn(metricName);
      expect(alarm.Properties.AlarmActions).toEqual([alarmTopic]);
      expect(alarm.Properties.OKActions).toEqual([alarmTopic]);
    },
  );
});

describe('the mail identity', () => {
  it('sends with a custom MAIL FROM domain under the stage’s domain, falling back to SES’s own without its MX', () => {
    statefulTemplate.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: domain,
      MailFromAttributes: { MailFromDomain: mailFromDomain, BehaviorOnMxFailure: 'USE_DEFAULT_VALUE' },
    });
  });
});

describe('the DNS records in the stateful stack’s outputs', () => {
  const outputs = statefulTemplate.findOutputs('*') as Record<string, { Value: unknown }>;
  const valuesUnder = (prefix: string) =>
    Object.entries(outputs)
      .filter(([id]) => id.startsWith(prefix))
      .map(([, output]) => output.Value);

  it('still give the three DKIM CNAMEs', () => {
    expect(valuesUnder('MailDkimRecord')).toHaveLength(3);
  });

  it('give the MAIL FROM domain’s MX record, to SES’s feedback servers of the stage’s region', () => {
    expect(valuesUnder('MailMailFromMxRecord')).toEqual([
      `${mailFromDomain} MX 10 feedback-smtp.${prod.region}.amazonses.com`,
    ]);
  });

  it('give the MAIL FROM domain’s SPF record, allowing SES', () => {
    expect(valuesUnder('MailMailFromSpfRecord')).toEqual([
      `${mailFromDomain} TXT "v=spf1 include:amazonses.com ~all"`,
    ]);
  });

  it('give a DMARC record for the domain that only monitors, with aggregate reports to the domain', () => {
    expect(valuesUnder('MailDmarcRecord')).toEqual([
      `_dmarc.${domain} TXT "v=DMARC1; p=none; rua=mailto:dmarc-reports@${domain}"`,
    ]);
  });
});
