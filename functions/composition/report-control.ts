import type { PublicationPorts } from '../core/reports/publication';
import { once } from './once';
import { scheduledPublication } from './report-publication';
import { scheduler } from './scheduling';

/** Publishing, scheduling and unpublishing by organisers: as a scheduled publication, plus the report's schedule. */
export const reportPublication = once(
  (): PublicationPorts => ({ ...scheduledPublication(), scheduler: scheduler() }),
);
