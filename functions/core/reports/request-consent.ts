/**
 * The consent a requester of a report on request gives (core/reports/requests.ts). A module of its own: the
 * report's page renders it and the request's input checks it, without the rest of the requests' logic.
 */

/** The consent a requester gives: its text, and the version stored with a request (the text they saw). */
export interface ReportRequestConsent {
  readonly version: string;
  readonly text: string;
}

/** How long requests are kept, as the consent text says it: "een jaar", "2 jaar", "90 dagen". */
export const retentionInDutch = (days: number): string => {
  if (days % 365 === 0) return days === 365 ? 'een jaar' : `${days / 365} jaar`;
  return days === 1 ? 'een dag' : `${days} dagen`;
};

/**
 * The consent for a stage's retention (REPORT_REQUEST_RETENTION_DAYS): the text states the period the
 * requests are kept, so the version names it too. A year keeps the first version's name: its text is the same.
 */
export const reportRequestConsent = (retentionDays: number): ReportRequestConsent => ({
  version: retentionDays === 365 ? '2026-12' : `2026-12/${retentionDays}d`,
  text:
    'Ik ga ermee akkoord dat Drop In mijn e-mailadres, naam, organisatie en doel bewaart om deze aanvraag af ' +
    `te handelen en om te rapporteren over het bereik van het programma. Na ${retentionInDutch(retentionDays)} ` +
    'worden ze verwijderd.',
});

/**
 * The retention a consent version promised (`2026-12`: a year; `2026-12/90d`: 90 days); undefined for a
 * version this code did not write.
 */
export const consentedRetentionDays = (version: string): number | undefined => {
  if (version === '2026-12') return 365;
  const days = /^2026-12\/([1-9][0-9]{0,3})d$/.exec(version)?.[1];
  return days === undefined ? undefined : Number(days);
};
