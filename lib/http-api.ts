import { RemovalPolicy } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { EntryName, LambdaEntry } from '../functions/entries';
import { type Route, routeKey } from '../functions/routes';
import type { AppFunction, AppResources, LogLevel } from './app-function';
import { addLambdaRoutes } from './lambda-routes';

export interface HttpApiProps {
  /** Rows of the route table (functions/routes.ts) served from this stack: one API route per row. */
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
  /**
   * Throttle of each route with a `limit` (the public POSTs), on top of the stage's: however many clients
   * share the work, one route cannot take the whole stage. The functions count per client and per token
   * (docs/architecture.md, "Limits on public POSTs"); this bounds what reaches them at all.
   * @default 25 requests per second steady, bursts of 50
   */
  readonly limitedRouteThrottle?: apigwv2.ThrottleSettings;
}

/**
 * The public HTTP API: the API with its throttled default stage, access logs and the organisers' JWT authorizer,
 * and the routes given (lib/lambda-routes.ts: one function per entry in use, one route per row, the authorizer
 * on exactly the `organiser` rows) with the `$default` route to the Dutch 404. Other stacks add routes to the
 * same API (lib/route-stack.ts) with `api` and `organiserAuthorizer`.
 */
export class HttpApi extends Construct {
  readonly api: apigwv2.HttpApi;
  readonly stage: apigwv2.HttpStage;
  /** The functions by entry name, each created once. */
  readonly functions: ReadonlyMap<EntryName, AppFunction>;
  readonly accessLogs: logs.LogGroup;
  /** The JWT authorizer of the organisers' routes (Cognito ID and access tokens of the organiser client). */
  readonly organiserJwtAuthorizer: apigwv2.HttpAuthorizer;
  /** That authorizer, for the organiser routes, in this stack or another. */
  readonly organiserAuthorizer: apigwv2.IHttpRouteAuthorizer;

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

    // Created with the API, at the path `HttpJwtAuthorizer` gave it (so its logical id stays), and handed to the
    // routes as `organiserAuthorizer`, here or in another stack (lib/route-stack.ts).
    this.organiserJwtAuthorizer = new apigwv2.HttpAuthorizer(this.api, 'OrganiserJwt', {
      httpApi: this.api,
      type: apigwv2.HttpAuthorizerType.JWT,
      authorizerName: 'OrganiserJwt',
      identitySource: ['$request.header.Authorization'],
      jwtIssuer: props.jwtIssuer,
      jwtAudience: [...props.jwtAudience],
    });
    const authorizer = this.organiserJwtAuthorizer;
    this.organiserAuthorizer = {
      bind: () => ({ authorizerId: authorizer.authorizerId, authorizationType: 'JWT' }),
    };

    this.functions = addLambdaRoutes(this, {
      httpApi: this.api,
      routes: props.routes,
      fallbackEntry: props.fallbackEntry,
      entries: props.entries,
      resources: props.resources,
      environment: props.environment,
      organiserAuthorizer: this.organiserAuthorizer,
      // Under the API, where `HttpApi.addRoutes` put them: their logical ids stay.
      routeScope: this.api,
      logRetention: retention,
      ...(props.logLevel !== undefined && { logLevel: props.logLevel }),
    });

    // Route settings by route key: CloudFormation refuses a key whose route does not exist yet, so the stage
    // waits for those routes (under the API, where addLambdaRoutes put them).
    const limitedRoutes = props.routes.filter((route) => route.limit !== undefined);
    const throttle = props.limitedRouteThrottle ?? { rateLimit: 25, burstLimit: 50 };
    if (limitedRoutes.length > 0) {
      (this.stage.node.defaultChild as apigwv2.CfnStage).routeSettings = Object.fromEntries(
        limitedRoutes.map((route) => [
          routeKey(route),
          { ThrottlingRateLimit: throttle.rateLimit, ThrottlingBurstLimit: throttle.burstLimit },
        ]),
      );
    }
    for (const route of limitedRoutes) {
      this.stage.node.addDependency(this.api.node.findChild(`${route.method}${route.path}`));
    }
  }

  /** The URL of the default stage, ending in `/`. */
  get url(): string {
    return this.stage.url;
  }
}
