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
  /**
   * The custom MAIL FROM domain (the envelope sender, where bounces go), a subdomain of `domain` used for
   * nothing else; publish its MX and SPF records from the stack outputs.
   * @default `mail.<domain>`
   */
  readonly mailFromDomain?: string;
  /**
   * Where receiving servers send DMARC aggregate reports (the `rua` of the DMARC record in the outputs).
   * @default `dmarc-reports@<domain>`
   */
  readonly dmarcReportAddress?: string;
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
 * Sending mail through SES v2: the domain identity (DKIM, a custom MAIL FROM domain, and the DNS records to
 * publish, DMARC included, as stack outputs), and the configuration set every mail goes through. The
 * set requires TLS to the receiving server, keeps reputation metrics and reports what happened to each mail
 * on the account's default EventBridge bus, where the SES events function (lib/ses-events.ts) picks it up.
 */
export class MailSending extends Construct {
  readonly configurationSet: ses.ConfigurationSet;
  readonly identity: ses.EmailIdentity;
  /** The configuration set's ARN; SES authorises `SendEmail` on it as well as on the identity. */
  readonly configurationSetArn: string;
  /** The custom MAIL FROM domain of the identity. */
  readonly mailFromDomain: string;

  constructor(scope: Construct, id: string, props: MailSendingProps) {
    super(scope, id);

    this.configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      sendingEnabled: true,
      reputationMetrics: true,
      tlsPolicy: ses.ConfigurationSetTlsPolicy.REQUIRE,
      // The system's own suppression list is the one list (checked before every send, fed by SES's events,
      // listed and lifted by admins: docs/architecture.md, "The suppression list"). With SES's account-level
      // list on as well, an address an admin lifted would stay blocked by SES, which would report the next
      // mail as a bounce and suppress it again.
      disableSuppressionList: true,
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

    this.mailFromDomain = props.mailFromDomain ?? `mail.${props.domain}`;
    this.identity = new ses.EmailIdentity(this, 'Identity', {
      identity: ses.Identity.domain(props.domain),
      // Mail sent without naming a set still goes through this one, so no event goes unreported.
      configurationSet: this.configurationSet,
      // The envelope sender at our own domain, so SPF passes aligned with the From domain (DMARC) and not
      // only for amazonses.com. Until its MX record exists SES sends with its own MAIL FROM, never fails.
      mailFromDomain: this.mailFromDomain,
      mailFromBehaviorOnMxFailure: ses.MailFromBehaviorOnMxFailure.USE_DEFAULT_VALUE,
    });

    // The DKIM CNAME records to publish in the domain's DNS; the identity stays unverified until they exist.
    this.identity.dkimRecords.forEach((record, index) => {
      new CfnOutput(this, `DkimRecord${index + 1}`, {
        description: `DKIM CNAME ${index + 1} for ${props.domain}`,
        value: `${record.name} CNAME ${record.value}`,
      });
    });
    // The MAIL FROM domain's records: bounces and complaints come back through SES's feedback servers of
    // the region, and SPF allows SES to send with this envelope sender.
    new CfnOutput(this, 'MailFromMxRecord', {
      description: `MAIL FROM MX for ${this.mailFromDomain}`,
      value: `${this.mailFromDomain} MX 10 feedback-smtp.${Stack.of(this).region}.amazonses.com`,
    });
    new CfnOutput(this, 'MailFromSpfRecord', {
      description: `MAIL FROM SPF TXT for ${this.mailFromDomain}`,
      value: `${this.mailFromDomain} TXT "v=spf1 include:amazonses.com ~all"`,
    });
    // DMARC in monitoring mode: receivers report what passed and failed, and reject nothing yet. Tighten to
    // p=quarantine once the reports show DKIM and SPF pass for all our mail.
    const dmarcReportAddress = props.dmarcReportAddress ?? `dmarc-reports@${props.domain}`;
    new CfnOutput(this, 'DmarcRecord', {
      description: `DMARC TXT for ${props.domain} (monitoring only: p=none)`,
      value: `_dmarc.${props.domain} TXT "v=DMARC1; p=none; rua=mailto:${dmarcReportAddress}"`,
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
