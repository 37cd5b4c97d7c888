import type { MailRate, MailRateChange } from '../../core/people/mail-rate';
import { mailRateWindowSeconds } from '../../core/retention';
import { keys, listedForPerson } from './table-design';
import type { TransactItem } from './transactions';

/** The mail rate as read from its item (absent: nothing sent yet). */
export const mailRateFrom = (item: Record<string, unknown> | undefined): MailRate => ({
  sentAt: (item?.sentAt as number[] | undefined) ?? [],
  version: (item?.version as number | undefined) ?? 0,
});

/** The conditional Put of a mail-rate change, for the transaction that queues the mail. Expires after its hour. */
export const mailRatePut = (
  tableName: string,
  personId: string,
  { previous, sentAt }: MailRateChange,
): TransactItem => ({
  Put: {
    TableName: tableName,
    Item: listedForPerson({
      ...keys.mailRate(personId),
      entity: 'MailRate',
      sentAt,
      version: previous.version + 1,
      expiresAt: Math.max(...sentAt) + mailRateWindowSeconds,
    }),
    ...(previous.version > 0
      ? {
          ConditionExpression: 'version = :version',
          ExpressionAttributeValues: { ':version': previous.version },
        }
      : { ConditionExpression: 'attribute_not_exists(PK)' }),
  },
});
