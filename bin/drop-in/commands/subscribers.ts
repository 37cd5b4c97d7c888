import { createWriteStream } from 'node:fs';
import { Command, Option } from 'commander';
import type { ContextOf } from '../context';
import { table } from '../output';

interface Subscriber {
  readonly email: string | null;
  readonly name: string | null;
  readonly status: string;
  readonly topics: readonly string[];
  readonly createdAt?: string;
  readonly confirmedAt?: string | null;
}

/** One CSV cell for Dutch Excel: `;`-separated, quoted where needed, formulas neutralised. */
const csvCell = (value: string): string => {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[;"\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
};

export const subscribersCommand = (contextOf: ContextOf): Command => {
  const subscribers = new Command('subscribers').description('Abonnees: tellen, exporteren, importeren');

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
    .description('De abonnees als CSV (voor Excel) of JSON, alle pagina’s')
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
      const target = options.out !== undefined ? createWriteStream(options.out) : process.stdout;
      const items: Subscriber[] = [];
      if (!out.asJson) target.write(`\uFEFF${['email', 'naam', 'status', 'onderwerpen'].join(';')}\r\n`);
      for await (const page of api.pages<Subscriber>('GET /api/organiser/subscribers', {
        query: { status: options.status, topic: options.topic, limit: 100 },
      })) {
        if (out.asJson) items.push(...page.items);
        else {
          for (const item of page.items) {
            target.write(
              `${[item.email ?? '', item.name ?? '', item.status, item.topics.join(',')].map(csvCell).join(';')}\r\n`,
            );
          }
        }
        if (options.out !== undefined) out.say(`pagina ${page.page}: ${page.items.length} abonnees`);
      }
      if (out.asJson) target.write(`${JSON.stringify({ items }, null, 2)}\n`);
      if (options.out !== undefined) {
        await new Promise<void>((resolve, reject) =>
          (target as ReturnType<typeof createWriteStream>).end((error?: Error | null) =>
            error ? reject(error) : resolve(),
          ),
        );
        out.say(`Geschreven naar ${options.out}.`);
      }
    });

  return subscribers;
};
