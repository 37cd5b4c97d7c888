import { CfnOutput, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ses from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';

export interface MailSendingProps {
  /** The domain the mail is sent from; verified by DKIM (publish the records from the stack outputs). */
  readonly domain: string;
  /**
   * The events SES reports to EventBridge: the Send event settles a delivery in doubt (the send call's answer
   * was lost), bounces and complaints put the address on the system's suppression list.
   * @default send, delivery, bounce, complaint, reject and delivery delay
   */
  readonly reportedEvents?: readonly ses.EmailSendingEvent[];
}

const defaultReportedEvents = [
  ses.EmailSendingEvent.SEND,
  ses.EmailSendingEvent.DELIVERY,
  ses.EmailSendingEvent.BOUNCE,
  ses.EmailSendingEvent.COMPLAINT,
  ses.EmailSendingEvent.REJECT,
  ses.EmailSendingEvent.DELIVERY_DELAY,
];

/**
 * Sending mail through SES v2: the domain identity, and the configuration set every mail goes through. The
 * set requires TLS to the receiving server, keeps reputation metrics and reports what happened to each mail
 * on the account's default EventBridge bus, where the SES events function (lib/ses-events.ts) picks it up.
 */
export class MailSending extends Construct {
  readonly configurationSet: ses.ConfigurationSet;
  readonly identity: ses.EmailIdentity;
  /** The configuration set's ARN; SES authorises `SendEmail` on it as well as on the identity. */
  readonly configurationSetArn: string;

  constructor(scope: Construct, id: string, props: MailSendingProps) {
    super(scope, id);

    this.configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      sendingEnabled: true,
      reputationMetrics: true,
      tlsPolicy: ses.ConfigurationSetTlsPolicy.REQUIRE,
      // SES keeps bounced and complaining addresses off the list on top of the system's own suppression.
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    this.configurationSet.addEventDestination('EventBridge', {
      // SES can only publish to the default bus.
      destination: ses.EventDestination.eventBus(
        events.EventBus.fromEventBusName(this, 'DefaultBus', 'default'),
      ),
      events: [...(props.reportedEvents ?? defaultReportedEvents)],
    });
    this.configurationSetArn = Stack.of(this).formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: this.configurationSet.configurationSetName,
    });

    this.identity = new ses.EmailIdentity(this, 'Identity', {
      identity: ses.Identity.domain(props.domain),
      // Mail sent without naming a set still goes through this one, so no event goes unreported.
      configurationSet: this.configurationSet,
    });

    // The DKIM CNAME records to publish in the domain's DNS; the identity stays unverified until they exist.
    this.identity.dkimRecords.forEach((record, index) => {
      new CfnOutput(this, `DkimRecord${index + 1}`, {
        description: `DKIM CNAME ${index + 1} for ${props.domain}`,
        value: `${record.name} CNAME ${record.value}`,
      });
    });
  }

  /**
   * Lets `grantee` call `ses:SendEmail` from `fromAddress` through this identity and configuration set, and
   * nothing else: no other identity, no other sender address, no templates or bulk calls. The EmailTags a
   * send carries (the outbox id, for the Send event) are part of SendEmail and need no permission of their own.
   */
  grantSend(grantee: iam.IGrantable, fromAddress: string): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['ses:SendEmail'],
      resourceArns: [this.identity.emailIdentityArn, this.configurationSetArn],
      conditions: { StringEquals: { 'ses:FromAddress': fromAddress } },
    });
  }
}
