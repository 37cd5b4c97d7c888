import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { personIndexName, tableDesign } from '../../functions/adapters/dynamo/table-design';
import { readStageSettings } from '../../lib/stage-settings';
import { cdkContext, synthesizeStage } from './synth';

// The CLI on a machine without an AWS profile passes us-east-1; the stage must still land in its own region.
const { stateful, statefulTemplate: template } = synthesizeStage({ defaultEnv: { region: 'us-east-1' } });

const onlyResource = (type: string) => {
  const resources = Object.values(template.findResources(type));
  expect(resources).toHaveLength(1);
  return resources[0] as {
    Properties: Record<string, unknown>;
    DeletionPolicy?: string;
    UpdateReplacePolicy?: string;
  };
};

describe('the stateful stack', () => {
  it('is named after the stage and deployed to the region the stage pins, not the CLI default', () => {
    expect(stateful.stackName).toBe('DropIn-prod-Stateful');
    expect(stateful.region).toBe('eu-west-1');
    expect(stateful.terminationProtection).toBe(true);
  });
});

describe('the table', () => {
  const table = onlyResource('AWS::DynamoDB::Table');

  it('has the keys, every global index, the TTL attribute and the stream of the table design', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: tableDesign.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: tableDesign.sortKey.name, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: tableDesign.globalIndexes.map((index) => ({
        IndexName: index.indexName,
        KeySchema: [
          { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
          { AttributeName: index.sortKey.name, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
      TimeToLiveSpecification: { AttributeName: tableDesign.timeToLiveAttribute, Enabled: true },
      StreamSpecification: { StreamViewType: tableDesign.stream },
      BillingMode: 'PAY_PER_REQUEST',
    });
    const keys = [tableDesign.partitionKey, tableDesign.sortKey].concat(
      tableDesign.globalIndexes.flatMap((index) => [index.partitionKey, index.sortKey]),
    );
    expect(table.Properties.AttributeDefinitions).toEqual(
      expect.arrayContaining(keys.map((key) => ({ AttributeName: key.name, AttributeType: key.type }))),
    );
  });

  // Two: GSI1 for the listings, the person index for one person's records (export, erasure) without a Scan.
  it('has exactly two global indexes: GSI1 and the person index, keyed by PersonPK / PersonSK', () => {
    const indexes = table.Properties.GlobalSecondaryIndexes as { IndexName: string; KeySchema: unknown }[];
    expect(indexes.map((index) => index.IndexName)).toEqual(['GSI1', personIndexName]);
    expect(indexes[1]?.KeySchema).toEqual([
      { AttributeName: 'PersonPK', KeyType: 'HASH' },
      { AttributeName: 'PersonSK', KeyType: 'RANGE' },
    ]);
  });

  it('is protected: point-in-time recovery, deletion protection, retained on stack deletion or replacement', () => {
    expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(table.Properties.DeletionProtectionEnabled).toBe(true);
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
  });

  it('is encrypted with the AWS-managed key', () => {
    expect(table.Properties.SSESpecification).toEqual({ SSEEnabled: true });
  });
});

describe('mail sending', () => {
  it('has a configuration set that sends, requires TLS and keeps reputation metrics', () => {
    template.hasResourceProperties('AWS::SES::ConfigurationSet', {
      SendingOptions: { SendingEnabled: true },
      DeliveryOptions: { TlsPolicy: 'REQUIRE' },
      ReputationOptions: { ReputationMetricsEnabled: true },
      // The system's own list is the one list: an admin's lift must not be undone by SES's.
      SuppressionOptions: { SuppressedReasons: [] },
    });
  });

  // The Send event settles a delivery in doubt (the answer of the send call was lost).
  it('reports sends, deliveries, bounces, complaints, rejects and delays to the default event bus', () => {
    const destination = onlyResource('AWS::SES::ConfigurationSetEventDestination');
    const eventDestination = destination.Properties.EventDestination as Record<string, unknown>;
    expect(eventDestination.Enabled).toBe(true);
    expect([...(eventDestination.MatchingEventTypes as string[])].sort()).toEqual(
      ['send', 'delivery', 'bounce', 'complaint', 'reject', 'deliveryDelay'].sort(),
    );
    expect(JSON.stringify(eventDestination.EventBridgeDestination)).toMatch(/:event-bus\/default"/);
  });

  it('verifies the domain of the stage and sends its mail through the configuration set by default', () => {
    template.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: stateful.node.tryGetContext('stages').prod.sesIdentity,
      ConfigurationSetAttributes: {
        ConfigurationSetName: { Ref: Match.stringLikeRegexp('ConfigurationSet') },
      },
    });
  });
});

describe('the secrets', () => {
  const secrets = template.findResources('AWS::SecretsManager::Secret');
  const secretNamed = (logicalIdPrefix: string) => {
    const [entry, ...others] = Object.entries(secrets).filter(([id]) => id.startsWith(logicalIdPrefix));
    expect(others).toEqual([]);
    return entry?.[1] as {
      Properties: Record<string, unknown>;
      DeletionPolicy?: string;
      UpdateReplacePolicy?: string;
    };
  };

  it('are two, both outliving the stack', () => {
    expect(Object.keys(secrets)).toHaveLength(2);
    for (const secret of Object.values(secrets)) {
      expect(secret.DeletionPolicy).toBe('Retain');
      expect(secret.UpdateReplacePolicy).toBe('Retain');
    }
  });

  it('keep the person-id key a generated 64-character secret under its first logical id', () => {
    // A new logical id would make a new secret, and every stored person unreachable.
    expect(secretNamed('TokenSigningKey').Properties.GenerateSecretString).toMatchObject({
      PasswordLength: 64,
    });
  });

  it('start the link keyring empty, so the person-id key signs until the first rotation, and name its ARN', () => {
    expect(secretNamed('LinkKeys').Properties.SecretString).toBe('{}');
    expect(template.findOutputs('LinkKeysSecretArn')).not.toEqual({});
  });
});

describe('the organiser accounts', () => {
  const userPool = onlyResource('AWS::Cognito::UserPool');

  it('allow no self sign-up and are protected from deletion', () => {
    expect(userPool.Properties.AdminCreateUserConfig).toMatchObject({ AllowAdminCreateUserOnly: true });
    expect(userPool.Properties.DeletionProtection).toBe('ACTIVE');
    expect(userPool.DeletionPolicy).toBe('Retain');
    expect(userPool.UpdateReplacePolicy).toBe('Retain');
  });

  it('offer TOTP (no SMS) as second factor and demand a strong password', () => {
    expect(userPool.Properties.MfaConfiguration).toBe('OPTIONAL');
    expect(userPool.Properties.EnabledMfas).toEqual(['SOFTWARE_TOKEN_MFA']);
    expect(userPool.Properties.Policies).toMatchObject({
      PasswordPolicy: {
        RequireLowercase: true,
        RequireUppercase: true,
        RequireNumbers: true,
        RequireSymbols: true,
      },
    });
    const { PasswordPolicy } = userPool.Properties.Policies as { PasswordPolicy: { MinimumLength: number } };
    expect(PasswordPolicy.MinimumLength).toBeGreaterThanOrEqual(12);
  });

  it('are on the Plus tier with threat protection enforced', () => {
    expect(userPool.Properties.UserPoolTier).toBe('PLUS');
    expect(userPool.Properties.UserPoolAddOns).toEqual({ AdvancedSecurityMode: 'ENFORCED' });
  });

  it('have exactly the groups organisers and admins', () => {
    const groups = Object.values(template.findResources('AWS::Cognito::UserPoolGroup')).map(
      (group) => group.Properties.GroupName,
    );
    expect(groups.sort()).toEqual(['admins', 'organisers']);
  });

  it('have one public SRP client that may read the email address (so ID tokens carry it)', () => {
    template.resourceCountIs('AWS::Cognito::UserPoolClient', 1);
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      ExplicitAuthFlows: Match.arrayWith(['ALLOW_USER_SRP_AUTH']),
      ReadAttributes: Match.arrayWith(['email']),
      PreventUserExistenceErrors: 'ENABLED',
    });
    const client = onlyResource('AWS::Cognito::UserPoolClient');
    expect(client.Properties.ExplicitAuthFlows).not.toContain('ALLOW_USER_PASSWORD_AUTH');
  });
});

