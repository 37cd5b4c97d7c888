import type { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { type EntryName, lambdaEntries } from '../../functions/entries';
import { fallbackEntry, routeKey, routes } from '../../functions/routes';
import {
  actionsOf,
  asList,
  deployedEntries,
  policyStatements,
  routedEntries,
  scheduleEntries,
  sesEventEntries,
  statementsOfFunction,
  streamEntries,
  sweepEntries,
  synthesizeStage,
} from './synth';

const { stateless, settings, statelessTemplate: template } = synthesizeStage();

/** A resource of the synthesized template, as untyped as CloudFormation JSON. */
type CfnResource = ReturnType<Template['findResources']>[string];
const resourcesOf = (type: string) => template.findResources(type) as Record<string, CfnResource>;

const apiRoutes = resourcesOf('AWS::ApiGatewayV2::Route');
const routeByKey = (key: string): CfnResource => {
  const matches = Object.values(apiRoutes).filter((route) => route.Properties.RouteKey === key);
  expect(matches, `routes with key ${key}`).toHaveLength(1);
  return matches[0] as CfnResource;
};

/** The description of the function a route's integration invokes: route → integration → function. */
const functionDescriptionBehind = (route: CfnResource): string => {
  const integrationId = (route.Properties.Target['Fn::Join'][1] as unknown[])[1] as { Ref: string };
  const integration = resourcesOf('AWS::ApiGatewayV2::Integration')[integrationId.Ref] as CfnResource;
  const functionId: string = integration.Properties.IntegrationUri['Fn::GetAtt'][0];
  return (resourcesOf('AWS::Lambda::Function')[functionId] as CfnResource).Properties.Description;
};

const functions = resourcesOf('AWS::Lambda::Function');

describe('the HTTP API routes', () => {
  const [jwtAuthorizerId] = Object.keys(resourcesOf('AWS::ApiGatewayV2::Authorizer'));

  it('has one route per row of the route table, plus $default, and no other', () => {
    const keys = Object.values(apiRoutes).map((route) => route.Properties.RouteKey);
    expect(keys.sort()).toEqual([...routes.map(routeKey), '$default'].sort());
  });

  it.each(routes.filter((route) => route.access === 'organiser'))(
    'puts the organiser JWT authorizer on $method $path',
    (route) => {
      const { Properties } = routeByKey(routeKey(route));
      expect(Properties.AuthorizationType).toBe('JWT');
      expect(Properties.AuthorizerId).toEqual({ Ref: jwtAuthorizerId });
    },
  );

  it.each(routes.filter((route) => route.access === 'public'))('leaves $method $path public', (route) => {
    const { Properties } = routeByKey(routeKey(route));
    expect(Properties.AuthorizationType).toBe('NONE');
    expect(Properties.AuthorizerId).toBeUndefined();
  });

  it.each(routes)('sends $method $path to its entry', (route) => {
    expect(functionDescriptionBehind(routeByKey(routeKey(route)))).toBe(
      lambdaEntries[route.entry].description,
    );
  });

  it('answers every other path with the fallback entry, without an authorizer', () => {
    const fallback = routeByKey('$default');
    expect(fallback.Properties.AuthorizationType).toBe('NONE');
    expect(functionDescriptionBehind(fallback)).toBe(lambdaEntries[fallbackEntry].description);
  });

  it('trusts only ID and access tokens of the organiser pool issued to the organiser client', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
    const authorizer = resourcesOf('AWS::ApiGatewayV2::Authorizer')[jwtAuthorizerId as string] as CfnResource;
    expect(authorizer.Properties.AuthorizerType).toBe('JWT');
    expect(authorizer.Properties.IdentitySource).toEqual(['$request.header.Authorization']);
    const { Issuer, Audience } = authorizer.Properties.JwtConfiguration;
    expect(JSON.stringify(Issuer)).toMatch(
      /^\{"Fn::Join":\["",\["https:\/\/cognito-idp\.eu-west-1\.amazonaws\.com\/",\{"Fn::ImportValue":"DropIn-prod-Stateful:ExportsOutputRefOrganisersUserPool[0-9A-F]+"\}\]\]\}$/,
    );
    expect(Audience).toEqual([
      {
        'Fn::ImportValue': expect.stringMatching(
          /^DropIn-prod-Stateful:ExportsOutputRefOrganisersUserPoolOrganiserClient/,
        ),
      },
    ]);
  });
});

