import { type ReportSummary, reportKindNames } from '../../core/reports/report';
import { paths, reportPath } from '../../paths';

/**
 * The reports as an Atom feed (RFC 4287), written by hand: every text escaped, and characters XML 1.0 does
 * not allow (C0 controls but tab and line ends, lone surrogates, U+FFFE/U+FFFF) removed, so an organiser's
 * title can never make the feed unreadable. An entry's id is a tag URI on the report's id, so it stays the
 * same however the report is edited or renamed.
 */

const notXmlCharacters = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export const xmlText = (text: string): string =>
  text
    .replace(notXmlCharacters, '')
    .replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);

export interface FeedSite {
  readonly siteUrl: string;
  /** The site's domain, for the tag URIs (RFC 4151). */
  readonly domain: string;
}

/** The id of a report's entry: stable across edits and renames. */
export const reportEntryId = (domain: string, reportId: string): string =>
  `tag:${domain},2025:report/${reportId}`;

/** The feed of the newest published reports; `updated` is the latest change among them. */
export const reportFeed = (reports: readonly ReportSummary[], site: FeedSite): string => {
  const feedUrl = `${site.siteUrl}${paths.reportsFeed}`;
  const updated =
    reports
      .map((report) => report.updatedAt)
      .sort()
      .at(-1) ?? '2025-01-01T00:00:00.000Z';
  const entries = reports.map((report) => {
    const url = `${site.siteUrl}${reportPath(report.slug)}`;
    return `<entry>
<id>${xmlText(reportEntryId(site.domain, report.reportId))}</id>
<title>${xmlText(report.title)}</title>
<link rel="alternate" type="text/html" href="${xmlText(url)}"/>
<published>${xmlText(report.firstPublishedAt ?? report.createdAt)}</published>
<updated>${xmlText(report.updatedAt)}</updated>
<category term="${xmlText(report.kind)}" label="${xmlText(reportKindNames[report.kind])}"/>
<summary>${xmlText(report.summary)}</summary>
</entry>`;
  });
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="nl">
<id>${xmlText(`tag:${site.domain},2025:reports`)}</id>
<title>Drop In — publicaties</title>
<subtitle>Jaarupdates, tussentijdse resultaten, verslagen en publicaties van Drop In</subtitle>
<link rel="self" type="application/atom+xml" href="${xmlText(feedUrl)}"/>
<link rel="alternate" type="text/html" href="${xmlText(`${site.siteUrl}${paths.reports}`)}"/>
<updated>${xmlText(updated)}</updated>
<author><name>Drop In</name></author>
${entries.join('\n')}
</feed>
`;
};
