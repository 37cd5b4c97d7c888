import type { App, Environment } from 'aws-cdk-lib';
import { type EntryName, type LambdaEntry, lambdaEntries } from '../functions/entries';
import { isOrganiserRoute, routes as routeTable } from '../functions/routes';
import type { AppFunction } from './app-function';
import { isPublicRead, OrganiserApiStack, PublicPagesStack } from './route-stack';
import { readStageSettings, type StageSettings } from './stage-settings';
import { StatefulStack } from './stateful-stack';
import { StatelessStack, type StatelessStackProps } from './stateless-stack';

export interface DropInStage {
  readonly settings: StageSettings;
  readonly stateful: StatefulStack;
  readonly stateless: StatelessStack;
  readonly publicPages: PublicPagesStack;
  readonly organiserApi: OrganiserApiStack;
  /** Every stack of the stage, in deploy order. */
  readonly stacks: readonly [StatefulStack, StatelessStack, PublicPagesStack, OrganiserApiStack];
  /** Every function of the stage, exactly one per entry in use, by entry name. */
  readonly functions: ReadonlyMap<EntryName, AppFunction>;
}

export interface DropInStageOptions {
  /** The stage, a key of the `stages` context in cdk.json. */
  readonly stageName: string;
  /**
   * Where to deploy when the stage's settings do not say (`region`, `account` in cdk.json).
   * @default - the account unresolved (environment-agnostic), region eu-west-1
   */
  readonly defaultEnv?: Environment;
  /**
   * The route table and entries, for tests that exercise grants the current entries do not need yet.
   * @default the ones in functions/
   */
  readonly code?: Pick<StatelessStackProps, 'routes' | 'entries'>;
}

/**
 * One deployment of Drop In, with the stage's settings from the app context: `DropIn-<stage>-Stateful` (data
 * and identities), `DropIn-<stage>-Stateless` (the HTTP API with its public POSTs, mail delivery, the jobs and
 * the target of the one-time schedules), `DropIn-<stage>-PublicPages` (the public GET routes of that API and
 * their functions) and `DropIn-<stage>-OrganiserApi` (its organiser routes and their functions), deployed in
 * that order. The code is split in three only to keep each stack well below CloudFormation's 500 resources
 * (test/infra/stack-budget.test.ts). bin/app.ts and the infra tests both build
 * the app through here, so the tests check what `cdk deploy` deploys.
 */
export const addDropInStage = (app: App, options: DropInStageOptions): DropInStage => {
  const { stageName } = options;
  const settings = readStageSettings(app.node.tryGetContext('stages'), stageName);
  const env: Environment = {
    account: settings.account ?? options.defaultEnv?.account,
    region: settings.region ?? options.defaultEnv?.region ?? 'eu-west-1',
  };
  const prefix = `DropIn-${stageName}`;

  const stateful = new StatefulStack(app, `${prefix}-Stateful`, {
    env,
    settings,
    scheduleGroupName: `${prefix}-schedules`,
    description: `Drop In (${stageName}): table, mail identity, token key, organiser accounts, schedules, alarm topic`,
    terminationProtection: settings.terminationProtection ?? true,
  });
  const entries: Readonly<Record<EntryName, LambdaEntry>> = options.code?.entries ?? lambdaEntries;
  const routes = options.code?.routes ?? routeTable;
  // The stack is renamed never: the one-time schedules store the ARNs of its scheduled-jobs function, role and
  // queue, whose names derive from it (lib/scheduled-jobs.ts).
  const stateless = new StatelessStack(app, `${prefix}-Stateless`, {
    env,
    settings,
    stateful,
    description: `Drop In (${stageName}): the HTTP API with its public routes, mail delivery and the jobs`,
    routes: routes.filter((route) => route.access === 'public' && !isPublicRead(route)),
    entries,
  });
  const publicPages = new PublicPagesStack(app, `${prefix}-PublicPages`, {
    env,
    settings,
    stateless,
    description: `Drop In (${stageName}): the public pages and reads of the HTTP API and their functions`,
    routes: routes.filter(isPublicRead),
    entries,
  });
  const organiserApi = new OrganiserApiStack(app, `${prefix}-OrganiserApi`, {
    env,
    settings,
    stateless,
    description: `Drop In (${stageName}): the organiser routes of the HTTP API and their functions`,
    routes: routes.filter(isOrganiserRoute),
    entries,
  });
  const stacks = [stateful, stateless, publicPages, organiserApi] as const;
  // Every alarm of every stack mails the stage's alarm address, whoever adds it and wherever.
  for (const stack of stacks) stateful.alarms.notifyEveryAlarmIn(stack);

  const functions = new Map<EntryName, AppFunction>(stateless.functions);
  for (const [name, fn] of [...publicPages.functions, ...organiserApi.functions]) {
    // An entry behind a public and an organiser route, or a trigger and an organiser route, would run as two
    // functions with two sets of alarms.
    if (functions.has(name)) throw new Error(`Entry ${name} would get a function in each of two stacks`);
    functions.set(name, fn);
  }
  return { settings, stateful, stateless, publicPages, organiserApi, stacks, functions };
};
