import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  outboxEntryFromItem,
  outboxMailFromItem,
  outboxPut,
  outboxRefFromKeys,
  outboxStreamFilter,
} from '../../functions/adapters/dynamo/outbox';
import { keys } from '../../functions/adapters/dynamo/table-design';
import { matchesEventFilter } from '../../functions/adapters/event-filter';
import type { OutboxMail } from '../../functions/core/mailings/outbox';

const mail: OutboxMail = {
  mailId: '01JQ0000000000000000000000',
  kind: 'subscription-confirm',
  recipient: { personId: 'person-7f3a', address: 'sanne.de.wit@example.org', name: 'Sanne de Wit' },
  data: { confirmationId: 'conf-42' },
  createdAt: '2027-10-31T01:30:00.000Z',
};

const streamRecord = (eventName: 'INSERT' | 'MODIFY' | 'REMOVE', key: { PK: string; SK: string }) =>
  ({
    eventName,
    eventSource: 'aws:dynamodb',
    dynamodb: { Keys: { PK: { S: key.PK }, SK: { S: key.SK } }, SequenceNumber: '100' },
  }) satisfies DynamoDBRecord;

describe('the outbox item', () => {
  it('reads back from its item exactly as it was written', () => {
    const { Item } = outboxPut('dropin', mail).Put;

    expect(outboxEntryFromItem(Item)).toEqual({ ok: true, entry: { type: 'mail', mail } });
  });

  it('keeps a recipient without a name without one', () => {
    const { name: _, ...recipient } = mail.recipient;
    const { Item } = outboxPut('dropin', { ...mail, recipient }).Put;

    const reading = outboxMailFromItem(Item);

    expect(reading.ok && reading.mail.recipient).toEqual(recipient);
  });

  it('reports a malformed item with its ids and problems, never with the address or name', () => {
    const { Item } = outboxPut('dropin', mail).Put;
    const broken = {
      ...Item,
      kind: 'newsletter',
      recipient: { ...mail.recipient, address: 'sanne at example' },
    };

    const reading = outboxMailFromItem(broken);

    expect(reading).toEqual({
      ok: false,
      mailId: mail.mailId,
      kind: 'newsletter',
      problems: ['kind: invalid_value', 'recipient.address: invalid_format'],
    });
    expect(JSON.stringify(reading)).not.toMatch(/sanne|Sanne/);
  });

  it('refuses an item whose key does not carry its mailId, or no item at all', () => {
    const { Item } = outboxPut('dropin', mail).Put;

    expect(outboxMailFromItem({ ...Item, ...keys.outboxMail('another') }).ok).toBe(false);
    expect(outboxEntryFromItem({}).ok).toBe(false);
  });
});

describe('the outbox stream filter', () => {
  it('passes a newly inserted outbox mail', () => {
    expect(matchesEventFilter(outboxStreamFilter, streamRecord('INSERT', keys.outboxMail('m-1')))).toBe(true);
  });

  it('lets a newly inserted outbox job through, and names mail and job apart by their keys', () => {
    const job = streamRecord('INSERT', keys.outboxJob('j-1'));

    expect(matchesEventFilter(outboxStreamFilter, job)).toBe(true);
    expect(outboxRefFromKeys(job.dynamodb.Keys)).toEqual({ id: 'j-1', type: 'job' });
    expect(outboxRefFromKeys(streamRecord('INSERT', keys.outboxMail('m-1')).dynamodb.Keys)).toEqual({
      id: 'm-1',
      type: 'mail',
    });
  });

  it('is written pending, due at once for the stream and listed for the sweeper after the stream’s grace', () => {
    const { Item } = outboxPut('dropin', mail).Put;

    expect(Item).toMatchObject({
      state: 'pending',
      dueAt: mail.createdAt,
      GSI1PK: 'OUTBOX#pending',
      GSI1SK: `2027-10-31T01:30:10.000Z#${mail.mailId}`,
    });
  });

  it.each([
    ['its update', streamRecord('MODIFY', keys.outboxMail('m-1'))],
    ['its removal by TTL', streamRecord('REMOVE', keys.outboxMail('m-1'))],
    ['a suppression', streamRecord('INSERT', keys.suppression('p-1'))],
    ['any other item', streamRecord('INSERT', keys.person('p-1'))],
  ])('passes over %s', (_, record) => {
    expect(matchesEventFilter(outboxStreamFilter, record)).toBe(false);
  });

  it('refuses a filter operator it does not implement, rather than matching differently from AWS', () => {
    expect(() => matchesEventFilter({ eventName: [{ 'anything-but': 'INSERT' } as never] }, {})).toThrow(
      /Unsupported event filter operator/,
    );
  });
});
