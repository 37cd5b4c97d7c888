import { Command, Option } from 'commander';
import { bodyFromOptions, type ContextOf, changeRecord, withBodyOptions } from '../context';
import { UsageError } from '../exit-codes';
import { readUserFile, writeUserFile } from '../files';
import { details, when } from '../output';

/** A meeting as the organiser API shows it (the fields the CLI prints). */
interface Meeting {
  readonly id: string;
  readonly status: string;
  readonly slug?: string;
  readonly title: string;
  readonly city: string;
  readonly venueAddress: string;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly capacity: number;
  readonly confirmedCount: number;
  readonly waitingCount: number;
  readonly registrationOpensAt?: string;
  readonly registrationClosesAt?: string;
  readonly version: number;
  readonly cancellationMessage?: string;
}

const statusNames: Readonly<Record<string, string>> = {
  draft: 'concept',
  published: 'gepubliceerd',
  cancelled: 'afgelast',
};

const show = (meeting: Meeting, publicPage?: string | null): string =>
  details([
    ['Bijeenkomst', meeting.title],
    ['Id', meeting.id],
    ['Status', statusNames[meeting.status] ?? meeting.status],
    ['Adres', meeting.slug ? `/bijeenkomsten/${meeting.slug}` : undefined],
    ['Openbare pagina', publicPage],
    ['Plaats', `${meeting.city}, ${meeting.venueAddress}`],
    ['Begin', when(meeting.startsAt)],
    ['Einde', when(meeting.endsAt)],
    [
      'Aanmelden',
      `${when(meeting.registrationOpensAt) ?? 'nu'} tot ${when(meeting.registrationClosesAt) ?? 'het begin'}`,
    ],
    [
      'Plaatsen',
      `${meeting.confirmedCount} van ${meeting.capacity} bezet, ${meeting.waitingCount} op de wachtlijst`,
    ],
    ['Bericht bij afgelasten', meeting.cancellationMessage],
    ['Versie', meeting.version],
  ]);

const create = 'POST /api/organiser/meetings';
const update = 'PATCH /api/organiser/meetings/{id}';
const one = 'GET /api/organiser/meetings/{id}';
const register = 'POST /api/organiser/meetings/{id}/registrations';

/** A JSON file's fields under the options: `--file meeting.json --capacity 80`. */
const jsonFile = (file: string | undefined): Record<string, unknown> => {
  if (file === undefined) return {};
  const text = readUserFile(file, `--file ${file}`)
    .toString('utf8')
    .replace(/^\uFEFF/, '');
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new Error('geen JSON-object');
    return value as Record<string, unknown>;
  } catch (error) {
    throw new UsageError(`--file ${file}: ${(error as Error).message}`);
  }
};

