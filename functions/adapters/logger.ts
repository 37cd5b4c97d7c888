import { Logger } from '@aws-lambda-powertools/logger';

/**
 * Structured JSON logs. Never log addresses, names, tokens or request bodies (docs/architecture.md, "Privacy"):
 * log ids and outcomes only.
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'dropin' });
