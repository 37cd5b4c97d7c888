import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import {
  grantReportDocuments,
  type ReportDocumentsAccess,
  ReportDocumentsBucket,
} from '../../lib/report-documents';
import { asList, type PolicyStatementJson } from './synth';

/**
 * grantReportDocuments (lib/report-documents.ts): the least privilege of each access, by the bucket's plain
 * name from another stack (as the stateless stacks will use it), and cdk-nag's view of it. Functions with
 * inline code stand in for the entries: no bundling, and the grants are the same.
 */
const app = new App();
const env = { region: 'eu-west-1' };
const data = new Stack(app, 'DropIn-test-Stateful', { env });
const documents = new ReportDocumentsBucket(data, 'ReportDocuments', {
  uploadOrigins: ['https://dropin.example.org'],
});
const code = new Stack(app, 'DropIn-test-Code', { env });
const functionWith = (name: string, accesses: readonly ReportDocumentsAccess[]) => {
  const fn = new lambda.Function(code, name, {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => undefined;'),
  });
  for (const access of accesses) grantReportDocuments(fn, documents, access);
  return fn;
};
functionWith('Uploader', ['upload']);
functionWith('Reader', ['read']);
functionWith('Remover', ['remove']);
functionWith('Manager', ['upload', 'remove']);
const template = Template.fromStack(code);

/** A resource as text: the partition `aws`, the account `ACCOUNT`. */
const asText = (value: unknown): string => {
  if (typeof value === 'string') return value;
  const node = value as { Ref?: string; 'Fn::Join'?: [string, unknown[]] };
  if (node.Ref === 'AWS::Partition') return 'aws';
  if (node.Ref === 'AWS::AccountId') return 'ACCOUNT';
  if (node['Fn::Join']) return node['Fn::Join'][1].map(asText).join(node['Fn::Join'][0]);
  return JSON.stringify(value);
};

/** The statements of the report-documents policies of one function, with the bucket's ARN as text. */
const statementsOf = (functionName: string): { actions: string[]; resources: string[] }[] =>
  Object.entries(template.findResources('AWS::IAM::Policy'))
    .filter(([id]) => id.startsWith(`${functionName}ReportDocuments`))
    .flatMap(
      ([, policy]) => (policy.Properties.PolicyDocument as { Statement: PolicyStatementJson[] }).Statement,
    )
    .map((statement) => ({
      actions: asList(statement.Action).sort(),
      resources: asList(statement.Resource).map(asText),
    }));

const bucketArn = 'arn:aws:s3:::dropin-test-stateful-documents-ACCOUNT-eu-west-1';

describe('a report documents grant', () => {
  it('to upload: put, read and delete uploads, put and read documents, list the bucket (for 404s)', () => {
    expect(statementsOf('Uploader')).toEqual([
      { actions: ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'], resources: [`${bucketArn}/uploads/*`] },
      { actions: ['s3:GetObject', 's3:PutObject'], resources: [`${bucketArn}/reports/*`] },
      { actions: ['s3:ListBucket'], resources: [bucketArn] },
    ]);
  });

  it('to read: get documents only', () => {
    expect(statementsOf('Reader')).toEqual([
      { actions: ['s3:GetObject'], resources: [`${bucketArn}/reports/*`] },
    ]);
  });

  it('to remove: delete documents only (never a version: versioning keeps what it deletes)', () => {
    expect(statementsOf('Remover')).toEqual([
      { actions: ['s3:DeleteObject'], resources: [`${bucketArn}/reports/*`] },
    ]);
  });

  it('combines, one policy per access', () => {
    expect(statementsOf('Manager')).toEqual([...statementsOf('Uploader'), ...statementsOf('Remover')]);
  });

  it('never names a wildcard action, the whole bucket`s objects or another bucket', () => {
    const all = ['Uploader', 'Reader', 'Remover'].flatMap(statementsOf);
    expect(all.flatMap((statement) => statement.actions).filter((action) => action.includes('*'))).toEqual(
      [],
    );
    for (const resource of all.flatMap((statement) => statement.resources)) {
      expect([bucketArn, `${bucketArn}/uploads/*`, `${bucketArn}/reports/*`]).toContain(resource);
    }
  });

  it('needs no cross-stack reference: the bucket is named, not imported', () => {
    expect(JSON.stringify(template.toJSON())).not.toContain('Fn::ImportValue');
    expect(Object.keys(Template.fromStack(data).toJSON().Outputs ?? {})).toEqual([]);
  });

  it('leaves cdk-nag nothing to report on the grants or the buckets (the prefix wildcards acknowledged)', () => {
    const all = new AwsSolutionsChecks()
      .validateScope(app)
      .violations.flatMap((violation) =>
        violation.violatingResources.map((resource) => `${violation.ruleName} at ${resource.constructPath}`),
      );
    // The stand-in functions have findings of their own (their managed execution policy): the check ran.
    expect(all.length).toBeGreaterThan(0);
    expect(all.filter((finding) => /ReportDocuments/.test(finding))).toEqual([]);
  });

  it('would be reported by cdk-nag as an ordinary object grant (the check can fail)', () => {
    const bare = new App();
    const stack = new Stack(bare, 'Bare', { env });
    const bareDocuments = new ReportDocumentsBucket(stack, 'ReportDocuments', {
      uploadOrigins: ['https://dropin.example.org'],
    });
    const fn = new lambda.Function(stack, 'Fn', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => undefined;'),
    });
    bareDocuments.bucket.grantRead(fn, 'reports/*');
    const findings = new AwsSolutionsChecks()
      .validateScope(bare)
      .violations.filter((violation) => violation.ruleName.startsWith('AwsSolutions-IAM5'))
      .flatMap((violation) => violation.violatingResources.map((resource) => resource.constructPath));
    expect(findings).toContainEqual(expect.stringMatching(/^Bare\/Fn\/ServiceRole\/DefaultPolicy/));
  });
});
