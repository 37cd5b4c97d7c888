import type { SubscriptionPorts } from '../core/subscriptions/use-cases';
import type { TokenSigner } from '../core/tokens';
import { tokens } from './keys';
import { personIds } from './person-ids';
import { clock, ids } from './process';
import { subscriptionStore } from './subscription-store';

/** For the use cases that key people but neither sign nor check links: no link keyring is read. */
export const subscriptionPorts = async (): Promise<SubscriptionPorts> => ({
  store: subscriptionStore(),
  clock,
  ids,
  personIds: await personIds(),
});

/** For the use cases that key people and sign or check links. */
export const subscriptions = async (): Promise<SubscriptionPorts & { tokens: TokenSigner }> => ({
  ...(await subscriptionPorts()),
  tokens: await tokens(),
});
