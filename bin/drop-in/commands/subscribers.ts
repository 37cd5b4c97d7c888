import { Command, Option } from 'commander';
import { ours, typed, utf8Bom } from '../../../functions/web/exports/registrations';
import type { ContextOf } from '../context';
import { writeUserFile } from '../files';
import { table } from '../output';

interface Subscriber {
  readonly email: string | null;
  readonly name: string | null;
  readonly status: string;
  readonly topics: readonly string[];
}

/** The export as Dutch Excel reads it: the BOM, `;`, CRLF, and what people typed neutralised as a formula. */
const subscribersCsv = (items: readonly Subscriber[]): string =>
  [
    `${utf8Bom}${['E-mailadres', 'Naam', 'Status', 'Onderwerpen'].map(ours).join(';')}`,
    ...items.map((item) =>
      [typed(item.email ?? ''), typed(item.name ?? ''), ours(item.status), ours(item.topics.join(','))].join(
        ';',
      ),
    ),
  ]
    .map((line) => `${line}\r\n`)
    .join('');

export const subscribersCommand = (contextOf: ContextOf): Command => {
  const subscribers = new Command('subscribers').description('Abonnees: tellen en exporteren');

  subscribers
    .command('counts')
    .description('Hoeveel abonnees er zijn, per status en onderwerp')
    .action(async (_options: unknown, command: Command) => {
      const { api, out } = contextOf(command);
      const { body } = await api.call('GET /api/organiser/subscribers/counts');
      const counts = body as Record<string, Record<string, number>>;
      const topics = Object.keys(counts.active ?? {}).filter((key) => key !== 'total');
      const rows = Object.entries(counts).map(([status, values]) => ({ status, values }));
      out.result(body, () =>
        table(rows, [
          { title: 'STATUS', value: (row) => row.status },
          { title: 'TOTAAL', value: (row) => row.values.total, numeric: true },
          ...topics.map((topic) => ({
            title: topic.toUpperCase(),
            value: (row: (typeof rows)[number]) => row.values[topic],
            numeric: true,
          })),
        ]),
      );
    });

  subscribers
    .command('export')
    .description('De abonnees als CSV (voor Excel), of met --json als JSON; alle pagina’s')
    .addOption(
      new Option('--status <status>', 'welke')
        .choices(['active', 'pending', 'unsubscribed'])
        .default('active'),
    )
    .addOption(
      new Option('--topic <onderwerp>', 'alleen van dit onderwerp').choices([
        'nieuwsbrief',
        'bijeenkomsten',
        'publicaties',
      ]),
    )
    .option('--out <bestand>', 'naar dit bestand in plaats van naar de terminal')
    .action(async (options: { status: string; topic?: string; out?: string }, command: Command) => {
      const { api, out } = contextOf(command);
      const items = await api.all<Subscriber>(
        'GET /api/organiser/subscribers',
        { query: { status: options.status, topic: options.topic } },
        {
          onPage: options.out !== undefined ? (count) => out.say(`${count} abonnees opgehaald…`) : undefined,
        },
      );
      // Written once every page has arrived: a refusal half-way leaves no half a file.
      const content = out.asJson ? `${JSON.stringify({ items }, null, 2)}\n` : subscribersCsv(items);
      if (options.out === undefined) {
        process.stdout.write(content);
        return;
      }
      writeUserFile(options.out, content);
      out.say(`${items.length} abonnees geschreven naar ${options.out}.`);
    });

  return subscribers;
};
