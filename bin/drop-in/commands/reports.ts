import { basename } from 'node:path';
import { Command, Option } from 'commander';
import { addMarkdownUpdate, type Context, type ContextOf, fieldsFromFile, withBodyOptions } from '../context';
import { CliError, exitCodes, UsageError } from '../exit-codes';
import { readUserFile, writeUserFile } from '../files';
import { details, table, when } from '../output';

/** A report as the organiser API shows it (the fields the CLI prints). */
interface Report {
  readonly reportId: string;
  readonly slug: string;
  readonly title: string;
  readonly kindName: string;
  readonly status: string;
  readonly publishedOn: string;
  readonly visibility: string;
  readonly approveRequests: boolean;
  readonly scheduledAt?: string;
  readonly notice?: string;
  readonly announcementId?: string;
  readonly document?: { readonly filename: string; readonly bytes: number };
  readonly page: string;
  readonly version: number;
}

const statusNames: Readonly<Record<string, string>> = {
  draft: 'concept',
  scheduled: 'ingepland',
  published: 'gepubliceerd',
};

const showReport = (report: Report): string =>
  details([
    ['Publicatie', report.title],
    ['Id', report.reportId],
    ['Soort', report.kindName],
    ['Status', statusNames[report.status] ?? report.status],
    ['Ingepland', when(report.scheduledAt)],
    ['Pagina', report.page],
    ['Datum', report.publishedOn],
    [
      'Zichtbaar',
      report.visibility === 'public'
        ? 'voor iedereen'
        : `op aanvraag${report.approveRequests ? ', na goedkeuring' : ''}`,
    ],
    [
      'PDF',
      report.document
        ? `${report.document.filename} (${Math.round(report.document.bytes / 1024)} KB)`
        : 'geen',
    ],
    ['Aankondiging', report.announcementId ? `mailing ${report.announcementId}` : undefined],
    ['Let op', report.notice],
    ['Versie', report.version],
  ]);

const create = 'POST /api/organiser/reports';
const update = 'PATCH /api/organiser/reports/{id}';
const one = 'GET /api/organiser/reports/{id}';

const printReport = (context: Context, body: unknown, next?: string): void =>
  context.out.result(body, () => `${showReport(body as Report)}${next ? `\n\n${next}` : ''}`);

/** The presigned form of `POST …/upload` (functions/contract/schemas/reports.ts). */
interface UploadForm {
  readonly uploadId: string;
  readonly url: string;
  readonly fields: Readonly<Record<string, string>>;
  readonly maxBytes: number;
}

/** A PDF the user named, read before anything is created, so a wrong path leaves nothing behind. */
const readPdf = (file: string) => ({ file, bytes: readUserFile(file, `--pdf ${file}`) });

/** Uploads a PDF the way a browser would: the signed form to the bucket, then `PUT …/document` completes it. */
const attachPdf = async (
  context: Context,
  id: string,
  pdf: { readonly file: string; readonly bytes: Buffer },
): Promise<Report> => {
  const form = (await context.api.call('POST /api/organiser/reports/{id}/upload', { params: { id } }))
    .body as UploadForm;
  if (pdf.bytes.length > form.maxBytes) {
    throw new UsageError(
      `--pdf ${pdf.file}: ${Math.ceil(pdf.bytes.length / 1048576)} MB, meer dan de ${form.maxBytes / 1048576} MB die kan`,
    );
  }
  context.out.say(`PDF uploaden (${Math.round(pdf.bytes.length / 1024)} KB)…`);
  const upload = new FormData();
  for (const [name, value] of Object.entries(form.fields)) upload.append(name, value);
  upload.append('file', new Blob([pdf.bytes], { type: 'application/pdf' }), basename(pdf.file));
  const stored = await fetch(form.url, { method: 'POST', body: upload }).catch((error: unknown) => {
    throw new CliError(`De opslag voor PDF’s antwoordt niet (${String(error)})`, exitCodes.failed);
  });
  if (!stored.ok) {
    throw new CliError(
      `De opslag weigerde de PDF (HTTP ${stored.status}): ${(await stored.text()).slice(0, 300)}`,
      exitCodes.failed,
    );
  }
  const done = await context.api.call('PUT /api/organiser/reports/{id}/document', {
    params: { id },
    body: { uploadId: form.uploadId, filename: basename(pdf.file) },
  });
  return done.body as Report;
};

