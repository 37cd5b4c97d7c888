/**
 * The consent text shown with every subscription form, with its version. The version is stored with each
 * consent; change it whenever the text changes, so each subscriber's consent points at the words they saw.
 */
export const consentText = {
  version: '2026-11-28',
  text: 'Ik wil e-mail van Drop In ontvangen over de onderwerpen die ik kies. Drop In gebruikt mijn e-mailadres en naam alleen daarvoor, deelt ze met niemand en verwijdert ze als ik me afmeld. Afmelden kan met één klik onder elke e-mail.',
} as const;
