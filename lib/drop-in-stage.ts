import type { App, Environment } from 'aws-cdk-lib';
import { readStageSettings, type StageSettings } from './stage-settings';
import { StatefulStack } from './stateful-stack';
import { StatelessStack, type StatelessStackProps } from './stateless-stack';

export interface DropInStage {
  readonly settings: StageSettings;
  readonly stateful: StatefulStack;
  readonly stateless: StatelessStack;
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
 * One deployment of Drop In: `DropIn-<stage>-Stateful` (data and identities) and `DropIn-<stage>-Stateless`
 * (functions and the API), with the stage's settings from the app context. bin/app.ts and the infra tests
 * both build the app through here, so the tests check what `cdk deploy` deploys.
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
  const stateless = new StatelessStack(app, `${prefix}-Stateless`, {
    env,
    settings,
    stateful,
    description: `Drop In (${stageName}): functions and the HTTP API`,
    ...options.code,
  });
  // Every alarm of both stacks mails the stage's alarm address, whoever adds it and wherever.
  for (const stack of [stateful, stateless]) stateful.alarms.notifyEveryAlarmIn(stack);
  return { settings, stateful, stateless };
};
