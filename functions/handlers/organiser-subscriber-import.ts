import { auditAbout } from '../composition/audit';
import { subscriberImports } from '../composition/subscriber-imports';
import type { SubscriberImportReportBody } from '../contract/schemas/organisers';
import { importSubscribers } from '../core/subscriptions/import';
import { organiserRoute } from './http/organiser-route';
import { organiserOf, parseJsonBody } from './http/request';
import { json } from './http/respond';
import { addressIssue, importedName, subscriberImportRequest } from './inputs/subscriptions';

/** The largest import body: 2,000 rows (maxImportRows) of address, name and more, with room to spare. */
const maxImportBytes = 1024 * 1024;

/** Imports a list of addresses (admins; audited): 200 with the report, of a dry run or the import itself. */
export const handler = organiserRoute(async (event) => {
  const input = parseJsonBody(event, subscriberImportRequest, { limitBytes: maxImportBytes });
  const ports = { ...(await subscriberImports()), addressIssue, nameOf: importedName };
  const report = await importSubscribers(ports, organiserOf(event), {
    file: input.csv,
    source: input.source,
    topics: input.topics,
    dryRun: input.dryRun,
    ...(input.confirmedEvidence !== undefined ? { confirmedEvidence: input.confirmedEvidence } : {}),
  });
  // A dry run (or a repeat answered from the record) writes nothing: its entry still names the import.
  auditAbout({ targetId: report.importId });
  return json(200, report satisfies SubscriberImportReportBody);
});
