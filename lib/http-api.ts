import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { EntryName, LambdaEntry } from '../functions/entries';
import type { Route } from '../functions/routes';
import { AppFunction, type AppResources, type LogLevel } from './app-function';

export interface HttpApiProps {
  /** The route table (functions/routes.ts): one API route per row. */
  readonly routes: readonly Route[];
  /** The entry behind API Gateway's `$default` route, answering every path no route matches. */
  readonly fallbackEntry: EntryName;
  /** Every Lambda entry (functions/entries.ts); a function is created for each one a route uses. */
  readonly entries: Readonly<Record<EntryName, LambdaEntry>>;
  /** The resources the entries' `needs` are granted on. */
  readonly resources: AppResources;
  /** The config environment every function reads (functions/config.ts). */
  readonly environment: Readonly<Record<string, string>>;
  /** The issuer of the organisers' JWTs (`https://cognito-idp.<region>.amazonaws.com/<poolId>`). */
  readonly jwtIssuer: string;
  /** The app client ids the organiser JWTs must be issued to (`aud` of ID tokens, `client_id` of access tokens). */
  readonly jwtAudience: readonly string[];
  /**
   * How long function and access logs are kept.
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Log level of every function (functions/adapters/logger.ts).
   * @default 'INFO'
   */
  readonly logLevel?: LogLevel;
  /**
   * Throttle of the default stage, for every route together.
   * @default 50 requests per second steady, bursts of 100
   */
  readonly throttle?: apigwv2.ThrottleSettings;
}

/**
 * The public HTTP API, built from the route table: one function per entry in use (shared by every route that
 * names it), one route per row with the organisers' JWT authorizer on exactly the `organiser` rows, and the
 * `$default` route to the Dutch 404. The handler checks the group; the authorizer only proves the token.
 */
export class HttpApi extends Construct {
  readonly api: apigwv2.HttpApi;
  readonly stage: apigwv2.HttpStage;
  /** The functions by entry name, each created once. */
  readonly functions: ReadonlyMap<EntryName, AppFunction>;
  readonly accessLogs: logs.LogGroup;

  constructor(scope: Construct, id: string, props: HttpApiProps) {
    super(scope, id);
    const retention = props.logRetention ?? logs.RetentionDays.THREE_MONTHS;

    this.api = new apigwv2.HttpApi(this, 'Api', {
      description: 'Drop In: public pages, forms and the organiser API',
      // The default stage is added below, with throttling and access logs the built-in one cannot take.
      createDefaultStage: false,
    });

    // Kept like the function logs; no client IP or user agent in it (docs/architecture.md, "Privacy"), and the path
    // never carries the query string, so link tokens stay out too.
    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle ?? { rateLimit: 50, burstLimit: 100 },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(this.accessLogs),
        format: apigateway.AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTime',
            routeKey: '$context.routeKey',
            path: '$context.path',
            status: '$context.status',
            responseLatency: '$context.responseLatency',
            integrationStatus: '$context.integrationStatus',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
          }),
        ),
      },
    });

    const functions = new Map<EntryName, AppFunction>();
    const integrations = new Map<EntryName, HttpLambdaIntegration>();
    const integrationFor = (name: EntryName): HttpLambdaIntegration => {
      const existing = integrations.get(name);
      if (existing) return existing;
      const fn = new AppFunction(this, `Fn-${name}`, {
        entry: props.entries[name],
        resources: props.resources,
        environment: props.environment,
        logRetention: retention,
        ...(props.logLevel !== undefined && { logLevel: props.logLevel }),
      });
      functions.set(name, fn);
      const integration = new HttpLambdaIntegration(`Integration-${name}`, fn.function);
      integrations.set(name, integration);
      return integration;
    };

    const organiserAuthorizer = new HttpJwtAuthorizer('OrganiserJwt', props.jwtIssuer, {
      jwtAudience: [...props.jwtAudience],
      identitySource: ['$request.header.Authorization'],
    });

    for (const route of props.routes) {
      const [httpRoute] = this.api.addRoutes({
        path: route.path,
        methods: [apigwv2.HttpMethod[route.method]],
        integration: integrationFor(route.entry),
        authorizer: route.access === 'organiser' ? organiserAuthorizer : new apigwv2.HttpNoneAuthorizer(),
      });
      if (route.access === 'public' && httpRoute) {
        acknowledgePublicRoute(
          httpRoute,
          `${route.method} ${route.path} is marked public in the route table`,
        );
      }
    }

    const fallbackRoute = new apigwv2.HttpRoute(this, 'DefaultRoute', {
      httpApi: this.api,
      routeKey: apigwv2.HttpRouteKey.DEFAULT,
      integration: integrationFor(props.fallbackEntry),
    });
    acknowledgePublicRoute(
      fallbackRoute,
      '$default only answers the not-found page or problem for unmatched paths',
    );

    this.functions = functions;
  }

  /** The URL of the default stage, ending in `/`. */
  get url(): string {
    return this.stage.url;
  }
}

const acknowledgePublicRoute = (route: apigwv2.HttpRoute, why: string): void => {
  Validations.of(route).acknowledge({
    id: 'AwsSolutions-APIG4',
    reason:
      `${why}: public pages, forms and token links are used without an account (subscribers, participants, ` +
      'readers); only organiser routes carry the JWT authorizer.',
  });
};
