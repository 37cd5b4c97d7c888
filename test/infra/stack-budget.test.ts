import { describe, expect, it } from 'vitest';
import { buildStage } from './synth';

/**
 * CloudFormation refuses a stack of more than 500 resources at deploy time (and the CDK at synth), and every
 * function costs about ten (role, two policies, log group, two alarms, integration, permission, routes). Each
 * stack of the stage must stay below this budget, so the function that would break the deploy fails here first,
 * with room left to move routes or jobs to another stack in the same change.
 */
const budget = 450;

// The stack's own limit off, so a stack over it is counted here instead of failing the synth.
const stage = buildStage({ context: { '@aws-cdk/core:stackResourceLimit': 0 } });
const assembly = stage.app.synth();
const resourceCount = (stackName: string): number =>
  Object.keys(assembly.getStackByName(stackName).template.Resources ?? {}).length;

describe('the resources of each stack of the prod stage', () => {
  it('are counted for every stack of the stage', () => {
    expect(stage.stacks.map((stack) => stack.stackName)).toEqual([
      'DropIn-prod-Stateful',
      'DropIn-prod-Stateless',
      'DropIn-prod-PublicPages',
      'DropIn-prod-OrganiserApi',
    ]);
    expect(assembly.stacks.map((stack) => stack.stackName).sort()).toEqual(
      stage.stacks.map((stack) => stack.stackName).sort(),
    );
  });

  it.each(stage.stacks.map((stack) => stack.stackName))(`stay below ${budget} in %s`, (stackName) => {
    const count = resourceCount(stackName);
    expect(count).toBeGreaterThan(0);
    expect(count, `${stackName}: ${count} resources`).toBeLessThan(budget);
  });
});