export const meetingsCommand = (contextOf: ContextOf): Command => {
  const meetings = new Command('meetings').description(
    'Bijeenkomsten: maken, wijzigen, publiceren, afgelasten, aankondigen, aanmeldingen',
  );

  meetings
    .command('list')
    .description('Alle bijeenkomsten, op hun begin (de eerste eerst)')
    .addOption(
      new Option('--status <status>', 'alleen deze status').choices(['draft', 'published', 'cancelled']),
    )
    .action(async (options: { status?: string }, command: Command) => {
      const { api, out } = contextOf(command);
      const items = await api.all<Meeting>('GET /api/organiser/meetings', {
        query: { status: options.status },
      });
      out.list(items, 'Geen bijeenkomsten.', [
        { title: 'ID', value: (m) => m.id, width: 30 },
        { title: 'STATUS', value: (m) => statusNames[m.status] ?? m.status },
        { title: 'BEGIN', value: (m) => when(m.startsAt) },
        { title: 'PLAATS', value: (m) => m.city, width: 20 },
        { title: 'TITEL', value: (m) => m.title, width: 50 },
        { title: 'BEZET', value: (m) => `${m.confirmedCount}/${m.capacity}`, numeric: true },
        { title: 'WACHT', value: (m) => m.waitingCount, numeric: true },
      ]);
    });

  meetings
    .command('show <id>')
    .description('Eén bijeenkomst')
    .action(async (id: string, _options: unknown, command: Command) => {
      const { api, out } = contextOf(command);
      const { body } = await api.call(one, { params: { id } });
      out.result(body, () => show(body as Meeting));
    });

  withBodyOptions(
    meetings
      .command('create')
      .description('Een bijeenkomst maken (als concept); de velden als opties, of uit een JSON-bestand')
      .option('--file <meeting.json>', 'de velden uit een JSON-bestand; opties gaan erboven'),
    create,
  ).action(async (options: Record<string, unknown> & { file?: string }, command: Command) => {
    const { api, out } = contextOf(command);
    const body = { ...jsonFile(options.file), ...bodyFromOptions(create, options) };
    const answer = await api.call(create, { body });
    const meeting = answer.body as Meeting;
    out.result(
      answer.body,
      () =>
        `${show(meeting, answer.headers.get('x-public-page'))}\n\nPubliceer hem met: drop-in meetings publish ${meeting.id}`,
    );
  });

  withBodyOptions(
    meetings
      .command('update <id>')
      .description('Een bijeenkomst wijzigen: alleen de gegeven velden')
      .option('--file <meeting.json>', 'de velden uit een JSON-bestand; opties gaan erboven')
      .option('--version <n>', 'de versie waarop de wijziging voortbouwt (standaard de huidige)'),
    update,
  ).action(
    async (
      id: string,
      options: Record<string, unknown> & { file?: string; version?: string },
      command: Command,
    ) => {
      const context = contextOf(command);
      const fields = { ...jsonFile(options.file), ...bodyFromOptions(update, options) };
      const changed = await changeRecord(context, { update, show: one }, id, fields, options.version);
      context.out.result(changed, () => show(changed as Meeting));
    },
  );

  meetings
    .command('publish <id>')
    .description('Een bijeenkomst publiceren: de pagina komt online en aanmelden kan')
    .action(async (id: string, _options: unknown, command: Command) => {
      const { api, out } = contextOf(command);
      const answer = await api.call('POST /api/organiser/meetings/{id}/publish', { params: { id } });
      out.result(answer.body, () => show(answer.body as Meeting, answer.headers.get('x-public-page')));
    });

  meetings
    .command('cancel <id>')
    .description('Een bijeenkomst afgelasten; iedereen die is aangemeld of wacht krijgt bericht')
    .option('--message <tekst>', 'een bericht in die mail')
    .action(async (id: string, options: { message?: string }, command: Command) => {
      const { api, out } = contextOf(command);
      const answer = await api.call('POST /api/organiser/meetings/{id}/cancel', {
        params: { id },
        body: options.message !== undefined ? { message: options.message } : {},
      });
      out.result(answer.body, () => show(answer.body as Meeting));
    });

  withBodyOptions(
    meetings
      .command('announce <id>')
      .description('Een aankondiging van de bijeenkomst als mailing klaarzetten (een concept)'),
    'POST /api/organiser/meetings/{id}/announce',
  ).action(async (id: string, options: Record<string, unknown>, command: Command) => {
    const { api, out } = contextOf(command);
    const route = 'POST /api/organiser/meetings/{id}/announce';
    const answer = await api.call(route, { params: { id }, body: bodyFromOptions(route, options) });
    const mailing = answer.body as { mailingId: string; subject: string };
    out.result(
      answer.body,
      () =>
        `Mailing ${mailing.mailingId} klaargezet: “${mailing.subject}”.\n` +
        `Bekijk hem met: drop-in mailings preview ${mailing.mailingId}\n` +
        `Test hem met:   drop-in mailings test ${mailing.mailingId}`,
    );
  });

  withBodyOptions(
    meetings
      .command('register <id>')
      .description('Iemand meteen aanmelden (zonder bevestigingslink); boven de capaciteit alleen als admin'),
    register,
  ).action(async (id: string, options: Record<string, unknown>, command: Command) => {
    const { api, out } = contextOf(command);
    const answer = await api.call(register, { params: { id }, body: bodyFromOptions(register, options) });
    const registration = answer.body as { status: string };
    out.result(answer.body, () =>
      registration.status === 'confirmed'
        ? 'Aangemeld: de bevestiging met de agenda-uitnodiging is gemaild.'
        : `Aangemeld met status ${registration.status}.`,
    );
  });

  meetings
    .command('export <id>')
    .description('De aanmeldingen van een bijeenkomst: CSV voor Excel, of JSON')
    .addOption(new Option('--format <format>', 'csv of json').choices(['csv', 'json']).default('csv'))
    .option('--out <bestand>', 'naar dit bestand in plaats van naar de terminal')
    .action(async (id: string, options: { format: string; out?: string }, command: Command) => {
      const { api, out } = contextOf(command);
      // --json asks for JSON, whatever --format says.
      const route =
        out.asJson || options.format === 'json'
          ? 'GET /api/organiser/meetings/{id}/registrations.json'
          : 'GET /api/organiser/meetings/{id}/registrations.csv';
      const { body } = await api.call(route, { params: { id } });
      const text = Buffer.isBuffer(body) ? body : `${JSON.stringify(body, null, 2)}\n`;
      if (options.out === undefined) {
        process.stdout.write(text);
        return;
      }
      writeUserFile(options.out, text);
      out.say(`Aanmeldingen geschreven naar ${options.out}.`);
    });

  return meetings;
};
