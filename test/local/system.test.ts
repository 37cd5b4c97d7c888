import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableDesign } from '../../functions/adapters/dynamo/table-design';
import { localAwsSettings } from '../../local/engines/dynamodb-local';
import { startTestSystem, type TestSystem } from '../support/system';

let system: TestSystem;
beforeAll(async () => {
  system = await startTestSystem();
});
afterAll(() => system?.stop());

describe('the test system', () => {
  it('gives the file its own table, built from tableDesign', async () => {
    const { Table } = await system.dynamoDbClient.send(
      new DescribeTableCommand({ TableName: system.tableName }),
    );

    expect(system.tableName).toMatch(/^dropin-test-[0-9a-f]{8}$/);
    expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName)).toEqual(
      tableDesign.globalIndexes.map((index) => index.indexName),
    );
  });

  it('configures the handlers as npm start does, pointed at this test server', async () => {
    const response = await system.fetch('/');

    expect(response.status).toBe(200);
    expect(process.env.TABLE_NAME).toBe(system.tableName);
    expect(process.env.PUBLIC_BASE_URL).toBe(system.baseUrl);
    expect(process.env.TOKEN_SECRET?.length).toBeGreaterThanOrEqual(32);
    expect(process.env.DYNAMODB_ENDPOINT).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(process.env.SES_ENDPOINT).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('signs organiser tokens its server accepts', async () => {
    const withToken = await system.fetchAsOrganiser(
      '/api/organiser/me',
      {},
      { email: 'mo.jansen@example.org' },
    );
    const without = await system.fetch('/api/organiser/me');

    expect(withToken.status).toBe(200);
    expect(await withToken.json()).toMatchObject({ email: 'mo.jansen@example.org', groups: ['organisers'] });
    expect(without.status).toBe(401);
  });

  it('runs once per test file, because handlers keep the configuration they were first imported with', async () => {
    await expect(startTestSystem()).rejects.toThrow(/once per test file/);
  });

  it("reads one recipient's mail from the shared inbox", async () => {
    const ses = new SESv2Client({ ...localAwsSettings, endpoint: process.env.SES_ENDPOINT });
    const recipient = `inbox-${Date.now()}@example.org`;
    try {
      for (const to of [recipient, `x${recipient}`]) {
        await ses.send(
          new SendEmailCommand({
            FromEmailAddress: 'Drop In <nieuws@dropin.example.org>',
            Destination: { ToAddresses: [to] },
            Content: { Simple: { Subject: { Data: `Voor ${to}` }, Body: { Text: { Data: 'Hallo' } } } },
          }),
        );
      }

      const mails = await system.mailbox.to(recipient.toUpperCase());

      expect(mails.map((mail) => mail.subject)).toEqual([`Voor ${recipient}`]);
    } finally {
      ses.destroy();
    }
  });
});
