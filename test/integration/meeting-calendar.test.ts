import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMeeting, publishMeeting, registerThroughMail } from '../support/meetings-api';
import { startTestSystem, type TestSystem } from '../support/system';

let system: TestSystem;
beforeAll(async () => {
  system = await startTestSystem();
});
afterAll(() => system?.stop());

/** A meeting in ten days, in Eindhoven, with five places: answers its id. */
const meetingTitled = async (title: string): Promise<string> =>
  (
    await createMeeting(system, {
      title,
      description: 'Verdieping in de signalerende rol van het jongerenwerk, met praktijkvoorbeelden.',
    })
  ).id;

const publish = (id: string) => publishMeeting(system, id);

const parse = (text: string) => {
  const calendar = new ICAL.Component(ICAL.parse(text));
  const timezone = calendar.getFirstSubcomponent('vtimezone');
  if (timezone) ICAL.TimezoneService.register(timezone);
  return calendar;
};

describe('the calendar feed', () => {
  it('answers /bijeenkomsten/agenda.ics (not the meeting page) with the published upcoming meetings, no drafts', async () => {
    const published = await meetingTitled('Kennisnetwerk Eindhoven: in de agenda');
    await publish(published);
    const draft = await meetingTitled('Kennisnetwerk concept: nog niet in de agenda');

    const response = await system.fetch('/bijeenkomsten/agenda.ics');

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
    expect(response.headers.get('content-disposition')).toBe('inline; filename="agenda.ics"');
    const text = await response.text();
    expect(text.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    const calendar = parse(text);
    expect(calendar.getFirstPropertyValue('method')).toBeNull();
    expect(calendar.getFirstPropertyValue('x-wr-calname')).toBe('Drop In bijeenkomsten');
    const events = calendar.getAllSubcomponents('vevent').map((vevent) => new ICAL.Event(vevent));
    const host = new URL(system.baseUrl).hostname;
    const mine = events.find((event) => event.uid === `${published}@${host}`);
    expect(mine?.summary).toBe('Kennisnetwerk Eindhoven: in de agenda');
    expect(mine?.component.getFirstPropertyValue('url')).toBe(`${system.baseUrl}/bijeenkomsten/${published}`);
    expect(events.some((event) => event.uid.startsWith(`${draft}@`))).toBe(false);
    expect(text).not.toContain('nog niet in de agenda');
  });

  it('is linked from the meeting list', async () => {
    const page = await (await system.fetch('/bijeenkomsten')).text();

    expect(page).toContain(`${system.baseUrl}/bijeenkomsten/agenda.ics`);
  });
});

describe('the invite in the confirmation', () => {
  it('arrives in the mailbox as an attachment that parses as METHOD:REQUEST for this participant', async () => {
    const meetingId = await meetingTitled('Kennisnetwerk Eindhoven: met uitnodiging');
    await publish(meetingId);
    const email = `agenda-${Date.now()}@example.org`;
    const registered = await registerThroughMail(system, meetingId, {
      name: 'Noor Agenda',
      email,
      organisation: 'Jongerenwerk Eindhoven',
      role: 'jongerenwerker',
      municipality: 'Eindhoven',
    });
    expect(registered.status).toBe('confirmed');

    const mail = await system.mailbox.waitFor(
      (m) => m.destination.to.some((to) => to.includes(email)) && m.subject.startsWith('Je bent aangemeld'),
    );

    expect(mail.attachments).toHaveLength(1);
    const [attachment] = mail.attachments;
    expect(attachment?.filename).toBe('uitnodiging.ics');
    expect(attachment?.contentType).toBe('text/calendar; charset=UTF-8; method=REQUEST');
    const calendar = parse(Buffer.from(attachment?.content ?? '', 'base64').toString('utf8'));
    expect(calendar.getFirstPropertyValue('method')).toBe('REQUEST');
    const vevent = calendar.getFirstSubcomponent('vevent');
    const event = vevent ? new ICAL.Event(vevent) : undefined;
    expect(event?.uid).toBe(`${meetingId}@${new URL(system.baseUrl).hostname}`);
    expect(event?.summary).toBe('Kennisnetwerk Eindhoven: met uitnodiging');
    expect(vevent?.getFirstPropertyValue('attendee')).toBe(`mailto:${email}`);
    expect(vevent?.getFirstProperty('attendee')?.getParameter('rsvp')).toBe('FALSE');
    expect(String(vevent?.getFirstPropertyValue('organizer'))).toMatch(/^mailto:.+@/);
  });
});
