import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { tableDesign } from '../../functions/adapters/dynamo/table-design';
import { type LambdaEntry, lambdaEntries } from '../../functions/entries';
import {
  actionsOf,
  asList,
  deployedEntries,
  policyStatements,
  statementsOfFunction,
  synthesizeStage,
} from './synth';

// Stand-ins with known needs (real handler files, own descriptions) exercise the table and token grants,
// whatever the real entries need at the moment.
const reader = { ...lambdaEntries.home, description: 'Reads the table', needs: { table: 'read' } } as const;
const writer = {
  ...lambdaEntries.organiserMe,
  description: 'Writes the table and signs links',
  needs: { table: 'readWrite', tokens: true },
} as const;

const entries: Record<keyof typeof lambdaEntries, LambdaEntry> = {
  ...lambdaEntries,
  home: reader,
  organiserMe: writer,
};
const { app, statelessTemplate: template } = synthesizeStage({ code: { entries } });

const tableArn =
  /"Fn::ImportValue":"DropIn-prod-Stateful:ExportsOutputFnGetAttDataTable[0-9A-F]+Arn[0-9A-F]+"/;
const dynamoStatementsOf = (description: string) =>
  statementsOfFunction(template, description).filter((statement) =>
    actionsOf([statement]).some((action) => action.startsWith('dynamodb:')),
  );

describe('a table grant', () => {
  it('never uses a dynamodb wildcard action or Resource "*"', () => {
    const dynamoStatements = policyStatements(template).filter((statement) =>
      actionsOf([statement]).some((action) => action.startsWith('dynamodb:')),
    );
    expect(dynamoStatements.length).toBeGreaterThan(0);
    for (const statement of dynamoStatements) {
      expect(actionsOf([statement]).filter((action) => action.includes('*'))).toEqual([]);
      // No Scan in any request or job path (docs/architecture.md, "One table definition"): not even the permission for one.
      expect(actionsOf([statement])).not.toContain('dynamodb:Scan');
      expect(asList(statement.Resource)).not.toContain('*');
      expect(JSON.stringify(statement.Resource)).not.toContain('/index/*');
    }
  });

  it('for reading allows reads on the table and Query on each named index, and no writes', () => {
    const statements = dynamoStatementsOf(reader.description);
    const actions = actionsOf(statements);
    expect(actions).toEqual(
      expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem']),
    );
    expect(actions.filter((action) => /Put|Update|Delete|Write/.test(action))).toEqual([]);

    const resources = statements
      .flatMap((statement) => asList(statement.Resource))
      .map((r) => JSON.stringify(r));
    for (const resource of resources) expect(resource).toMatch(tableArn);
    for (const index of tableDesign.globalIndexes) {
      const indexStatement = statements.find((statement) =>
        JSON.stringify(statement.Resource).includes(`/index/${index.indexName}`),
      );
      expect(asList(indexStatement?.Action ?? [])).toEqual(['dynamodb:Query']);
    }
  });

  it('for reading and writing also allows the item writes and transactions need', () => {
    const actions = actionsOf(dynamoStatementsOf(writer.description));
    expect(actions).toEqual(
      expect.arrayContaining([
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        'dynamodb:Query',
      ]),
    );
  });
});

describe('a token grant', () => {
  it('lets exactly the entries that need tokens read the signing key, and only that secret', () => {
    const isSecretAction = (action: string) => action.startsWith('secretsmanager:');
    const secretStatements = policyStatements(template).filter((statement) =>
      actionsOf([statement]).some(isSecretAction),
    );
    const tokenEntries = [...deployedEntries].filter((name) => entries[name].needs.tokens === true);
    expect(tokenEntries).toContain('organiserMe');
    expect(secretStatements).toHaveLength(tokenEntries.length);
    for (const statement of secretStatements) {
      expect(asList(statement.Action).sort()).toEqual(
        ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'].sort(),
      );
      expect(statement.Resource).toEqual({
        'Fn::ImportValue': expect.stringMatching(/^DropIn-prod-Stateful:ExportsOutputRefTokenSigningKey/),
      });
    }
    for (const name of deployedEntries) {
      const secretActions = actionsOf(statementsOfFunction(template, entries[name].description)).filter(
        isSecretAction,
      );
      expect(secretActions, name).toHaveLength(tokenEntries.includes(name) ? 2 : 0);
    }
  });
});

describe('cdk-nag', () => {
  it('accepts the table and token grants without further acknowledgements', () => {
    const report = new AwsSolutionsChecks().validateScope(app);
    expect(report.violations.map((violation) => violation.ruleName)).toEqual([]);
  });
});
