import { Command } from 'commander';
import { bodyFromOptions, type ContextOf, withBodyOptions } from '../context';

const route = 'POST /api/organiser/test-mail';

/** The house mail to your own address: how a mail of Drop In looks, and that mail reaches you. */
export const testMailCommand = (contextOf: ContextOf): Command =>
  withBodyOptions(
    new Command('test-mail').description('Een proefmail in de huisstijl naar je eigen adres'),
    route,
  ).action(async (options: Record<string, unknown>, command: Command) => {
    const { api, out } = contextOf(command);
    const { body } = await api.call(route, { body: bodyFromOptions(route, options) });
    out.result(body, () => 'Verstuurd: kijk in je mailbox.');
  });
