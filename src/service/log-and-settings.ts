import type { ContractHandlers, EventView } from '../contract';
import type { EventEntry } from '../vault/event-log';
import type { ServiceContext } from './context';
import { answer } from './failures';

/** The event log and settings screens' operations. */

type LogAndSettingsHandlers = Pick<
  ContractHandlers,
  'listEvents' | 'getSettings' | 'saveSettings'
>;

/** Key labels and server names by id, to name what an entry is about. */
type Names = ReadonlyMap<string, string>;

function summaryOf(entry: EventEntry, names: Names): string {
  const [area = '', verb = ''] = entry.action.split('.');
  const what = `${area.charAt(0).toUpperCase()}${area.slice(1)} ${verb}`;
  const label =
    entry.details?.['label'] ??
    (entry.keyId ? names.get(entry.keyId) : undefined) ??
    (entry.serverId ? names.get(entry.serverId) : undefined);
  const name = typeof label === 'string' ? ` "${label}"` : '';
  const fingerprint = entry.fingerprint ? ` (${entry.fingerprint})` : '';
  return `${what}${name}${fingerprint}`;
}

function eventView(entry: EventEntry, names: Names): EventView {
  return {
    at: entry.at,
    type: entry.action,
    keyId: entry.keyId ?? null,
    serverId: entry.serverId ?? null,
    summary: summaryOf(entry, names),
  };
}

function matches(view: EventView, query: string): boolean {
  if (query === '') return true;
  const text = [view.type, view.summary, view.keyId, view.serverId]
    .join(' ')
    .toLowerCase();
  return query
    .toLowerCase()
    .split(/\s+/)
    .every((word) => text.includes(word));
}

/** Newest first, filtered by every word of the query. */
export function logAndSettingsHandlers(
  context: ServiceContext,
): LogAndSettingsHandlers {
  const { vault } = context;
  return {
    listEvents: ({ query, limit }) =>
      answer(async () => {
        const [entries, verification, metadata] = await Promise.all([
          vault.events(),
          vault.verifyLog(),
          vault.metadata(),
        ]);
        const names = new Map([
          ...metadata.keys.map((k) => [k.id, k.label] as const),
          ...metadata.servers.map((s) => [s.id, s.name] as const),
        ]);
        const matching = entries
          .map((entry) => eventView(entry, names))
          .filter((view) => matches(view, query.trim()));
        const events = matching.reverse().slice(0, limit);
        return {
          events,
          matching: matching.length,
          chainIntact: verification.ok,
        };
      }),
    getSettings: () => answer(async () => (await vault.metadata()).settings),
    saveSettings: (settings) =>
      answer(async () => {
        await vault.update((draft) => {
          draft.settings = settings;
        });
        return (await vault.metadata()).settings;
      }),
  };
}
