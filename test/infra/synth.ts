import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { type EntryName, entriesWithTrigger, type LambdaEntry } from '../../functions/entries';
import { fallbackEntry, routes } from '../../functions/routes';
import { addDropInStage, type DropInStage, type DropInStageOptions } from '../../lib/drop-in-stage';

/** The context of cdk.json, so the tests build the app `cdk synth` builds. */
export const cdkContext: Record<string, unknown> = JSON.parse(
  readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8'),
).context;

export interface SynthesizedStage extends DropInStage {
  readonly app: App;
  readonly statefulTemplate: Template;
  readonly statelessTemplate: Template;
  readonly publicPagesTemplate: Template;
  readonly organiserApiTemplate: Template;
  /** The templates of the stacks holding functions: the stateless one, the public pages and the organiser API. */
  readonly functionTemplates: readonly Template[];
}

export type StageOptions = Partial<DropInStageOptions> & { readonly context?: Record<string, unknown> };

/** Builds the prod stage as bin/app.ts does, without running esbuild (`aws:cdk:bundling-stacks: []`). */
export const buildStage = (options: StageOptions = {}): DropInStage & { readonly app: App } => {
  const app = new App({
    context: { ...cdkContext, 'aws:cdk:bundling-stacks': [], ...options.context },
  });
  return { app, ...addDropInStage(app, { stageName: 'prod', ...options }) };
};

/** Builds the prod stage and synthesizes it once. Call it once per test file, at module level. */
export const synthesizeStage = (options: StageOptions = {}): SynthesizedStage => {
  const stage = buildStage(options);
  const statelessTemplate = Template.fromStack(stage.stateless);
  const publicPagesTemplate = Template.fromStack(stage.publicPages);
  const organiserApiTemplate = Template.fromStack(stage.organiserApi);
  return {
    ...stage,
    statefulTemplate: Template.fromStack(stage.stateful),
    statelessTemplate,
    publicPagesTemplate,
    organiserApiTemplate,
    functionTemplates: [statelessTemplate, publicPagesTemplate, organiserApiTemplate],
  };
};

export interface PolicyStatementJson {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

export const asList = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** One template, or several (the stacks holding functions) searched together. */
export type Templates = Template | readonly Template[];
const each = (templates: Templates): readonly Template[] =>
  templates instanceof Template ? [templates] : templates;

/** Every IAM policy statement in the templates (role default policies and standalone policies). */
export const policyStatements = (templates: Templates): PolicyStatementJson[] =>
  each(templates).flatMap((template) =>
    Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (policy) => policy.Properties.PolicyDocument.Statement as PolicyStatementJson[],
    ),
  );

/** The template holding the one function with this description, and that function's logical id. */
const templateOfFunction = (templates: Templates, description: string): [Template, string, CfnResource] => {
  const found = each(templates).flatMap((template) =>
    Object.entries(
      template.findResources('AWS::Lambda::Function', { Properties: { Description: description } }),
    ).map(([id, fn]) => [template, id, fn] as [Template, string, CfnResource]),
  );
  const [first, ...others] = found;
  if (!first || others.length > 0) throw new Error(`Expected one function described "${description}"`);
  return first;
};

/** The statements of the policies attached to the role of the function with this description. */
export const statementsOfFunction = (templates: Templates, description: string): PolicyStatementJson[] => {
  const [template, , fn] = templateOfFunction(templates, description);
  const roleLogicalId: string = fn.Properties.Role['Fn::GetAtt'][0];
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => policy.Properties.Roles.some((role: { Ref: string }) => role.Ref === roleLogicalId))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as PolicyStatementJson[]);
};

export const actionsOf = (statements: readonly PolicyStatementJson[]): string[] =>
  statements.flatMap((statement) => asList(statement.Action));

/** The entries the HTTP API gets a function for: every one a route names, and the fallback. */
export const routedEntries = new Set<EntryName>([...routes.map((route) => route.entry), fallbackEntry]);

/** The entries with this trigger (functions/entries.ts). */
const entriesTriggeredBy = (trigger: NonNullable<LambdaEntry['trigger']>): Set<EntryName> =>
  new Set(entriesWithTrigger(trigger));

/** The entries the table's stream invokes (`trigger: 'outbox-stream'`). */
export const streamEntries = entriesTriggeredBy('outbox-stream');

/** The entries the one-time schedules invoke (`trigger: 'schedule'`). */
export const scheduleEntries = entriesTriggeredBy('schedule');

/** The entries the recurring outbox sweep invokes (`trigger: 'outbox-sweep'`). */
export const sweepEntries = entriesTriggeredBy('outbox-sweep');

/** The entries the SES events rule invokes (`trigger: 'ses-events'`). */
export const sesEventEntries = entriesTriggeredBy('ses-events');

/** The entries the nightly retention schedule invokes (`trigger: 'retention'`). */
export const retentionEntries = entriesTriggeredBy('retention');

/** The entries the every-minute mailing sender schedule invokes (`trigger: 'mailing-sender'`). */
export const mailingSenderEntries = entriesTriggeredBy('mailing-sender');

/** The entries the Vooruitblik's two recurring schedules invoke (`trigger: 'vooruitblik'`). */
export const vooruitblikEntries = entriesTriggeredBy('vooruitblik');

/** Every entry that becomes a function. */
export const deployedEntries = new Set<EntryName>([
  ...routedEntries,
  ...streamEntries,
  ...scheduleEntries,
  ...sweepEntries,
  ...sesEventEntries,
  ...retentionEntries,
  ...mailingSenderEntries,
  ...vooruitblikEntries,
]);

/** A resource of a synthesized template, as untyped as CloudFormation JSON. */
export type CfnResource = ReturnType<Template['findResources']>[string];

/** The logical id and the resource of the function with this description. */
export const functionDescribed = (templates: Templates, description: string): [string, CfnResource] => {
  const [, id, fn] = templateOfFunction(templates, description);
  return [id, fn];
};
