import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amsterdamInstant } from '../../functions/core/amsterdam-time';
import { digestMailingId, digestTimeFrom, draftDateOf } from '../../functions/core/mailings/vooruitblik';
import { PersonIds } from '../../functions/core/people/person-id';
import { defaultOrganiser } from '../../local/auth/organiser-auth';
import { createLambdaContext } from '../../local/http/lambda-context';
import { startMailingSender } from '../../local/sender/mailing-sender';
import { jsonRequest } from '../support/meetings-api';
import { putItems, subscriberItems } from '../support/subscriber-items';
import { startTestSystem, type TestSystem } from '../support/system';
import { waitFor } from '../support/wait-for';

/**
 * The Vooruitblik against DynamoDB Local and the SES emulator: its function fired as its recurring schedules
 * fire it (the event names the scheduled time), the preview alert read in the mailbox and followed, the
 * approval through the organiser API.
 */

let system: TestSystem;
let fire: (step: 'draft' | 'send', at: Date) => Promise<{ outcome: string; digestFor: string }>;
beforeAll(async () => {
  // An allowance, so the proxy answers the sender's GetAccount as SES does (the emulator has none).
  system = await startTestSystem({ logLevel: 'ERROR', sesAllowance: { maxSendRate: 14, max24HourSend: -1 } });
  // The function reads its configuration when first imported: after the system set the environment.
  const { handler } = await import('../../functions/handlers/vooruitblik');
  fire = async (step, at) =>
    (await handler(
      { kind: 'vooruitblik', step, scheduledAt: at.toISOString() },
      createLambdaContext('vooruitblik', 'eu-west-1') as Context,
    )) as { outcome: string; digestFor: string };
});
afterAll(() => system?.stop());

/** This month's digest (its news counts from the month before, which lies in the past) and its draft day. */
const digest = digestTimeFrom(new Date());
const [year, month, day] = draftDateOf(digest).split('-').map(Number) as [number, number, number];
const draftDay = amsterdamInstant({ year, month, day, hour: 9, minute: 0 });
const mailingId = digestMailingId(digest);

const mailing = async (id: string) => {
  const response = await system.fetchAsOrganiser(`/api/organiser/mailings/${id}`);
  return response.status === 404 ? undefined : ((await response.json()) as Record<string, unknown>);
};

