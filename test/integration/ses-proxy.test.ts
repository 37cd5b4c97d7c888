import { randomUUID } from 'node:crypto';
import { SESv2Client, SESv2ServiceException, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  type SesEventBridgeEvent,
  type SesEventType,
  sesEventBridgeEvent,
  sesEventDetailTypes,
} from '../../functions/adapters/ses/events';
import { mailIdTag } from '../../functions/core/mailings/delivery';
import { localAwsSettings } from '../../local/engines/dynamodb-local';
import { Mailbox } from '../../local/engines/ses-emulator';
import {
  type SesErrorName,
  type SesProxy,
  type SesProxyEvent,
  sesErrors,
  sesFaultsPath,
  startSesProxy,
} from '../../local/engines/ses-proxy';

const run = randomUUID().slice(0, 8);
let serial = 0;
/** A recipient no other test (file) sends to: the emulator's inbox is shared by the whole run. */
const unique = (label: string, domain = 'example.org') => `${label}+${run}-${++serial}@${domain}`;

const published: SesProxyEvent[] = [];
const logged: string[] = [];
let proxy: SesProxy;
let client: SESv2Client;
let mailbox: Mailbox;

beforeAll(async () => {
  proxy = await startSesProxy({
    upstream: inject('sesEndpoint'),
    port: 0,
    configurationSetName: 'dropin-test',
    publish: async (event) => {
      // The contract of the SES events function; the proxy's type satisfies it too.
      const typed: SesEventBridgeEvent = event;
      sesEventBridgeEvent.parse(typed);
      published.push(event);
    },
    log: (line) => logged.push(line),
  });
  client = new SESv2Client({ ...localAwsSettings, endpoint: proxy.endpoint, maxAttempts: 1 });
  mailbox = new Mailbox(proxy.endpoint);
});
afterAll(async () => {
  client?.destroy();
  await proxy?.stop();
});

const send = (to: readonly string[], options: { mailId?: string; abortSignal?: AbortSignal } = {}) =>
  client.send(
    new SendEmailCommand({
      FromEmailAddress: 'Drop In <nieuws@dropin.example.org>',
      Destination: { ToAddresses: [...to] },
      Content: {
        Simple: {
          Subject: { Data: 'Hallo', Charset: 'UTF-8' },
          Body: { Text: { Data: 'Hallo', Charset: 'UTF-8' } },
        },
      },
      EmailTags: [{ Name: mailIdTag, Value: options.mailId ?? randomUUID() }],
    }),
    options.abortSignal ? { abortSignal: options.abortSignal } : {},
  );

/** The events published for mails to this address, in order, once the proxy is idle. */
const eventsTo = async (address: string): Promise<SesProxyEvent[]> => {
  await proxy.idle();
  return published.filter((event) => event.detail.mail.destination.includes(address));
};
const typesOf = (events: readonly SesProxyEvent[]): SesEventType[] =>
  events.map((event) => event.detail.eventType);

const rejection = async (sending: Promise<unknown>): Promise<SESv2ServiceException> => {
  const error = await sending.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(SESv2ServiceException);
  return error as SESv2ServiceException;
};

