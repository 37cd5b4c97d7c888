import type { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { type EntryName, lambdaEntries } from '../../functions/entries';
import { fallbackEntry, isOrganiserRoute, routeKey, routes } from '../../functions/routes';
import {
  actionsOf,
  asList,
  deployedEntries,
  mailingSenderEntries,
  policyStatements,
  routedEntries,
  scheduleEntries,
  sesEventEntries,
  statementsOfFunction,
  streamEntries,
  sweepEntries,
  synthesizeStage,
} from './synth';

const stage = synthesizeStage();
const {
  stateless,
  publicPages,
  organiserApi,
  settings,
  statelessTemplate,
  publicPagesTemplate,
  organiserApiTemplate,
} = stage;
// The API and its public POSTs live in the stateless stack, the public GETs in the public pages stack, the
// organiser routes in the organiser API stack.
const templates = stage.functionTemplates;

/** A resource of a synthesized template, as untyped as CloudFormation JSON. */
type CfnResource = ReturnType<Template['findResources']>[string];
const resourcesIn = (template: Template, type: string) =>
  template.findResources(type) as Record<string, CfnResource>;
/** The resources of a type over the stacks holding functions, each with the template it is in (references stay within one). */
const resourcesOf = (type: string): [string, CfnResource, Template][] =>
  templates.flatMap((template) =>
    Object.entries(resourcesIn(template, type)).map(
      ([id, resource]) => [id, resource, template] as [string, CfnResource, Template],
    ),
  );

const routeByKey = (key: string): [CfnResource, Template] => {
  const matches = resourcesOf('AWS::ApiGatewayV2::Route').filter(
    ([, route]) => route.Properties.RouteKey === key,
  );
  expect(matches, `routes with key ${key}`).toHaveLength(1);
  const [, route, template] = matches[0] as [string, CfnResource, Template];
  return [route, template];
};

/** The logical id of the function a route's integration invokes: route → integration → function. */
const functionIdBehind = ([route, template]: [CfnResource, Template]): string => {
  const integrationId = (route.Properties.Target['Fn::Join'][1] as unknown[])[1] as { Ref: string };
  const integration = resourcesIn(template, 'AWS::ApiGatewayV2::Integration')[
    integrationId.Ref
  ] as CfnResource;
  return integration.Properties.IntegrationUri['Fn::GetAtt'][0];
};
const functionDescriptionBehind = (found: [CfnResource, Template]): string =>
  (resourcesIn(found[1], 'AWS::Lambda::Function')[functionIdBehind(found)] as CfnResource).Properties
    .Description;

const functions = resourcesOf('AWS::Lambda::Function');
const apiImport = {
  'Fn::ImportValue': expect.stringMatching(/^DropIn-prod-Stateless:ExportsOutputRefHttpApi[0-9A-F]+$/),
};

describe('the HTTP API routes', () => {
  const [jwtAuthorizerId] = Object.keys(resourcesIn(statelessTemplate, 'AWS::ApiGatewayV2::Authorizer'));
  const keysIn = (template: Template) =>
    Object.values(resourcesIn(template, 'AWS::ApiGatewayV2::Route'))
      .map((route) => route.Properties.RouteKey)
      .sort();

  it('has one route per row of the route table, plus $default, and no other', () => {
    const keys = resourcesOf('AWS::ApiGatewayV2::Route').map(([, route]) => route.Properties.RouteKey);
    expect(keys.sort()).toEqual([...routes.map(routeKey), '$default'].sort());
  });

  it('serves the public POSTs and $default from the stateless stack, the public GETs from the pages stack, the organiser rows from the organiser API stack', () => {
    const rowsWhere = (test: (route: (typeof routes)[number]) => boolean) =>
      routes.filter(test).map(routeKey);
    const publicGets = rowsWhere((route) => route.access === 'public' && route.method === 'GET');
    const publicOthers = rowsWhere((route) => route.access === 'public' && route.method !== 'GET');
    expect(keysIn(statelessTemplate)).toEqual([...publicOthers, '$default'].sort());
    expect(keysIn(publicPagesTemplate)).toEqual(publicGets.sort());
    expect(keysIn(organiserApiTemplate)).toEqual(rowsWhere(isOrganiserRoute).sort());
    expect(Math.min(publicGets.length, publicOthers.length)).toBeGreaterThan(0);
    // All on the one API of the stateless stack.
    for (const route of Object.values(resourcesIn(statelessTemplate, 'AWS::ApiGatewayV2::Route')))
      expect(route.Properties.ApiId).toEqual({ Ref: expect.stringMatching(/^HttpApi/) });
    for (const template of [publicPagesTemplate, organiserApiTemplate]) {
      for (const route of Object.values(resourcesIn(template, 'AWS::ApiGatewayV2::Route')))
        expect(route.Properties.ApiId).toEqual(apiImport);
      template.resourceCountIs('AWS::ApiGatewayV2::Api', 0);
      template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 0);
    }
  });

  it.each(routes.filter(isOrganiserRoute))('puts the organiser JWT authorizer on $method $path', (route) => {
    const [{ Properties }] = routeByKey(routeKey(route));
    expect(Properties.AuthorizationType).toBe('JWT');
    // The one authorizer, of the stateless stack, whose id the organiser API stack imports.
    expect(Properties.AuthorizerId).toEqual({
      'Fn::ImportValue': expect.stringMatching(
        new RegExp(`^DropIn-prod-Stateless:ExportsOutputRef${jwtAuthorizerId}[0-9A-F]+$`),
      ),
    });
  });

  it.each(routes.filter((route) => route.access === 'public'))('leaves $method $path public', (route) => {
    const [{ Properties }] = routeByKey(routeKey(route));
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
    expect(fallback[0].Properties.AuthorizationType).toBe('NONE');
    expect(functionDescriptionBehind(fallback)).toBe(lambdaEntries[fallbackEntry].description);
  });

  it('trusts only ID and access tokens of the organiser pool issued to the organiser client', () => {
    statelessTemplate.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
    const authorizer = resourcesIn(statelessTemplate, 'AWS::ApiGatewayV2::Authorizer')[
      jwtAuthorizerId as string
    ] as CfnResource;
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

describe('the invoke permissions', () => {
  const permissions = resourcesOf('AWS::Lambda::Permission').filter(
    ([, permission]) => permission.Properties.Principal === 'apigateway.amazonaws.com',
  );
  /** The path part of a permission's source ARN, after `<apiId>/`. */
  const sourcePath = (permission: CfnResource): string => {
    const parts = permission.Properties.SourceArn['Fn::Join'][1] as unknown[];
    return String(parts.at(-1)).replace(/^\//, '');
  };
  const permissionsOf = (functionId: string, template: Template) =>
    permissions
      .filter(
        ([, permission, t]) =>
          t === template && permission.Properties.FunctionName['Fn::GetAtt'][0] === functionId,
      )
      .map(([, permission]) => permission);

  it('are one per function of the API, however many routes it serves, for API Gateway of this API only', () => {
    const apiFunctions = [
      ...stateless.httpApi.functions.keys(),
      ...publicPages.functions.keys(),
      ...organiserApi.functions.keys(),
    ];
    expect(permissions).toHaveLength(apiFunctions.length);
    for (const [, permission, template] of permissions) {
      expect(permission.Properties.Action).toBe('lambda:InvokeFunction');
      const parts = permission.Properties.SourceArn['Fn::Join'][1] as unknown[];
      expect(parts).toContainEqual(
        template === statelessTemplate ? { Ref: expect.stringMatching(/^HttpApi/) } : apiImport,
      );
      expect(JSON.stringify(parts)).toContain(':execute-api:eu-west-1:');
    }
  });

  it.each(routes)('let $method $path invoke its function, scoped to the routes of that function', (route) => {
    const found = routeByKey(routeKey(route));
    const [permission] = permissionsOf(functionIdBehind(found), found[1]);
    const pattern = sourcePath(permission as CfnResource);
    // Any stage, any method; the path of the route or the segments the function's routes share, then `*`.
    const path = pattern.replace(/^\*\/\*/, '');
    const others = routes.filter((other) => other.entry === route.entry);
    if (others.length === 1) expect(path).toBe(route.path);
    else expect(route.path.startsWith(path.replace(/\*$/, ''))).toBe(true);
  });

  it('give the mailing controls one permission for their seven routes, not the whole API', () => {
    const found = routeByKey('POST /api/organiser/mailings/{id}/send');
    const controls = permissionsOf(functionIdBehind(found), found[1]);
    expect(controls).toHaveLength(1);
    expect(sourcePath(controls[0] as CfnResource)).toBe('*/*/api/organiser/mailings/{id}/*');
  });

  it('let API Gateway invoke the fallback function for any path', () => {
    const found = routeByKey('$default');
    const [permission] = permissionsOf(functionIdBehind(found), found[1]);
    expect(sourcePath(permission as CfnResource)).toBe('*/*');
  });
});

describe('the default stage', () => {
  const stage = Object.values(resourcesIn(statelessTemplate, 'AWS::ApiGatewayV2::Stage'));
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
    expect(resourcesIn(statelessTemplate, 'AWS::Logs::LogGroup')[logGroupId]).toBeDefined();
    expect(JSON.parse(Format)).toMatchObject({ requestId: '$context.requestId', status: '$context.status' });
  });

  it('keeps client addresses out of the access log', () => {
    const { Format } = accessLogSettings;
    expect(Format).not.toMatch(/sourceIp|userAgent/);
  });

  const publicPosts = routes.filter((route) => route.method === 'POST' && route.access === 'public');

  it('throttles every public POST route of the route table on its own, below the stage (25/s, bursts of 50)', () => {
    const settings = stage[0]?.Properties.RouteSettings ?? {};
    expect(publicPosts.length).toBeGreaterThan(10);
    for (const route of publicPosts) {
      expect(settings[routeKey(route)], routeKey(route)).toEqual({
        ThrottlingRateLimit: 25,
        ThrottlingBurstLimit: 50,
      });
    }
    // Pages, reads and the organiser routes take the stage's throttle alone.
    expect(Object.keys(settings).sort()).toEqual(publicPosts.map(routeKey).sort());
  });

  it('is created after the routes its route settings name (CloudFormation refuses an unknown route key)', () => {
    const [stageId] = Object.keys(resourcesIn(statelessTemplate, 'AWS::ApiGatewayV2::Stage'));
    const dependsOn = (statelessTemplate.toJSON().Resources[stageId as string].DependsOn ?? []) as string[];
    const routeIds = Object.entries(resourcesIn(statelessTemplate, 'AWS::ApiGatewayV2::Route'))
      .filter(([, route]) => publicPosts.some((post) => routeKey(post) === route.Properties.RouteKey))
      .map(([id]) => id);
    expect(routeIds).toHaveLength(publicPosts.length);
    expect(dependsOn).toEqual(expect.arrayContaining(routeIds));
  });
});

describe('the functions', () => {
  const newestNode = lambda.Runtime.ALL.filter((runtime) => /^nodejs\d+\.x$/.test(runtime.name))
    .map((runtime) => runtime.name)
    .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }))
    .at(-1);

  it('exist once per entry the routes use (however many routes share it) or a trigger invokes', () => {
    const descriptions = functions.map(([, fn]) => fn.Properties.Description);
    expect(descriptions.sort()).toEqual(
      [...deployedEntries].map((name) => lambdaEntries[name].description).sort(),
    );
    expect([...stage.functions.keys()].sort()).toEqual([...deployedEntries].sort());
    expect(stateless.httpApi.functions.size + publicPages.functions.size + organiserApi.functions.size).toBe(
      routedEntries.size,
    );
    expect([...organiserApi.functions.keys()].sort()).toEqual(
      [...new Set(routes.filter(isOrganiserRoute).map((route) => route.entry))].sort(),
    );
    expect(stateless.outboxRelays.size).toBe(streamEntries.size);
    expect(stateless.mailingSenders.size).toBe(mailingSenderEntries.size);
    expect(stateless.outboxSweepers.size).toBe(sweepEntries.size);
    expect(stateless.sesEvents.size).toBe(sesEventEntries.size);
    expect([...scheduleEntries]).toEqual(['meetingReminders']);
  });

  it.each(functions)('%s runs the newest Node.js runtime on arm64 with X-Ray', (_, fn) => {
    expect(fn.Properties.Runtime).toBe(newestNode);
    expect(fn.Properties.Architectures).toEqual(['arm64']);
    expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
    expect(fn.Properties.Handler).toBe('index.handler');
  });

  it.each(functions)('%s logs to an explicit log group with the stage retention', (_, fn, template) => {
    const logGroupId: string = fn.Properties.LoggingConfig.LogGroup.Ref;
    const logGroup = template.findResources('AWS::Logs::LogGroup')[logGroupId];
    expect(logGroup?.Properties.RetentionInDays).toBe(settings.logRetentionDays);
    expect(logGroup?.DeletionPolicy).toBe('Retain');
  });

  it.each(functions)('%s gets the whole config environment', (_, fn) => {
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
      // The stage sets no limits on public POSTs: the configuration's defaults, spelled out.
      PUBLIC_POSTS_PER_IP_PER_MINUTE: '20',
      PUBLIC_POSTS_PER_TOKEN_PER_MINUTE: '10',
    });
  });

  it('have their own roles without AWS managed policies', () => {
    for (const [, role] of resourcesOf('AWS::IAM::Role')) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });

  it('each have an alarm on errors and one on throttles, in their own stack', () => {
    for (const [functionId, , template] of functions) {
      const alarms = Object.values(resourcesIn(template, 'AWS::CloudWatch::Alarm')).map(
        (alarm) => alarm.Properties,
      );
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
  const statements = policyStatements(templates);

  it('never grant a wildcard action', () => {
    const wildcardActions = actionsOf(statements).filter((action) => action.includes('*'));
    expect(wildcardActions).toEqual([]);
  });

  it('use Resource "*" only for the X-Ray trace writes and the SES account read, which support nothing narrower', () => {
    const onEverything = statements.filter((statement) => asList(statement.Resource).includes('*'));
    expect(new Set(actionsOf(onEverything))).toEqual(
      new Set(['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'ses:GetAccount']),
    );
  });

  it('let only entries that need mail send it, from the stage sender, through the identity and configuration set', () => {
    for (const [name, entry] of Object.entries(lambdaEntries)) {
      if (!deployedEntries.has(name as EntryName)) continue;
      const sesStatements = statementsOfFunction(templates, entry.description).filter((statement) =>
        actionsOf([statement]).some((action) => action.startsWith('ses:') && action !== 'ses:GetAccount'),
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
      const actions = actionsOf(statementsOfFunction(templates, entry.description));
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
    statelessTemplate.hasOutput('ApiUrl', {});
  });
});