describe('the Vooruitblik', () => {
  it('with no news drafts nothing and sends nothing, however often it fires', async () => {
    expect((await fire('draft', draftDay)).outcome).toBe('no-news');
    expect((await fire('draft', draftDay)).outcome).toBe('no-news');
    expect((await fire('send', digest)).outcome).toBe('no-digest');
    expect((await fire('send', digest)).outcome).toBe('no-digest');
    expect(await mailing(mailingId)).toBeUndefined();
  });

  it('with news is drafted once, previewed through the mailed link, and sent once when approved, however often it fires', async () => {
    const since = new Date();
    const ids = new PersonIds(process.env.TOKEN_SECRET ?? '');
    const readers = [1, 2].map((i) => `lezer-${i}-${Date.now()}@example.org`);
    await putItems(
      system.documentClient,
      system.tableName,
      readers.flatMap((email, i) =>
        subscriberItems({ email, personId: ids.of(email), name: `Lezer ${i}`, topics: ['nieuwsbrief'] }),
      ),
    );
    const created = await system.fetchAsOrganiser(
      '/api/organiser/reports',
      jsonRequest('POST', {
        title: 'Literatuuroverzicht jongerenwerk en preventie',
        kind: 'publicatie',
        summary: 'Wat onderzoek zegt over jongerenwerk en het voorkomen van criminaliteit.',
        body: 'Tekst',
        publishedOn: '2026-11-30',
      }),
    );
    const report = (await created.json()) as { reportId: string };
    expect(
      (await system.fetchAsOrganiser(`/api/organiser/reports/${report.reportId}/publish`, { method: 'POST' }))
        .status,
    ).toBe(200);

    // The draft schedule fires twice at once: one digest, one preview alert.
    const outcomes = await Promise.all([fire('draft', draftDay), fire('draft', draftDay)]);
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(['drafted', 'exists']);
    expect(await mailing(mailingId)).toMatchObject({
      status: 'draft',
      digestFor: digest.toISOString(),
      audience: { topics: ['nieuwsbrief'] },
      body: expect.stringContaining('Literatuuroverzicht jongerenwerk en preventie'),
    });
    const alert = await system.mailbox.waitFor(
      (mail) =>
        mail.destination.to.includes(defaultOrganiser.email) &&
        mail.subject.startsWith('Keur de Vooruitblik goed'),
      { since },
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const alerts = (await system.mailbox.to(defaultOrganiser.email, since)).filter((mail) =>
      mail.subject.startsWith('Keur de Vooruitblik goed'),
    );
    expect(alerts).toHaveLength(1);

    // The link shows the mail as readers get it; a tampered one is refused.
    const link = /href="([^"]*\/vooruitblik\/voorbeeld\?token=[^"]+)"/
      .exec(alert.body.html ?? '')?.[1]
      ?.replaceAll('&amp;', '&');
    expect(link).toBeDefined();
    const path = new URL(link ?? '').pathname + new URL(link ?? '').search;
    const preview = await system.fetch(path);
    const page = await preview.text();
    expect(preview.status).toBe(200);
    expect(page).toContain('Voorbeeld van de Vooruitblik');
    expect(page).toContain('Nog niet goedgekeurd');
    expect(page).toContain('Literatuuroverzicht jongerenwerk en preventie');
    expect(preview.headers.get('content-security-policy')).toContain("default-src 'none'");
    // One character of the signature changed (the one before the last: the last carries padding bits). It was
    // chosen by the last character, so a token whose second-to-last was already that one went unchanged.
    const changed = path.at(-2) === 'A' ? 'B' : 'A';
    const tampered = await system.fetch(`${path.slice(0, -2)}${changed}${path.slice(-1)}`);
    expect(tampered.status).toBeGreaterThanOrEqual(400);
    expect(tampered.status).toBeLessThan(500);

    // It cannot be sent by hand; an organiser approves it (it has no author, so anyone may).
    expect(
      (await system.fetchAsOrganiser(`/api/organiser/mailings/${mailingId}/send`, { method: 'POST' })).status,
    ).toBe(409);
    const { version } = (await mailing(mailingId)) as { version: number };
    const approved = await system.fetchAsOrganiser(`/api/organiser/mailings/${mailingId}/approve`, {
      method: 'POST',
      headers: { 'if-match': `"${version}"` },
    });
    expect(approved.status).toBe(200);

    // The send schedule fires twice at once: it starts once.
    const sends = await Promise.all([fire('send', digest), fire('send', digest)]);
    expect(sends.map((o) => o.outcome).sort()).toEqual(['ignored', 'sent']);
    expect((await mailing(mailingId))?.status).toBe('sending');
    expect((await fire('send', digest)).outcome).toBe('ignored');

    // The mailing sender sends it: each reader gets one digest.
    const sender = await startMailingSender({
      LOG_LEVEL: 'ERROR',
      DROPIN_SENDER_POLL_MS: '200',
      DROPIN_SENDER_LEASE_MS: '2000',
      DROPIN_SENDER_CLAIM_MS: '6000',
      DROPIN_SENDER_EVENT_WAIT_MS: '6000',
    });
    try {
      await waitFor(
        'the Vooruitblik to be sent',
        async () => ((await mailing(mailingId))?.status === 'sent' ? true : undefined),
        30_000,
      );
    } finally {
      await sender.stop();
    }
    for (const reader of readers) {
      const digests = (await system.mailbox.to(reader, since)).filter((mail) =>
        mail.subject.startsWith('Vooruitblik '),
      );
      expect(digests).toHaveLength(1);
      expect(digests[0]?.body.html).toContain('Literatuuroverzicht jongerenwerk en preventie');
    }
  }, 60_000);

  it('is cancelled unsent when nobody approved it by its time', async () => {
    const next = digestTimeFrom(new Date(digest.getTime() + 1));
    const [y, m, d] = draftDateOf(next).split('-').map(Number) as [number, number, number];
    // Its news: a report published now counts for it too (nothing was sent for it since).
    const created = await system.fetchAsOrganiser(
      '/api/organiser/reports',
      jsonRequest('POST', {
        title: 'Tussentijdse resultaten werkplaats Noord',
        kind: 'tussentijdse-resultaten',
        summary: 'Eerste bevindingen.',
        body: 'Tekst',
        publishedOn: '2026-12-01',
      }),
    );
    const { reportId } = (await created.json()) as { reportId: string };
    await system.fetchAsOrganiser(`/api/organiser/reports/${reportId}/publish`, { method: 'POST' });
    expect(
      (await fire('draft', amsterdamInstant({ year: y, month: m, day: d, hour: 9, minute: 0 }))).outcome,
    ).toBe('drafted');

    expect((await fire('send', next)).outcome).toBe('not-approved');
    expect(await mailing(digestMailingId(next))).toMatchObject({
      status: 'cancelled',
      notice: expect.stringContaining('niet verstuurd'),
    });
  });
});
