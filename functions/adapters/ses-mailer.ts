import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { Mailer, OutgoingMail, SentMail } from '../core/ports';

export interface SesMailerSettings {
  readonly fromAddress: string;
  /** Display name of the sender, e.g. `Drop In`. */
  readonly fromName: string;
  readonly replyTo?: string;
  /** Routes bounces and complaints to EventBridge (AWS); absent offline. */
  readonly configurationSet?: string;
}

/**
 * The Mailer port over SES v2 `SendEmail` with `Content.Simple`, which keeps custom headers
 * (List-Unsubscribe) and attachments (.ics) — the offline emulator drops both for Raw and bulk mail.
 * One call per recipient; the envelope carries the bare address only.
 */
export class SesMailer implements Mailer {
  readonly #from: string;

  constructor(
    private readonly client: SESv2Client,
    private readonly settings: SesMailerSettings,
  ) {
    this.#from = formatMailbox(settings.fromName, settings.fromAddress);
  }

  async send(mail: OutgoingMail): Promise<SentMail> {
    const utf8 = (data: string) => ({ Data: data, Charset: 'UTF-8' });
    const result = await this.client.send(
      new SendEmailCommand({
        FromEmailAddress: this.#from,
        Destination: { ToAddresses: [mail.to.address] },
        ...(this.settings.replyTo ? { ReplyToAddresses: [this.settings.replyTo] } : {}),
        ...(this.settings.configurationSet ? { ConfigurationSetName: this.settings.configurationSet } : {}),
        Content: {
          Simple: {
            Subject: utf8(mail.subject),
            Body: { Html: utf8(mail.html), Text: utf8(mail.text) },
            ...(mail.headers?.length
              ? { Headers: mail.headers.map((header) => ({ Name: header.name, Value: header.value })) }
              : {}),
            ...(mail.attachments?.length
              ? {
                  Attachments: mail.attachments.map((attachment) => ({
                    FileName: attachment.fileName,
                    ContentType: attachment.contentType,
                    ContentDisposition: attachment.disposition === 'inline' ? 'INLINE' : 'ATTACHMENT',
                    RawContent:
                      typeof attachment.content === 'string'
                        ? new TextEncoder().encode(attachment.content)
                        : attachment.content,
                  })),
                }
              : {}),
          },
        },
      }),
    );
    if (!result.MessageId) throw new Error('SES accepted the mail but returned no message id');
    return { messageId: result.MessageId };
  }
}

/**
 * `Name <address>` per RFC 5322: a display name with specials is quoted; a non-ASCII one becomes an
 * RFC 2047 encoded word, which SES requires for non-ASCII display names.
 */
export const formatMailbox = (name: string, address: string): string => {
  if (/[^\x20-\x7e]/.test(name)) {
    return `=?UTF-8?B?${Buffer.from(name, 'utf8').toString('base64')}?= <${address}>`;
  }
  if (/[()<>[\]:;@\\,."]/.test(name)) return `"${name.replace(/["\\]/g, '\\$&')}" <${address}>`;
  return `${name} <${address}>`;
};
