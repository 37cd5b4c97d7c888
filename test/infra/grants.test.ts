import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { personIndexName, tableDesign } from '../../functions/adapters/dynamo/table-design';
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

const exporter = {
  ...lambdaEntries.notFound,
  description: 'Reads every record of one person',
  needs: { table: 'read', personIndex: true },
} as const;

const entries: Record<keyof typeof lambdaEntries, LambdaEntry> = {
  ...lambdaEntries,
  home: reader,
  organiserMe: writer,
  notFound: exporter,
};
// The stateless and the organiser API stack: the grants go wherever the function is.
const { app, functionTemplates: template } = synthesizeStage({ code: { entries } });

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

  it('for reading allows reads on the table and Query on GSI1, and no writes', () => {
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
    const indexStatement = statements.find((statement) =>
      JSON.stringify(statement.Resource).includes('/index/GSI1'),
    );
    expect(asList(indexStatement?.Action ?? [])).toEqual(['dynamodb:Query']);
  });

  it('lets only an entry that needs it Query the person index, which holds every record of a person', () => {
    const queriesPersonIndex = (description: string) =>
      JSON.stringify(dynamoStatementsOf(description)).includes(`/index/${personIndexName}`);
    expect(queriesPersonIndex(exporter.description)).toBe(true);
    // The control above shows the check sees a grant; no real entry needs one yet.
    for (const name of deployedEntries) {
      expect(queriesPersonIndex(entries[name].description), name).toBe(
        entries[name].needs.personIndex === true,
      );
    }
    expect(tableDesign.globalIndexes.map((index) => index.indexName)).toContain(personIndexName);
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

describe('a secret grant', () => {
  const isSecretAction = (action: string) => action.startsWith('secretsmanager:');
  /** The secrets a function may read, by their construct ids. */
  const secretsOf = (name: keyof typeof entries): string[] =>
    statementsOfFunction(template, entries[name].description)
      .filter((statement) => actionsOf([statement]).some(isSecretAction))
      .flatMap((statement) => {
        expect(asList(statement.Action).sort()).toEqual(
          ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'].sort(),
        );
        return asList(statement.Resource).map((resource) => {
          const match = /ExportsOutputRef(TokenSigningKey|LinkKeys)/.exec(JSON.stringify(resource));
          return match?.[1] ?? JSON.stringify(resource);
        });
      })
      .sort();

  it('lets entries that sign or check links read the keyring and the person-id key, and nothing else', () => {
    const linkEntries = [...deployedEntries].filter((name) => entries[name].needs.tokens === true);
    expect(linkEntries).toContain('organiserMe');
    for (const name of linkEntries) expect(secretsOf(name), name).toEqual(['LinkKeys', 'TokenSigningKey']);
  });

  it('lets entries that only key people read the person-id key alone', () => {
    const peopleEntries = [...deployedEntries].filter(
      (name) => entries[name].needs.personIds === true && entries[name].needs.tokens !== true,
    );
    expect(peopleEntries).toContain('sesEvents');
    for (const name of peopleEntries) expect(secretsOf(name), name).toEqual(['TokenSigningKey']);
  });

  it('gives every other entry no secret at all', () => {
    for (const name of deployedEntries) {
      if (entries[name].needs.tokens || entries[name].needs.personIds) continue;
      expect(secretsOf(name), name).toEqual([]);
    }
  });
});

describe('a sending account grant', () => {
  const getAccountStatementsOf = (name: keyof typeof entries) =>
    statementsOfFunction(template, entries[name].description).filter((statement) =>
      actionsOf([statement]).includes('ses:GetAccount'),
    );

  it('goes to exactly the entries that read the SES account: the mailing controls and the sender', () => {
    const reading = [...deployedEntries].filter((name) => entries[name].needs.sendingAccount === true).sort();
    expect(reading).toEqual(['mailingSender', 'organiserMailingControl']);
    for (const name of deployedEntries) {
      expect(getAccountStatementsOf(name).length, name).toBe(reading.includes(name) ? 1 : 0);
    }
  });

  it('allows GetAccount alone, on "*" (it has no resource type), in a statement of its own', () => {
    for (const name of ['mailingSender', 'organiserMailingControl'] as const) {
      expect(getAccountStatementsOf(name), name).toEqual([
        { Action: 'ses:GetAccount', Effect: 'Allow', Resource: '*' },
      ]);
    }
  });
});

describe('a function that only reads the table but serves an audited route', () => {
  it.each([lambdaEntries.organiserSuppressions, lambdaEntries.organiserTestMail])(
    'may PutItem on the audit entries alone ($description)',
    (entry) => {
      const writes = dynamoStatementsOf(entry.description).filter((statement) =>
        actionsOf([statement]).some((action) => /^dynamodb:.*(Put|Update|Delete|Write)/.test(action)),
      );

      expect(entry.needs.table).toBe('read');
      expect(writes).toHaveLength(1);
      expect(asList(writes[0]?.Action ?? [])).toEqual(['dynamodb:PutItem']);
      expect(writes[0]?.Condition).toEqual({
        'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['AUDIT#*'] },
      });
    },
  );

  it('is not what a reader that serves no audited route gets (the control)', () => {
    const writes = dynamoStatementsOf(reader.description).filter((statement) =>
      actionsOf([statement]).some((action) => /^dynamodb:.*(Put|Update|Delete|Write)/.test(action)),
    );
    expect(writes).toEqual([]);
  });
});

describe('cdk-nag', () => {
  it('accepts the table and secret grants without further acknowledgements', () => {
    const report = new AwsSolutionsChecks().validateScope(app);
    expect(report.violations.map((violation) => violation.ruleName)).toEqual([]);
  });
});
