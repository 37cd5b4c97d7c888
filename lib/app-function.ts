import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import {
  auditEntryKeyPrefix,
  personIndexName,
  requestCountKeyPrefix,
} from '../functions/adapters/dynamo/table-design';
import { defaultTimeoutSeconds, type EntryNeeds, type LambdaEntry } from '../functions/entries';
import { lambdaNodeMajor } from './bundling';
import { bundledFunctionCode, bundledHandler } from './function-code';
import type { MailSending } from './mail-sending';
import { grantReportDocuments, type ReportDocumentsBucket } from './report-documents';

/** The repository root: holds package-lock.json and functions/. */
export const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The shared resources an entry's `needs` may ask for; AppFunction turns each need into one narrow grant. */
export interface AppResources {
  /** The single table (`needs.table`). */
  readonly table: dynamodb.ITable;
  /** Names of the table's global secondary indexes; a table grant covers exactly these (Query only). */
  readonly tableIndexNames: readonly string[];
  /** The SES identity and configuration set (`needs.mail`). */
  readonly mail: MailSending;
  /** The only sender address a mail grant allows. */
  readonly mailFromAddress: string;
  /** The person-id key (`needs.personIds`, `needs.tokens`). */
  readonly tokenSecret: secretsmanager.ISecret;
  /** The link keyring (`needs.tokens`). */
  readonly linkKeys: secretsmanager.ISecret;
  /** The schedule group and the role schedules run as (`needs.scheduler`). Default: none, so no entry may schedule. */
  readonly scheduling?: SchedulingResources;
  /** The reports' private PDFs (`needs.reportDocuments`). */
  readonly reportDocuments?: ReportDocumentsBucket;
}

/** What creating, moving and deleting one-time schedules at run time takes. */
export interface SchedulingResources {
  /** The schedule group's name; the grant covers `schedule/<group>/*` (a schedule per meeting, named at run time). */
  readonly scheduleGroupName: string;
  /** The role every schedule runs as; the only role a scheduling function may pass, and only to the scheduler. */
  readonly roleArn: string;
}

export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

export interface AppFunctionProps {
  /** The entry from functions/entries.ts: source file, description, needs, timeout and memory. */
  readonly entry: LambdaEntry;
  /** The resources the entry's `needs` are granted on. */
  readonly resources: AppResources;
  /** The config environment every function reads (functions/config.ts). */
  readonly environment: Readonly<Record<string, string>>;
  /**
   * How long the function's logs are kept.
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Log level (functions/adapters/logger.ts).
   * @default 'INFO'
   */
  readonly logLevel?: LogLevel;
  /**
   * Service name, the `service` key of every log line.
   * @default 'dropin'
   */
  readonly serviceName?: string;
  /**
   * The folder holding functions/ and package-lock.json.
   * @default the repository root
   */
  readonly projectRoot?: string;
  /**
   * A fixed function name, for a function whose ARN is stored outside CloudFormation (schedule targets).
   * @default a name CloudFormation generates
   */
  readonly functionName?: string;
  /**
   * Serves a route with a `limit` (functions/routes.ts): its bundle carries the request limiter, and it may
   * count requests in the table (an UpdateItem on the request counts alone, if its needs do not write the
   * table) under a hash keyed with the person-id key (read access to it, if its needs do not give it).
   * @default false
   */
  readonly countsRequests?: boolean;
  /**
   * Serves an audited route (functions/routes.ts, `isAuditedRoute`): it writes the audit trail's entries, so it
   * may put items on the audit entries' partitions (`dynamodb:LeadingKeys`), if its needs do not write the table.
   * @default false
   */
  readonly writesAuditEntries?: boolean;
}

/** Item reads; TransactGetItems is authorised through GetItem. No Scan. */
const tableReadActions = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:ConditionCheckItem',
];
/** Item writes; TransactWriteItems is authorised through these. */
const tableWriteActions = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];

const lambdaRuntime = lambda.Runtime.NODEJS_24_X;
if (lambdaRuntime.name !== `nodejs${lambdaNodeMajor}.x`) {
  throw new Error(`The bundles target Node ${lambdaNodeMajor}, the functions run ${lambdaRuntime.name}`);
}

/**
 * One Lambda function of the system with the house defaults: Node.js 24 on arm64, an ESM bundle built
 * locally by esbuild with the AWS SDK inside (the pinned SDK version, not whatever the runtime ships),
 * source maps, X-Ray tracing, an explicit log group, its own role holding exactly the grants the entry's
 * `needs` ask for, and alarms on errors and throttles.
 *
 * No reserved concurrency: a new account has only 10 unreserved executions to give, so reserving would fail
 * the deploy there; the HTTP API stage throttle is what bounds the load instead.
 */
