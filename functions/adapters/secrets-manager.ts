import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/** One client per region for the life of the process: the keyring is read again every few minutes. */
const clients = new Map<string, SecretsManagerClient>();

/**
 * The string value of a Secrets Manager secret. This module is loaded on first use only
 * (functions/adapters/token-secret.ts, link-keyring.ts), so functions that never read a secret never load its client.
 */
export const readSecretString = async (secretId: string, region: string): Promise<string | undefined> => {
  let client = clients.get(region);
  if (!client) {
    client = new SecretsManagerClient({ region });
    clients.set(region, client);
  }
  const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  return SecretString;
};
