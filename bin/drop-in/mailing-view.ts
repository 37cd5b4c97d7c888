import { details, when } from './output';

/** A mailing as the organiser API shows it (functions/contract/schemas/mailings.ts). */
export interface Mailing {
  readonly id: string;
  readonly subject: string;
  readonly status: string;
  readonly statusLabel: string;
  readonly audience: {
    readonly topics?: readonly string[];
    readonly meeting?: string;
    readonly registrations?: string;
    readonly import?: string;
  };
  readonly version: number;
  readonly author: { readonly name?: string; readonly email?: string };
  readonly updatedAt: string;
  readonly scheduledAt?: string;
  readonly counts?: {
    readonly audience: number;
    readonly sent: number;
    readonly skipped: number;
    readonly failed: number;
    readonly inDoubt: number;
  };
  readonly sending?: { readonly audienceComplete: boolean; readonly ratePerSecond?: number };
  readonly fourEyes?: { readonly testSentToAuthor: boolean; readonly approvedForCurrentVersion: boolean };
  readonly approval?: { readonly name?: string; readonly by: string; readonly version: number };
  readonly pausedBy?: string;
  readonly notice?: string;
}

const audienceText = (audience: Mailing['audience']): string =>
  [
    audience.topics?.length ? `abonnees van ${audience.topics.join(', ')}` : undefined,
    audience.meeting
      ? `aanmeldingen (${audience.registrations}) van bijeenkomst ${audience.meeting}`
      : undefined,
    audience.import ? `wie import ${audience.import} aanmeldde en nog niet bevestigde` : undefined,
  ]
    .filter(Boolean)
    .join(' en ');

const countsText = (counts: Mailing['counts']): string | undefined =>
  counts &&
  `${counts.sent} verstuurd van ${counts.audience}, ${counts.skipped} overgeslagen, ${counts.failed} mislukt${
    counts.inDoubt ? `, ${counts.inDoubt} onzeker` : ''
  }`;

export const showMailing = (mailing: Mailing): string =>
  details([
    ['Mailing', mailing.subject],
    ['Id', mailing.id],
    ['Status', mailing.statusLabel],
    ['Aan', audienceText(mailing.audience)],
    ['Ingepland', when(mailing.scheduledAt)],
    ['Voortgang', countsText(mailing.counts)],
    [
      'Testmail',
      mailing.fourEyes
        ? mailing.fourEyes.testSentToAuthor
          ? 'verstuurd (deze versie)'
          : 'nog niet (deze versie)'
        : undefined,
    ],
    [
      'Goedkeuring',
      mailing.fourEyes
        ? mailing.fourEyes.approvedForCurrentVersion
          ? `goedgekeurd door ${mailing.approval?.name ?? mailing.approval?.by}`
          : 'nog niet (deze versie)'
        : undefined,
    ],
    ['Gepauzeerd door', mailing.pausedBy],
    ['Let op', mailing.notice],
    ['Versie', mailing.version],
  ]);
