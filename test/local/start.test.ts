import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { keys } from '../../functions/adapters/dynamo/table-design';
import { localAwsSettings } from '../../local/engines/dynamodb-local';
import { Mailbox } from '../../local/engines/ses-emulator';
import { seedVersion } from '../../local/seed';
import {
  cleanUpStarts,
  freshSettings,
  npmStart,
  processesUsing,
  siteAnswers,
  stopWithSigterm,
} from '../support/npm-start';

afterEach(cleanUpStarts);

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

describe('npm start', () => {
  it('serves the site on an empty data folder, stops every child on SIGTERM and keeps confirmed subscribers for the next start', async () => {
    const settings = await freshSettings();

    const first = npmStart(settings);
    await siteAnswers(first, settings.sitePort, 60_000);

    const tokenFile = join(settings.dataDir, 'organiser.jwt');
    expect(existsSync(tokenFile)).toBe(true);
    const me = await fetch(`http://127.0.0.1:${settings.sitePort}/api/organiser/me`, {
      headers: { authorization: `Bearer ${readFileSync(tokenFile, 'utf8').trim()}` },
    });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ groups: ['organisers'] });
    const site = `http://127.0.0.1:${settings.sitePort}`;

    // A local command from another terminal, which knows the port but not DROPIN_DATA_DIR, signs with the
    // running system's key: the server takes its token.
    const { DROPIN_DATA_DIR: _, ...otherTerminal } = process.env;
    // Run without blocking this process: a synchronous child would stall its HTTP client, which then reuses
    // a kept-alive socket the server closed meanwhile.
    const localCommand = async (...args: string[]) =>
      (
        await promisify(execFile)('npm', ['run', '-s', 'local', '--', ...args], {
          cwd: repoRoot,
          env: { ...otherTerminal, PORT: String(settings.sitePort) },
          encoding: 'utf8',
        })
      ).stdout.trim();
    const commandToken = await localCommand('token');
    const meByCommand = await fetch(`${site}/api/organiser/me`, {
      headers: { authorization: `Bearer ${commandToken}` },
    });
    expect(meByCommand.status).toBe(200);
    const firstIdentity = (await meByCommand.json()) as { subject: string; email: string };
    // A second organiser (the one who approves a large mailing) is another identity.
    const secondToken = await localCommand('token', '--user', 'Anouk Çelik');
    const second = await fetch(`${site}/api/organiser/me`, {
      headers: { authorization: `Bearer ${secondToken}` },
    });
    expect(second.status).toBe(200);
    const secondIdentity = (await second.json()) as { subject: string; email: string; name: string };
    expect(secondIdentity).toMatchObject({ email: 'anouk.celik@example.org', name: 'Anouk Çelik' });
    expect(secondIdentity.subject).not.toBe(firstIdentity.subject);
    const organiserList = async () => {
      const token = readFileSync(tokenFile, 'utf8').trim();
      const response = await fetch(`${site}/api/organiser/subscribers?status=active`, {
        headers: { authorization: `Bearer ${token}` },
      });
      return ((await response.json()) as { items: { email: string }[] }).items.map((item) => item.email);
    };
    const client = new DynamoDBClient({
      ...localAwsSettings,
      endpoint: `http://127.0.0.1:${settings.dynamoDbPort}`,
    });
    const documents = DynamoDBDocumentClient.from(client);
    try {
      // A confirmed subscriber, made the way a reader makes one: the relay delivers the opt-in mail.
      const email = 'herstart@example.org';
      const subscribed = await fetch(`${site}/api/subscriptions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, consent: true }),
      });
      expect(subscribed.status).toBe(202);
      const optIn = await new Mailbox(`http://127.0.0.1:${settings.sesPort}`).waitFor(
        (mail) => mail.destination.to.includes(email),
        { timeoutMs: 15_000 },
      );
      const confirmUrl = new URL(
        optIn.body.text?.match(/http:\/\/\S+\/nieuwsbrief\/bevestigen\?token=\S+/)?.[0] ?? '',
      );
      const confirmed = await fetch(`${site}${confirmUrl.pathname}${confirmUrl.search}`, { method: 'POST' });
      expect(confirmed.status).toBe(200);
      expect(await organiserList()).toContain(email);

      await stopWithSigterm(first, settings);
      expect(first.output()).not.toMatch(/\n\s+at /);

      const second = npmStart(settings);
      await siteAnswers(second, settings.sitePort, 60_000);
      expect(second.output()).toContain('demo data: already-seeded');
      const marker = await documents.send(
        new GetCommand({ TableName: 'dropin', Key: keys.seedMarker(seedVersion) }),
      );
      expect(marker.Item).toBeDefined();
      expect(await organiserList()).toContain(email);
      await stopWithSigterm(second, settings);
    } finally {
      client.destroy();
    }
  }, 120_000);

  it('explains a taken port in one line, exits 1 and leaves nothing running', async () => {
    const settings = await freshSettings();
    const squatter: Server = createServer();
    await new Promise<void>((resolveListen) =>
      squatter.listen(settings.dynamoDbPort, '127.0.0.1', resolveListen),
    );
    try {
      const start = npmStart(settings);

      expect(await start.exited).toBe(1);
      expect(start.output()).toContain(
        `Cannot start: Port ${settings.dynamoDbPort} (DynamoDB Local) is already in use; stop what uses it or choose another port with DROPIN_DYNAMODB_PORT=<port>.`,
      );
      expect(start.output()).not.toMatch(/\n\s+at /);
      expect(processesUsing(settings.dataDir)).toEqual([]);
    } finally {
      await new Promise((resolveClose) => squatter.close(resolveClose));
    }
  }, 60_000);

  it('explains a missing Java in one line and exits 1', async () => {
    const settings = await freshSettings();
    // A PATH with node, npm and the shell npm runs scripts with, but no java.
    const bin = join(settings.dataDir, 'bin');
    mkdirSync(bin);
    const npmPath = (process.env.PATH ?? '')
      .split(delimiter)
      .map((dir) => join(dir, 'npm'))
      .find((candidate) => existsSync(candidate));
    expect(npmPath).toBeDefined();
    symlinkSync(process.execPath, join(bin, 'node'));
    symlinkSync(npmPath as string, join(bin, 'npm'));
    symlinkSync('/bin/sh', join(bin, 'sh'));

    const start = npmStart({ ...settings, path: bin });

    expect(await start.exited).toBe(1);
    expect(start.output()).toContain(
      'Cannot start: DynamoDB Local needs Java 17 or newer, but "java" was not found',
    );
    expect(start.output()).not.toMatch(/\n\s+at /);
  }, 60_000);
});
