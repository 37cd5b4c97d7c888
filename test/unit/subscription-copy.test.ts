import { describe, expect, it } from 'vitest';
import { InvalidToken } from '../../functions/core/errors';
import type { OutboxMail } from '../../functions/core/mailings/outbox';
import { fixedLinkKeys, TokenSigner } from '../../functions/core/tokens';
import { type HttpEvent, parseFormBody } from '../../functions/handlers/http/request';
import {
  composeSubscriptionConfirm,
  composeSubscriptionManageLink,
  composeSubscriptionWelcome,
} from '../../functions/web/mail/subscription-mails';
import { emptyNewsletterForm, renderNewsletterForm } from '../../functions/web/pages/newsletter';
import { FixedClock } from '../support/in-memory-ports';

const now = new Date('2027-03-27T12:00:00Z');
const context = {
  tokens: new TokenSigner(fixedLinkKeys('unit-test-secret-unit-test-secret-0123456789'), new FixedClock(now)),
  siteUrl: 'https://dropin.example.org',
  organiserAddress: 'bijeenkomsten@dropin.example.org',
  calendarDomain: 'dropin.example.org',
};
const mail = (kind: OutboxMail['kind']): OutboxMail => ({
  mailId: 'mail-1',
  kind,
  recipient: { personId: 'person-1', address: 'dilly@example.org' },
  data: { confirmationId: 'round-1', expiresAt: String(now.getTime() / 1000 + 7 * 86400) },
  createdAt: now.toISOString(),
});

describe('Dutch copy around subscriptions', () => {
  it('says plainly that a form cannot carry files', async () => {
    const body = new FormData();
    body.append('email', 'dilly@example.org');
    body.append('bijlage', new Blob(['x']), 'bijlage.txt');
    const request = new Request('http://localhost/', { method: 'POST', body });
    const event = {
      headers: { 'content-type': request.headers.get('content-type') ?? '' },
      body: Buffer.from(await request.arrayBuffer()).toString('base64'),
      isBase64Encoded: true,
    } as unknown as HttpEvent;

    await expect(parseFormBody(event)).rejects.toMatchObject({
      status: 400,
      message: 'Bestanden meesturen kan hier niet.',
    });
  });

  it('tells what to do with an expired link on any token page', () => {
    expect(new InvalidToken('expired').message).toBe(
      'Deze link is verlopen. Meld je opnieuw aan of neem contact op met de organisatie.',
    );
  });

  it('names no single topic in the subscription mails: people choose any of them', () => {
    for (const composed of [
      composeSubscriptionConfirm(mail('subscription-confirm'), context),
      composeSubscriptionWelcome(mail('subscription-welcome'), context),
      composeSubscriptionManageLink(mail('subscription-manage-link'), context),
    ]) {
      const words = `${composed.subject}\n${composed.text}`.replace(/https?:\/\/\S+/g, ''); // not the links' paths
      expect(words).not.toMatch(/nieuwsbrief/i);
      expect(words).toContain('e-mail van Drop In');
    }
  });

  it('writes "het landelijke kennisnetwerk" on the subscription form', () => {
    const page = renderNewsletterForm(emptyNewsletterForm);

    expect(page).toContain('het landelijke kennisnetwerk');
    expect(page).not.toContain('het landelijk kennisnetwerk');
  });
});
