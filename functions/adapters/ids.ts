import { randomBytes } from 'node:crypto';
import type { Clock, IdGenerator } from '../core/ports';

const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'; // Crockford base32: no I, L, O, U

/**
 * ULID-style ids: 10 characters of time, 16 of randomness (80 bits). They sort by creation time, so lists
 * keyed by them come out in order, and they say nothing about the person they belong to.
 */
export const timeOrderedIds = (clock: Clock): IdGenerator => ({
  next: () => {
    let time = clock.now().getTime();
    let prefix = '';
    for (let i = 0; i < 10; i++) {
      prefix = (alphabet[time % 32] ?? '0') + prefix;
      time = Math.floor(time / 32);
    }
    const random = randomBytes(16);
    let suffix = '';
    for (const byte of random) suffix += alphabet[byte % 32];
    return prefix + suffix;
  },
});
