import { RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { tableDesign } from '../functions/adapters/dynamo/table-design';
import { AlarmNotifications } from './alarm-notifications';
import { MailSending } from './mail-sending';
import { OrganiserDirectory } from './organiser-directory';
import { SingleTable } from './single-table';
import type { StageSettings } from './stage-settings';

export interface StatefulStackProps extends StackProps {
  readonly settings: StageSettings;
  /** The name of the group the one-time schedules (reminders) are created in at run time. */
  readonly scheduleGroupName: string;
}

/**
 * Everything that holds data or identity and must survive a redeploy of the code: the table, the mail
 * identity and configuration set, the token-signing key, the organisers' user pool, the schedule group and
 * the alarm topic with its subscription. Kept apart from the stateless stack so that replacing functions or
 * the API can never touch them.
 */
export class StatefulStack extends Stack {
  readonly table: dynamodb.Table;
  readonly mail: MailSending;
  /** The key that signs the tokens in links (docs/architecture.md, "Links and tokens"). */
  readonly tokenSecret: secretsmanager.Secret;
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

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const { settings } = props;

    this.table = new SingleTable(this, 'Data', { design: tableDesign }).table;

    this.mail = new MailSending(this, 'Mail', { domain: settings.sesIdentity });

    this.alarms = new AlarmNotifications(this, 'Alarms', { email: settings.alarmEmail });

    this.tokenSecret = new secretsmanager.Secret(this, 'TokenSigningKey', {
      description: 'HMAC key that signs the tokens in Drop In links (unsubscribe, confirm, cancel)',
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      // Losing the key would invalidate every unsubscribe link ever mailed.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.tokenSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Unsubscribe links carry a token without expiry (RFC 8058 one-click, docs/architecture.md, "Links and tokens"); rotating ' +
        'the single signing key would break every link already mailed. Rotation needs a key ring with a key id ' +
        'in the token first.',
    });

    this.scheduleGroupName = props.scheduleGroupName;
    this.scheduleGroup = new scheduler.ScheduleGroup(this, 'Schedules', {
      scheduleGroupName: props.scheduleGroupName,
      removalPolicy: RemovalPolicy.RETAIN,
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
