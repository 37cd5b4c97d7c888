import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { tableDesign } from '../../functions/adapters/dynamo/table-design';
import { lambdaEntries } from '../../functions/entries';
import { actionsOf, asList, policyStatements, statementsOfFunction, synthesizeStage } from './synth';

// No entry needs the table or the token key yet; these stand-ins (real handler files, other needs and
// descriptions) exercise those grants as the first such entries will get them.
const reader = { ...lambdaEntries.home, description: 'Reads the table', needs: { table: 'read' } } as const;
const writer = {
  ...lambdaEntries.organiserMe,
  description: 'Writes the table and signs links',
  needs: { table: 'readWrite', tokens: true },
} as const;

const { app, statelessTemplate: template } = synthesizeStage({
  code: { entries: { ...lambdaEntries, home: reader, organiserMe: writer } },
});

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
      // No Scan in any request or job path (DESIGN.md decision 2): not even the permission for one.
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
  it('lets only the entry that needs tokens read the signing key, and only that secret', () => {
    const secretStatements = policyStatements(template).filter((statement) =>
      actionsOf([statement]).some((action) => action.startsWith('secretsmanager:')),
    );
    expect(secretStatements).toHaveLength(1);
    expect(actionsOf(secretStatements).sort()).toEqual(
      ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'].sort(),
    );
    expect(secretStatements[0]?.Resource).toEqual({
      'Fn::ImportValue': expect.stringMatching(/^DropIn-prod-Stateful:ExportsOutputRefTokenSigningKey/),
    });
    expect(
      actionsOf(statementsOfFunction(template, writer.description)).filter((a) =>
        a.startsWith('secretsmanager:'),
      ),
    ).toHaveLength(2);
  });
});

describe('cdk-nag', () => {
  it('accepts the table and token grants without further acknowledgements', () => {
    const report = new AwsSolutionsChecks().validateScope(app);
    expect(report.violations.map((violation) => violation.ruleName)).toEqual([]);
  });
});
