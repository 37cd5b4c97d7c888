import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { InvalidInput } from '../../functions/core/errors';
import type { HttpEvent } from '../../functions/handlers/http/request';
import { parseJsonBody, parseQuery } from '../../functions/handlers/http/request';
import { validationMessage } from '../../functions/handlers/http/validation-messages';
import {
  createMeetingRequest,
  meetingListQuery,
  updateMeetingRequest,
} from '../../functions/handlers/inputs/meetings';

/** The API's 400s as a client reads them: one Dutch message per field, each naming the field. */

const jsonEvent = (body: unknown): HttpEvent =>
  ({
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    isBase64Encoded: false,
  }) as unknown as HttpEvent;

const issuesOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidInput) return error.issues;
    throw error;
  }
  throw new Error('expected InvalidInput');
};

const bodyIssues = <S extends z.ZodMiniType>(schema: S, body: unknown) =>
  issuesOf(() => parseJsonBody(jsonEvent(body), schema));

const validMeeting = {
  title: 'Kennisnetwerk Utrecht',
  city: 'Utrecht',
  venueAddress: 'Stadsplateau 1, Utrecht',
  startsAt: '2027-03-12T09:00:00Z',
  endsAt: '2027-03-12T12:00:00Z',
  capacity: 40,
};

describe('the validation messages of the API', () => {
  it('name the field of every kind of issue zod raises, in Dutch', () => {
    const schema = z.strictObject({
      text: z.string().check(z.minLength(3), z.maxLength(5)),
      filled: z.string().check(z.minLength(1)),
      count: z.number().check(z.int(), z.gte(1), z.lte(10)),
      above: z.number().check(z.gt(0)),
      email: z.email(),
      when: z.iso.datetime(),
      kind: z.enum(['draft', 'published']),
      only: z.literal('ja'),
      list: z.array(z.string()).check(z.minLength(1), z.maxLength(2)),
      step: z.number().check(z.multipleOf(5)),
      prefixed: z.string().check(z.startsWith('NL')),
      shaped: z.string().check(z.regex(/^[a-z]+$/)),
      either: z.union([z.string(), z.number()]),
      nested: z.strictObject({ flag: z.boolean() }),
      required: z.string(),
    });
    const issues = bodyIssues(schema, {
      text: 'ab',
      filled: '',
      count: 2.5,
      above: 0,
      email: 'niet-een-adres',
      when: 'morgen',
      kind: 'archived',
      only: 'nee',
      list: ['a', 'b', 'c'],
      step: 7,
      prefixed: 'BE123',
      shaped: 'ABC',
      either: true,
      nested: { flag: 'ja', extra: 1 },
      surplus: 1,
    });
    const byField = Object.fromEntries(issues.map((issue) => [issue.field, issue.message]));

    expect(byField).toEqual({
      text: 'Het veld ‘text’ moet minstens 3 tekens lang zijn.',
      filled: 'Het veld ‘filled’ mag niet leeg zijn.',
      count: 'Het veld ‘count’ moet een geheel getal zijn, niet een getal.',
      above: 'Het veld ‘above’ moet groter zijn dan 0.',
      email: 'Het veld ‘email’ moet een geldig e-mailadres, zoals naam@voorbeeld.nl zijn.',
      when: 'Het veld ‘when’ moet een tijdstip in ISO 8601 met tijdzone, zoals 2027-03-12T09:30:00Z zijn.',
      kind: 'Het veld ‘kind’ moet een van deze waarden zijn: "draft", "published".',
      only: 'Het veld ‘only’ moet "ja" zijn.',
      list: 'Het veld ‘list’ mag hoogstens 2 elementen bevatten.',
      step: 'Het veld ‘step’ moet een veelvoud van 5 zijn.',
      prefixed: 'Het veld ‘prefixed’ moet beginnen met “NL”.',
      shaped: 'Het veld ‘shaped’ heeft niet de vorm die hier hoort.',
      either: 'Het veld ‘either’ past bij geen van de vormen die hier kunnen.',
      'nested.flag': 'Het veld ‘nested.flag’ moet true of false zijn, niet tekst.',
      nested: 'Onbekend veld in ‘nested’: ‘extra’. Laat het weg of controleer de spelling.',
      required: 'Het veld ‘required’ ontbreekt.',
      '(body)': 'Onbekend veld: ‘surplus’. Laat het weg of controleer de spelling.',
    });
  });

  it("say what a new organiser's first meeting lacks, one message per field", () => {
    const issues = bodyIssues(createMeetingRequest, { title: 'Kennisnetwerk', capacity: '40' });

    expect(issues).toEqual([
      { field: 'city', message: 'Het veld ‘city’ ontbreekt.' },
      { field: 'venueAddress', message: 'Het veld ‘venueAddress’ ontbreekt.' },
      { field: 'startsAt', message: 'Het veld ‘startsAt’ ontbreekt.' },
      { field: 'endsAt', message: 'Het veld ‘endsAt’ ontbreekt.' },
      { field: 'capacity', message: 'Het veld ‘capacity’ moet een getal zijn, niet tekst.' },
    ]);
  });

  it("put the field's name before a message a schema wrote for its form", () => {
    const issues = bodyIssues(createMeetingRequest, { ...validMeeting, title: 'Regel\neen' });

    expect(issues).toEqual([
      { field: 'title', message: 'Het veld ‘title’: Regeleinden en stuurtekens kunnen hier niet.' },
    ]);
  });

  it('leave a message about the whole body as it is', () => {
    expect(bodyIssues(updateMeetingRequest, {})).toEqual([
      { field: '(body)', message: 'Geef minstens één veld om te wijzigen.' },
    ]);
    expect(bodyIssues(updateMeetingRequest, [])).toEqual([
      { field: '(body)', message: 'De inhoud moet een object zijn, niet een lijst.' },
    ]);
  });

  it('word query parameters the same way', () => {
    const notANumber = { queryStringParameters: { limit: 'veel' } } as unknown as HttpEvent;
    expect(issuesOf(() => parseQuery(notANumber, meetingListQuery))).toEqual([
      { field: 'limit', message: 'Het veld ‘limit’ moet een getal zijn.' },
    ]);
    const event = { queryStringParameters: { status: 'archived', limit: '500' } } as unknown as HttpEvent;

    expect(issuesOf(() => parseQuery(event, meetingListQuery))).toEqual([
      {
        field: 'status',
        message: 'Het veld ‘status’ moet een van deze waarden zijn: "draft", "published", "cancelled".',
      },
      { field: 'limit', message: 'Het veld ‘limit’ mag hoogstens 100 zijn.' },
    ]);
  });

  it('never fall back to English or to the locale of zod (the negative control: without the formatter)', () => {
    const parsed = createMeetingRequest.safeParse({ ...validMeeting, capacity: 0 });
    const withFormatter = createMeetingRequest.safeParse(
      { ...validMeeting, capacity: 0 },
      { error: validationMessage },
    );

    expect(parsed.success || parsed.error.issues[0]?.message).not.toContain('‘capacity’');
    expect(withFormatter.success || withFormatter.error.issues[0]?.message).toBe(
      'Het veld ‘capacity’ moet minstens 1 zijn.',
    );
  });
});
