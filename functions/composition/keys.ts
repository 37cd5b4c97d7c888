import { loadTokenSecret } from '../adapters/token-secret';
import { PersonIds } from '../core/people/person-id';
import { TokenSigner } from '../core/tokens';
import { onceResolved } from './once';
import { clock, config } from './process';

/**
 * The signing secret (`needs.tokens`): read on first use (offline it is in the environment; in AWS it takes
 * one Secrets Manager call, whose client is loaded only then). It signs and checks links, and keys people.
 */
const tokenSecret = onceResolved(() => loadTokenSecret(config));

/** Signs and checks the tokens in links. */
export const tokens = onceResolved(async () => new TokenSigner(await tokenSecret(), clock));

/** Keys people: the same address always gives the same person id, which says nothing about the address. */
export const personIds = onceResolved(async () => new PersonIds(await tokenSecret()));
