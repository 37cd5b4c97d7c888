import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { routes } from '../../functions/routes';
import { buildStage } from './synth';

// As bin/app.ts: the AwsSolutions pack as a policy validation plugin. cdk-nag 3 reports through CDK's
// validation report, and an in-memory synth throws on any finding (its report fails on warnings too).
const { app, stateless, functions } = buildStage();
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
const synthFailure = ((): string | undefined => {
  try {
    app.synth();
    return undefined;
  } catch (error) {
    return String(error);
  }
})();

interface Acknowledgement {
  readonly path: string;
  readonly id: string;
  readonly reason: string;
}

const acknowledgements: Acknowledgement[] = app.node.findAll().flatMap((construct) =>
  construct.node.metadata
    .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap((entry) =>
      Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
        path: construct.node.path,
        id: id.replace(/^annotation::/i, ''),
        reason,
      })),
    ),
);

describe('cdk-nag AwsSolutions', () => {
  it('finds no unacknowledged error or warning in any stack', () => {
    const findings = new AwsSolutionsChecks().validateScope(app).violations.map((violation) => ({
      rule: violation.ruleName,
      severity: violation.severity,
      at: violation.violatingResources.map((resource) => resource.constructPath),
    }));
    expect(findings).toEqual([]);
  });

  it('lets the synth pass as the plugin registered like in bin/app.ts', () => {
    expect(synthFailure).toBeUndefined();
  });

  it('acknowledges only the expected rules, each where it applies', () => {
    const publicRoutes = routes.filter((route) => route.access === 'public').length;
    const functionCount = functions.size;
    const count = (id: string) => acknowledgements.filter((ack) => ack.id === id).length;
    const schedules =
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:eu-west-1:<AWS::AccountId>:schedule/DropIn-prod-schedules/*]';
    const documents = (prefix: string) =>
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::dropin-prod-stateful-documents-<AWS::AccountId>-eu-west-1/${prefix}/*]`;

    expect(new Set(acknowledgements.map((ack) => ack.id))).toEqual(
      new Set([
        'AwsSolutions-SMG4',
        'AwsSolutions-COG2',
        'AwsSolutions-APIG4',
        'AwsSolutions-IAM5[Resource::*]',
        'AwsSolutions-SQS3',
        'AwsSolutions-S1',
        schedules,
        documents('uploads'),
        documents('reports'),
      ]),
    );
    // On the documents policies of the entries that need them, and nowhere else: uploads/ for the one that
    // completes uploads, reports/ for it and for those that sign downloads.
    expect(
      acknowledgements
        .filter((ack) => ack.id === documents('uploads'))
        .map((ack) => /Fn-\w+/.exec(ack.path)?.[0]),
    ).toEqual(['Fn-organiserReportDocument']);
    expect(
      [
        ...new Set(
          acknowledgements
            .filter((ack) => ack.id === documents('reports'))
            .map((ack) => /Fn-\w+/.exec(ack.path)?.[0]),
        ),
      ].sort(),
    ).toEqual(['Fn-organiserReportDocument', 'Fn-reportDownload', 'Fn-reportFile']);
    // The person-id key (never rotated) and the link keyring (rotated by the documented procedure).
    expect(count('AwsSolutions-SMG4')).toBe(2);
    expect(count('AwsSolutions-COG2')).toBe(1);
    // The documents bucket keeps no server access logs: they would hold every reader's IP address.
    expect(acknowledgements.filter((ack) => ack.id === 'AwsSolutions-S1').map((ack) => ack.path)).toEqual([
      'DropIn-prod-Stateful/ReportDocuments/Bucket',
    ]);
    // One per public route and one for $default; never on an organiser route.
    expect(count('AwsSolutions-APIG4')).toBe(publicRoutes + 1);
    // One per function, on the policy holding nothing but the X-Ray writes, and one per function reading the SES
    // account, on the policy holding nothing but GetAccount.
    const onEverything = acknowledgements.filter((ack) => ack.id === 'AwsSolutions-IAM5[Resource::*]');
    const xray = onEverything.filter((ack) => ack.path.endsWith('/XRayWrites'));
    expect(xray).toHaveLength(functionCount);
    expect(
      onEverything
        .filter((ack) => !xray.includes(ack))
        .map((ack) => ack.path)
        .sort(),
    ).toEqual([
      'DropIn-prod-OrganiserApi/Fn-organiserMailingControl/SendingAccount',
      'DropIn-prod-Stateless/MailingSender-mailingSender/Fn/SendingAccount',
    ]);
    // One per outbox relay, per SES events rule and for the scheduled jobs, on the dead-letter queues (which
    // need none of their own). The sweeper has no dead-letter queue (lib/outbox-sweeper.ts says why).
    const sqs3 = acknowledgements.filter((ack) => ack.id === 'AwsSolutions-SQS3');
    expect(sqs3).toHaveLength(stateless.outboxRelays.size + stateless.sesEvents.size + 1);
    for (const ack of sqs3)
      expect(ack.path).toMatch(/\/(Stream|SesEvents|Schedule)-\w+\/DeadLetters\/Queue$/);
    // One per entry that schedules, on the policy holding nothing but the scheduling statements.
    const scheduling = acknowledgements.filter((ack) => ack.id === schedules);
    expect(scheduling.map((ack) => ack.path).sort()).toEqual([
      'DropIn-prod-OrganiserApi/Fn-organiserMailingControl/Scheduling',
      'DropIn-prod-OrganiserApi/Fn-organiserReportControl/Scheduling',
      ...['Stream-outboxRelay/Fn', 'Sweep-outboxSweeper/Fn'].map(
        (path) => `DropIn-prod-Stateless/${path}/Scheduling`,
      ),
    ]);
  });

  it('gives every acknowledgement a concrete reason', () => {
    for (const ack of acknowledgements) {
      expect(ack.reason.length, `${ack.id} at ${ack.path}`).toBeGreaterThanOrEqual(60);
    }
  });
});