describe('the default stage', () => {
  const stage = Object.values(resourcesOf('AWS::ApiGatewayV2::Stage'));
  const accessLogSettings = stage[0]?.Properties.AccessLogSettings ?? {};

  it('is the only stage, deploys automatically and is throttled', () => {
    expect(stage).toHaveLength(1);
    expect(stage[0]?.Properties).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
    });
  });

  it('writes JSON access logs with the request id to a log group of its own', () => {
    const { DestinationArn, Format } = accessLogSettings;
    const logGroupId: string = DestinationArn['Fn::GetAtt'][0];
    expect(resourcesOf('AWS::Logs::LogGroup')[logGroupId]).toBeDefined();
    expect(JSON.parse(Format)).toMatchObject({ requestId: '$context.requestId', status: '$context.status' });
  });

  it('keeps client addresses out of the access log', () => {
    const { Format } = accessLogSettings;
    expect(Format).not.toMatch(/sourceIp|userAgent/);
  });
});

describe('the functions', () => {
  const newestNode = lambda.Runtime.ALL.filter((runtime) => /^nodejs\d+\.x$/.test(runtime.name))
    .map((runtime) => runtime.name)
    .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }))
    .at(-1);

  it('exist once per entry the routes use (however many routes share it) or a trigger invokes', () => {
    const descriptions = Object.values(functions).map((fn) => fn.Properties.Description);
    expect(descriptions.sort()).toEqual(
      [...deployedEntries].map((name) => lambdaEntries[name].description).sort(),
    );
    expect([...stateless.functions.keys()].sort()).toEqual([...deployedEntries].sort());
    expect(stateless.httpApi.functions.size).toBe(routedEntries.size);
    expect(stateless.outboxRelays.size).toBe(streamEntries.size);
    expect(stateless.outboxSweepers.size).toBe(sweepEntries.size);
    expect(stateless.sesEvents.size).toBe(sesEventEntries.size);
    expect([...scheduleEntries]).toEqual(['meetingReminders']);
  });

  it.each(Object.entries(functions))('%s runs the newest Node.js runtime on arm64 with X-Ray', (_, fn) => {
    expect(fn.Properties.Runtime).toBe(newestNode);
    expect(fn.Properties.Architectures).toEqual(['arm64']);
    expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
    expect(fn.Properties.Handler).toBe('index.handler');
  });

  it.each(Object.entries(functions))('%s logs to an explicit log group with the stage retention', (_, fn) => {
    const logGroupId: string = fn.Properties.LoggingConfig.LogGroup.Ref;
    const logGroup = template.findResources('AWS::Logs::LogGroup')[logGroupId];
    expect(logGroup?.Properties.RetentionInDays).toBe(settings.logRetentionDays);
    expect(logGroup?.DeletionPolicy).toBe('Retain');
  });

  it.each(Object.entries(functions))('%s gets the whole config environment', (_, fn) => {
    expect(Object.keys(fn.Properties.Environment.Variables).sort()).toEqual(
      expect.arrayContaining([
        'TABLE_NAME',
        'PUBLIC_BASE_URL',
        'MAIL_FROM_ADDRESS',
        'MAIL_FROM_NAME',
        'SES_CONFIGURATION_SET',
        'TOKEN_SECRET_ARN',
        'LINK_KEYS_ARN',
        'SCHEDULER_MODE',
        'SCHEDULER_GROUP',
        'SCHEDULER_ROLE_ARN',
        'SCHEDULER_TARGET_ARN',
        'SCHEDULER_DLQ_ARN',
        'SERVICE_NAME',
        'LOG_LEVEL',
        'NODE_OPTIONS',
      ]),
    );
    expect(fn.Properties.Environment.Variables).toMatchObject({
      PUBLIC_BASE_URL: settings.publicBaseUrl,
      MAIL_FROM_ADDRESS: settings.mailFromAddress,
      SCHEDULER_MODE: 'aws',
      NODE_OPTIONS: '--enable-source-maps',
    });
  });

  it('have their own roles without AWS managed policies', () => {
    for (const role of Object.values(resourcesOf('AWS::IAM::Role'))) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });

  it('each have an alarm on errors and one on throttles', () => {
    const alarms = Object.values(resourcesOf('AWS::CloudWatch::Alarm')).map((alarm) => alarm.Properties);
    for (const functionId of Object.keys(functions)) {
      const watching = alarms.filter((alarm) =>
        alarm.Dimensions?.some((dimension: { Value: unknown }) =>
          JSON.stringify(dimension.Value).includes(functionId),
        ),
      );
      expect(watching.map((alarm) => alarm.MetricName).sort()).toEqual(['Errors', 'Throttles']);
    }
  });
});