describe('the SES proxy in front of the emulator', () => {
  it('passes a send to the emulator and publishes Send and Delivery with the tags and its message id', async () => {
    const address = unique('reader');
    const mailId = randomUUID();

    const sent = await send([address], { mailId });

    const [mail, ...others] = await mailbox.to(address);
    expect(others).toHaveLength(0);
    expect(mail?.messageId).toBe(sent.MessageId);
    const events = await eventsTo(address);
    expect(typesOf(events)).toEqual(['Send', 'Delivery']);
    for (const event of events) {
      expect(event['detail-type']).toBe(sesEventDetailTypes[event.detail.eventType]);
      expect(event.resources).toEqual(['arn:aws:ses:eu-west-1:123456789012:configuration-set/dropin-test']);
      expect(event.detail.mail).toMatchObject({
        messageId: sent.MessageId,
        source: 'Drop In <nieuws@dropin.example.org>',
        destination: [address],
        commonHeaders: { subject: 'Hallo', to: [address] },
        tags: {
          [mailIdTag]: [mailId],
          'ses:configuration-set': ['dropin-test'],
          'ses:from-domain': ['dropin.example.org'],
        },
      });
    }
    expect(events[1]?.detail).toMatchObject({
      delivery: { recipients: [address], smtpResponse: '250 2.6.0 Message received' },
    });
    // The mailbox page passes through too.
    const page = await fetch(`${proxy.endpoint}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html');
  });

  it.each(Object.entries(sesErrors) as [SesErrorName, (typeof sesErrors)[SesErrorName]][])(
    'answers %s as SES does, and the mail goes nowhere',
    async (name, { status, message }) => {
      const address = unique('refused');
      proxy.faults.add({ kind: 'error', error: name, recipients: address, count: 1 });

      const error = await rejection(send([address]));

      expect(error.name).toBe(name);
      expect(error.message).toBe(message);
      expect(error.$metadata.httpStatusCode).toBe(status);
      expect(error.$fault).toBe(status < 500 ? 'client' : 'server');
      expect(await mailbox.to(address)).toEqual([]);
      expect(await eventsTo(address)).toEqual([]);
    },
  );

  it('limits a fault to the recipients it names, with its own message', async () => {
    const refused = unique('unverified');
    const welcome = unique('verified');
    const id = proxy.faults.add({
      kind: 'error',
      error: 'MessageRejected',
      message: 'Email address is not verified. The following identities failed the check.',
      recipients: (address) => address === refused,
    });

    const error = await rejection(send([refused]));
    await send([welcome]);

    expect(error.message).toBe('Email address is not verified. The following identities failed the check.');
    expect(await mailbox.to(welcome)).toHaveLength(1);
    expect(await mailbox.to(refused)).toEqual([]);
    expect(proxy.faults.list()).toContainEqual(expect.objectContaining({ id, recipients: '(predicate)' }));
    expect(proxy.faults.remove(id)).toBe(true);
  });

  it('ends a timed fault when its time is up', async () => {
    const address = unique('throttled');
    proxy.faults.add({ kind: 'error', error: 'TooManyRequestsException', recipients: address, forMs: 150 });

    const error = await rejection(send([address]));
    await new Promise((resolve) => setTimeout(resolve, 200));
    await send([address]);

    expect(error.$metadata.httpStatusCode).toBe(429);
    expect(await mailbox.to(address)).toHaveLength(1);
    expect(proxy.faults.list()).toEqual([]);
  });

  it('lets a counted fault affect exactly that many sends', async () => {
    const address = unique('quota');
    proxy.faults.add({ kind: 'error', error: 'LimitExceededException', recipients: address, count: 2 });

    const outcomes = [];
    for (let attempt = 0; attempt < 3; attempt += 1) {
      outcomes.push(
        await send([address]).then(
          () => 'sent',
          (error: Error) => error.name,
        ),
      );
    }

    expect(outcomes).toEqual(['LimitExceededException', 'LimitExceededException', 'sent']);
    expect(await mailbox.to(address)).toHaveLength(1);
    expect(proxy.faults.list()).toEqual([]);
  });

  it('holds the answer of an accepted mail: stored and Send published while the sender still waits', async () => {
    const address = unique('held');
    proxy.faults.add({ kind: 'hold-response', recipients: address, count: 1 });
    const abort = new AbortController();
    let settled = false;
    const sending = send([address], { abortSignal: abort.signal }).finally(() => {
      settled = true;
    });

    const mail = await mailbox.waitFor((stored) => stored.destination.to.includes(address));
    const deadline = Date.now() + 2_000;
    while (!typesOf(await eventsTo(address)).includes('Send') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const events = await eventsTo(address);

    expect(settled).toBe(false);
    expect(typesOf(events)).toEqual(['Send', 'Delivery']);
    expect(events[0]?.detail.mail.messageId).toBe(mail.messageId);
    abort.abort();
    await expect(sending).rejects.toThrow();
  });

  it('withholds the named events of the matching recipients only', async () => {
    const quiet = unique('quiet');
    const loud = unique('loud');
    proxy.faults.add({ kind: 'withhold-events', events: ['Delivery'], recipients: quiet });

    await send([quiet, loud]);

    const events = await eventsTo(quiet);
    expect(typesOf(events)).toEqual(['Send', 'Delivery']);
    expect(events[1]?.detail).toMatchObject({ delivery: { recipients: [loud] } });
    proxy.faults.clear();
    const sendWithheld = unique('unsent');
    proxy.faults.add({ kind: 'withhold-events', events: ['Send'], recipients: sendWithheld, count: 1 });
    await send([sendWithheld]);
    expect(typesOf(await eventsTo(sendWithheld))).toEqual(['Delivery']);
  });

  it('bounces bounce@simulator.amazonses.com permanently, +label kept, without a Delivery', async () => {
    const address = unique('bounce', 'simulator.amazonses.com');

    const sent = await send([address]);

    const events = await eventsTo(address);
    expect(typesOf(events)).toEqual(['Send', 'Bounce']);
    const bounce = events[1]?.detail;
    expect(bounce?.eventType === 'Bounce' && bounce.bounce).toMatchObject({
      bounceType: 'Permanent',
      bounceSubType: 'General',
      feedbackId: expect.stringMatching(/.{20,}/),
      bouncedRecipients: [
        {
          emailAddress: address,
          action: 'failed',
          status: '5.1.1',
          diagnosticCode: 'smtp; 550 5.1.1 user unknown',
        },
      ],
    });
    expect(bounce?.mail.messageId).toBe(sent.MessageId);
    expect(events[1]?.['detail-type']).toBe('Email Bounced');
  });

  it('delivers to complaint@simulator.amazonses.com, then publishes its complaint', async () => {
    const address = unique('complaint', 'simulator.amazonses.com');

    await send([address]);

    const events = await eventsTo(address);
    expect(typesOf(events)).toEqual(['Send', 'Delivery', 'Complaint']);
    const complaint = events[2]?.detail;
    expect(complaint?.eventType === 'Complaint' && complaint.complaint).toMatchObject({
      complainedRecipients: [{ emailAddress: address }],
      complaintFeedbackType: 'abuse',
      feedbackId: expect.stringMatching(/.{20,}/),
    });
  });

  it('sets, lists and clears faults over HTTP', async () => {
    const address = unique('remote');
    const faults = `${proxy.endpoint}${sesFaultsPath}`;
    const post = (body: unknown) =>
      fetch(faults, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });

    const invalid = await post({ error: 'NoSuchError' });
    const set = await post({ error: 'SendingPausedException', recipients: `/^remote\\+${run}-/i` });
    const listed = (await (await fetch(faults)).json()) as { faults: { id: string; recipients?: string }[] };
    const error = await rejection(send([address]));
    const cleared = await fetch(faults, { method: 'DELETE' });
    await send([address]);

    expect(invalid.status).toBe(400);
    expect(set.status).toBe(201);
    expect(listed.faults).toEqual([
      expect.objectContaining({
        kind: 'error',
        error: 'SendingPausedException',
        recipients: `/^remote\\+${run}-/i`,
      }),
    ]);
    expect(error.name).toBe('SendingPausedException');
    expect(await cleared.json()).toEqual({ cleared: 1 });
    expect(await mailbox.to(address)).toHaveLength(1);
  });

  it('fails the drawn share of the matching sends only, and spares the rest and other recipients', async () => {
    // The draws, in order; a send fails when its draw is below the share.
    const draws = [0.01, 0.5, 0.04, 0.9, 0.049, 0.05, 0.2, 0.99];
    const drawn: number[] = [];
    const shared = await startSesProxy({
      upstream: inject('sesEndpoint'),
      port: 0,
      publish: async () => undefined,
      log: () => undefined,
      random: () => {
        const draw = draws[drawn.length] ?? 1;
        drawn.push(draw);
        return draw;
      },
    });
    const sharedClient = new SESv2Client({ ...localAwsSettings, endpoint: shared.endpoint, maxAttempts: 1 });
    try {
      const flaky = unique('flaky');
      const spared = unique('spared');
      shared.faults.add({ kind: 'error', error: 'ServiceUnavailable', recipients: flaky, share: 0.05 });
      const sendTo = (address: string) =>
        sharedClient
          .send(
            new SendEmailCommand({
              FromEmailAddress: 'nieuws@dropin.example.org',
              Destination: { ToAddresses: [address] },
              Content: { Simple: { Subject: { Data: 'x' }, Body: { Text: { Data: 'x' } } } },
            }),
          )
          .then(
            () => 'sent',
            (error: Error) => error.name,
          );

      const outcomes: string[] = [];
      for (let attempt = 0; attempt < 8; attempt += 1) outcomes.push(await sendTo(flaky));
      // Another recipient does not match: nothing is drawn for it, and it is never failed.
      const other = await sendTo(spared);

      const failed = 'ServiceUnavailable';
      expect(outcomes).toEqual([failed, 'sent', failed, 'sent', failed, 'sent', 'sent', 'sent']);
      expect(other).toBe('sent');
      expect(drawn).toHaveLength(8);
      expect(await mailbox.to(flaky)).toHaveLength(5);
      expect(await mailbox.to(spared)).toHaveLength(1);
      expect(shared.faults.list()).toEqual([expect.objectContaining({ share: 0.05, error: failed })]);

      // A counted share fault is used up only by the sends it affects.
      shared.faults.clear();
      draws.splice(0, draws.length, 0.9, 0.1, 0.1);
      drawn.length = 0;
      shared.faults.add({ kind: 'error', error: 'InternalFailure', share: 0.5, count: 1, recipients: flaky });
      expect([await sendTo(flaky), await sendTo(flaky), await sendTo(flaky)]).toEqual([
        'sent',
        'InternalFailure',
        'sent',
      ]);
      expect(() => shared.faults.add({ kind: 'error', error: 'InternalFailure', share: 0 })).toThrow();
      expect(() => shared.faults.add({ kind: 'error', error: 'InternalFailure', share: 1.5 })).toThrow();
    } finally {
      sharedClient.destroy();
      await shared.stop();
    }
  });

  it('takes a share on the control path and refuses one out of range', async () => {
    const faults = `${proxy.endpoint}${sesFaultsPath}`;
    const post = (body: unknown) =>
      fetch(faults, { method: 'POST', body: JSON.stringify(body) }).then((response) => response.status);
    const address = unique('share');

    expect(await post({ error: 'ServiceUnavailable', share: 0 })).toBe(400);
    expect(await post({ error: 'ServiceUnavailable', share: 1.01 })).toBe(400);
    expect(await post({ error: 'ServiceUnavailable', share: 1, recipients: address, count: 1 })).toBe(201);
    expect((await rejection(send([address]))).name).toBe('ServiceUnavailable');
    await send([address]);
    expect(await mailbox.to(address)).toHaveLength(1);
  });

  it.each([
    { eventConcurrency: 8, atOnce: 6 },
    { eventConcurrency: 2, atOnce: 2 },
    // The control: one at a time, as the proxy published before a busy machine let its queue fall behind.
    { eventConcurrency: 1, atOnce: 1 },
  ])(
    "publishes $atOnce of six mails' events at once with eventConcurrency $eventConcurrency, each mail's in order",
    async ({ eventConcurrency, atOnce }) => {
      let open = 0;
      let most = 0;
      const order: string[] = [];
      // Every handler holds until all six mails were answered: then as many run as the proxy lets run.
      let release = () => {};
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      const concurrent = await startSesProxy({
        upstream: inject('sesEndpoint'),
        port: 0,
        eventConcurrency,
        publish: async (event) => {
          open += 1;
          most = Math.max(most, open);
          await gate;
          order.push(`${event.detail.mail.destination[0]} ${event.detail.eventType}`);
          open -= 1;
        },
        log: () => undefined,
      });
      const concurrentClient = new SESv2Client({
        ...localAwsSettings,
        endpoint: concurrent.endpoint,
        maxAttempts: 1,
      });
      try {
        const addresses = Array.from({ length: 6 }, (_, i) => unique(`tegelijk-${i}`));
        await Promise.all(
          addresses.map((address) =>
            concurrentClient.send(
              new SendEmailCommand({
                FromEmailAddress: 'nieuws@dropin.example.org',
                Destination: { ToAddresses: [address] },
                Content: { Simple: { Subject: { Data: 'x' }, Body: { Text: { Data: 'x' } } } },
              }),
            ),
          ),
        );
        // A mail's events are queued just after its answer: wait until as many as may run are running.
        for (let waited = 0; open < atOnce && waited < 5_000; waited += 20) {
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        release();
        await concurrent.idle();
        expect(most).toBe(atOnce);
        for (const address of addresses) {
          expect(order.filter((line) => line.startsWith(`${address} `))).toEqual([
            `${address} Send`,
            `${address} Delivery`,
          ]);
        }
      } finally {
        release();
        concurrentClient.destroy();
        await concurrent.stop();
      }
    },
  );

  it('on stop ends held answers and publishes what it accepted; a failing publish is logged', async () => {
    const lines: string[] = [];
    const seen: SesEventType[] = [];
    const second = await startSesProxy({
      upstream: inject('sesEndpoint'),
      port: 0,
      publish: async (event) => {
        seen.push(event.detail.eventType);
        if (event.detail.eventType === 'Send') throw new Error('handler down');
      },
      log: (line) => lines.push(line),
    });
    const address = unique('stopped');
    second.faults.add({ kind: 'hold-response' });
    const secondClient = new SESv2Client({ ...localAwsSettings, endpoint: second.endpoint, maxAttempts: 1 });
    try {
      const sending = secondClient.send(
        new SendEmailCommand({
          FromEmailAddress: 'nieuws@dropin.example.org',
          Destination: { ToAddresses: [address] },
          Content: { Simple: { Subject: { Data: 'x' }, Body: { Text: { Data: 'x' } } } },
        }),
      );
      await mailbox.waitFor((stored) => stored.destination.to.includes(address));

      await second.stop();

      await expect(sending).rejects.toThrow();
      expect(seen).toEqual(['Send', 'Delivery']);
      expect(lines.some((line) => line.includes('publishing Send') && line.includes('handler down'))).toBe(
        true,
      );
      expect(lines.join('\n')).not.toContain(address);
    } finally {
      secondClient.destroy();
    }
  });
});
