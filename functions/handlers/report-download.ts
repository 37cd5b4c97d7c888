import { logger } from '../adapters/logger';
import { tokens } from '../composition/keys';
import { reportDownloads } from '../composition/report-downloads';
import { downloadRequested } from '../core/reports/requests';
import { httpRoute } from './http/edge';
import { linkToken } from './http/request';
import { redirectTo } from './http/respond';
import { tokenPageHeaders } from './http/security-headers';

/**
 * The download page's button: the link is checked again, a fresh presigned URL (a minute) is made and the
 * download counted; the browser follows the redirect to storage.
 */
export const handler = httpRoute(async (event) => {
  const { id } = await (await tokens()).verify(linkToken(event), 'download-report');
  const url = await downloadRequested(reportDownloads(), id);
  // Who got a link, by ids only (the bucket keeps no access logs: docs/architecture.md, "Privacy").
  logger.info('Report download signed', { reportId: id.split('.')[0], onRequest: true });
  return redirectTo(url, tokenPageHeaders);
});
