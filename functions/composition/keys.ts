import { CachedLinkKeys, loadLinkKeyring } from '../adapters/link-keyring';
import { keyringReloadSeconds } from '../core/link-keys';
import { TokenSigner } from '../core/tokens';
import { onceResolved } from './once';
import { personIdSecret } from './person-ids';
import { clock, config } from './process';

/**
 * The link keyring (`needs.tokens`), kept fresh: loaded again after `keyringReloadSeconds` in AWS; offline at every use, since
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
