import { open } from 'node:fs/promises';
import writeFileAtomic from 'write-file-atomic';
import { assertNoSecrets } from './event-guard';
import {
  ACTION,
  hashLine,
  parseEntry,
  readHead,
  readLogLines,
  type EventEntry,
  type Head,
  type VaultEvent,
} from './event-entry';
import { withVaultLock } from './lock';
import { vaultFiles } from './paths';

export { SecretInEventError, assertNoSecrets } from './event-guard';
export {
  KNOWN_EVENT_ACTIONS,
  type EventAction,
  type EventEntry,
  type KnownEventAction,
  type VaultEvent,
} from './event-entry';
export {
  readCheckedEvents,
  verifyEventLog,
  type CheckedEvents,
  type EventLogVerification,
} from './event-verify';

/**
 * Appends `event` under the vault lock, chained to the line before it, and
 * moves the head anchor. Refuses an event that carries a secret.
 */
export async function appendEvent(
  home: string,
  event: VaultEvent,
): Promise<EventEntry> {
  const [entry] = await appendEvents(home, [event]);
  return entry as EventEntry;
}

/**
 * Appends `events` in order as one write: one lock, one fsync and one head
 * move for the lot, each line chained to the one before. Nothing is written
 * when any of them is refused.
 */
export async function appendEvents(
  home: string,
  events: readonly VaultEvent[],
): Promise<EventEntry[]> {
  for (const event of events) {
    assertNoSecrets(event);
    if (!ACTION.test(event.action)) {
      throw new Error(`"${event.action}" is not an area.verb event action.`);
    }
  }
  if (events.length === 0) return [];
  return withVaultLock(home, async () => {
    const files = vaultFiles(home);
    const tail = await readLastLine(files.events);
    const head = await readHead(files.eventsHead).catch(() => null);
    const lines: Buffer[] = [];
    let previous = tail.line;
    let previousHead = head;
    for (const event of events) {
      const entry = chainedEntry(event, previous, previousHead);
      const line = Buffer.from(JSON.stringify(entry), 'utf8');
      lines.push(line);
      previous = line;
      previousHead = { seq: entry.seq, hash: hashLine(line) };
    }

    const file = await open(files.events, 'a', 0o600);
    try {
      // After a torn last line, start on a fresh one.
      const separator = tail.terminated ? [] : [NL];
      await file.appendFile(
        Buffer.concat([...separator, ...lines.flatMap((line) => [line, NL])]),
      );
      await file.sync();
    } finally {
      await file.close();
    }

    await writeFileAtomic(
      files.eventsHead,
      `${JSON.stringify(previousHead)}\n`,
      { fsync: true, mode: 0o600 },
    );
    return lines.map((line) => JSON.parse(line.toString('utf8')) as EventEntry);
  });
}

/**
 * The entry to append after `lastLine`. After a shortened log the numbering
 * continues from the head, so the gap stays visible to `verifyEventLog`
 * instead of being papered over.
 */
function chainedEntry(
  event: VaultEvent,
  lastLine: Buffer | null,
  head: Head | null,
): EventEntry {
  const lastSeq = lastLine ? (parseEntry(lastLine)?.seq ?? 0) : 0;
  return {
    seq: Math.max(lastSeq, head?.seq ?? 0) + 1,
    at: new Date().toISOString(),
    action: event.action,
    serverId: event.serverId,
    keyId: event.keyId,
    fingerprint: event.fingerprint,
    details: event.details,
    prev: hashLine(lastLine ?? new Uint8Array()),
  };
}

const NL = Buffer.from('\n');

/** Every entry that parses, oldest first; `verifyEventLog` reports the rest. */
export async function readEvents(home: string): Promise<EventEntry[]> {
  const lines = await readLogLines(vaultFiles(home).events);
  return lines.flatMap((line) => {
    const entry = parseEntry(line);
    return entry ? [entry] : [];
  });
}

const TAIL_CHUNK = 64 * 1024;

/** The last line of `file` without reading all of it. */
async function readLastLine(
  file: string,
): Promise<{ line: Buffer | null; terminated: boolean }> {
  const data = await open(file, 'r').catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  });
  if (!data) return { line: null, terminated: true };
  try {
    const { size } = await data.stat();
    let buffer = Buffer.alloc(0);
    for (let position = size; position > 0;) {
      const length = Math.min(TAIL_CHUNK, position);
      position -= length;
      const chunk = Buffer.alloc(length);
      await data.read(chunk, 0, length, position);
      buffer = Buffer.concat([chunk, buffer]);
      const terminated = buffer[buffer.length - 1] === 0x0a;
      const body = terminated ? buffer.subarray(0, -1) : buffer;
      const newline = body.lastIndexOf(0x0a);
      if (newline >= 0 || position === 0) {
        return { line: body.subarray(newline + 1), terminated };
      }
    }
    return { line: null, terminated: true };
  } finally {
    await data.close();
  }
}
