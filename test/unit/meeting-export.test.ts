import { describe, expect, it } from 'vitest';
import type { Meeting, Registration } from '../../functions/core/meetings/model';
import type { RegistrationRow } from '../../functions/core/meetings/ports';
import {
  neutraliseFormula,
  registrationsCsv,
  registrationsJson,
} from '../../functions/web/exports/registrations';

/** A small RFC 4180 reader (quoted fields, doubled quotes, separators and line breaks inside quotes). */
const parseCsv = (text: string, separator: string): string[][] => {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === separator) {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field !== '' || row.length) throw new Error('The last record does not end in CRLF');
  return rows;
};

const meeting = {
  meetingId: 'kennisnetwerk-eindhoven-online',
  title: 'Kennisnetwerk Eindhoven',
  startsAt: '2027-03-25T12:30:00.000Z',
  endsAt: '2027-03-25T15:30:00.000Z',
  capacity: 2,
  confirmedCount: 2,
  waitingCount: 2,
} as Meeting;

const registration = (overrides: Partial<Registration>): Registration => ({
  meetingId: meeting.meetingId,
  personId: 'p',
  registrationId: 'r',
  email: 'iemand@example.org',
  name: 'Iemand',
  answers: {},
  status: 'confirmed',
  registeredAt: '2027-03-01T09:00:00.000Z',
  version: 1,
  ...overrides,
});

const rows: RegistrationRow[] = [
  {
    registration: registration({
      registrationId: 'r-wait-2',
      name: 'Wachtende Twee',
      status: 'waiting',
      waitingKey: '02',
      registeredAt: '2027-03-02T10:00:00.000Z',
    }),
  },
  {
    registration: registration({
      registrationId: 'r-1',
      name: 'Zoë Héloïse Çelik',
      email: 'zoe@example.org',
      answers: { organisation: 'Jongerenwerk Noordoost', role: 'jongerenwerker', municipality: 'Eindhoven' },
      // Summer time: 13.05 in Amsterdam.
      registeredAt: '2027-03-28T11:05:00.000Z',
    }),
    needs: { dietary: 'Geen varkensvlees; graag "halal"', accessibility: 'Rolstoel\nen ringleiding' },
  },
  {
    registration: registration({
      registrationId: 'r-2',
      name: '=1+1',
      email: 'formule@example.org',
      answers: { organisation: 'Naïef; "ons" team', role: 'beleidsmedewerker', municipality: '@gemeente' },
      registeredAt: '2027-03-01T08:00:00.000Z',
    }),
  },
  { registration: registration({ registrationId: 'r-3', name: 'Vries; Sam de', email: 'sam@example.org' }) },
  {
    registration: registration({
      registrationId: 'r-4',
      name: 'Sam "Sammy" Smit',
      email: 'sammy@example.org',
      registeredAt: '2027-03-01T10:00:00.000Z',
    }),
  },
  {
    registration: registration({
      registrationId: 'r-wait-1',
      name: 'Wachtende Eén',
      status: 'waiting',
      waitingKey: '01',
      registeredAt: '2027-03-02T11:00:00.000Z',
    }),
  },
  {
    registration: registration({
      registrationId: 'r-gone',
      name: 'Afgemeld Persoon',
      status: 'cancelled',
      cancelledAt: '2027-03-03T09:00:00.000Z',
    }),
  },
];

const header = [
  'Naam',
  'E-mailadres',
  'Status',
  'Positie wachtlijst',
  'Organisatie',
  'Rol',
  'Gemeente',
  'Dieetwensen',
  'Toegankelijkheid',
  'Aangemeld op (Europe/Amsterdam)',
];

