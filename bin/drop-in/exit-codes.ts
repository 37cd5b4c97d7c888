/**
 * The exit codes of `drop-in`, as `--help` lists them: scripts tell a refusal from a conflict without
 * reading the text.
 */
export const exitCodes = {
  ok: 0,
  failed: 1,
  usage: 2,
  notPermitted: 3,
  notFound: 4,
  conflict: 5,
} as const;

export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];

export const exitCodeHelp = `Afsluitcodes:
  0  gelukt
  1  mislukt (de API weigerde de invoer, of een storing)
  2  verkeerd gebruik (een onbekend commando, een ontbrekende optie, een onleesbaar bestand)
  3  niet ingelogd of geen toestemming (401, 403)
  4  niet gevonden (404, 410)
  5  conflict (409, of de versie veranderde intussen: 412)`;

/** The exit code for an API answer's status. */
export const exitCodeForStatus = (status: number): ExitCode => {
  if (status === 401 || status === 403) return exitCodes.notPermitted;
  if (status === 404 || status === 410) return exitCodes.notFound;
  if (status === 409 || status === 412) return exitCodes.conflict;
  return exitCodes.failed;
};

/** Something the user can act on: printed as its message alone, then the process exits with `code`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly code: ExitCode,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** A wrong invocation or an unreadable input file (exit 2). */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, exitCodes.usage);
    this.name = 'UsageError';
  }
}

/** No credentials for this API, or credentials it refuses (exit 3). */
export class NotSignedIn extends CliError {
  constructor(message: string) {
    super(message, exitCodes.notPermitted);
    this.name = 'NotSignedIn';
  }
}

/** The API (or Cognito) could not be reached at all: no answer, a broken connection (exit 1). */
export class ApiUnreachable extends CliError {
  constructor(message: string) {
    super(message, exitCodes.failed);
    this.name = 'ApiUnreachable';
  }
}
