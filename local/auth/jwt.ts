import { type KeyObject, sign, verify } from 'node:crypto';

/** Compact JWS with RS256 (RSASSA-PKCS1-v1_5 over SHA-256), the algorithm Cognito signs with. */
export const signRs256 = (payload: Record<string, unknown>, privateKey: KeyObject, keyId: string): string => {
  const header = Buffer.from(JSON.stringify({ kid: keyId, alg: 'RS256' })).toString('base64url');
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  const signature = sign('sha256', Buffer.from(`${header}.${body}`), privateKey).toString('base64url');
  return `${header}.${body}.${signature}`;
};

export type JwsCheck =
  | { readonly valid: true; readonly payload: Record<string, unknown> }
  | { readonly valid: false; readonly reason: string };

const base64url = /^[A-Za-z0-9_-]+$/;

const decodeJson = (part: string): unknown => {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Checks the form, the algorithm, the key id and the signature; the claims are the caller's to check. */
export const verifyRs256 = (token: string, publicKey: KeyObject, keyId: string): JwsCheck => {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((part) => base64url.test(part))) {
    return { valid: false, reason: 'not a compact JWS' };
  }
  const [headerPart = '', payloadPart = '', signaturePart = ''] = parts;
  const header = decodeJson(headerPart);
  if (!isRecord(header)) return { valid: false, reason: 'header is not a JSON object' };
  if (header.alg !== 'RS256')
    return { valid: false, reason: `algorithm ${String(header.alg)} is not accepted` };
  if (header.kid !== keyId) return { valid: false, reason: 'unknown kid' };
  const signed = verify(
    'sha256',
    Buffer.from(`${headerPart}.${payloadPart}`),
    publicKey,
    Buffer.from(signaturePart, 'base64url'),
  );
  if (!signed) return { valid: false, reason: 'bad signature' };
  const payload = decodeJson(payloadPart);
  if (!isRecord(payload)) return { valid: false, reason: 'payload is not a JSON object' };
  return { valid: true, payload };
};