describe('the registrations CSV', () => {
  it('starts with the UTF-8 byte order mark and ends every line with CRLF', () => {
    const bytes = Buffer.from(registrationsCsv(meeting, rows), 'utf8');

    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(
      bytes
        .toString('utf8')
        .slice(1)
        .replace(/"[^"]*"/g, ''),
    ).not.toMatch(/[^\r]\n/);
  });

  it('parses back with ; as separator: the Dutch header, é, ë, ï, and a ; or a " in a name intact', () => {
    const text = Buffer.from(registrationsCsv(meeting, rows), 'utf8').subarray(3).toString('utf8');

    const [head, ...records] = parseCsv(text, ';');

    expect(head).toEqual(header);
    expect(records.every((record) => record.length === header.length)).toBe(true);
    const zoe = records.find((record) => record[1] === 'zoe@example.org');
    expect(zoe).toEqual([
      'Zoë Héloïse Çelik',
      'zoe@example.org',
      'Bevestigd',
      '',
      'Jongerenwerk Noordoost',
      'Jongerenwerker',
      'Eindhoven',
      'Geen varkensvlees; graag "halal"',
      'Rolstoel\nen ringleiding',
      '2027-03-28 13:05',
    ]);
    const formula = records.find((record) => record[1] === 'formule@example.org');
    expect(formula?.[4]).toBe('Naïef; "ons" team');
    expect(records.find((record) => record[1] === 'sam@example.org')?.[0]).toBe('Vries; Sam de');
    expect(records.find((record) => record[1] === 'sammy@example.org')?.[0]).toBe('Sam "Sammy" Smit');
  });

  it("neutralises cells a spreadsheet would run as a formula: =1+1 comes back as '=1+1", () => {
    const [, ...records] = parseCsv(registrationsCsv(meeting, rows).slice(1), ';');

    const formula = records.find((record) => record[1] === 'formule@example.org');
    expect(formula?.[0]).toBe("'=1+1");
    expect(formula?.[6]).toBe("'@gemeente");
  });

  it('lists confirmed people first, then the waiting list in order with positions, then cancellations', () => {
    const [, ...records] = parseCsv(registrationsCsv(meeting, rows).slice(1), ';');

    expect(records.map((record) => [record[0], record[2], record[3]])).toEqual([
      ["'=1+1", 'Bevestigd', ''],
      ['Vries; Sam de', 'Bevestigd', ''],
      ['Sam "Sammy" Smit', 'Bevestigd', ''],
      ['Zoë Héloïse Çelik', 'Bevestigd', ''],
      ['Wachtende Eén', 'Wachtlijst', '1'],
      ['Wachtende Twee', 'Wachtlijst', '2'],
      ['Afgemeld Persoon', 'Afgemeld', ''],
    ]);
  });

  it('is only a header for a meeting without registrations', () => {
    expect(registrationsCsv(meeting, [])).toBe(`\uFEFF${header.join(';')}\r\n`);
  });
});

describe('neutraliseFormula', () => {
  it.each([
    ['=SUM(A1:A9)', "'=SUM(A1:A9)"],
    ['+31 6 12345678', "'+31 6 12345678"],
    ['-2+3', "'-2+3"],
    ['@SUM(1)', "'@SUM(1)"],
    ['\t=1', "'\t=1"],
    ['\r=1', "'\r=1"],
    ['  =1+1', "'  =1+1"],
    ['Anne-Marie', 'Anne-Marie'],
    ['info@example.org', 'info@example.org'],
    ['', ''],
  ])('%j becomes %j', (cell, expected) => {
    expect(neutraliseFormula(cell)).toBe(expected);
  });
});

describe('the registrations JSON', () => {
  it('gives plain objects with ISO times, null where there is nothing, and waiting positions', () => {
    const exported = registrationsJson(meeting, rows, 3);

    expect(exported).toMatchObject({
      meetingId: meeting.meetingId,
      capacity: 2,
      confirmedCount: 2,
      waitingCount: 2,
      pendingCount: 3,
    });
    expect(exported.registrations.find((r) => r.registrationId === 'r-1')).toEqual({
      registrationId: 'r-1',
      name: 'Zoë Héloïse Çelik',
      email: 'zoe@example.org',
      status: 'confirmed',
      waitingPosition: null,
      organisation: 'Jongerenwerk Noordoost',
      role: 'jongerenwerker',
      municipality: 'Eindhoven',
      dietary: 'Geen varkensvlees; graag "halal"',
      accessibility: 'Rolstoel\nen ringleiding',
      registeredAt: '2027-03-28T11:05:00.000Z',
      confirmedAt: null,
      cancelledAt: null,
      anonymisedAt: null,
    });
    expect(exported.registrations.find((r) => r.registrationId === 'r-wait-2')?.waitingPosition).toBe(2);
    expect(exported.registrations.find((r) => r.registrationId === 'r-2')?.name).toBe('=1+1');
    expect(JSON.parse(JSON.stringify(exported))).toEqual(exported);
  });
});
