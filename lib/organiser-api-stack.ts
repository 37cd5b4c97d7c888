import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { EntryName, LambdaEntry } from '../functions/entries';
import type { Route } from '../functions/routes';
import type { AppFunction } from './app-function';
import { addLambdaRoutes } from './lambda-routes';
import type { StageSettings } from './stage-settings';
import type { StatelessStack } from './stateless-stack';

export interface OrganiserApiStackProps extends StackProps {
  readonly settings: StageSettings;
  /** The stack holding the HTTP API and its JWT authorizer, and the resources and config every function gets. */
  readonly stateless: StatelessStack;
  /** The `organiser` rows of the route table (functions/routes.ts). */
  readonly routes: readonly Route[];
  /** Every Lambda entry (functions/entries.ts); a function is created for each one a route uses. */
  readonly entries: Readonly<Record<EntryName, LambdaEntry>>;
}

/**
 * The organiser API: the routes of the organiser rows, each behind the organisers' JWT authorizer, and their
 * functions, added to the HTTP API of the stateless stack. A stack of its own only because one stack may hold
 * at most 500 resources (CloudFormation), and every function with its role, policies, log group, alarms,
 * integration and permission is about ten; the split follows the route table's `access` column, so where a new
 * route goes needs no thought. Like the stateless stack it holds no data: it can be destroyed and redeployed.
 *
 * It imports four values from the stateless stack: the ids of the API and the authorizer, and the ARNs of the
 * scheduler role and dead-letter queue (config every function reads). All four keep their identity across
 * deploys, so those exports never have to change under an import.
 */
export class OrganiserApiStack extends Stack {
  /** The functions of the organiser routes, by entry name. */
  readonly functions: ReadonlyMap<EntryName, AppFunction>;

  constructor(scope: Construct, id: string, props: OrganiserApiStackProps) {
    super(scope, id, props);
    const { settings, stateless } = props;

    for (const route of props.routes) {
      if (route.access !== 'organiser')
        throw new Error(`${route.method} ${route.path} is not an organiser route`);
      // The delivery alarms read the logs of every delivering function, from the stateless stack.
      if (props.entries[route.entry].needs.delivers === true)
        throw new Error(`Entry ${route.entry} delivers outbox mail: serve it from the stateless stack`);
    }

    this.functions = addLambdaRoutes(this, {
      httpApi: stateless.httpApi.api,
      routes: props.routes,
      entries: props.entries,
      resources: stateless.functionResources,
      environment: stateless.functionEnvironment,
      organiserAuthorizer: stateless.httpApi.organiserAuthorizer,
      logRetention: settings.logRetentionDays,
      ...(settings.logLevel !== undefined && { logLevel: settings.logLevel }),
    });
  }
}
