import { readFileSync } from 'node:fs';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../functions/adapters/dynamo/table-design';
import { ConcurrentChange } from '../../functions/core/ports';
import { type Report, type ReportDocument, SlugTaken } from '../../functions/core/reports/report';
import type { ReportStore } from '../../functions/core/reports/use-cases';
import { parseMarkdown, safeHtml } from '../../functions/web/safe-markdown';
import { demoPdf } from './demo-pdf';

/**
 * The demo reports, transcribed from the programme's 2024 year update: the update itself (its sections as
 * the body, `jaarupdate-2024.md` beside this file), the publications it lists under "Achtergrond en
 * onderbouwing", and one meeting report on request, for the Bergen op Zoom meeting. Ids are stable, so
 * seeding twice creates nothing new.
 */

const jaarupdateBody = readFileSync(new URL('./jaarupdate-2024.md', import.meta.url), 'utf8');

type DemoReport = Pick<
  Report,
  'reportId' | 'slug' | 'title' | 'kind' | 'summary' | 'body' | 'publishedOn' | 'visibility'
> & { readonly meetingId?: string };

/** "Achtergrond en onderbouwing": the publications of 2024 the update lists, each with its description. */
const publications: readonly (readonly [slug: string, title: string, summary: string])[] = [
  [
    'kwaliteitskader-effectieve-jeugdinterventies',
    'Het kwaliteitskader effectieve jeugdinterventies voorkomen jeugddelinquentie en het jongerenwerk (Stams & Hendriks, 2024)',
    'De bestaande wetenschappelijke kennis over gedragsinterventies die jeugdcriminaliteit direct terugdringen bij elkaar gebracht, en wat dat voor het jongerenwerk betekent.',
  ],
  [
    'literatuuronderzoek-preventie-jonge-aanwas',
    'Literatuuronderzoek: Preventie van Jonge Aanwas door Jongerenwerk en Straathoekwerk: Samenwerken aan Positieve Veiligheid',
    'Hogeschool van Amsterdam, lectoraat Youth Spot: wat onder jonge aanwas wordt verstaan, de risico- en beschermende factoren, en wat bekend is over de rol van jongerenwerk in de preventie ervan.',
  ],
  [
    'routekaart-online-jeugdcriminaliteit',
    'Routekaart Samenwerken bij online jeugdcriminaliteit',
    'Houvast voor jongerenwerkers, politie en gemeenteambtenaren (OOV) bij afspraken over zorgwekkende online berichten; hoort bij het 7-stappenmodel. Ontwikkeld door NHVeilig, Partner in Crime en het CCV.',
  ],
  [
    'boekrecensie-specialistisch-jeugdwerk',
    'Boekrecensie in Journal of Social Intervention: Specialistisch Jeugdwerk voor de 2%',
    'Over plus-preventie tussen jongerenwerk en jeugdzorg, van Jan Dirk de Jong en Nienke de Wit.',
  ],
  [
    'met-wetenschap-beter-bewapend',
    'Met wetenschap beter bewapend',
    'Verdiepend literatuuronderzoek van het NSCR naar de achtergronden en aanpak van wapens en wapengeweld onder jongeren, met als aanbeveling de inzet van outreachende jongerenwerkers.',
  ],
];

export const demoReports: readonly DemoReport[] = [
  {
    reportId: 'jaarupdate-2024',
    slug: 'jaarupdate-2024',
    title: 'Drop In: Jaarupdate 2024',
    kind: 'jaarupdate',
    summary:
      'Wat zijn de opbrengsten van Drop In in 2024? De kick-off van het onderzoek in de regio’s, het reizende kennisnetwerk, het congres en de publicaties van het jaar.',
    body: jaarupdateBody,
    publishedOn: '2025-01-31',
    visibility: 'public',
  },
  ...publications.map(
    ([slug, title, summary], index): DemoReport => ({
      reportId: `publicatie-2024-${index + 1}`,
      slug,
      title,
      kind: 'publicatie',
      summary,
      body: summary,
      publishedOn: '2024-12-31',
      visibility: 'public',
    }),
  ),
  {
    reportId: 'verslag-2024-bergen-op-zoom',
    slug: 'verslag-kennisnetwerk-bergen-op-zoom-2024',
    title: 'Verslag: Landelijk Kennisnetwerk in Bergen op Zoom',
    kind: 'verslag-bijeenkomst',
    summary:
      'Het verslag van de vijfde bijeenkomst van het reizende kennisnetwerk in 2024, over de inzet van jongerenwerkers op school, begeleiding naar arbeid en ervaringskennis in criminaliteitspreventie.',
    body: 'Het verslag van deze bijeenkomst is op aanvraag beschikbaar voor deelnemers en betrokkenen van het kennisnetwerk.',
    publishedOn: '2024-12-15',
    visibility: 'on-request',
    meetingId: 'kennisnetwerk-2024-bergen-op-zoom',
  },
];

/** Creates the demo reports, published, that are not there yet; one that exists is left alone. */
export const seedReports = async (store: Pick<ReportStore, 'create'>): Promise<void> => {
  for (const demo of demoReports) {
    const at = `${demo.publishedOn}T09:00:00.000Z`;
    const report: Report = {
      ...demo,
      status: 'published',
      version: 1,
      bodyHtml: safeHtml(parseMarkdown(demo.body)),
      createdAt: at,
      updatedAt: at,
      firstPublishedAt: at,
      createdBy: 'seed',
    };
    try {
      await store.create(report);
    } catch (error) {
      if (!(error instanceof ConcurrentChange || error instanceof SlugTaken)) throw error;
    }
  }
};

/** The demo PDF of each on-request demo report: stored, then named on the report if it names none. */
export const seedReportDocuments = async (
  documentClient: DynamoDBDocumentClient,
  tableName: string,
  putDocument: (key: string, content: Uint8Array) => Promise<void>,
): Promise<void> => {
  for (const demo of demoReports.filter((report) => report.visibility === 'on-request')) {
    const key = `reports/${demo.reportId}/verslag.pdf`;
    const content = demoPdf(demo.title, [
      'Demo-document van de offline omgeving van Drop In.',
      demo.summary.slice(0, 90),
      'Dit bestand is op aanvraag verstrekt; de aanvraag staat in het overzicht van de organisatoren.',
    ]);
    await putDocument(key, content);
    const document: ReportDocument = {
      key,
      filename: `${demo.slug}.pdf`,
      bytes: content.length,
      uploadedAt: `${demo.publishedOn}T09:00:00.000Z`,
    };
    try {
      await documentClient.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.report(demo.reportId),
          UpdateExpression: 'SET #document = :document',
          ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(#document)',
          ExpressionAttributeNames: { '#document': 'document' },
          ExpressionAttributeValues: { ':document': document },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
};
