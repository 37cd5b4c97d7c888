/**
 * The person-id key (also the legacy link key): given directly offline (TOKEN_SECRET), read once per process from Secrets Manager
 * in AWS (TOKEN_SECRET_ARN). Only functions granted the secret ever call this. The Secrets Manager client is
 * loaded on that first read only: offline never loads it, and in AWS it costs nothing at cold start.
 */
export const loadTokenSecret = async (settings: {
  TOKEN_SECRET?: string | undefined;
  TOKEN_SECRET_ARN?: string | undefined;
  AWS_REGION: string;
}): Promise<string> => {
  if (settings.TOKEN_SECRET) return settings.TOKEN_SECRET;
  if (!settings.TOKEN_SECRET_ARN) throw new Error('No token secret configured');
  const { readSecretString } = await import('./secrets-manager');
  const secret = await readSecretString(settings.TOKEN_SECRET_ARN, settings.AWS_REGION);
  if (!secret) throw new Error('The token secret is empty');
  return secret;
};
