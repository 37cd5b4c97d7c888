import { loadTokenSecret } from '../adapters/token-secret';
import { PersonIds } from '../core/people/person-id';
import { onceResolved } from './once';
import { config } from './process';

/**
 * The person-id key (`needs.personIds`, `needs.tokens`): read on first use (offline it is in the environment;
 * in AWS it takes one Secrets Manager call, whose client is loaded only then). It keys people and is never
 * rotated; links signed before the keyring existed verify against it (keys.ts). Apart from keys.ts, so a
 * function that only keys people bundles nothing of the link keyring.
 */
export const personIdSecret = onceResolved(() => loadTokenSecret(config));

/** Keys people: the same address always gives the same person id, which says nothing about the address. */
export const personIds = onceResolved(async () => new PersonIds(await personIdSecret()));
