import { Command, Option } from 'commander';
import {
  addMarkdownUpdate,
  type Context,
  type ContextOf,
  currentVersion,
  fieldsFromFile,
  withBodyOptions,
} from '../context';
import { numberOption } from '../fields';
import { type Mailing, showMailing } from '../mailing-view';
import { details, when } from '../output';
import { watchMailing } from '../watch';

const create = 'POST /api/organiser/mailings';
const update = 'PATCH /api/organiser/mailings/{id}';
const one = 'GET /api/organiser/mailings/{id}';

const printMailing = (context: Context, body: unknown, next?: string): void =>
  context.out.result(body, () => `${showMailing(body as Mailing)}${next ? `\n\n${next}` : ''}`);

/** A control without a body (send, pause, …): its route, and what it says once done. */
/** The controls without a body: command name, route, description. */
const controls: readonly (readonly [name: string, routeKey: string, description: string])[] = [
  [
    'send',
    'POST /api/organiser/mailings/{id}/send',
    'Nu versturen (boven de drempel: na een testmail en de goedkeuring van een tweede organisator)',
  ],
  [
    'unschedule',
    'POST /api/organiser/mailings/{id}/unschedule',
    'Het inplannen ongedaan maken: de mailing wordt weer een concept',
  ],
  ['pause', 'POST /api/organiser/mailings/{id}/pause', 'Het versturen pauzeren'],
  ['resume', 'POST /api/organiser/mailings/{id}/resume', 'Het versturen hervatten'],
  [
    'cancel',
    'POST /api/organiser/mailings/{id}/cancel',
    'Het versturen stoppen; wie de mail al kreeg, houdt hem',
  ],
  ['retry-failed', 'POST /api/organiser/mailings/{id}/retry-failed', 'De mislukte mails opnieuw proberen'],
];

