import { Command } from 'commander';
import type { ContextOf } from '../context';
import { numberOption } from '../fields';
import { when } from '../output';

interface AuditEntry {
  readonly at: string;
  readonly actor: { readonly name?: string; readonly email?: string; readonly subject: string };
  readonly action: string;
  readonly kind: string;
  readonly targetId: string;
  readonly versionBefore?: number | null;
  readonly versionAfter?: number | null;
  readonly changes?: readonly string[];
}

export const auditCommand = (contextOf: ContextOf): Command =>
  new Command('audit')
    .description('Het auditspoor: wie deed wat, wanneer (alleen beheerders)')
    .option('--kind <soort>', 'alleen van deze soort, zoals meeting of mailing')
    .option('--email <adres>', 'alleen wat dit adres raakt')
    .option('--person-id <id>', 'alleen wat deze persoon raakt')
    .option('--limit <n>', 'hoeveel, de nieuwste eerst', '50')
    .action(
      async (
        options: { kind?: string; email?: string; personId?: string; limit: string },
        command: Command,
      ) => {
        const { api, out } = contextOf(command);
        const wanted = numberOption('--limit', options.limit, { min: 1, whole: true });
        const items = await api.all<AuditEntry>(
          'GET /api/organiser/audit',
          {
            query: {
              kind: options.kind,
              email: options.email,
              personId: options.personId,
              limit: Math.min(wanted, 100),
            },
          },
          { max: wanted },
        );
        out.list(items, 'Niets gevonden.', [
          { title: 'WANNEER', value: (e) => when(e.at) },
          { title: 'WIE', value: (e) => e.actor.name ?? e.actor.email ?? e.actor.subject, width: 24 },
          { title: 'ACTIE', value: (e) => e.action, width: 50 },
          { title: 'SOORT', value: (e) => e.kind },
          { title: 'ID', value: (e) => e.targetId, width: 30 },
          { title: 'VERSIE', value: (e) => `${e.versionBefore ?? '–'}→${e.versionAfter ?? '–'}` },
          { title: 'VELDEN', value: (e) => e.changes?.join(', '), width: 40 },
        ]);
      },
    );
