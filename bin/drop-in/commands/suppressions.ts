import { Command } from 'commander';
import type { ContextOf } from '../context';
import { details, when } from '../output';

interface Suppression {
  readonly personId: string;
  readonly reason: string;
  readonly suppressedAt: string;
}

export const suppressionsCommand = (contextOf: ContextOf): Command => {
  const suppressions = new Command('suppressions').description(
    'De blokkeerlijst: wie nooit meer mail krijgt, na een bounce of een klacht (alleen beheerders)',
  );

  suppressions
    .command('list')
    .description('Wie er op de blokkeerlijst staat, per persoon')
    .option('--email <adres>', 'alleen dit adres opzoeken')
    .action(async (options: { email?: string }, command: Command) => {
      const { api, out } = contextOf(command);
      const items = await api.all<Suppression>('GET /api/organiser/suppressions', {
        query: { email: options.email },
      });
      out.list(items, 'Niemand.', [
        { title: 'PERSOON', value: (s) => s.personId, width: 30 },
        { title: 'REDEN', value: (s) => s.reason },
        { title: 'SINDS', value: (s) => when(s.suppressedAt) },
      ]);
    });

  suppressions
    .command('lift <personId>')
    .description('Een blokkade opheffen: de volgende mail aan deze persoon gaat weer uit')
    .action(async (personId: string, _options: unknown, command: Command) => {
      const { api, out } = contextOf(command);
      const { body } = await api.call('DELETE /api/organiser/suppressions/{id}', {
        params: { id: personId },
      });
      const lifted = (body as { lifted: Suppression }).lifted;
      out.result(body, () =>
        details([
          ['Opgeheven', lifted.personId],
          ['Reden was', lifted.reason],
        ]),
      );
    });

  return suppressions;
};
