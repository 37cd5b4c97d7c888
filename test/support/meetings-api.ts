import { expect } from 'vitest';
import type { TestSystem } from './system';

const hour = 3_600_000;
const day = 24 * hour;

/** A request init with a JSON body, e.g. `jsonRequest('PATCH', { capacity: 3 }, { 'if-match': etag })`. */
export const jsonRequest = (method: string, body: unknown, headers: Record<string, string> = {}) => ({
  method,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

/**
 * Creates a draft meeting through the organiser API and expects 201. Without overrides: "Kennisnetwerk
 * Eindhoven" at Stationsplein 1, ten days from now, three hours, five places; each test overrides what it
 * relies on. Answers the organiser's view of the meeting.
 */
export const createMeeting = async <T extends { id: string } = { id: string }>(
  system: TestSystem,
  overrides: Record<string, unknown> = {},
): Promise<T> => {
  const startsAt = new Date(Date.now() + 10 * day);
  const response = await system.fetchAsOrganiser(
    '/api/organiser/meetings',
    jsonRequest('POST', {
      title: 'Kennisnetwerk Eindhoven',
      city: 'Eindhoven',
      venueAddress: 'Stationsplein 1, Eindhoven',
      startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + 3 * hour).toISOString(),
      capacity: 5,
      ...overrides,
    }),
  );
  expect(response.status).toBe(201);
  return (await response.json()) as T;
};

/** Publishes a meeting through the organiser API and expects 200. Answers the organiser's view of it. */
export const publishMeeting = async <T extends { id: string } = { id: string }>(
  system: TestSystem,
  id: string,
): Promise<T> => {
  const response = await system.fetchAsOrganiser(`/api/organiser/meetings/${id}/publish`, { method: 'POST' });
  expect(response.status).toBe(200);
  return (await response.json()) as T;
};
