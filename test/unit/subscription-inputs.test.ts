import { describe, expect, it } from 'vitest';
import { consentText } from '../../functions/core/subscriptions/consent';
import { noControlExceptNewlines } from '../../functions/handlers/inputs/fields';
import {
  newsletterFormValues,
  subscribeForm,
  subscribeFormInput,
  subscribeFormIssues,
  subscribeRequest,
  subscriberListQuery,
} from '../../functions/handlers/inputs/subscriptions';
import { renderNewsletterForm } from '../../functions/web/pages/newsletter';

const consentChanged = /toestemmingstekst is intussen gewijzigd/;

/** The form as the browser posts it, then what the handler re-renders when it does not parse. */
const reRendered = (fields: Record<string, string | string[]>) => {
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(fields))
    for (const one of [value].flat()) form.append(name, one);
  const parsed = subscribeForm.safeParse(subscribeFormInput(form));
  if (parsed.success) throw new Error('expected the form to be refused');
  const issues = subscribeFormIssues(form, parsed.error);
  return { issues, page: renderNewsletterForm(newsletterFormValues(form), issues) };
};
const consentBox = (page: string) => page.match(/<input type="checkbox" id="consent-true"[^>]*>/)?.[0] ?? '';

describe('the newsletter form after the consent text changed', () => {
  const filledIn = {
    email: 'dilly@example.org',
    name: 'Dilly',
    topics: 'bijeenkomsten',
    consent: 'true',
    consentVersion: '2020-01-01',
  };

  it('asks for consent again with the box unticked when everything else is valid', () => {
    const { issues, page } = reRendered(filledIn);

    expect(issues).toEqual([{ field: 'consent', message: expect.stringMatching(consentChanged) }]);
    expect(consentBox(page)).not.toContain('checked');
    expect(page).toMatch(/id="consent-error"[^>]*>De toestemmingstekst is intussen gewijzigd/);
  });

  it('also when other fields have errors, next to theirs', () => {
    const { issues, page } = reRendered({ ...filledIn, email: 'geen-adres' });

    expect(issues.map((issue) => issue.field)).toEqual(['email', 'consent']);
    expect(issues.find((issue) => issue.field === 'consent')?.message).toMatch(consentChanged);
    expect(consentBox(page)).not.toContain('checked');
    expect(page).toContain('value="geen-adres"');
  });

  it('says the text changed rather than that consent is missing when the box was not ticked', () => {
    const { consent: _, ...unticked } = filledIn;
    const { issues } = reRendered(unticked);

    expect(issues).toEqual([{ field: 'consent', message: expect.stringMatching(consentChanged) }]);
  });

  it('keeps the tick given under the current text when another field is wrong', () => {
    const { issues, page } = reRendered({
      ...filledIn,
      email: 'geen-adres',
      consentVersion: consentText.version,
    });

    expect(issues.map((issue) => issue.field)).toEqual(['email']);
    expect(consentBox(page)).toContain('checked');
  });
});

describe('the organiser subscriber list query', () => {
  it('treats empty filters as not given', () => {
    expect(subscriberListQuery.parse({ status: '', topic: '', cursor: '', limit: '' })).toEqual({
      status: 'active',
      limit: 50,
    });
  });

  it('still reads given filters and refuses unknown ones', () => {
    expect(subscriberListQuery.parse({ status: 'pending', topic: 'publicaties', limit: '5' })).toEqual({
      status: 'pending',
      topic: 'publicaties',
      limit: 5,
    });
    expect(subscriberListQuery.safeParse({ status: 'weg' }).success).toBe(false);
    expect(subscriberListQuery.safeParse({ topic: 'sport' }).success).toBe(false);
  });
});

describe('names and free text at the door', () => {
  it('refuse bidirectional overrides and isolates and control characters, keep joiners, and are stored NFC', () => {
    const name = (value: string) =>
      subscribeRequest.safeParse({ email: 'a@b.nl', name: value, consent: true });
    expect(name('Ali\u202Egnp.exe').success).toBe(false);
    expect(name('Ali\u2066x\u2069').success).toBe(false);
    expect(name('Ali\u0085').success).toBe(false);
    expect(name('Ali\u0007').success).toBe(false);
    // The control: a zero-width joiner (an emoji sequence) stays, and a decomposed é is stored composed.
    expect(name('Jo 👩\u200D💻').data?.name).toBe('Jo 👩\u200D💻');
    expect(name('Jose\u0301').data?.name).toBe('Jos\u00E9');
    // Multi-line text (a description, a purpose): line breaks and tabs stay, overrides do not.
    expect(noControlExceptNewlines.test('Regel één\nRegel twee\tmet tab')).toBe(true);
    expect(noControlExceptNewlines.test('Regel \u202Eéén')).toBe(false);
  });
});
