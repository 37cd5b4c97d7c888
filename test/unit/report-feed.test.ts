import { describe, expect, it } from 'vitest';
import type { ReportSummary } from '../../functions/core/reports/report';
import { reportEntryId, reportFeed, xmlText } from '../../functions/web/feeds/atom';
import { feedTestsEnabled, parseFeed } from '../support/feedparser';

const report: ReportSummary = {
  reportId: 'R1',
  slug: 'tussentijds',
  title: 'Jeugd & <preventie> 🚀 \u0001klaar',
  kind: 'tussentijdse-resultaten',
  summary: 'Wat de werkplaatsen "tot nu toe" vonden.',
  publishedOn: '2025-10-01',
  visibility: 'public',
  status: 'published',
  version: 3,
  createdAt: '2025-09-30T08:00:00.000Z',
  updatedAt: '2025-10-02T08:00:00.000Z',
  firstPublishedAt: '2025-10-01T08:00:00.000Z',
  createdBy: 'sub-anna',
};
const site = { siteUrl: 'https://dropin.example.org', domain: 'dropin.example.org' };

describe('the reports feed', () => {
  it('escapes text and drops characters XML does not allow', () => {
    expect(xmlText('a & b < c > "d" \u0001\u0008\uFFFE e 🚀')).toBe(
      'a &amp; b &lt; c &gt; &quot;d&quot;  e 🚀',
    );
  });

  it('names each entry by a tag URI on the report id, whatever its title or address', () => {
    const feed = reportFeed([report], site);
    const renamed = reportFeed([{ ...report, slug: 'nieuw-adres', title: 'Nieuwe titel', version: 4 }], site);
    const id = `<id>${reportEntryId(site.domain, 'R1')}</id>`;

    expect(id).toBe('<id>tag:dropin.example.org,2025:report/R1</id>');
    expect(feed).toContain(id);
    expect(renamed).toContain(id);
    expect(feed).not.toContain('\u0001');
  });

  it.skipIf(!feedTestsEnabled)('parses with feedparser, title intact but for the control character', () => {
    const parsed = parseFeed(reportFeed([report], site));

    expect(parsed).toMatchObject({ bozo: false, version: 'atom10', title: 'Drop In — publicaties' });
    expect(parsed.entries).toEqual([
      {
        id: 'tag:dropin.example.org,2025:report/R1',
        title: 'Jeugd & <preventie> 🚀 klaar',
        link: 'https://dropin.example.org/publicaties/tussentijds',
        updated: '2025-10-02T08:00:00.000Z',
      },
    ]);
    // The negative control: the same feed with the control character left in is not well-formed.
    const broken = reportFeed([report], site).replace('🚀 klaar', '🚀 \u0001klaar');
    expect(parseFeed(broken).bozo).toBe(true);
  });
});
