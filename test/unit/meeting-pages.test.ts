import { describe, expect, it } from 'vitest';
import type { Meeting } from '../../functions/core/meetings/model';
import {
  emptyMeetingForm,
  renderCancelRegistrationPage,
  renderMeetingList,
  renderMeetingPage,
  renderRegistered,
  renderRegistrationCancelled,
} from '../../functions/web/pages/meetings';
import { meetingFixture } from '../support/meeting-fixtures';

const now = new Date('2027-01-04T09:00:00Z');
const siteUrl = 'https://dropin.example.org';

const meeting = (overrides: Partial<Meeting> = {}): Meeting =>
  meetingFixture({
    description:
      'Jongerenwerk en HALT zien dezelfde jongeren.\nOp verschillende momenten.\n\nVoor <iedereen> & meer.',
    ...overrides,
  });

/** The first form of a page (our forms are never nested). */
const formOf = (page: string): string => page.match(/<form[\s\S]*?<\/form>/)?.[0] ?? '';

describe('the meeting list', () => {
  it('lists upcoming meetings earliest first with date, city, places and a link to each', () => {
    const later = meeting({
      meetingId: 'later',
      title: 'Later',
      startsAt: '2027-02-11T12:30:00.000Z',
      endsAt: '2027-02-11T15:30:00.000Z',
      registrationClosesAt: '2027-02-09T12:00:00.000Z',
    });

    const page = renderMeetingList([later, meeting()], now, siteUrl);

    expect(page).toContain('href="/bijeenkomsten/kennisnetwerk-groningen-halt"');
    expect(page).toContain('donderdag 14 januari 2027 · Groningen');
    expect(page).toContain('Nog 48 plaatsen vrij');
    expect(page.indexOf('Kennisnetwerk Groningen')).toBeLessThan(page.indexOf('>Later<'));
  });

  it('says full with a waiting list, full without one, and marks cancelled meetings', () => {
    const page = renderMeetingList(
      [
        meeting({ meetingId: 'a', confirmedCount: 60 }),
        meeting({ meetingId: 'b', confirmedCount: 60, waitingListEnabled: false }),
        meeting({ meetingId: 'c', status: 'cancelled', publishedAt: '2027-01-01T09:00:00.000Z' }),
      ],
      now,
      siteUrl,
    );

    expect(page).toContain('>Vol — wachtlijst<');
    expect(page).toContain('>Vol<');
    expect(page).toContain('class="cancelled">Geannuleerd<');
  });

  it('shows no drafts and no meetings that are over', () => {
    const page = renderMeetingList(
      [
        meeting({ meetingId: 'concept', title: 'Concept', status: 'draft' }),
        meeting({
          meetingId: 'voorbij',
          title: 'Voorbij',
          startsAt: '2026-12-01T12:30:00.000Z',
          endsAt: '2026-12-01T15:30:00.000Z',
        }),
      ],
      now,
      siteUrl,
    );

    expect(page).not.toContain('Concept');
    expect(page).not.toContain('Voorbij');
    expect(page).toContain('Er staan op dit moment geen bijeenkomsten gepland.');
  });

  it('has an empty state that points to the newsletter', () => {
    const page = renderMeetingList([], now, siteUrl);

    expect(page).toContain('geen bijeenkomsten gepland');
    expect(page).toContain('href="/nieuwsbrief"');
    expect(page).not.toContain('<ul class="meetings">');
  });

  it('tells how to put the meetings in your calendar, with the absolute feed address and no webcal link', () => {
    for (const page of [renderMeetingList([meeting()], now, siteUrl), renderMeetingList([], now, siteUrl)]) {
      expect(page).toContain('Zet de bijeenkomsten in je agenda');
      expect(page).toContain('>https://dropin.example.org/bijeenkomsten/agenda.ics</a>');
      expect(page).toContain('href="/bijeenkomsten/agenda.ics"');
      expect(page).toContain('Een webcal-link heb je niet nodig');
      expect(page).not.toContain('webcal://');
    }
  });

  it('is in the main navigation', () => {
    expect(renderMeetingList([], now, siteUrl)).toMatch(
      /<nav[^>]*>.*<a href="\/bijeenkomsten">Bijeenkomsten<\/a>/s,
    );
  });
});

