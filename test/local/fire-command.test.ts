import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DynamoMeetingLifecycle } from '../../functions/adapters/dynamo/meeting-lifecycle';
import { TableScheduler } from '../../functions/adapters/dynamo/table-scheduler';
import { reminderAt, reminderScheduleName } from '../../functions/core/meetings/model';
import { dataPaths, newTokenSecret } from '../../local/data-dir';
import { localAwsSettings } from '../../local/engines/dynamodb-local';
import { findFreePort } from '../../local/engines/ports';
import { localTableName } from '../../local/runtime';
import { ensureTable } from '../../local/table';
import { meetingFixture } from '../support/meeting-fixtures';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const dynamoDbEndpoint = inject('dynamoDbEndpoint');
const sesEndpoint = inject('sesEndpoint');
const client = new DynamoDBClient({ ...localAwsSettings, endpoint: dynamoDbEndpoint });
const schedules = new TableScheduler(DynamoDBDocumentClient.from(client), localTableName);
const dataDir = mkdtempSync(join(tmpdir(), 'dropin-fire-'));

beforeAll(async () => {
  // `fire` works on the table of the running `npm start` ('dropin'); here that is the run's DynamoDB Local.
  await ensureTable(client, localTableName);
  writeFileSync(dataPaths(dataDir).tokenSecret, `${newTokenSecret()}\n`);
});
afterAll(async () => {
  await client.send(new DeleteTableCommand({ TableName: localTableName })).catch(() => undefined);
  client.destroy();
  rmSync(dataDir, { recursive: true, force: true });
});

interface CommandResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `npm run -s local -- fire …` against the run's engines, as a developer runs it beside `npm start`. */
const fire = async (...args: string[]): Promise<CommandResult> => {
  const env = {
    ...process.env,
    DROPIN_DATA_DIR: dataDir,
    DROPIN_DYNAMODB_PORT: new URL(dynamoDbEndpoint).port,
    DROPIN_SES_PORT: new URL(sesEndpoint).port,
    PORT: String(await findFreePort()),
  };
  return new Promise((resolveRun) => {
    execFile(
      'npm',
      ['run', '-s', 'local', '--', 'fire', ...args],
      { cwd: repoRoot, env, timeout: 30_000 },
      (error, stdout, stderr) =>
        resolveRun({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
};

describe('npm run local -- fire', () => {
  it('is a usage error (exit 2) without exactly one well-formed schedule name', async () => {
    const [none, two, malformed] = await Promise.all([fire(), fire('a', 'b'), fire('reminder x')]);

    for (const result of [none, two, malformed]) {
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('Usage: npm run local -- <command>');
    }
    expect(none.stderr).toContain('fire: name the schedule');
    expect(malformed.stderr).toContain('Not a schedule name');
  }, 60_000);

  it('says so in one line for a name it does not know, and exits 1', async () => {
    const result = await fire('reminder-unknown');

    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      'No schedule named reminder-unknown (it may have fired already, or been cancelled). Reminders are named reminder-<meetingId>.',
    );
  }, 30_000);

  it('runs the schedule’s function now, though it is not due, and deletes the schedule', async () => {
    const name = 'reminder-fire-command-test';
    // A reminder of a meeting that does not exist: the function runs and queues nothing.
    await schedules.scheduleOnce(name, new Date(Date.now() + 24 * 3_600_000), {
      kind: 'meeting-reminder',
      meetingId: 'fire-command-test',
    });

    const result = await fire(name);

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Fired ${name}; the schedule is done and deleted.`);
    expect(await schedules.find(name)).toBeUndefined();
  }, 30_000);

  it('keeps a meeting’s reminder schedule that is fired too early, and says until when, every time', async () => {
    const startsAt = new Date(Date.now() + 14 * 24 * 3_600_000);
    const meeting = meetingFixture({
      meetingId: 'fire-command-early',
      status: 'published',
      startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + 3 * 3_600_000).toISOString(),
    });
    await new DynamoMeetingLifecycle(DynamoDBDocumentClient.from(client), localTableName).createMeeting(
      meeting,
    );
    const name = reminderScheduleName(meeting.meetingId);
    await schedules.scheduleOnce(name, reminderAt(meeting), {
      kind: 'meeting-reminder',
      meetingId: meeting.meetingId,
    });

    for (const attempt of [1, 2]) {
      const result = await fire(name);
      expect({ attempt, code: result.code }).toEqual({ attempt, code: 1 });
      expect(result.stderr.trim()).toMatch(
        new RegExp(`^${name} is early: its job runs only from .+ and did nothing; the schedule is kept\\.$`),
      );
      expect(await schedules.find(name)).toMatchObject({ name, dueAt: reminderAt(meeting).toISOString() });
    }
  }, 60_000);
});
