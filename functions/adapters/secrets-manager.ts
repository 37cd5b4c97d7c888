import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/** The string value of a Secrets Manager secret; loaded on first use only (functions/adapters/token-secret.ts). */
export const readSecretString = async (secretId: string, region: string): Promise<string | undefined> => {
  const client = new SecretsManagerClient({ region });
  const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  return SecretString;
};