describe('the meeting page', () => {
  it('shows when, where, places and the description as escaped paragraphs', () => {
    const page = renderMeetingPage(meeting(), { now });

    expect(page).toContain('<h1>Kennisnetwerk Groningen: uitwisseling met HALT</h1>');
    expect(page).toContain('donderdag 14 januari 2027, 13.30–16.30 uur');
    expect(page).toContain('Groningen<br>Buurtcentrum De Oosterpoort, Poortstraat 18');
    expect(page).toContain('Nog 48 plaatsen vrij (van de 60)');
    expect(page).toContain(
      '<p>Jongerenwerk en HALT zien dezelfde jongeren.<br>Op verschillende momenten.</p>',
    );
    expect(page).toContain('<p>Voor &#60;iedereen&#62; &#38; meer.</p>');
  });

  it('has the registration form with every asked question, posting to the meeting', () => {
    const form = formOf(renderMeetingPage(meeting(), { now }));

    expect(form).toContain('method="post" action="/bijeenkomsten/kennisnetwerk-groningen-halt"');
    for (const name of [
      'name',
      'email',
      'organisation',
      'municipality',
      'dietary',
      'accessibility',
      'website',
    ]) {
      expect(form).toContain(`name="${name}"`);
    }
    for (const role of ['Jongerenwerker', 'Manager', 'Beleidsmedewerker', 'Anders']) {
      expect(form).toMatch(new RegExp(`type="radio"[^>]*name="role"[^>]*>.*?<label[^>]*>${role}</label>`));
    }
    expect(form).toContain('<label for="municipality">Gemeente</label>');
    expect(form).toContain('<button type="submit">Aanmelden</button>');
  });

  it('explains why it asks for dietary and accessibility needs: optional, organisers only, deleted after 30 days', () => {
    const form = formOf(renderMeetingPage(meeting(), { now }));
    const fieldset = form.match(/<fieldset class="field needs"[\s\S]*?<\/fieldset>/)?.[0] ?? '';

    expect(fieldset).toContain('<legend>Dieetwensen of toegankelijkheid</legend>');
    expect(fieldset).toContain('aria-describedby="needs-why"');
    expect(fieldset).toMatch(/id="needs-why">We vragen dit zodat we rekening met je kunnen houden/);
    expect(fieldset).toContain('niet verplicht');
    expect(fieldset).toContain('alleen de organisatoren van deze bijeenkomst zien het');
    expect(fieldset).toContain('30 dagen na de bijeenkomst');
    expect(fieldset).toMatch(/<textarea id="dietary" name="dietary"/);
    expect(fieldset).not.toMatch(/<textarea id="dietary"[^>]*required/);
  });

  it('asks only the questions the meeting asks', () => {
    const form = formOf(
      renderMeetingPage(
        meeting({ questions: { organisation: false, role: false, municipality: false, needs: false } }),
        { now },
      ),
    );

    expect(form).toContain('name="name"');
    expect(form).toContain('name="email"');
    for (const name of ['organisation', 'role', 'municipality', 'dietary', 'accessibility']) {
      expect(form).not.toContain(`name="${name}"`);
    }
    expect(form).not.toContain('Dieetwensen of toegankelijkheid');
  });

  it('hides the honeypot from assistive technology and the keyboard', () => {
    const form = formOf(renderMeetingPage(meeting(), { now }));

    expect(form).toMatch(
      /<div class="hp" aria-hidden="true">[\s\S]*?name="website" type="text" tabindex="-1"/,
    );
  });

  it('keeps the values entered and shows an error summary and a message at each field', () => {
    const page = renderMeetingPage(meeting(), {
      now,
      values: {
        ...emptyMeetingForm,
        name: 'Sam "de" Vries',
        email: 'niet-goed',
        organisation: 'Jongerenwerk Stad & Ommeland',
        role: 'beleidsmedewerker',
        dietary: '\nGeen noten',
      },
      issues: [
        { field: 'email', message: 'Vul een geldig e-mailadres in, zoals naam@voorbeeld.nl.' },
        { field: 'municipality', message: 'Vul de gemeente in waar je werkt.' },
      ],
    });

    expect(page).toContain('<title>Fout: Kennisnetwerk Groningen');
    expect(page).toMatch(
      /class="error-summary" role="alert"[\s\S]*href="#email">E-mailadres: Vul een geldig/,
    );
    expect(page).toContain('href="#municipality">Gemeente: Vul de gemeente in waar je werkt.');
    expect(page).toContain('value="Sam &#34;de&#34; Vries"');
    expect(page).toContain('value="niet-goed"');
    expect(page).toContain('value="Jongerenwerk Stad &#38; Ommeland"');
    expect(page).toMatch(/id="role-beleidsmedewerker" name="role" value="beleidsmedewerker" checked/);
    expect(page).toMatch(/id="email"[^>]*aria-describedby="email-hint email-error"[^>]*aria-invalid="true"/);
    expect(page).toContain(
      '<p class="field-error" id="municipality-error">Vul de gemeente in waar je werkt.</p>',
    );
    // A value that starts with a newline keeps it: the parser drops one right after <textarea>.
    expect(page).toMatch(/<textarea id="dietary"[^>]*>\n\nGeen noten<\/textarea>/);
  });

  it('offers the waiting list when full and the meeting has one', () => {
    const page = renderMeetingPage(meeting({ confirmedCount: 60 }), { now });

    expect(formOf(page)).toContain('<button type="submit">Op de wachtlijst</button>');
    expect(page).toContain('Vol. Je kunt je aanmelden voor de wachtlijst.');
  });

  it.each([
    [
      'not open yet',
      meeting({ registrationOpensAt: '2027-01-05T08:00:00.000Z' }),
      'Aanmelden kan vanaf dinsdag 5 januari 2027 om 09.00 uur.',
    ],
    [
      'closed',
      meeting({ registrationClosesAt: '2027-01-03T12:00:00.000Z' }),
      'De aanmelding is gesloten sinds zondag 3 januari 2027 om 13.00 uur.',
    ],
    ['cancelled', meeting({ status: 'cancelled' }), 'Deze bijeenkomst gaat niet door'],
    [
      'full without a waiting list',
      meeting({ confirmedCount: 60, waitingListEnabled: false }),
      'Deze bijeenkomst is vol en heeft geen wachtlijst.',
    ],
    [
      'over',
      meeting({ startsAt: '2027-01-02T12:30:00.000Z', endsAt: '2027-01-02T15:30:00.000Z' }),
      'Deze bijeenkomst is voorbij.',
    ],
  ])('shows no form when registration is %s, and says why', (_, closed, sentence) => {
    const page = renderMeetingPage(closed, { now });

    expect(page).not.toContain('<form');
    expect(page).toContain(sentence);
  });

  it('marks a cancelled meeting in its title and at the top', () => {
    const page = renderMeetingPage(meeting({ status: 'cancelled' }), { now });

    expect(page).toContain('<title>Geannuleerd: Kennisnetwerk Groningen');
    expect(page).toContain('<p class="card cancelled">Geannuleerd: deze bijeenkomst gaat niet door.</p>');
  });
});

