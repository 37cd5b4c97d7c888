import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { EntryName, LambdaEntry } from '../functions/entries';
import { isOrganiserRoute, type Route } from '../functions/routes';
import type { AppFunction } from './app-function';
import { addLambdaRoutes } from './lambda-routes';
import type { StageSettings } from './stage-settings';
import type { StatelessStack } from './stateless-stack';

export interface RouteStackProps extends StackProps {
  readonly settings: StageSettings;
  /** The stack holding the HTTP API and its JWT authorizer, and the resources and config every function gets. */
  readonly stateless: StatelessStack;
  /** The rows of the route table (functions/routes.ts) this stack serves; each must be `accepts`'s kind. */
  readonly routes: readonly Route[];
  /** Every Lambda entry (functions/entries.ts); a function is created for each one a route uses. */
  readonly entries: Readonly<Record<EntryName, LambdaEntry>>;
}

/**
 * Routes of the HTTP API and their functions, in a stack of their own, added to the API of the stateless
 * stack. A stack of its own only because one stack may hold at most 500 resources (CloudFormation), and every
 * function with its role, policies, log group, alarms, integration and permission is about ten; which rows go
 * where follows from the route table (drop-in-stage.ts), so where a new route goes needs no thought. Like the
 * stateless stack it holds no data: it can be destroyed and redeployed.
 *
 * It imports four values from the stateless stack: the ids of the API and the authorizer, and the ARNs of the
 * scheduler role and dead-letter queue (config every function reads). All four keep their identity across
 * deploys, so those exports never have to change under an import.
 */
export class RouteStack extends Stack {
  /** The functions of this stack's routes, by entry name. */
  readonly functions: ReadonlyMap<EntryName, AppFunction>;

  constructor(
    scope: Construct,
    id: string,
    props: RouteStackProps,
    /** Which rows this stack may serve, and how to name the others in the error. */
    accepts: { readonly test: (route: Route) => boolean; readonly kind: string },
  ) {
    super(scope, id, props);
    const { settings, stateless } = props;

    for (const route of props.routes) {
      if (!accepts.test(route)) throw new Error(`${route.method} ${route.path} is not ${accepts.kind}`);
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

/** Whether a row is one of the public pages (and the API's public reads): a public GET. */
export const isPublicRead = (route: Route): boolean => route.access === 'public' && route.method === 'GET';

/** The organiser API: the organiser rows, each behind the organisers' JWT authorizer. */
export class OrganiserApiStack extends RouteStack {
  constructor(scope: Construct, id: string, props: RouteStackProps) {
    super(scope, id, props, { test: isOrganiserRoute, kind: 'an organiser route' });
  }
}

/**
 * The public pages and the API's public reads (the public GET rows). The public POSTs, with their throttles
 * and limits, stay in the stateless stack with the API's stage.
 */
export class PublicPagesStack extends RouteStack {
  constructor(scope: Construct, id: string, props: RouteStackProps) {
    super(scope, id, props, { test: isPublicRead, kind: 'a public GET route' });
  }
}
