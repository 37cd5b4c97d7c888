import { describe, expect, it } from 'vitest';
import { InvalidInput } from '../../functions/core/errors';
import { sendTestMail } from '../../functions/core/mailings/test-mail';
import { RecordingMailer } from '../support/in-memory-ports';

const organiser = {
  subject: 'u-1',
  email: 'dilly.timmer@example.org',
  name: 'Dilly',
  groups: ['organisers'],
};

describe('sendTestMail', () => {
  it("sends the house template to the organiser's own address only, name in the greeting", async () => {
    const mailer = new RecordingMailer();

    await sendTestMail({ mailer, siteUrl: 'https://dropin.example.org' }, organiser, {
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
      sendTestMail({ mailer, siteUrl: 'https://dropin.example.org' }, withoutEmail, {
        subject: 's',
        body: 'b',
      }),
    ).rejects.toBeInstanceOf(InvalidInput);
    expect(mailer.sent).toHaveLength(0);
  });
});