describe('after registering', () => {
  it('confirms a place', () => {
    const page = renderRegistered({ meeting: meeting(), status: 'confirmed' });

    expect(page).toContain('<h1>Je bent aangemeld</h1>');
    expect(page).toContain('donderdag 14 januari 2027, 13.30–16.30 uur');
  });

  it('tells a waiting person their position', () => {
    const page = renderRegistered({
      meeting: meeting({ confirmedCount: 60 }),
      status: 'waiting',
      position: 7,
    });

    expect(page).toContain('<h1>Je staat op de wachtlijst</h1>');
    expect(page).toContain('Je staat op plaats 7 van de wachtlijst.');
  });
});

describe('cancelling a registration', () => {
  it('asks with a POST button whose form has no action, so it posts back to its own URL and token', () => {
    const page = renderCancelRegistrationPage(meeting());

    expect(page).toContain('<form method="post"><button type="submit">Afmelden</button></form>');
    expect(page).not.toMatch(/<form[^>]*action=/);
    expect(page).not.toContain('token');
  });

  it('confirms the cancellation and links back to the meeting', () => {
    const page = renderRegistrationCancelled(meeting());

    expect(page).toContain('<h1>Je bent afgemeld</h1>');
    expect(page).toContain('href="/bijeenkomsten/kennisnetwerk-groningen-halt"');
  });
});