export class AppFunction extends Construct {
  readonly function: lambda.Function;
  readonly logGroup: logs.LogGroup;
  readonly role: iam.Role;
  readonly errorsAlarm: cloudwatch.Alarm;
  readonly throttlesAlarm: cloudwatch.Alarm;
  /** Whether it serves a route with a `limit`: bundled with the request limiter and allowed to count. */
  readonly countsRequests: boolean;

  constructor(scope: Construct, id: string, props: AppFunctionProps) {
    super(scope, id);
    const { entry } = props;
    const projectRoot = props.projectRoot ?? repositoryRoot;
    const logLevel = props.logLevel ?? 'INFO';
    this.countsRequests = props.countsRequests ?? false;

    // Retained: the logs age out by their retention anyway, and a replaced function or a deleted stack must
    // not take the evidence of an incident with it.
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // An own role instead of AWSLambdaBasicExecutionRole: that managed policy may write to every log group.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Drop In: ${entry.description}`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new lambda.Function(this, 'Function', {
      // Bundled in process with the settings of lib/bundling.ts, which the bundle benchmark builds with too.
      code: bundledFunctionCode(path.join(projectRoot, 'functions'), entry.file, {
        countsRequests: this.countsRequests,
      }),
      handler: bundledHandler,
      description: entry.description,
      ...(props.functionName !== undefined && { functionName: props.functionName }),
      runtime: lambdaRuntime,
      architecture: lambda.Architecture.ARM_64,
      memorySize: entry.memoryMiB ?? 512,
      timeout: Duration.seconds(entry.timeoutSeconds ?? defaultTimeoutSeconds),
      role: this.role,
      logGroup: this.logGroup,
      environment: {
        ...props.environment,
        // functions/adapters/logger.ts
        SERVICE_NAME: props.serviceName ?? 'dropin',
        LOG_LEVEL: logLevel,
        NODE_OPTIONS: '--enable-source-maps',
      },
    });

    // X-Ray on, with its statement in a policy of its own (see allowXRayWrites).
    (this.function.node.defaultChild as lambda.CfnFunction).tracingConfig = { mode: lambda.Tracing.ACTIVE };
    this.allowXRayWrites();

    this.grantNeeds(entry.needs, props.resources);
    if (this.countsRequests) this.allowRequestCounting(entry.needs, props.resources);
    if (props.writesAuditEntries && entry.needs.table !== 'readWrite')
      this.allowAuditEntries(props.resources);

    this.errorsAlarm = new cloudwatch.Alarm(this, 'ErrorsAlarm', {
      alarmDescription: `${entry.description}: the function failed (uncaught error or timeout)`,
      metric: this.function.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.throttlesAlarm = new cloudwatch.Alarm(this, 'ThrottlesAlarm', {
      alarmDescription: `${entry.description}: invocations were throttled (account concurrency exhausted)`,
      metric: this.function.metricThrottles({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }

  /**
   * X-Ray accepts trace writes only on `Resource: *`. Lambda's own tracing switch would put that statement
   * into the role's default policy, where acknowledging the wildcard would also hide any future wildcard on
   * data; in a policy of its own the acknowledgement covers these two actions and nothing else.
   */
  private allowXRayWrites(): void {
    const policy = new iam.Policy(this, 'XRayWrites', {
      statements: [
        new iam.PolicyStatement({
          actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
          resources: ['*'],
        }),
      ],
    });
    policy.attachToRole(this.role);
    this.function.node.addDependency(policy);
    Validations.of(policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions (Resource must be *); ' +
        'this policy holds only those two actions.',
    });
  }

  /** Each need becomes the narrowest grant that serves it; an entry without needs gets none. */
  private grantNeeds(needs: EntryNeeds, resources: AppResources): void {
    if (needs.table !== undefined) {
      // Explicit item actions on the table alone. Not CDK's canned sets: they include dynamodb:Scan, which no
      // request or job path may use (docs/architecture.md, "One table definition"), and `grantReadData` would add `<table>/index/*`,
      // a wildcard cdk-nag cannot acknowledge stably across stacks. The indexes are granted by name below.
      iam.Grant.addToPrincipal({
        grantee: this.function,
        actions: needs.table === 'read' ? tableReadActions : [...tableReadActions, ...tableWriteActions],
        resourceArns: [resources.table.tableArn],
      });
      // The person index holds every record of a person (all attributes projected): only an entry that
      // needs one person's records entire (export, erasure) may query it.
      const indexNames = resources.tableIndexNames.filter(
        (name) => name !== personIndexName || needs.personIndex === true,
      );
      if (indexNames.length > 0) {
        iam.Grant.addToPrincipal({
          grantee: this.function,
          actions: ['dynamodb:Query'],
          resourceArns: indexNames.map((name) => `${resources.table.tableArn}/index/${name}`),
        });
      }
    }
    if (needs.mail === true) resources.mail.grantSend(this.function, resources.mailFromAddress);
    if (needs.tokens === true || needs.personIds === true) resources.tokenSecret.grantRead(this.function);
    if (needs.tokens === true) resources.linkKeys.grantRead(this.function);
    if (needs.sendingAccount === true) this.allowSendingAccountReads();
    if (needs.reportDocuments !== undefined) {
      if (!resources.reportDocuments) throw new Error(`${this.node.path} needs the report documents bucket`);
      grantReportDocuments(this.function, resources.reportDocuments, needs.reportDocuments);
      // Completing an upload replaces the report's document: the old one is deleted.
      if (needs.reportDocuments === 'upload') {
        grantReportDocuments(this.function, resources.reportDocuments, 'remove');
      }
    }
    if (needs.scheduler === true) {
      if (!resources.scheduling)
        throw new Error(`${this.node.path} schedules, but the stage has no scheduling`);
      this.allowScheduling(resources.scheduling);
    }
  }

  /**
   * Counting a limited route's requests (functions/core/request-limits.ts): an atomic ADD on a request count,
   * keyed with the person-id key. An entry that writes the table and keys people or checks links has both
   * already; otherwise it gets exactly what is missing: UpdateItem on the partitions of the request counts
   * (`dynamodb:LeadingKeys`), and read access to the person-id key.
   */
  private allowRequestCounting(needs: EntryNeeds, resources: AppResources): void {
    if (needs.table !== 'readWrite') {
      iam.Grant.addToPrincipal({
        grantee: this.function,
        actions: ['dynamodb:UpdateItem'],
        resourceArns: [resources.table.tableArn],
        conditions: {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${requestCountKeyPrefix}*`] },
        },
      });
    }
    if (needs.tokens !== true && needs.personIds !== true) resources.tokenSecret.grantRead(this.function);
  }

  /**
   * Writing an audit entry (functions/core/organisers/audit.ts) from a function whose needs only read the table
   * (reading the suppression list, a test mail): PutItem on the audit entries' partitions alone.
   */
  private allowAuditEntries(resources: AppResources): void {
    iam.Grant.addToPrincipal({
      grantee: this.function,
      actions: ['dynamodb:PutItem'],
      resourceArns: [resources.table.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${auditEntryKeyPrefix}*`] } },
    });
  }

  /**
   * Reading the SES account's sending standing (GetAccount: send rate and quota, sandbox, sending paused).
   * GetAccount names no resource type in the Service Authorization Reference (SES v2), so `Resource: *` is the
   * only form; in a policy of its own (as the X-Ray one), the acknowledgement covers this one read-only action.
   */
  private allowSendingAccountReads(): void {
    const policy = new iam.Policy(this, 'SendingAccount', {
      statements: [new iam.PolicyStatement({ actions: ['ses:GetAccount'], resources: ['*'] })],
    });
    policy.attachToRole(this.role);
    this.function.node.addDependency(policy);
    Validations.of(policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'ses:GetAccount supports no resource-level permissions (Resource must be *); this policy holds only ' +
        "that read of the account's sending quota, rate and status.",
    });
  }

  /**
   * Creating, moving and deleting the one-time schedules of the group, and handing them the scheduler role.
   * In a policy of its own (as the X-Ray one), so the acknowledged wildcard covers these statements only.
   */
  private allowScheduling(scheduling: SchedulingResources): void {
    const stack = Stack.of(this);
    const schedules = stack.formatArn({
      service: 'scheduler',
      resource: 'schedule',
      resourceName: `${scheduling.scheduleGroupName}/*`,
    });
    const policy = new iam.Policy(this, 'Scheduling', {
      statements: [
        new iam.PolicyStatement({
          actions: ['scheduler:CreateSchedule', 'scheduler:UpdateSchedule', 'scheduler:DeleteSchedule'],
          resources: [schedules],
        }),
        new iam.PolicyStatement({
          actions: ['iam:PassRole'],
          resources: [scheduling.roleArn],
          conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
        }),
      ],
    });
    policy.attachToRole(this.role);
    Validations.of(policy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:${stack.region}:<AWS::AccountId>:schedule/${scheduling.scheduleGroupName}/*]`,
      reason:
        'Schedules are created at run time, one per meeting (its reminders) or scheduled mailing (its start), ' +
        'so their names are not known at deploy time; the grant is limited to the schedules of this one group ' +
        'and to creating, moving and deleting them.',
    });
  }
}
