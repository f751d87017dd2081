import type { ContractHandlers, EventView } from '../contract';
import type { EventEntry } from '../vault/event-log';
import type { ServiceContext } from './context';
import { answer } from './failures';

/** The event log and settings screens' operations. */

type LogAndSettingsHandlers = Pick<
  ContractHandlers,
  'listEvents' | 'getSettings' | 'saveSettings'
>;

function summaryOf(entry: EventEntry): string {
  const [area = '', verb = ''] = entry.action.split('.');
  const what = `${area.charAt(0).toUpperCase()}${area.slice(1)} ${verb}`;
  const label = entry.details?.['label'];
  const name = typeof label === 'string' ? ` "${label}"` : '';
  const fingerprint = entry.fingerprint ? ` (${entry.fingerprint})` : '';
  return `${what}${name}${fingerprint}`;
}

function eventView(entry: EventEntry): EventView {
  return {
    at: entry.at,
    type: entry.action,
    keyId: entry.keyId ?? null,
    serverId: entry.serverId ?? null,
    summary: summaryOf(entry),
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
        const [entries, verification] = await Promise.all([
          vault.events(),
          vault.verifyLog(),
        ]);
        const events = entries
          .map(eventView)
          .filter((view) => matches(view, query.trim()))
          .reverse()
          .slice(0, limit);
        return { events, chainIntact: verification.ok };
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
