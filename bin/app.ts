import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { addDropInStage } from '../lib/drop-in-stage';

// `npx cdk synth -c stage=<name>`; the stages and their settings live in cdk.json.
const app = new App();
const stageName: string = app.node.tryGetContext('stage') ?? 'prod';

addDropInStage(app, {
  stageName,
  // The CLI's account and region, unless the stage pins its own (cdk.json `region`, `account`).
  defaultEnv: {
    account: process.env.CDK_DEFAULT_ACCOUNT,
    region: process.env.CDK_DEFAULT_REGION ?? 'eu-west-1',
  },
});

// cdk-nag 3 runs as a policy validation plugin after synthesis; any unacknowledged finding (error or
// warning) fails the synth. Acknowledge with Validations.of(construct).acknowledge({ id, reason }).
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

app.synth();