describe("the reports' documents bucket", () => {
  const bucket = onlyResource('AWS::S3::Bucket');
  const policy = onlyResource('AWS::S3::BucketPolicy');
  const statements = (policy.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement;

  it('is private: every public access blocked, objects owned by the bucket (no ACLs)', () => {
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.Properties.OwnershipControls).toEqual({
      Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }],
    });
  });

  it('encrypts at rest with S3-managed keys', () => {
    expect(bucket.Properties.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
  });

  it('refuses every request without TLS, and below TLS 1.2', () => {
    expect(JSON.stringify(stateful.resolve(policy.Properties.Bucket))).toMatch(/ReportDocumentsBucket/);
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 's3:*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 's3:*',
        Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } },
      }),
    );
  });

  it('allows nobody in its own policy (functions get their access from their roles)', () => {
    expect(statements.filter((statement) => statement.Effect !== 'Deny')).toEqual([]);
  });

  it('is versioned and outlives the stack', () => {
    expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.UpdateReplacePolicy).toBe('Retain');
  });

  it("keeps no server access logs (they hold every reader's IP address)", () => {
    expect(bucket.Properties.LoggingConfiguration).toBeUndefined();
  });

  it('has a fixed name, handed to the code stacks as a plain string', () => {
    expect(bucket.Properties.BucketName).toEqual(stateful.resolve(stateful.reportDocuments.bucketName));
    expect(bucket.Properties.BucketName).toEqual({
      'Fn::Join': ['', ['dropin-prod-stateful-documents-', { Ref: 'AWS::AccountId' }, '-eu-west-1']],
    });
  });

  it('expires uploads after a day and replaced or deleted documents after a year, never a current document', () => {
    const rules = (bucket.Properties.LifecycleConfiguration as { Rules: Record<string, unknown>[] }).Rules;
    expect(rules).toHaveLength(2);
    expect(rules).toContainEqual(
      expect.objectContaining({
        Prefix: 'uploads/',
        ExpirationInDays: 1,
        NoncurrentVersionExpiration: { NoncurrentDays: 1 },
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
        Status: 'Enabled',
      }),
    );
    expect(rules).toContainEqual(
      expect.objectContaining({
        NoncurrentVersionExpiration: { NoncurrentDays: 365 },
        ExpiredObjectDeleteMarker: true,
        Status: 'Enabled',
      }),
    );
    expect(rules.filter((rule) => rule.Prefix === undefined).map((rule) => rule.ExpirationInDays)).toEqual([
      undefined,
    ]);
  });

  it("lets the stage's public origin post upload forms, and nothing else cross-origin", () => {
    expect(bucket.Properties.CorsConfiguration).toEqual({
      CorsRules: [
        {
          AllowedOrigins: [new URL(stateful.node.tryGetContext('stages').prod.publicBaseUrl).origin],
          AllowedMethods: ['POST'],
          AllowedHeaders: ['*'],
          ExposedHeaders: ['ETag'],
          MaxAge: 3000,
        },
      ],
    });
  });
});

describe('the stage settings', () => {
  const prod = (cdkContext.stages as Record<string, Record<string, unknown>>).prod;

  it('refuse a sender outside the SES identity, which the send grant would not allow', () => {
    expect(() =>
      readStageSettings({ prod: { ...prod, mailFromAddress: 'nieuws@elders.example.org' } }, 'prod'),
    ).toThrow(/mailFromAddress/);
  });

  it('refuse an unknown stage and name the known ones', () => {
    expect(() => readStageSettings({ prod }, 'acceptatie')).toThrow(/Unknown stage "acceptatie".*prod/);
  });

  it('require an address for the alarms', () => {
    expect(() => readStageSettings({ prod: { ...prod, alarmEmail: undefined } }, 'prod')).toThrow(
      /alarmEmail/,
    );
    expect(() => readStageSettings({ prod: { ...prod, alarmEmail: 'alarms' } }, 'prod')).toThrow(
      /alarmEmail/,
    );
  });

  it('refuse a log retention CloudWatch does not offer', () => {
    expect(() => readStageSettings({ prod: { ...prod, logRetentionDays: 42 } }, 'prod')).toThrow(
      /logRetentionDays/,
    );
  });
});
