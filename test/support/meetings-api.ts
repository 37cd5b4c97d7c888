import { expect } from 'vitest';
import { paths } from '../../functions/paths';
import type { StoredMail } from '../../local/engines/ses-emulator';
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

/** What the confirmation page says is stored: a seat, a place in line (with its number), or "already". */
export interface ConfirmedRegistration {
  readonly status: 'confirmed' | 'waiting';
  readonly position: number | null;
  readonly already: boolean;
}

/** Reads the outcome off the confirmation page (its heading and the place it states). */
export const outcomeOnPage = (html: string): ConfirmedRegistration => {
  const already = /<h1>Je (bent al aangemeld|staat al op de wachtlijst)<\/h1>/.test(html);
  const waiting = /<h1>Je staat (al )?op de wachtlijst<\/h1>/.test(html);
  const confirmed = /<h1>Je bent (al )?aangemeld<\/h1>/.test(html);
  if (!waiting && !confirmed) throw new Error(`Not a confirmation page: ${html.slice(0, 300)}`);
  const position = html.match(/Je staat op plaats (\d+) van de wachtlijst/)?.[1];
  return { status: waiting ? 'waiting' : 'confirmed', position: position ? Number(position) : null, already };
};

const confirmLinkIn = (system: TestSystem, mail: StoredMail): string | undefined =>
  (mail.body.text ?? '')
    .match(new RegExp(`${system.baseUrl}${paths.confirmRegistration}\\?token=[\\w.%-]+`))?.[0]
    .slice(system.baseUrl.length);

/**
 * The paths (with their tokens) of the confirm links mailed to `addresses`, in their order: one poll of the
 * mailbox for all of them (a poll per address would list the shared mailbox hundreds of times at once).
 */
export const confirmLinksFor = async (
  system: TestSystem,
  addresses: readonly string[],
  { since, timeoutMs = 60_000 }: { since?: Date; timeoutMs?: number } = {},
): Promise<string[]> => {
  const wanted = new Set(addresses);
  const found = new Map<string, string>();
  const deadline = Date.now() + timeoutMs;
  while (found.size < wanted.size) {
    for (const mail of await system.mailbox.list(since)) {
      const to = mail.destination.to.find((address) => wanted.has(address));
      const link =
        to && /^Bevestig je aanmelding/.test(mail.subject) ? confirmLinkIn(system, mail) : undefined;
      if (to && link) found.set(to, link);
    }
    if (found.size < wanted.size) {
      if (Date.now() > deadline) throw new Error(`${wanted.size - found.size} confirm links did not arrive`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  return addresses.map((address) => found.get(address) ?? '');
};

/** The path (with its token) of the confirm link mailed to `address`. */
export const confirmLinkFor = async (system: TestSystem, address: string, since?: Date): Promise<string> => {
  const [link] = await confirmLinksFor(
    system,
    [address],
    since ? { since, timeoutMs: 30_000 } : { timeoutMs: 30_000 },
  );
  return link ?? '';
};

/** Posts the confirmation page's button, expecting 200, and answers what the page says. */
export const confirmRegistrationAt = async (
  system: TestSystem,
  confirmPath: string,
): Promise<ConfirmedRegistration> => {
  const response = await system.fetch(confirmPath, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: '',
  });
  const html = await response.text();
  expect(response.status, html.slice(0, 500)).toBe(200);
  return outcomeOnPage(html);
};

/**
 * Registers as a member of the public would: the request (202), the confirm link from the mailbox, and the
 * button on the page it opens. Answers what the confirmation page says.
 */
export const registerThroughMail = async (
  system: TestSystem,
  meetingId: string,
  body: Record<string, unknown>,
): Promise<ConfirmedRegistration> => {
  const requestedAt = new Date(Date.now() - 1000);
  const response = await system.fetch(`/api/meetings/${meetingId}/registrations`, jsonRequest('POST', body));
  expect(response.status).toBe(202);
  const confirmPath = await confirmLinkFor(system, String(body.email), requestedAt);
  return confirmRegistrationAt(system, confirmPath);
};

/** An organiser registers someone directly (no confirmation by mail); expects 201 or 200 and answers the body. */
export const registerAsOrganiser = async (
  system: TestSystem,
  meetingId: string,
  body: Record<string, unknown>,
): Promise<{ status: 'confirmed' | 'waiting'; position: number | null; already: boolean }> => {
  const response = await system.fetchAsOrganiser(
    `/api/organiser/meetings/${meetingId}/registrations`,
    jsonRequest('POST', body),
  );
  expect([200, 201]).toContain(response.status);
  return (await response.json()) as {
    status: 'confirmed' | 'waiting';
    position: number | null;
    already: boolean;
  };
};

/** A published meeting in ten days, open for registration now, that asks nothing but a name and an address. */
export const publishedOpenMeeting = async (system: TestSystem, capacity: number): Promise<string> => {
  const { id } = await createMeeting(system, {
    title: 'Kennisnetwerk Groningen',
    city: 'Groningen',
    venueAddress: 'Oude Boteringestraat 1, Groningen',
    capacity,
    questions: { organisation: false, role: false, municipality: false, needs: false },
  });
  await publishMeeting(system, id);
  return id;
};

/** The organiser's JSON export of a meeting's registrations. */
export const registrationsExport = async (system: TestSystem, meetingId: string) => {
  const response = await system.fetchAsOrganiser(`/api/organiser/meetings/${meetingId}/registrations.json`);
  return (await response.json()) as {
    confirmedCount: number;
    waitingCount: number;
    pendingCount: number;
    registrations: { email: string; status: string; waitingPosition: number | null }[];
  };
};
