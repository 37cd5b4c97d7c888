import { Stack, Validations } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { EntryName, LambdaEntry } from '../functions/entries';
import { isOrganiserRoute, type Route, servesAuditedRoute, servesLimitedRoute } from '../functions/routes';
import { AppFunction, type AppResources, type LogLevel } from './app-function';

export interface LambdaRoutesProps {
  /** The API the routes are added to (it may live in another stack). */
  readonly httpApi: apigwv2.IHttpApi;
  /** Rows of the route table (functions/routes.ts): one API route each. */
  readonly routes: readonly Route[];
  /**
   * The entry behind API Gateway's `$default` route, answering every path no route matches.
   * @default no `$default` route
   */
  readonly fallbackEntry?: EntryName;
  /** Every Lambda entry (functions/entries.ts); a function is created for each one a route uses. */
  readonly entries: Readonly<Record<EntryName, LambdaEntry>>;
  /** The resources the entries' `needs` are granted on. */
  readonly resources: AppResources;
  /** The config environment every function reads (functions/config.ts). */
  readonly environment: Readonly<Record<string, string>>;
  /** The organisers' JWT authorizer, for the `organiser` rows; required when there are any. */
  readonly organiserAuthorizer?: apigwv2.IHttpRouteAuthorizer;
  /**
   * Where the route constructs go (`HttpApi.addRoutes` puts them under the API itself).
   * @default the scope
   */
  readonly routeScope?: Construct;
  /**
   * How long function logs are kept.
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Log level of every function (functions/adapters/logger.ts).
   * @default 'INFO'
   */
  readonly logLevel?: LogLevel;
}

/**
 * A Lambda proxy integration that adds no permission of its own: `HttpLambdaIntegration` adds one
 * `lambda:InvokeFunction` permission per route, which for a function serving seven routes is seven
 * resources where one does (see `addLambdaRoutes`).
 */
class FunctionIntegration extends apigwv2.HttpRouteIntegration {
  private readonly handler: lambda.IFunction;

  constructor(id: string, handler: lambda.IFunction) {
    super(id);
    this.handler = handler;
  }

  bind(): apigwv2.HttpRouteIntegrationConfig {
    return {
      type: apigwv2.HttpIntegrationType.AWS_PROXY,
      uri: this.handler.functionArn,
      payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_2_0,
    };
  }
}

/**
 * The path part of the execute-api ARN that covers exactly a function's routes (any stage, any method, as
 * `HttpLambdaIntegration` scopes it): the route's path when it has one route, the path segments its routes share
 * followed by `*` when it has several (`/api/organiser/mailings/{id}/*` for the seven mailing controls), and
 * nothing (the whole API) for the function behind `$default`, which answers every path.
 */
export const invokePathPattern = (paths: readonly (string | undefined)[]): string => {
  if (paths.length === 0) throw new Error('A function without routes needs no invoke permission');
  if (paths.some((path) => path === undefined)) return '';
  const [first, ...others] = paths as string[];
  if (others.every((path) => path === first)) return first as string;
  const split = (paths as string[]).map((path) => path.split('/'));
  const shared: string[] = [];
  for (const [index, segment] of (split[0] as string[]).entries()) {
    if (split.some((segments) => segments[index] !== segment || index === segments.length - 1)) break;
    shared.push(segment);
  }
  return `${shared.join('/')}/*`;
};

/**
 * Adds the rows of the route table to an API, with one function per entry in use (shared by every route that
 * names it), one integration and one invoke permission per function (scoped to that function's routes), the
 * organisers' JWT authorizer on exactly the `organiser` rows, and optionally `$default`. The handler checks the
 * group; the authorizer only proves the token.
 *
 * Functions go under `scope` as `Fn-<entry>`, routes under `routeScope` as `<METHOD><path>`; the ids are what
 * keeps their logical ids, so keep them when moving this code.
 */
export const addLambdaRoutes = (
  scope: Construct,
  props: LambdaRoutesProps,
): ReadonlyMap<EntryName, AppFunction> => {
  const routeScope = props.routeScope ?? scope;
  const functions = new Map<EntryName, AppFunction>();
  const integrations = new Map<EntryName, FunctionIntegration>();
  const routePaths = new Map<EntryName, (string | undefined)[]>();
  const integrationFor = (name: EntryName, path: string | undefined): FunctionIntegration => {
    routePaths.set(name, [...(routePaths.get(name) ?? []), path]);
    const existing = integrations.get(name);
    if (existing) return existing;
    const fn = new AppFunction(scope, `Fn-${name}`, {
      entry: props.entries[name],
      resources: props.resources,
      environment: props.environment,
      ...(props.logRetention !== undefined && { logRetention: props.logRetention }),
      ...(props.logLevel !== undefined && { logLevel: props.logLevel }),
      // Functions behind a route with a `limit` count requests (bundled limiter, grants: lib/app-function.ts).
      ...(servesLimitedRoute(name, props.routes) && { countsRequests: true }),
      // Functions behind an audited route write audit entries (grants: lib/app-function.ts).
      ...(servesAuditedRoute(name, props.routes) && { writesAuditEntries: true }),
    });
    functions.set(name, fn);
    const integration = new FunctionIntegration(`Integration-${name}`, fn.function);
    integrations.set(name, integration);
    return integration;
  };

  for (const route of props.routes) {
    const authorizer = isOrganiserRoute(route) ? props.organiserAuthorizer : new apigwv2.HttpNoneAuthorizer();
    if (!authorizer)
      throw new Error(`${route.method} ${route.path} is for organisers, but there is no authorizer`);
    const httpRoute = new apigwv2.HttpRoute(routeScope, `${route.method}${route.path}`, {
      httpApi: props.httpApi,
      routeKey: apigwv2.HttpRouteKey.with(route.path, apigwv2.HttpMethod[route.method]),
      integration: integrationFor(route.entry, route.path),
      authorizer,
    });
    if (route.access === 'public') {
      acknowledgePublicRoute(httpRoute, `${route.method} ${route.path} is marked public in the route table`);
    }
  }

  if (props.fallbackEntry !== undefined) {
    const fallbackRoute = new apigwv2.HttpRoute(scope, 'DefaultRoute', {
      httpApi: props.httpApi,
      routeKey: apigwv2.HttpRouteKey.DEFAULT,
      integration: integrationFor(props.fallbackEntry, undefined),
    });
    acknowledgePublicRoute(
      fallbackRoute,
      '$default only answers the not-found page or problem for unmatched paths',
    );
  }

  // One permission per function instead of one per route, each limited to the routes of that function.
  for (const [name, fn] of functions) {
    fn.function.addPermission('ApiInvoke', {
      principal: new iam.ServicePrincipal('apigateway.amazonaws.com'),
      sourceArn: Stack.of(fn).formatArn({
        service: 'execute-api',
        resource: props.httpApi.apiId,
        resourceName: `*/*${invokePathPattern(routePaths.get(name) ?? [])}`,
      }),
    });
  }
  return functions;
};

const acknowledgePublicRoute = (route: apigwv2.HttpRoute, why: string): void => {
  Validations.of(route).acknowledge({
    id: 'AwsSolutions-APIG4',
    reason:
      `${why}: public pages, forms and token links are used without an account (subscribers, participants, ` +
      'readers); only organiser routes carry the JWT authorizer.',
  });
};
