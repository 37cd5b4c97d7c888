import { reportRequestConsent } from '../core/reports/request-consent';
import { config } from './process';

/** The consent of report requests for this stage's retention (REPORT_REQUEST_RETENTION_DAYS). */
export const reportConsent = reportRequestConsent(config.REPORT_REQUEST_RETENTION_DAYS);
