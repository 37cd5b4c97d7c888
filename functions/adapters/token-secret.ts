import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/**
 * The token-signing key: given directly offline (TOKEN_SECRET), read once per process from Secrets Manager
 * in AWS (TOKEN_SECRET_ARN). Only functions granted the secret ever call this.
 */
export const loadTokenSecret = async (settings: {
  TOKEN_SECRET?: string | undefined;
  TOKEN_SECRET_ARN?: string | undefined;
  AWS_REGION: string;
}): Promise<string> => {
  if (settings.TOKEN_SECRET) return settings.TOKEN_SECRET;
  if (!settings.TOKEN_SECRET_ARN) throw new Error('No token secret configured');
  const client = new SecretsManagerClient({ region: settings.AWS_REGION });
  const { SecretString } = await client.send(
    new GetSecretValueCommand({ SecretId: settings.TOKEN_SECRET_ARN }),
  );
  if (!SecretString) throw new Error('The token secret is empty');
  return SecretString;
};
