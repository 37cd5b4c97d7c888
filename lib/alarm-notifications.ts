import { ArnFormat, AspectPriority, Aspects, type IAspect, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct, type IConstruct } from 'constructs';

export interface AlarmNotificationsProps {
  /** Where every alarm is mailed; AWS sends a confirmation link there first, which someone must follow. */
  readonly email: string;
}

/**
 * The one place every alarm of the stage is heard: an SNS topic with an e-mail subscription, encrypted with a
 * customer-managed key (alarm texts name functions, queues and what failed) and TLS-only. CloudWatch may
 * publish to it and use its key on behalf of this account's alarms only. `notifyEveryAlarmIn` adds the topic
 * to every alarm of a scope, so no alarm, present or future, can be forgotten.
 */
export class AlarmNotifications extends Construct {
  readonly topic: sns.Topic;
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: AlarmNotificationsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    // CloudWatch acts as a service, not as a principal of the account, so both policies must name it; the
    // conditions keep it to alarms of this account (confused deputy).
    const cloudWatch = new iam.ServicePrincipal('cloudwatch.amazonaws.com');
    const fromThisAccount = { StringEquals: { 'aws:SourceAccount': stack.account } };

    this.key = new kms.Key(this, 'Key', {
      description: 'Drop In: encrypts the alarm notifications topic',
      enableKeyRotation: true,
    });
    // Without this CloudWatch cannot publish to the encrypted topic, and alarms fail silently.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublishToTheTopic',
        principals: [cloudWatch],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: fromThisAccount,
      }),
    );

    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'Drop In alarms',
      masterKey: this.key,
      enforceSSL: true,
    });
    // The topic policy replaces SNS's default one, which is what lets CloudWatch publish without this.
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [cloudWatch],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          ...fromThisAccount,
          ArnLike: {
            'aws:SourceArn': stack.formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    this.topic.addSubscription(new EmailSubscription(props.email));
  }

  /**
   * Makes every CloudWatch alarm in `scope` (the L2 ones and any bare CfnAlarm) notify the topic when it goes
   * into ALARM and when it is OK again. An Aspect, so alarms added later are covered without a line of their own.
   */
  notifyEveryAlarmIn(scope: IConstruct): void {
    Aspects.of(scope).add(new NotifyTopic(this.topic), { priority: AspectPriority.MUTATING });
  }
}

class NotifyTopic implements IAspect {
  private readonly topicArn: string;
  private readonly action: SnsAction;
  private readonly notified = new WeakSet<IConstruct>();

  constructor(topic: sns.ITopic) {
    this.topicArn = topic.topicArn;
    this.action = new SnsAction(topic);
  }

  visit(node: IConstruct): void {
    if (this.notified.has(node)) return;
    if (node instanceof cloudwatch.AlarmBase) {
      this.notified.add(node);
      node.addAlarmAction(this.action);
      node.addOkAction(this.action);
    } else if (node instanceof cloudwatch.CfnAlarm && !(node.node.scope instanceof cloudwatch.AlarmBase)) {
      // An L2 alarm renders its actions into its CfnAlarm; only a bare one is changed here.
      this.notified.add(node);
      node.alarmActions = [...(node.alarmActions ?? []), this.topicArn];
      node.okActions = [...(node.okActions ?? []), this.topicArn];
    }
  }
}
