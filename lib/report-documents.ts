import { Aws, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface ReportDocumentsBucketProps {
  /** The origins whose pages post the upload form (CORS), e.g. the stage's `https://dropin.example.org`. */
  readonly uploadOrigins: readonly string[];
}

/** Uploads not completed within a day are deleted: a form lives 15 minutes, the completing call follows it. */
const uploadLifetime = Duration.days(1);
/** A deleted or replaced document can be brought back for a year (bucket versioning), then it is gone. */
const noncurrentDocumentLifetime = Duration.days(365);

/**
 * The private bucket of reports' PDFs (docs/architecture.md, "Report documents (PDFs)"): nothing public, TLS
 * only, encrypted with S3's key, versioned, kept when the stack goes. Browsers post uploads into `uploads/`
 * with a presigned form (CORS from the site's origin), deleted after a day if never completed; the completing
 * call keeps a checked PDF under `reports/`; downloads are presigned GETs. It keeps no server access logs:
 * they hold every requester's IP address and user agent (see the acknowledgement below).
 *
 * Its name is fixed (`<stack>-documents-<account>-<region>`, lower case) and handed to the code stacks as a
 * plain string, as the schedule group's is: a function's grant and environment then need no cross-stack
 * reference (an export would pin the bucket), and the grant's wildcard resources render the same in every
 * synth, so cdk-nag's acknowledgement of them is stable.
 */
export class ReportDocumentsBucket extends Construct {
  readonly bucket: s3.Bucket;
  /** The bucket's name, for REPORT_DOCUMENTS_BUCKET and the grants (grantReportDocuments). */
  readonly bucketName: string;

  constructor(scope: Construct, id: string, props: ReportDocumentsBucketProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.bucketName = `${stack.stackName.toLowerCase()}-documents-${stack.account}-${stack.region}`;
    if (!Token.isUnresolved(this.bucketName) && !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(this.bucketName)) {
      throw new Error(
        `${this.node.path}: "${this.bucketName}" is no S3 bucket name (3-63 of a-z, 0-9, . and -)`,
      );
    }

    this.bucket = new s3.Bucket(this, 'Bucket', {
      bucketName: this.bucketName,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
      cors: [
        {
          allowedOrigins: [...props.uploadOrigins],
          allowedMethods: [s3.HttpMethods.POST],
          allowedHeaders: ['*'],
          exposedHeaders: ['ETag'],
          maxAge: 3000,
        },
      ],
      lifecycleRules: [
        {
          id: 'ExpireUploads',
          prefix: 'uploads/',
          expiration: uploadLifetime,
          // A completed upload is deleted, which in a versioned bucket keeps it as a noncurrent version.
          noncurrentVersionExpiration: uploadLifetime,
          abortIncompleteMultipartUploadAfter: uploadLifetime,
        },
        {
          id: 'ExpireOldVersions',
          noncurrentVersionExpiration: noncurrentDocumentLifetime,
          expiredObjectDeleteMarker: true,
        },
      ],
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        "S3 server access logs record every requester's IP address and user agent, readers of on-request reports " +
        'included, and cannot leave them out; no log of the system keeps either (docs/architecture.md, "Privacy"). ' +
        'Who got a link is logged by the function that signs it (ids only), and the bucket allows no public access.',
    });
  }
}

/**
 * What a function may do with the documents. `upload`: sign upload forms for `uploads/` and complete them
 * (read, check, copy to `reports/`, delete the upload). `read`: sign download links of `reports/`. `remove`:
 * delete a stored document (its versions stay, see ReportDocumentsBucket).
 */
export type ReportDocumentsAccess = 'upload' | 'read' | 'remove';

/** The statements of each access; `objects(prefix)` is the ARN of the bucket's objects under it. */
const accessStatements = (
  access: ReportDocumentsAccess,
  bucketArn: string,
  objects: (prefix: string) => string,
): iam.PolicyStatement[] => {
  switch (access) {
    case 'upload':
      return [
        new iam.PolicyStatement({
          actions: ['s3:PutObject', 's3:GetObject', 's3:DeleteObject'],
          resources: [objects('uploads/')],
        }),
        new iam.PolicyStatement({
          actions: ['s3:PutObject', 's3:GetObject'],
          resources: [objects('reports/')],
        }),
        // Without it S3 answers a missing object 403 rather than 404, and the completing call could not tell
        // an upload that is gone (completed before, expired) from a denied one.
        new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucketArn] }),
      ];
    case 'read':
      return [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [objects('reports/')] })];
    case 'remove':
      return [new iam.PolicyStatement({ actions: ['s3:DeleteObject'], resources: [objects('reports/')] })];
  }
};

const accessReasons: Record<ReportDocumentsAccess, string> = {
  upload:
    'Uploads and documents are objects named at run time (uploads/<uploadId>.pdf, reports/<reportId>/<documentId>.pdf); ' +
    'the grant is limited to those two prefixes of the one documents bucket and to the object actions an upload needs.',
  read:
    'Documents are objects named at run time (reports/<reportId>/<documentId>.pdf); the grant is GetObject alone, ' +
    'on that prefix of the one documents bucket, to sign download links.',
  remove:
    'Documents are objects named at run time (reports/<reportId>/<documentId>.pdf); the grant is DeleteObject alone, ' +
    'on that prefix of the one documents bucket (versioning keeps what it deletes for a year).',
};

/** A CloudFormation value as cdk-nag names it in a finding (`<AWS::AccountId>` for a Ref, Joins joined). */
const asNagNames = (value: unknown): string => {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const node = value as { Ref?: unknown; 'Fn::Join'?: [string, unknown[]] };
    if (typeof node.Ref === 'string') return `<${node.Ref}>`;
    if (node['Fn::Join']) return node['Fn::Join'][1].map(asNagNames).join(node['Fn::Join'][0]);
  }
  return JSON.stringify(value);
};

/**
 * Grants `fn` one access to the report documents, least privilege: object actions on the prefixes it needs
 * only, by the bucket's plain name (no cross-stack reference). In a policy of its own per access (as the X-Ray
 * one, lib/app-function.ts), so cdk-nag's acknowledgement of the prefix wildcards covers these statements and
 * nothing else. The function also needs REPORT_DOCUMENTS_BUCKET = `documents.bucketName`.
 */
export const grantReportDocuments = (
  fn: lambda.IFunction,
  documents: ReportDocumentsBucket,
  access: ReportDocumentsAccess,
): iam.Policy => {
  if (!fn.role) throw new Error(`${fn.node.path} has no role to grant report documents to`);
  const bucketArn = `arn:${Aws.PARTITION}:s3:::${documents.bucketName}`;
  const objects = (prefix: string) => `${bucketArn}/${prefix}*`;
  const policyId = `ReportDocuments${access.charAt(0).toUpperCase()}${access.slice(1)}`;
  const policy = new iam.Policy(fn, policyId, { statements: accessStatements(access, bucketArn, objects) });
  policy.attachToRole(fn.role);
  // The function waits for its permissions; on its CloudFormation resource alone, since its role (when it
  // made its own) is its child too, and the policy names the role.
  fn.node.defaultChild?.node.addDependency(policy);
  const stack = Stack.of(policy);
  const prefixes = access === 'upload' ? ['uploads/', 'reports/'] : ['reports/'];
  for (const prefix of prefixes) {
    Validations.of(policy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${asNagNames(stack.resolve(objects(prefix)))}]`,
      reason: accessReasons[access],
    });
  }
  return policy;
};