export const mailingsCommand = (contextOf: ContextOf): Command => {
  const mailings = new Command('mailings').description(
    'Mailings: schrijven in Markdown, testen, goedkeuren, versturen of inplannen, en volgen',
  );

  mailings
    .command('list')
    .description('De mailings, de nieuwste eerst')
    .action(async (_options: unknown, command: Command) => {
      const { api, out } = contextOf(command);
      const items = await api.all<Mailing>('GET /api/organiser/mailings');
      out.list(items, 'Geen mailings.', [
        { title: 'ID', value: (m) => m.id, width: 30 },
        { title: 'STATUS', value: (m) => m.statusLabel },
        { title: 'ONDERWERP', value: (m) => m.subject, width: 50 },
        {
          title: 'VERSTUURD',
          value: (m) => (m.counts ? `${m.counts.sent}/${m.counts.audience}` : undefined),
          numeric: true,
        },
        { title: 'GEWIJZIGD', value: (m) => when(m.updatedAt) },
      ]);
    });

  mailings
    .command('show <id>')
    .description('Eén mailing: status, vierogenprincipe, voortgang')
    .action(async (id: string, _options: unknown, command: Command) => {
      const context = contextOf(command);
      printMailing(context, (await context.api.call(one, { params: { id } })).body);
    });

  withBodyOptions(
    mailings
      .command('create <file.md>')
      .description(
        'Een mailing maken uit een Markdown-bestand (velden in de voorpagina: subject, preheader, topics, …)',
      ),
    create,
    ['body'],
  ).action(async (file: string, options: Record<string, unknown>, command: Command) => {
    const context = contextOf(command);
    const body = fieldsFromFile(create, file, options);
    const answer = await context.api.call(create, { body });
    const id = (answer.body as { mailingId: string }).mailingId;
    printMailing(context, answer.body, `Stuur jezelf een testmail met: drop-in mailings test ${id}`);
  });

  addMarkdownUpdate(
    mailings,
    contextOf,
    { update, show: one },
    'Een concept wijzigen: uit een Markdown-bestand en/of opties',
    (context, body) => printMailing(context, body),
  );

  mailings
    .command('preview <id>')
    .description('De mail zoals een ontvanger hem krijgt (met een voorbeeldaanhef)')
    .addOption(new Option('--as <vorm>', 'tekst of html').choices(['text', 'html']).default('text'))
    .action(async (id: string, options: { as: string }, command: Command) => {
      const { api, out } = contextOf(command);
      // The version first: an edit between the two reads makes an approval of it fail (412), never pass.
      const { version } = (await api.call(one, { params: { id } })).body as Mailing;
      const { body } = await api.call('GET /api/organiser/mailings/{id}/preview', { params: { id } });
      const preview = body as { subject: string; preheader?: string; html: string; text: string };
      out.result({ version, ...preview }, () =>
        options.as === 'html'
          ? preview.html
          : `Versie: ${version}\nOnderwerp: ${preview.subject}\n${preview.preheader ? `Voorregel: ${preview.preheader}\n` : ''}\n${preview.text}\n\nGoedkeuren (als tweede organisator): drop-in mailings approve ${id} --version ${version}`,
      );
    });

  mailings
    .command('test <id>')
    .description('Een testmail versturen, standaard naar je eigen adres')
    .option('--to <adressen>', 'één tot vijf adressen, met komma’s')
    .action(async (id: string, options: { to?: string }, command: Command) => {
      const { api, out } = contextOf(command);
      const to = options.to
        ?.split(',')
        .map((address) => address.trim())
        .filter(Boolean);
      const answer = await api.call('POST /api/organiser/mailings/{id}/test-send', {
        params: { id },
        body: to ? { to } : {},
      });
      out.result(
        answer.body,
        () =>
          `${showMailing(answer.body as Mailing)}\n\nDe testmail is verstuurd. Een tweede organisator leest de mailing (drop-in mailings preview ${id}) en keurt goed met: drop-in mailings approve ${id} --version ${(answer.body as Mailing).version}`,
      );
    });

  mailings
    .command('approve <id>')
    .description('Goedkeuren als tweede organisator (het vierogenprincipe): de versie die je bekeek')
    // Required: the approval is of the version the approver read (`show` and `preview` name it), never of
    // whatever the author saved a moment before.
    .requiredOption('--version <n>', 'de versie die je las en goedkeurt (staat bij show en preview)')
    .action(async (id: string, options: { version: string }, command: Command) => {
      const context = contextOf(command);
      const version = await currentVersion(context, one, id, options.version);
      const answer = await context.api.call('POST /api/organiser/mailings/{id}/approve', {
        params: { id },
        ifMatch: version,
      });
      printMailing(
        context,
        answer.body,
        `Goedgekeurd (versie ${version}). Versturen: drop-in mailings send ${id}`,
      );
    });

  mailings
    .command('schedule <id> <tijd>')
    .description('Inplannen, zoals 2027-03-01T09:00:00+01:00')
    .action(async (id: string, at: string, _options: unknown, command: Command) => {
      const context = contextOf(command);
      const answer = await context.api.call('POST /api/organiser/mailings/{id}/schedule', {
        params: { id },
        body: { at },
      });
      printMailing(context, answer.body);
    });

  for (const [name, routeKey, description] of controls) {
    const control = mailings.command(`${name} <id>`).description(description);
    if (name === 'send') control.option('--watch', 'volg daarna het versturen met de voortgangsbalk');
    control.action(async (id: string, options: { watch?: boolean }, command: Command) => {
      const context = contextOf(command);
      const answer = await context.api.call(routeKey, { params: { id } });
      if (name === 'send' && options.watch) {
        await watchMailing(context, id);
        return;
      }
      printMailing(
        context,
        answer.body,
        name === 'send' ? `Volg het versturen met: drop-in mailings watch ${id}` : undefined,
      );
    });
  }

  mailings
    .command('audience <id>')
    .description(
      'De proefrun: hoeveel mensen de mailing nu zou krijgen, wie wordt overgeslagen, wat nog nodig is',
    )
    .action(async (id: string, _options: unknown, command: Command) => {
      const { api, out } = contextOf(command);
      const { body } = await api.call('GET /api/organiser/mailings/{id}/audience', { params: { id } });
      const dryRun = body as {
        audience: number;
        distinct: number;
        skipped: { suppressed: number; optedOut: number };
        fourEyes: { threshold: number; required: boolean; missing: string[] };
      };
      out.result(body, () =>
        details([
          ['Ontvangers', dryRun.audience],
          [
            'Overgeslagen',
            `${dryRun.skipped.suppressed} geblokkeerd, ${dryRun.skipped.optedOut} afgemeld voor mailings aan deelnemers`,
          ],
          [
            'Vierogenprincipe',
            dryRun.fourEyes.required ? `ja (meer dan ${dryRun.fourEyes.threshold})` : 'nee',
          ],
          ['Nog nodig', dryRun.fourEyes.missing.join('; ') || 'niets'],
        ]),
      );
    });

  mailings
    .command('delete <id>')
    .description('Een concept verwijderen')
    .action(async (id: string, _options: unknown, command: Command) => {
      const { api, out } = contextOf(command);
      await api.call('DELETE /api/organiser/mailings/{id}', { params: { id } });
      out.result({ deleted: id }, () => `Mailing ${id} verwijderd.`);
    });

  mailings
    .command('watch <id>')
    .description('Het versturen volgen met een voortgangsbalk, tot de mailing verzonden is')
    .option('--interval <seconden>', 'hoe vaak de stand wordt opgehaald', '1')
    .action(async (id: string, options: { interval: string }, command: Command) => {
      const seconds = numberOption('--interval', options.interval, { min: 0.2, whole: false });
      await watchMailing(contextOf(command), id, { intervalMs: seconds * 1000 });
    });

  return mailings;
};
