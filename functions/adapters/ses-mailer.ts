import {
  SESv2Client,
  type SESv2ClientConfig,
  SendEmailCommand,
  type SendEmailCommandOutput,
} from '@aws-sdk/client-sesv2';
import { MailRejected, SendingUnavailable, SendOutcomeUnknown } from '../core/mailings/delivery';
import type { Mailer, OutgoingMail, SendOptions, SentMail } from '../core/ports';
import { redactAddresses } from './redaction';

export interface SesMailerSettings {
  readonly fromAddress: string;
  /** Display name of the sender, e.g. `Drop In`. */
  readonly fromName: string;
  readonly replyTo?: string;
  /** Routes bounces and complaints to EventBridge (AWS); absent offline. */
  readonly configurationSet?: string;
}

/**
 * An SES v2 client. Built here, next to the one command it sends, so a composition that loads this module
 * on first use (functions/composition/mail.ts) bundles only that command of the SDK.
 */
export const sesClient = (config: SESv2ClientConfig): SESv2Client => new SESv2Client(config);

/** SES errors about this one mail: sending it again cannot succeed. */
const rejectedErrors = new Set(['MessageRejected', 'BadRequestException']);
/** SES errors about the account: every mail waits until they pass (the operator's to fix, or time's). */
const accountErrors = new Map<string, 'throttled' | 'quota' | 'paused'>([
  ['AccountSuspendedException', 'paused'],
  ['SendingPausedException', 'paused'],
  ['MailFromDomainNotVerifiedException', 'paused'],
  ['TooManyRequestsException', 'throttled'],
  ['Throttling', 'throttled'],
  ['ThrottlingException', 'throttled'],
  ['LimitExceededException', 'quota'],
]);
/** Failures before the request left this process: SES cannot have seen it. */
const notSentCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ConnectTimeoutError']);

/**
 * Which class of failure an SES error is (core/mailings/delivery.ts): the mail's own (rejected), the
 * account's (unavailable), unknown whether it went out (a timeout, an abort, a connection lost after the
 * request was written), or anything else (infrastructure, retried). The message never carries an address.
 */
export const classifySendError = (error: unknown): Error => {
  if (!(error instanceof Error)) return new Error(String(error));
  const message = redactAddresses(`${error.name}: ${error.message}`);
  if (rejectedErrors.has(error.name)) return new MailRejected(message);
  // SES has answered the daily quota under a throttling name too; its message tells them apart.
  const account = /daily message quota/i.test(error.message) ? 'quota' : accountErrors.get(error.name);
  if (account) return new SendingUnavailable(message, account);
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && notSentCodes.has(code)) return error;
  if (error.name === 'AbortError' || error.name === 'TimeoutError' || code === 'ECONNRESET') {
    return new SendOutcomeUnknown(message);
  }
  return error;
};

/**
 * The Mailer port over SES v2 `SendEmail` with `Content.Simple`, which keeps custom headers
 * (List-Unsubscribe) and attachments (.ics) — the offline emulator drops both for Raw and bulk mail.
 * One call per recipient; the envelope carries the bare address only. Every mail carries its tags as SES
 * EmailTags, so SES's events about it can be matched to the outbox. Errors are classified for the delivery.
 */
export class SesMailer implements Mailer {
  readonly #from: string;

  constructor(
    private readonly client: SESv2Client,
    private readonly settings: SesMailerSettings,
  ) {
    this.#from = formatMailbox(settings.fromName, settings.fromAddress);
  }

  async send(mail: OutgoingMail, options: SendOptions = {}): Promise<SentMail> {
    const utf8 = (data: string) => ({ Data: data, Charset: 'UTF-8' });
    const tags = Object.entries(options.tags ?? {});
    const command = new SendEmailCommand({
      FromEmailAddress: this.#from,
      Destination: { ToAddresses: [mail.to.address] },
      ...(this.settings.replyTo ? { ReplyToAddresses: [this.settings.replyTo] } : {}),
      ...(this.settings.configurationSet ? { ConfigurationSetName: this.settings.configurationSet } : {}),
      ...(tags.length ? { EmailTags: tags.map(([Name, Value]) => ({ Name, Value })) } : {}),
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
    });
    let result: SendEmailCommandOutput;
    try {
      result = await this.client.send(command, options.signal ? { abortSignal: options.signal } : {});
    } catch (error) {
      throw classifySendError(error);
    }
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
