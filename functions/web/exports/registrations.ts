import {
  hasPersonalData,
  type Meeting,
  type RegistrationAnswers,
  type RegistrationStatus,
  type StoredRegistration,
} from '../../core/meetings/model';
import type { RegistrationRow } from '../../core/meetings/ports';
import { roleLabels } from '../pages/meetings';
import { formatLocalTimestamp } from '../time';

/**
 * The organisers' exports of a meeting's registrations: CSV for Dutch Excel and JSON for everything else.
 * Both list the same people in the same order: confirmed first (as they registered), then the waiting list
 * in its order, then cancellations. A registration anonymised after the retention period (core/retention.ts)
 * is listed without name, address, organisation and municipality: it still counts, but names nobody.
 */

/** Who registered, as far as the registration still says. */
const personalDetails = (
  registration: StoredRegistration,
): { name?: string; email?: string; answers: RegistrationAnswers } =>
  hasPersonalData(registration)
    ? { name: registration.name, email: registration.email, answers: registration.answers }
    : { answers: registration.answers };

const statusOrder: Record<RegistrationStatus, number> = { confirmed: 0, waiting: 1, cancelled: 2 };
const statusLabels: Record<RegistrationStatus, string> = {
  confirmed: 'Bevestigd',
  waiting: 'Wachtlijst',
  cancelled: 'Afgemeld',
};

interface OrderedRow extends RegistrationRow {
  /** 1-based rank among the people still waiting; waiting registrations only. */
  readonly waitingPosition?: number;
}

const sortKey = (registration: StoredRegistration): string =>
  registration.status === 'waiting'
    ? (registration.waitingKey ?? registration.registeredAt)
    : (registration.cancelledAt ?? registration.confirmedAt ?? registration.registeredAt);

const ordered = (rows: readonly RegistrationRow[]): OrderedRow[] => {
  const sorted = rows.toSorted((a, b) => {
    const byStatus = statusOrder[a.registration.status] - statusOrder[b.registration.status];
    if (byStatus !== 0) return byStatus;
    const [ka, kb] = [sortKey(a.registration), sortKey(b.registration)];
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  let waiting = 0;
  return sorted.map((row) =>
    row.registration.status === 'waiting' ? { ...row, waitingPosition: ++waiting } : row,
  );
};

export const csvHeader = [
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
] as const;

/**
 * Cells a spreadsheet would read as a formula get a leading apostrophe (OWASP CSV injection): those starting
 * with = + - @, a tab or a carriage return, also after leading spaces, because some spreadsheets skip those
 * before deciding. Only text people typed passes through here; our own numbers and dates do not.
 */
export const neutraliseFormula = (cell: string): string => (/^\s*[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell);

/** RFC 4180 quoting, with `;` as the separator Dutch Excel expects. */
const quote = (cell: string): string => (/[;"\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);

/** A cell of text people typed: neutralised and quoted. */
export const typed = (text: string | undefined): string => quote(neutraliseFormula(text ?? ''));
/** A cell of our own (a status, a number, a date): quoted only. */
export const ours = (text: string): string => quote(text);

/** The byte order mark that makes Excel read the file as UTF-8 (é, ë, ï) instead of Windows-1252. */
export const utf8Bom = '\uFEFF';

/**
 * The registrations as CSV: a string starting with the UTF-8 BOM (the bytes EF BB BF once encoded),
 * `;`-separated, CRLF line ends. The meeting names the file (see `registrationsFileName`); the columns are
 * the same for every meeting, so a sheet built on one export works for the next.
 */
export const registrationsCsv = (_meeting: Meeting, rows: readonly RegistrationRow[]): string => {
  const lines = [
    csvHeader.map(ours).join(';'),
    ...ordered(rows).map(({ registration, needs, waitingPosition }) => {
      const { name, email, answers } = personalDetails(registration);
      return [
        typed(name),
        typed(email),
        ours(statusLabels[registration.status]),
        ours(waitingPosition === undefined ? '' : String(waitingPosition)),
        typed(answers.organisation),
        ours(answers.role ? roleLabels[answers.role] : ''),
        typed(answers.municipality),
        typed(needs?.dietary),
        typed(needs?.accessibility),
        ours(formatLocalTimestamp(registration.registeredAt)),
      ].join(';');
    }),
  ];
  return `${utf8Bom}${lines.join('\r\n')}\r\n`;
};

/** A file name for the download: ASCII only, so every browser keeps it. */
export const registrationsFileName = (meeting: Meeting, extension: 'csv' | 'json'): string =>
  `aanmeldingen-${meeting.meetingId.replace(/[^A-Za-z0-9_-]/g, '-')}.${extension}`;

export interface RegistrationExport {
  readonly registrationId: string;
  /** Null once the registration is anonymised (`anonymisedAt`). */
  readonly name: string | null;
  readonly email: string | null;
  readonly status: RegistrationStatus;
  readonly waitingPosition: number | null;
  readonly organisation: string | null;
  readonly role: string | null;
  readonly municipality: string | null;
  readonly dietary: string | null;
  readonly accessibility: string | null;
  readonly registeredAt: string;
  readonly confirmedAt: string | null;
  readonly cancelledAt: string | null;
  /** When the personal data was removed, after the retention period; null while it is kept. */
  readonly anonymisedAt: string | null;
}

export interface RegistrationsExport {
  readonly meetingId: string;
  readonly title: string;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly capacity: number;
  readonly confirmedCount: number;
  readonly waitingCount: number;
  /** Registration requests still waiting for their confirmation by mail: counted, never listed. */
  readonly pendingCount: number;
  readonly registrations: readonly RegistrationExport[];
}

/** The same rows as plain JSON-ready objects: ISO 8601 UTC times, null where there is no value. */
export const registrationsJson = (
  meeting: Meeting,
  rows: readonly RegistrationRow[],
  pendingCount: number,
): RegistrationsExport => ({
  meetingId: meeting.meetingId,
  title: meeting.title,
  startsAt: meeting.startsAt,
  endsAt: meeting.endsAt,
  capacity: meeting.capacity,
  confirmedCount: meeting.confirmedCount,
  waitingCount: meeting.waitingCount,
  pendingCount,
  registrations: ordered(rows).map(({ registration, needs, waitingPosition }) => {
    const { name, email, answers } = personalDetails(registration);
    return {
      registrationId: registration.registrationId,
      name: name ?? null,
      email: email ?? null,
      status: registration.status,
      waitingPosition: waitingPosition ?? null,
      organisation: answers.organisation ?? null,
      role: answers.role ?? null,
      municipality: answers.municipality ?? null,
      dietary: needs?.dietary ?? null,
      accessibility: needs?.accessibility ?? null,
      registeredAt: registration.registeredAt,
      confirmedAt: registration.confirmedAt ?? null,
      cancelledAt: registration.cancelledAt ?? null,
      anonymisedAt: hasPersonalData(registration) ? null : registration.anonymisedAt,
    };
  }),
});
