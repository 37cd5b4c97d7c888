import { CachedLinkKeys, loadLinkKeyring } from '../adapters/link-keyring';
import { loadTokenSecret } from '../adapters/token-secret';
import { keyringReloadSeconds } from '../core/link-keys';
import { PersonIds } from '../core/people/person-id';
import { TokenSigner } from '../core/tokens';
import { onceResolved } from './once';
import { clock, config } from './process';

/**
 * The person-id key (`needs.personIds`, `needs.tokens`): read on first use (offline it is in the environment; in AWS it takes
 * one Secrets Manager call, whose client is loaded only then). It keys people and is never rotated; links
 * signed before the keyring existed verify against it.
 */
const personIdSecret = onceResolved(() => loadTokenSecret(config));

/**
 * The link keyring, kept fresh: loaded again after `keyringReloadSeconds` in AWS; offline at every use, since
 * it is a file read and `npm run local -- rotate-key` should show at once.
 */
const linkKeys = onceResolved(async () =>
  CachedLinkKeys.load({
    legacySecret: await personIdSecret(),
    load: () => loadLinkKeyring(config),
    clock,
    maxAgeSeconds: config.LINK_KEYS_FILE ? 0 : keyringReloadSeconds,
  }),
);

const signer = onceResolved(async () => new TokenSigner(await linkKeys(), clock));

/** Signs and checks the tokens in links, with a keyring no older than the reload interval. */
export const tokens = async (): Promise<TokenSigner> => {
  const keys = await linkKeys();
  await keys.refreshIfStale();
  return signer();
};

/** Keys people: the same address always gives the same person id, which says nothing about the address. */
export const personIds = onceResolved(async () => new PersonIds(await personIdSecret()));
