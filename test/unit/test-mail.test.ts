import { describe, expect, it } from 'vitest';
import { InvalidInput } from '../../functions/core/errors';
import { RecipientSuppressed, sendTestMail } from '../../functions/core/mailings/test-mail';
import { PersonIds } from '../../functions/core/people/person-id';
import { testMailRenderer } from '../../functions/web/mail/test-mail';
import { InMemorySuppressionList, RecordingMailer } from '../support/in-memory-ports';

const personIds = new PersonIds('a-test-secret-of-enough-length-for-hmac');
const portsWith = (mailer: RecordingMailer, suppressions = new InMemorySuppressionList()) => ({
  mailer,
  render: testMailRenderer('https://dropin.example.org'),
  suppressions,
  personIds,
});

const organiser = {
  subject: 'u-1',
  email: 'dilly.timmer@example.org',
  name: 'Dilly',
  groups: ['organisers'],
};

describe('sendTestMail', () => {
  it("sends the house template to the organiser's own address only, name in the greeting", async () => {
    const mailer = new RecordingMailer();

    await sendTestMail(portsWith(mailer), organiser, {
      subject: 'Nieuwsbrief december',
      body: 'Eerste alinea.\n\nTweede alinea.',
    });

    expect(mailer.sent).toHaveLength(1);
    const [mail] = mailer.sent;
    expect(mail?.to).toEqual({ address: 'dilly.timmer@example.org' });
    expect(mail?.subject).toBe('[Test] Nieuwsbrief december');
    expect(mail?.text).toMatch(/Beste Dilly,\n\nEerste alinea\.\n\nTweede alinea\./);
  });

  it('sends nothing when the identity has no address', async () => {
    const mailer = new RecordingMailer();
    const { email: _, ...withoutEmail } = organiser;

    await expect(
      sendTestMail(portsWith(mailer), withoutEmail, {
        subject: 's',
        body: 'b',
      }),
    ).rejects.toBeInstanceOf(InvalidInput);
    expect(mailer.sent).toHaveLength(0);
  });

  it('sends nothing to a suppressed address, and says so', async () => {
    const mailer = new RecordingMailer();
    const suppressions = new InMemorySuppressionList();
    suppressions.suppressed.set(personIds.of('Dilly.Timmer@example.org'), 'hard-bounce');

    await expect(
      sendTestMail(portsWith(mailer, suppressions), organiser, { subject: 's', body: 'b' }),
    ).rejects.toBeInstanceOf(RecipientSuppressed);
    expect(mailer.sent).toHaveLength(0);
  });
});