export const reportsCommand = (contextOf: ContextOf): Command => {
  const reports = new Command('reports').description(
    'Publicaties: schrijven in Markdown, met PDF, publiceren of inplannen, aanvragen',
  );

  reports
    .command('list')
    .description('De publicaties, de nieuwste eerst')
    .addOption(
      new Option('--status <status>', 'alleen deze status').choices(['draft', 'scheduled', 'published']),
    )
    .action(async (options: { status?: string }, command: Command) => {
      const { api, out } = contextOf(command);
      const items = await api.all<Report>('GET /api/organiser/reports', {
        query: { status: options.status },
      });
      out.list(items, 'Geen publicaties.', [
        { title: 'ID', value: (r) => r.reportId, width: 30 },
        { title: 'STATUS', value: (r) => statusNames[r.status] ?? r.status },
        { title: 'SOORT', value: (r) => r.kindName, width: 24 },
        { title: 'DATUM', value: (r) => r.publishedOn },
        { title: 'TITEL', value: (r) => r.title, width: 50 },
      ]);
    });

  reports
    .command('show <id>')
    .description('Eén publicatie')
    .action(async (id: string, _options: unknown, command: Command) => {
      const context = contextOf(command);
      printReport(context, (await context.api.call(one, { params: { id } })).body);
    });

  withBodyOptions(
    reports
      .command('create <file.md>')
      .description(
        'Een publicatie maken uit een Markdown-bestand (velden in de voorpagina: title, kind, summary, publishedOn, …)',
      )
      .option('--pdf <bestand>', 'de PDF erbij uploaden'),
    create,
    ['body'],
  ).action(async (file: string, options: Record<string, unknown> & { pdf?: string }, command: Command) => {
    const context = contextOf(command);
    const body = fieldsFromFile(create, file, options);
    const pdf = options.pdf !== undefined ? readPdf(options.pdf) : undefined;
    const created = (await context.api.call(create, { body })).body as Report;
    let report = created;
    if (pdf !== undefined) {
      try {
        report = await attachPdf(context, created.reportId, pdf);
      } catch (error) {
        // The report exists: say so, and how to add the PDF, instead of leaving a draft nobody knows of.
        context.out.say(
          `Publicatie ${created.reportId} is gemaakt, de PDF nog niet: probeer het opnieuw met drop-in reports attach ${created.reportId} ${pdf.file}`,
        );
        throw error;
      }
    }
    printReport(context, report, `Publiceer haar met: drop-in reports publish ${report.reportId}`);
  });

  reports
    .command('attach <id> <file.pdf>')
    .description('De PDF van een publicatie uploaden of vervangen')
    .action(async (id: string, file: string, _options: unknown, command: Command) => {
      const context = contextOf(command);
      printReport(context, await attachPdf(context, id, readPdf(file)));
    });

  addMarkdownUpdate(
    reports,
    contextOf,
    { update, show: one },
    'Een publicatie wijzigen: uit een Markdown-bestand en/of opties',
    (context, body) => printReport(context, body),
  );

  reports
    .command('preview <id>')
    .description('De pagina zoals bezoekers haar zullen zien, als HTML')
    .option('--out <bestand>', 'naar dit bestand (om in een browser te openen)')
    .action(async (id: string, options: { out?: string }, command: Command) => {
      const { api, out } = contextOf(command);
      const { body } = await api.call('GET /api/organiser/reports/{id}/preview', { params: { id } });
      const preview = body as { page: string; html: string };
      if (options.out !== undefined) {
        writeUserFile(options.out, preview.html);
        out.say(`De pagina (${preview.page}) staat in ${options.out}.`);
        return;
      }
      out.result(body, () => preview.html);
    });

  reports
    .command('unpublish <id>')
    .description('Offline halen: de pagina verdwijnt, de publicatie wordt weer een concept')
    .action(async (id: string, _options: unknown, command: Command) => {
      const context = contextOf(command);
      printReport(
        context,
        (await context.api.call('POST /api/organiser/reports/{id}/unpublish', { params: { id } })).body,
      );
    });

  reports
    .command('publish <id>')
    .description('Nu publiceren; de aankondiging gaat één keer uit')
    .action(async (id: string, _options: unknown, command: Command) => {
      const context = contextOf(command);
      printReport(
        context,
        (await context.api.call('POST /api/organiser/reports/{id}/publish', { params: { id } })).body,
      );
    });

  reports
    .command('schedule <id> <tijd>')
    .description('Inplannen, zoals 2027-03-01T09:00:00+01:00')
    .action(async (id: string, at: string, _options: unknown, command: Command) => {
      const context = contextOf(command);
      printReport(
        context,
        (
          await context.api.call('POST /api/organiser/reports/{id}/schedule', {
            params: { id },
            body: { at },
          })
        ).body,
      );
    });

  reports
    .command('requests <id>')
    .description('De aanvragen van een publicatie op aanvraag')
    .option('--csv', 'als CSV (voor Excel)')
    .option('--out <bestand>', 'naar dit bestand in plaats van naar de terminal')
    .option('--approve <personId>', 'deze aanvraag goedkeuren: de downloadlink gaat uit')
    .action(
      async (id: string, options: { csv?: boolean; out?: string; approve?: string }, command: Command) => {
        const context = contextOf(command);
        const { api, out } = context;
        if (options.approve !== undefined) {
          const answer = await api.call('POST /api/organiser/reports/{id}/requests/{personId}/approve', {
            params: { id, personId: options.approve },
          });
          out.result(answer.body, () => 'Goedgekeurd: de downloadlink is gemaild.');
          return;
        }
        if (options.csv && out.asJson) throw new UsageError('--csv of --json: niet allebei');
        if (options.csv) {
          const { body } = await api.call('GET /api/organiser/reports/{id}/requests.csv', { params: { id } });
          if (options.out === undefined) process.stdout.write(body as Buffer);
          else {
            writeUserFile(options.out, body as Buffer);
            out.say(`Aanvragen geschreven naar ${options.out}.`);
          }
          return;
        }
        const { body } = await api.call('GET /api/organiser/reports/{id}/requests', { params: { id } });
        const list = body as {
          unconfirmed: number;
          items: {
            personId: string;
            name: string;
            email: string;
            organisation?: string;
            statusLabel: string;
          }[];
        };
        out.result(body, () =>
          [
            list.items.length === 0
              ? 'Geen bevestigde aanvragen.'
              : table(list.items, [
                  { title: 'PERSOON', value: (r) => r.personId, width: 30 },
                  { title: 'NAAM', value: (r) => r.name, width: 30 },
                  { title: 'ADRES', value: (r) => r.email, width: 40 },
                  { title: 'ORGANISATIE', value: (r) => r.organisation, width: 30 },
                  { title: 'STATUS', value: (r) => r.statusLabel },
                ]),
            `Nog niet bevestigd: ${list.unconfirmed}.`,
          ].join('\n\n'),
        );
      },
    );

  return reports;
};
