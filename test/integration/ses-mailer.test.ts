import { SESv2Client } from '@aws-sdk/client-sesv2';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { SesMailer } from '../../functions/adapters/ses-mailer';
import { localAwsSettings } from '../../local/engines/dynamodb-local';
import { Mailbox, mailHeader } from '../../local/engines/ses-emulator';

const client = new SESv2Client({ ...localAwsSettings, endpoint: inject('sesEndpoint') });
const mailbox = new Mailbox(inject('sesEndpoint'));
afterAll(() => client.destroy());

describe('SesMailer against the SES emulator', () => {
  it('sends one mail to the bare address with both parts, the sender name, headers and an attachment', async () => {
    const mailer = new SesMailer(client, { fromAddress: 'nieuws@dropin.example.org', fromName: 'Drop In' });
    const address = `reader-${Date.now()}@example.org`;
    const unsubscribe = 'https://dropin.example.org/nieuwsbrief/afmelden?token=abc';

    const sent = await mailer.send({
      to: { address, name: 'Ayşe de Vries' },
      subject: 'Welkom bij Drop In',
      html: '<!doctype html><html lang="nl"><body><p>Welkom</p></body></html>',
      text: 'Welkom',
      headers: [
        { name: 'List-Unsubscribe', value: `<${unsubscribe}>` },
        { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
      ],
      attachments: [
        {
          fileName: 'uitnodiging.ics',
          contentType: 'text/calendar; method=REQUEST',
          content: 'BEGIN:VCALENDAR',
        },
      ],
    });

    const [mail, ...others] = await mailbox.to(address);
    expect(others).toHaveLength(0);
    expect(sent.messageId).toBeTruthy();
    expect(mail?.destination.to).toEqual([address]);
    expect(mail?.from).toBe('Drop In <nieuws@dropin.example.org>');
    expect(mail?.subject).toBe('Welkom bij Drop In');
    expect(mail?.body.html).toContain('<html lang="nl">');
    expect(mail?.body.text).toBe('Welkom');
    expect(mail && mailHeader(mail, 'List-Unsubscribe')).toBe(`<${unsubscribe}>`);
    expect(mail && mailHeader(mail, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(mail?.attachments).toHaveLength(1);
    expect(Buffer.from(mail?.attachments[0]?.content ?? '', 'base64').toString()).toBe('BEGIN:VCALENDAR');
  });
});
