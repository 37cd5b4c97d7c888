import { describe, expect, it } from 'vitest';
import {
  applySesFeedback,
  type FeedbackPorts,
  softBounceLimit,
} from '../../functions/core/mailings/suppression';
import { PersonIds } from '../../functions/core/people/person-id';
import { InMemoryMailingRecipients, InMemorySendingProgress } from '../support/in-memory-mailing-sending';
import { InMemoryOutboxLedger, InMemorySuppressionList } from '../support/in-memory-ports';

const at = new Date('2027-10-31T01:30:00.000Z');
const address = 'Noor.Bakker@Example.org';

const setUp = () => {
  const suppressions = new InMemorySuppressionList();
  const ledger = new InMemoryOutboxLedger();
  const personIds = new PersonIds('a-test-secret-of-enough-length-for-hmac');
  const recipients = new InMemoryMailingRecipients();
  const mailings = { recipients, progress: new InMemorySendingProgress(recipients) };
  const ports: FeedbackPorts = { suppressions, ledger, mailings, personIds };
  return { suppressions, ledger, mailings, ports, personId: personIds.of(address) };
};

const bounce = (feedbackId: string, permanent: boolean) =>
  ({ type: 'bounced', feedbackId, permanent, recipients: [address], at }) as const;

describe('SES feedback', () => {
  it('suppresses an address on a hard bounce, under the person’s key; the same report again changes nothing', async () => {
    const { suppressions, ports, personId } = setUp();

    const first = await applySesFeedback(ports, bounce('fb-1', true));
    const again = await applySesFeedback(ports, bounce('fb-1', true));

    expect(first).toEqual({ type: 'bounced', people: ['suppressed'] });
    expect(again).toEqual({ type: 'bounced', people: ['unchanged'] });
    expect(suppressions.suppressed.get(personId)).toBe('hard-bounce');
    expect([...suppressions.suppressed.keys()].join()).not.toContain('@');
  });

  it('suppresses an address on a complaint', async () => {
    const { suppressions, ports, personId } = setUp();

    await applySesFeedback(ports, { type: 'complained', feedbackId: 'fb-2', recipients: [address], at });

    expect(suppressions.suppressed.get(personId)).toBe('complaint');
  });

  it(`suppresses after ${softBounceLimit} soft bounces in a row, counting each report once`, async () => {
    const { suppressions, ports, personId } = setUp();

    const outcomes = [];
    for (const feedbackId of ['s-1', 's-1', 's-2', 's-3']) {
      outcomes.push(
        (await applySesFeedback(ports, bounce(feedbackId, false))) as { people: readonly string[] },
      );
    }

    expect(outcomes.map((outcome) => outcome.people[0])).toEqual([
      'counted',
      'duplicate',
      'counted',
      'suppressed',
    ]);
    expect(suppressions.suppressed.get(personId)).toBe('soft-bounces');
  });

  it('starts counting soft bounces again after a delivery', async () => {
    const { suppressions, ports, personId } = setUp();

    await applySesFeedback(ports, bounce('s-1', false));
    await applySesFeedback(ports, bounce('s-2', false));
    await applySesFeedback(ports, {
      type: 'delivered',
      feedbackId: 'delivery-m1',
      recipients: [address],
      at,
    });
    await applySesFeedback(ports, bounce('s-3', false));

    expect(suppressions.suppressed.has(personId)).toBe(false);
    expect(suppressions.soft.get(personId)?.count).toBe(1);
  });

  it('settles the outbox mail a Send event names, so a delivery in doubt is not sent again', async () => {
    const { ledger, ports } = setUp();
    const ref = ledger.add({
      type: 'mail',
      mail: {
        mailId: 'mail-9',
        kind: 'registration-confirmed',
        recipient: { personId: 'p', address },
        data: {},
        createdAt: at.toISOString(),
      },
    });
    await ledger.claim(ref, at);

    const outcome = await applySesFeedback(ports, { type: 'sent', messageId: 'ses-1', mailId: 'mail-9', at });

    expect(outcome).toEqual({ type: 'sent', settled: true });
    expect(ledger.get(ref)).toMatchObject({ state: 'sent', messageId: 'ses-1', settledBy: 'ses-send-event' });
    expect((await ledger.claim(ref, new Date(at.getTime() + 3_600_000))).outcome).toBe('done');
  });

  it("counts a mailing's delivery and complaint once per recipient, however often SES reports them", async () => {
    const { mailings, ports, personId } = setUp();
    const mailing = { mailingId: 'm1', personId };
    const other = { mailingId: 'm1', personId: 'someone-else' };
    const stranger = { mailingId: 'm1', personId: 'not-in-the-ledger' };
    await mailings.recipients.add(
      'm1',
      [personId, other.personId].map((id) => ({ personId: id, from: 'topics' as const })),
      at,
    );
    const delivered = (feedbackId: string, ref = mailing) =>
      ({ type: 'delivered', feedbackId, recipients: [address], mailing: ref, at }) as const;

    // SES redelivers an event with its own id, and may report one delivery in two events.
    await applySesFeedback(ports, delivered('d-1'));
    await applySesFeedback(ports, delivered('d-1'));
    await applySesFeedback(ports, delivered('d-2'));
    await applySesFeedback(ports, delivered('d-3', other));
    await applySesFeedback(ports, delivered('d-4', stranger));
    for (const feedbackId of ['c-1', 'c-1', 'c-2']) {
      await applySesFeedback(ports, { type: 'complained', feedbackId, recipients: [address], mailing, at });
    }

    // Two recipients delivered (the control: another recipient counts; one not in the ledger does not).
    expect(await mailings.progress.get('m1')).toMatchObject({ deliveries: 2, complaints: 1 });
  });
});
