/**
 * The least environment functions/config.ts accepts (offline, the table scheduler): the base of the tests
 * that check one setting at a time, e.g. `loadConfig({ ...minimalEnvironment, REGISTRATION_RETENTION_DAYS: '120' })`.
 */
export const minimalEnvironment: Readonly<Record<string, string>> = {
  TABLE_NAME: 'dropin',
  PUBLIC_BASE_URL: 'https://dropin.example.org',
  MAIL_FROM_ADDRESS: 'nieuws@dropin.example.org',
  TOKEN_SECRET: 'a-secret-of-at-least-thirty-two-characters',
  SCHEDULER_MODE: 'table',
};
