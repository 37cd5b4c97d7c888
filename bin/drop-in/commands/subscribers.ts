import { Command, Option } from 'commander';
import type {
  SubscriberImportProgressBody,
  SubscriberImportReportBody,
} from '../../../functions/contract/schemas/organisers';
import { readImportFile, UnreadableImportFile } from '../../../functions/core/subscriptions/import-file';
import { ours, typed, utf8Bom } from '../../../functions/web/exports/registrations';
import type { ContextOf } from '../context';
import { decodeCsv } from '../csv-file';
import { readUserFile, writeUserFile } from '../files';
import { details, table } from '../output';
import { watchMailing } from '../watch';

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

/** The import's report, as the API's document has it. */
type ImportReport = SubscriberImportReportBody;

/** The report for people: the figures, then every row not imported, with the address the file has on it. */
const importReportText = (report: ImportReport, addressOn: (line: number) => string): string => {
  const notImported = [
    ...report.invalid.map(({ line, reason }) => ({ line, why: `ongeldig: ${reason}` })),
    ...report.duplicates.map(({ line, firstLine }) => ({
      line,
      why: `dubbel (staat al op regel ${firstLine})`,
    })),
    ...report.suppressed.map(({ line }) => ({ line, why: 'op de blokkeerlijst (bounce of klacht)' })),
    ...report.alreadySubscribed.map(({ line }) => ({ line, why: 'al aangemeld' })),
    ...report.awaitingConfirmation.map(({ line }) => ({ line, why: 'wacht al op bevestiging' })),
    ...report.unsubscribed.map(({ line }) => ({ line, why: 'eerder afgemeld' })),
    ...report.askedBefore.map(({ line }) => ({ line, why: 'al eerder door een import gevraagd' })),
  ].sort((a, b) => a.line - b.line);
  const summary = details([
    ['Import', report.importId],
    ['Regels', report.rows],
    [
      report.dryRun ? 'Zou importeren' : 'Geïmporteerd',
      report.confirmedElsewhere
        ? `${report.imported}, meteen aangemeld (toestemming met bewijs)`
        : `${report.imported}, wachten op hun bevestiging`,
    ],
    ['Niet geïmporteerd', notImported.length],
    ['Bevestigingsmailing', report.mailingId ?? (report.dryRun ? 'geen (proef)' : 'geen')],
  ]);
  if (notImported.length === 0) return summary;
  return `${summary}\n\n${table(notImported, [
    { title: 'REGEL', value: (row) => row.line, numeric: true },
    { title: 'E-MAILADRES', value: (row) => addressOn(row.line) },
    { title: 'WAAROM NIET', value: (row) => row.why },
  ])}`;
};

export const subscribersCommand = (contextOf: ContextOf): Command => {
  const subscribers = new Command('subscribers').description('Abonnees: importeren, tellen en exporteren');

  subscribers
    .command('import <bestand>')
    .description(
      'Een lijst adressen importeren (CSV met ; of , in UTF-8 of Windows-1252; kopregel e-mailadres en naam, of alleen adressen): ' +
        'nieuwe adressen krijgen een bevestigingsmail, tenzij ze al toestemming gaven (--confirmed-evidence)',
    )
    .requiredOption('--source <tekst>', 'waar de adressen vandaan komen; de bevestigingsmail noemt het')
    .option(
      '--topics <lijst>',
      'onderwerpen, met komma’s: nieuwsbrief, bijeenkomsten, publicaties',
      'nieuwsbrief',
    )
    .option('--dry-run', 'alleen het verslag: niets opslaan, niets versturen')
    .option(
      '--confirmed-evidence <tekst>',
      'deze mensen gaven al toestemming (hoe en wanneer): meteen aanmelden, zonder mail',
    )
    .option('--watch', 'volg daarna het versturen van de bevestigingsmailing met de voortgangsbalk')
    .action(
      async (
        file: string,
        options: {
          source: string;
          topics: string;
          dryRun?: boolean;
          confirmedEvidence?: string;
          watch?: boolean;
        },
        command: Command,
      ) => {
        const context = contextOf(command);
        const { text, encoding } = decodeCsv(readUserFile(file));
        let rows: ReturnType<typeof readImportFile>['rows'] = [];
        try {
          rows = readImportFile(text).rows;
        } catch (error) {
          // The API says the same; saying it here spares the upload. Its words are the API's.
          if (!(error instanceof UnreadableImportFile)) throw error;
        }
        context.out.say(
          `${file}: ${rows.length} regels gelezen (${encoding === 'utf-8' ? 'UTF-8' : 'Windows-1252'}); ${options.dryRun ? 'proef' : 'importeren'}…`,
        );
        const request = {
          body: {
            csv: text,
            source: options.source,
            topics: options.topics
              .split(',')
              .map((topic) => topic.trim())
              .filter(Boolean),
            dryRun: options.dryRun === true,
            ...(options.confirmedEvidence !== undefined
              ? { confirmedEvidence: options.confirmedEvidence }
              : {}),
          },
        };
        // A round that runs out of time answers 202 with how far it got: the same request goes on.
        let answer = await context.api.call('POST /api/organiser/subscribers/imports', request);
        while (answer.status === 202) {
          const progress = answer.body as SubscriberImportProgressBody;
          context.out.say(`${progress.handled} van ${progress.people} verwerkt…`);
          answer = await context.api.call('POST /api/organiser/subscribers/imports', request);
        }
        const report = answer.body as ImportReport;
        const addresses = new Map(rows.map((row) => [row.line, row.email]));
        context.out.result(report, () => importReportText(report, (line) => addresses.get(line) ?? ''));
        if (report.mailingId && options.watch) await watchMailing(context, report.mailingId);
        else if (report.mailingId)
          context.out.say(`Volg de bevestigingsmailing met: drop-in mailings watch ${report.mailingId}`);
      },
    );

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
