import { auditAbout } from '../composition/audit';
import { clock } from '../composition/process';
import { subscriberImports } from '../composition/subscriber-imports';
import type {
  SubscriberImportProgressBody,
  SubscriberImportReportBody,
} from '../contract/schemas/organisers';
import { importRound } from '../core/subscriptions/import';
import { organiserRoute } from './http/organiser-route';
import { organiserOf, parseJsonBody } from './http/request';
import { json } from './http/respond';
import { addressIssue, importedName, subscriberImportRequest } from './inputs/subscriptions';

/** The largest import body: 2,000 rows (maxImportRows) of address, name and more, with room to spare. */
const maxImportBytes = 1024 * 1024;

/**
 * A round stops starting people after this long, well inside the function's 29 seconds and the HTTP API's 30,
 * however slow the table is today.
 */
const roundMs = 20_000;

/**
 * Imports a list of addresses (admins; audited): 200 with the report, of a dry run or the import itself; 202
 * with how far it got when the round's time ran out (the same request again goes on).
 */
export const handler = organiserRoute(async (event) => {
  const input = parseJsonBody(event, subscriberImportRequest, { limitBytes: maxImportBytes });
  const ports = { ...(await subscriberImports()), addressIssue, nameOf: importedName };
  const outcome = await importRound(
    ports,
    organiserOf(event),
    {
      file: input.csv,
      source: input.source,
      topics: input.topics,
      dryRun: input.dryRun,
      ...(input.confirmedEvidence !== undefined ? { confirmedEvidence: input.confirmedEvidence } : {}),
    },
    new Date(clock.now().getTime() + roundMs),
  );
  auditAbout({ targetId: outcome.importId });
  if ('status' in outcome) return json(202, outcome satisfies SubscriberImportProgressBody);
  const report = outcome;
  // A dry run (or a repeat answered from the record) writes nothing: its entry still names the import.
  return json(200, report satisfies SubscriberImportReportBody);
});