describe('the permissions', () => {
  const statements = policyStatements(template);

  it('never grant a wildcard action', () => {
    const wildcardActions = actionsOf(statements).filter((action) => action.includes('*'));
    expect(wildcardActions).toEqual([]);
  });

  it('use Resource "*" only for the X-Ray trace writes, which support nothing narrower', () => {
    const onEverything = statements.filter((statement) => asList(statement.Resource).includes('*'));
    expect(new Set(actionsOf(onEverything))).toEqual(
      new Set(['xray:PutTraceSegments', 'xray:PutTelemetryRecords']),
    );
  });

  it('let only entries that need mail send it, from the stage sender, through the identity and configuration set', () => {
    for (const [name, entry] of Object.entries(lambdaEntries)) {
      if (!deployedEntries.has(name as EntryName)) continue;
      const sesStatements = statementsOfFunction(template, entry.description).filter((statement) =>
        actionsOf([statement]).some((action) => action.startsWith('ses:')),
      );
      if (!('mail' in entry.needs && entry.needs.mail)) {
        expect(sesStatements, name).toEqual([]);
        continue;
      }
      expect(sesStatements, name).toHaveLength(1);
      const [send] = sesStatements;
      expect(asList(send?.Action ?? [])).toEqual(['ses:SendEmail']);
      expect(send?.Condition).toEqual({ StringEquals: { 'ses:FromAddress': settings.mailFromAddress } });
      const resources = asList(send?.Resource).map((resource) => JSON.stringify(resource));
      expect(resources).toHaveLength(2);
      expect(
        resources.some((arn) => /:ses:eu-west-1:.*:identity\/.*ExportsOutputRefMailIdentity/.test(arn)),
      ).toBe(true);
      expect(
        resources.some((arn) =>
          /:ses:eu-west-1:.*:configuration-set\/.*ExportsOutputRefMailConfigurationSet/.test(arn),
        ),
      ).toBe(true);
    }
  });

  it('give entries without needs nothing but their own log group', () => {
    for (const [name, entry] of Object.entries(lambdaEntries)) {
      if (!deployedEntries.has(name as EntryName) || Object.keys(entry.needs).length > 0) continue;
      const actions = actionsOf(statementsOfFunction(template, entry.description));
      expect(new Set(actions), name).toEqual(
        new Set([
          'logs:CreateLogStream',
          'logs:PutLogEvents',
          'xray:PutTraceSegments',
          'xray:PutTelemetryRecords',
        ]),
      );
    }
  });
});

describe('the outputs', () => {
  it('include the API URL', () => {
    template.hasOutput('ApiUrl', {});
  });
});
