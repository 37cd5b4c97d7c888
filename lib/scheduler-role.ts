import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';

export interface SchedulerRoleProps {
  /** The schedule group whose schedules may use the role (`default` for schedules created without one). */
  readonly scheduleGroupName: string;
  readonly description: string;
  /**
   * A fixed role name, for a role whose ARN is stored outside CloudFormation (schedules created at run time).
   * @default a name CloudFormation generates
   */
  readonly roleName?: string;
}

/**
 * A role EventBridge Scheduler assumes to invoke a target: trusted only by the scheduler, acting for a schedule
 * of this account's group (the confused-deputy conditions). It holds no permissions; the caller grants
 * exactly what the target needs.
 */
export const schedulerRole = (scope: Construct, id: string, props: SchedulerRoleProps): iam.Role => {
  const stack = Stack.of(scope);
  return new iam.Role(scope, id, {
    ...(props.roleName !== undefined && { roleName: props.roleName }),
    description: props.description,
    assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
      conditions: {
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnEquals: {
          'aws:SourceArn': stack.formatArn({
            service: 'scheduler',
            resource: 'schedule-group',
            resourceName: props.scheduleGroupName,
          }),
        },
      },
    }),
  });
};
