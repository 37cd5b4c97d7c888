import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { type EntryName, type LambdaEntry, lambdaEntries } from '../../functions/entries';
import { type Route, routeKey, routes, servesLimitedRoute } from '../../functions/routes';
import { readStageSettings } from '../../lib/stage-settings';
import { actionsOf, asList, cdkContext, statementsOfFunction, synthesizeStage } from './synth';

/**
 * The limits on public POSTs in the infrastructure, with the stage's own settings: the functions get the
 * counts per minute, each public POST route its throttle, and a function that only reads the table but serves
 * a limited route (a stand-in: no real entry does yet) gets exactly what counting needs.
 */
const prod = (cdkContext.stages as Record<string, Record<string, unknown>>).prod;
const counter = {
  ...lambdaEntries.newsletterSubscribe,
  description: 'Serves a limited route, only reads the table, keys nobody',
  needs: { table: 'read' },
} as const;
const entries: Record<EntryName, LambdaEntry> = { ...lambdaEntries, newsletterSubscribe: counter };
const { app, functions, statelessTemplate, functionTemplates } = synthesizeStage({
  code: { entries },
  context: {
    stages: {
      prod: {
        ...prod,
        publicPostsPerIpPerMinute: 7,
        publicPostsPerTokenPerMinute: 4,
        publicPostRateLimit: 3,
        publicPostBurstLimit: 6,
      },
    },
  },
});

const publicPosts = (routes as readonly Route[]).filter(
  (route) => route.method === 'POST' && route.access === 'public',
);

describe("a stage's limits on public POSTs", () => {
  it('reach every function as the counts per minute its configuration reads', () => {
    const functions = functionTemplates.flatMap((template) =>
      Object.values(template.findResources('AWS::Lambda::Function')),
    );
    expect(functions.length).toBeGreaterThan(10);
    for (const fn of functions) {
      expect(fn.Properties.Environment.Variables).toMatchObject({
        PUBLIC_POSTS_PER_IP_PER_MINUTE: '7',
        PUBLIC_POSTS_PER_TOKEN_PER_MINUTE: '4',
      });
    }
  });

  it("throttle every public POST route at the stage's rate and burst", () => {
    const [stage] = Object.values(statelessTemplate.findResources('AWS::ApiGatewayV2::Stage'));
    expect(Object.keys(stage?.Properties.RouteSettings ?? {}).sort()).toEqual(
      publicPosts.map(routeKey).sort(),
    );
    for (const route of publicPosts) {
      expect(stage?.Properties.RouteSettings[routeKey(route)], routeKey(route)).toEqual({
        ThrottlingRateLimit: 3,
        ThrottlingBurstLimit: 6,
      });
    }
  });
});

describe('the stage settings of the limits', () => {
  it('must be positive whole numbers, the counts per minute no more than the functions accept', () => {
    for (const key of [
      'publicPostRateLimit',
      'publicPostBurstLimit',
      'publicPostsPerIpPerMinute',
      'publicPostsPerTokenPerMinute',
    ]) {
      expect(() => readStageSettings({ prod: { ...prod, [key]: 0 } }, 'prod'), key).toThrow(key);
      expect(() => readStageSettings({ prod: { ...prod, [key]: 2.5 } }, 'prod'), key).toThrow(key);
      expect(readStageSettings({ prod: { ...prod, [key]: 12 } }, 'prod')).toMatchObject({ [key]: 12 });
    }
    expect(() =>
      readStageSettings({ prod: { ...prod, publicPostsPerIpPerMinute: 10_000_000 } }, 'prod'),
    ).toThrow('publicPostsPerIpPerMinute: expected at most 9999999');
  });
});

describe('a function that serves a limited route but only reads the table', () => {
  const statements = statementsOfFunction(functionTemplates, counter.description);

  it('may UpdateItem on the request counts alone, and write nothing else', () => {
    const writes = statements.filter((statement) =>
      actionsOf([statement]).some((action) => /^dynamodb:.*(Put|Update|Delete|Write)/.test(action)),
    );
    expect(writes).toHaveLength(1);
    expect(asList(writes[0]?.Action ?? [])).toEqual(['dynamodb:UpdateItem']);
    expect(writes[0]?.Condition).toEqual({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['LIMIT#*'] },
    });
    expect(JSON.stringify(writes[0]?.Resource)).toMatch(/ExportsOutputFnGetAttDataTable[0-9A-F]+Arn/);
  });

  it('may read the person-id key it hashes clients with, and no other secret', () => {
    const secrets = statements.filter((statement) =>
      actionsOf([statement]).some((action) => action.startsWith('secretsmanager:')),
    );
    expect(secrets.map((statement) => JSON.stringify(statement.Resource))).toEqual([
      expect.stringMatching(/ExportsOutputRefTokenSigningKey/),
    ]);
  });
});

describe('the functions', () => {
  it('count requests, and bundle the limiter (lib/bundling.ts), exactly when they serve a limited route', () => {
    expect(functions.size).toBeGreaterThan(10);
    for (const [name, fn] of functions) expect(fn.countsRequests, name).toBe(servesLimitedRoute(name));
    expect(functions.get('newsletterSubscribe')?.countsRequests).toBe(true);
    expect(functions.get('newsletterForm')?.countsRequests).toBe(false);
  });
});

describe('a function on a limited route whose needs already write the table', () => {
  it('gets no condition-limited UpdateItem besides its table grant (the control of the above)', () => {
    const statements = statementsOfFunction(functionTemplates, lambdaEntries.subscribeApi.description);
    expect(statements.filter((statement) => statement.Condition?.['ForAllValues:StringLike'])).toEqual([]);
    expect(actionsOf(statements)).toContain('dynamodb:PutItem');
  });
});

describe('cdk-nag', () => {
  it('accepts the narrow counting grant without an acknowledgement', () => {
    const report = new AwsSolutionsChecks().validateScope(app);
    expect(report.violations.map((violation) => violation.ruleName)).toEqual([]);
  });
});
