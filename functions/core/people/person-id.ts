import { createHmac } from 'node:crypto';

/** How addresses are compared: trimmed and lower-cased (docs/architecture.md, "People"). */
export const normaliseAddress = (address: string): string => address.trim().toLowerCase();

/**
 * The key of a person: an HMAC of the normalised address, so the same address always finds the same person
 * (subscriptions, registrations, requests) while the key itself reveals nothing without the secret.
 */
export class PersonIds {
  readonly #key: Buffer;

  constructor(secret: string) {
    this.#key = createHmac('sha256', secret).update('dropin-person-id').digest();
  }

  of(address: string): string {
    return createHmac('sha256', this.#key).update(normaliseAddress(address)).digest('hex').slice(0, 32);
  }
}
