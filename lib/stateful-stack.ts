import { CfnOutput, RemovalPolicy, SecretValue, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { tableDesign } from '../functions/adapters/dynamo/table-design';
import { AlarmNotifications } from './alarm-notifications';
import { SesReputationAlarms } from './mail-delivery-alarms';
import { MailSending } from './mail-sending';
import { OrganiserDirectory } from './organiser-directory';
import { ReportDocumentsBucket } from './report-documents';
import { SingleTable } from './single-table';
import type { StageSettings } from './stage-settings';

export interface StatefulStackProps extends StackProps {
  readonly settings: StageSettings;
  /** The name of the group the one-time schedules (reminders) are created in at run time. */
  readonly scheduleGroupName: string;
}

/**
 * Everything that holds data or identity and must survive a redeploy of the code: the table, the mail
 * identity and configuration set (with the alarms on the account's sending reputation), the person-id key
 * and the link keyring, the organisers' user pool, the schedule group, the alarm topic with its
 * subscription and the private bucket of reports' PDFs. Kept apart from the stateless stack so that replacing
 * functions or the API can never touch them.
 */
export class StatefulStack extends Stack {
  readonly table: dynamodb.Table;
  readonly mail: MailSending;
  /** The complaint and bounce rates of the SES account (lib/mail-delivery-alarms.ts). */
  readonly mailReputation: SesReputationAlarms;
  /**
   * The person-id key (docs/architecture.md, "Links and tokens"): keys every person, never rotated; links
   * signed before the link keyring existed verify against it. Its construct id is from the days it signed
   * every link, and stays: a new id would make a new secret, and every stored person unreachable.
   */
  readonly tokenSecret: secretsmanager.Secret;
  /** The link keyring: keys with ids that sign and verify links, rotated by the procedure in the README. */
  readonly linkKeys: secretsmanager.Secret;
  readonly organisers: OrganiserDirectory;
  /**
   * The EventBridge Scheduler group of the one-time schedules the functions create at run time
   * (docs/architecture.md, "Schedules"). Here rather than with the code: pending schedules are data, and deleting a group deletes them.
   */
  readonly scheduleGroup: scheduler.ScheduleGroup;
  /** Its name, a plain string (the stateless stack builds ARNs from it without a cross-stack reference). */
  readonly scheduleGroupName: string;
  /**
   * The topic every alarm of the stage notifies. Here because its e-mail subscription is confirmed by hand
   * once: replacing the topic with the code would silently drop the confirmed subscription.
   */
  readonly alarms: AlarmNotifications;
  /**
   * Reports' PDFs (docs/architecture.md, "Report documents (PDFs)"): the private, versioned bucket and its
   * name as a plain string (`reportDocuments.bucketName`, for REPORT_DOCUMENTS_BUCKET). A function gets its
   * access with grantReportDocuments (lib/report-documents.ts).
   */
  readonly reportDocuments: ReportDocumentsBucket;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const { settings } = props;

    this.table = new SingleTable(this, 'Data', { design: tableDesign }).table;

    this.mail = new MailSending(this, 'Mail', { domain: settings.sesIdentity });
    this.mailReputation = new SesReputationAlarms(this, 'MailReputation');

    this.alarms = new AlarmNotifications(this, 'Alarms', { email: settings.alarmEmail });

    this.tokenSecret = new secretsmanager.Secret(this, 'TokenSigningKey', {
      description:
        'HMAC key of Drop In person ids (never rotated); also verifies links signed before the link keyring',
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      // Losing the key would invalidate every unsubscribe link ever mailed.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.tokenSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'It keys every stored person (an HMAC of the address, docs/architecture.md, "Links and tokens"): a new value would ' +
        'orphan every subscription and registration. Link signing, which does rotate, has a keyring secret of its own.',
    });

    this.linkKeys = new secretsmanager.Secret(this, 'LinkKeys', {
      description:
        'Drop In link keyring: HMAC keys with ids that sign the tokens in links (rotated per README)',
      // `{}` is the ring before the first rotation: the legacy key (above) signs. The keys themselves are
      // made by the rotation command, never by CloudFormation, so the template holds no secret. Never change
      // this value: CloudFormation would write it over the live ring.
      secretStringValue: SecretValue.unsafePlainText('{}'),
      // Losing the ring would invalidate every link signed since the first rotation, unsubscribe links included.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.linkKeys).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Rotated by the documented three-step procedure (add, promote after the reload interval, retire after 13 ' +
        'months; README, "Rotating the link key"), not by a rotation Lambda: an immediate swap would break every ' +
        'unsubscribe link already mailed.',
    });
    // What the rotation command is given (README, "Rotating the link key").
    new CfnOutput(this, 'LinkKeysSecretArn', { value: this.linkKeys.secretArn });

    this.scheduleGroupName = props.scheduleGroupName;
    this.scheduleGroup = new scheduler.ScheduleGroup(this, 'Schedules', {
      scheduleGroupName: props.scheduleGroupName,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.reportDocuments = new ReportDocumentsBucket(this, 'ReportDocuments', {
      uploadOrigins: [new URL(settings.publicBaseUrl).origin],
    });

    this.organisers = new OrganiserDirectory(this, 'Organisers', {
      ...(settings.cognitoDomainPrefix !== undefined && { domainPrefix: settings.cognitoDomainPrefix }),
      ...(settings.organiserCallbackUrls !== undefined && { callbackUrls: settings.organiserCallbackUrls }),
      logoutUrls: settings.organiserLogoutUrls ?? [settings.publicBaseUrl],
    });
    Validations.of(this.organisers.userPool).acknowledge({
      id: 'AwsSolutions-COG2',
      reason:
        'MFA is optional (TOTP only, no SMS) by product decision: organisers are volunteers and staff invited ' +
        'by an admin, and the Plus tier threat protection (adaptive authentication, compromised-credential ' +
        'checks) guards the password sign-in. Switch to Mfa.REQUIRED once every organiser has enrolled TOTP.',
    });
  }
}
