import { createHash } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';
import { assertNoSecrets } from './event-guard';
import { withVaultLock } from './lock';
import { vaultFiles } from './paths';

export { SecretInEventError, assertNoSecrets } from './event-guard';

/** The actions the vault and its callers log. */
export const KNOWN_EVENT_ACTIONS = [
  'server.added',
  'server.removed',
  'server.updated',
  'key.created',
  'key.imported',
  'key.updated',
  'key.verified',
  'key.revealed',
  'key.copied',
  'key.delegated',
  'key.delivered',
  'key.revoked',
  'key.deleted',
  'delegation.remembered',
  'delegation.forgotten',
  'reconcile.repaired',
] as const;
export type KnownEventAction = (typeof KNOWN_EVENT_ACTIONS)[number];

/** A known action, or a new `area.verb` one another feature introduces. */
export type EventAction = KnownEventAction | `${string}.${string}`;

const ACTION = /^[a-z][a-z-]*(\.[a-z][a-z-]*)+$/;

/** What a caller logs; never a secret (see `assertNoSecrets`). */
export interface VaultEvent {
  action: EventAction;
  serverId?: string;
  keyId?: string;
  fingerprint?: string;
  details?: Record<string, unknown>;
}

/** One line of the log as stored. */
export interface EventEntry extends VaultEvent {
  seq: number;
  /** ISO time of the append. */
  at: string;
  /** SHA-256 (hex) of the previous line's bytes; of '' for the first. */
  prev: string;
}

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);

const EventEntrySchema = z.object({
  seq: z.number().int().positive(),
  at: z.string(),
  action: z.string().regex(ACTION),
  serverId: z.string().optional(),
  keyId: z.string().optional(),
  fingerprint: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
  prev: sha256Hex,
});

const HeadSchema = z.object({ seq: z.number().int().min(0), hash: sha256Hex });
type Head = z.infer<typeof HeadSchema>;

/** Hash of a line's exact bytes (without its newline). */
function hashLine(line: Uint8Array): string {
  return createHash('sha256').update(line).digest('hex');
}

/**
 * Appends `event` under the vault lock, chained to the line before it, and
 * moves the head anchor. Refuses an event that carries a secret.
 */
export async function appendEvent(
  home: string,
  event: VaultEvent,
): Promise<EventEntry> {
  assertNoSecrets(event);
  if (!ACTION.test(event.action)) {
    throw new Error(`"${event.action}" is not an area.verb event action.`);
  }
  return withVaultLock(home, async () => {
    const files = vaultFiles(home);
    const tail = await readLastLine(files.events);
    const head = await readHead(files.eventsHead).catch(() => null);

    // After a shortened log the numbering continues from the head, so the
    // gap stays visible to `verifyEventLog` instead of being papered over.
    const lastSeq = tail.line ? (parseEntry(tail.line)?.seq ?? 0) : 0;
    const entry: EventEntry = {
      seq: Math.max(lastSeq, head?.seq ?? 0) + 1,
      at: new Date().toISOString(),
      action: event.action,
      serverId: event.serverId,
      keyId: event.keyId,
      fingerprint: event.fingerprint,
      details: event.details,
      prev: hashLine(tail.line ?? new Uint8Array()),
    };
    const line = Buffer.from(JSON.stringify(entry), 'utf8');

    const file = await open(files.events, 'a', 0o600);
    try {
      const separator = tail.terminated ? '' : '\n';
      await file.appendFile(Buffer.concat([Buffer.from(separator), line, NL]));
      await file.sync();
    } finally {
      await file.close();
    }
    const newHead: Head = { seq: entry.seq, hash: hashLine(line) };
    await writeFileAtomic(files.eventsHead, `${JSON.stringify(newHead)}\n`, {
      fsync: true,
      mode: 0o600,
    });
    return JSON.parse(line.toString('utf8')) as EventEntry;
  });
}

const NL = Buffer.from('\n');

/** Every entry that parses, oldest first; `verifyEventLog` reports the rest. */
export async function readEvents(home: string): Promise<EventEntry[]> {
  const lines = splitLines(await readOrEmpty(vaultFiles(home).events));
  return lines.flatMap((line) => {
    const entry = parseEntry(line);
    return entry ? [entry] : [];
  });
}

/** The outcome of checking the log's hash chain and its head anchor. */
export type EventLogVerification =
  | { ok: true; count: number }
  | {
      ok: false;
      /** Valid entries before the break. */
      count: number;
      problem: 'changed' | 'removed' | 'truncated' | 'unparseable';
      /** 1-based line of the break; one past the end for a short log. */
      line: number;
      message: string;
    };

/** Checks that no entry was changed, removed, reordered or cut off. */
export async function verifyEventLog(
  home: string,
): Promise<EventLogVerification> {
  const files = vaultFiles(home);
  const lines = splitLines(await readOrEmpty(files.events));
  let head: Head | null;
  try {
    head = await readHead(files.eventsHead);
  } catch {
    return broken(
      'unparseable',
      0,
      lines.length,
      `${files.eventsHead} is damaged`,
    );
  }

  const chain = verifyChain(lines);
  if (!chain.ok) return chain;
  return verifyHead(lines, head, files.eventsHead);
}

function verifyChain(lines: Buffer[]): EventLogVerification {
  const entries = lines.map(parseEntry);
  const seqs = new Set(entries.map((entry) => entry?.seq));
  let previousHash = hashLine(new Uint8Array());

  for (const [index, entry] of entries.entries()) {
    const lineNumber = index + 1;
    const expected = lineNumber;
    if (!entry) {
      return broken(
        'unparseable',
        lineNumber,
        index,
        `line ${lineNumber} is not a log entry`,
      );
    }
    if (entry.seq !== expected) {
      const moved = entry.seq < expected || seqs.has(expected);
      return moved
        ? broken(
            'changed',
            lineNumber,
            index,
            `line ${lineNumber} holds entry ${entry.seq} where entry ${expected} belongs: entries were reordered or copied`,
          )
        : broken(
            'removed',
            lineNumber,
            index,
            `entries ${expected} to ${entry.seq - 1} are missing before line ${lineNumber}`,
          );
    }
    if (entry.prev !== previousHash) {
      const changed = Math.max(lineNumber - 1, 1);
      return broken(
        'changed',
        changed,
        changed - 1,
        `line ${changed} was changed after line ${lineNumber} was written`,
      );
    }
    previousHash = hashLine(lines[index] as Buffer);
  }
  return { ok: true, count: lines.length };
}

function verifyHead(
  lines: Buffer[],
  head: Head | null,
  headFile: string,
): EventLogVerification {
  const count = lines.length;
  if (!head) {
    return count === 0
      ? { ok: true, count }
      : broken(
          'truncated',
          count + 1,
          count,
          `${headFile} is missing, so a shortened log cannot be ruled out`,
        );
  }
  if (head.seq > count) {
    return broken(
      'truncated',
      count + 1,
      count,
      `the log ends early: it stops at entry ${count}, but entry ${head.seq} was written`,
    );
  }
  // A head behind the log is a crash between append and anchor update.
  const anchored = head.seq === 0 ? null : lines[head.seq - 1];
  if (anchored && hashLine(anchored) !== head.hash) {
    return broken(
      'changed',
      head.seq,
      head.seq - 1,
      `line ${head.seq} was changed after it was written`,
    );
  }
  return { ok: true, count };
}

function broken(
  problem: 'changed' | 'removed' | 'truncated' | 'unparseable',
  line: number,
  count: number,
  message: string,
): EventLogVerification {
  return {
    ok: false,
    count,
    problem,
    line,
    message: `The event log is damaged: ${message}.`,
  };
}

function parseEntry(line: Uint8Array): EventEntry | null {
  try {
    const parsed = EventEntrySchema.safeParse(
      JSON.parse(Buffer.from(line).toString('utf8')),
    );
    return parsed.success ? (parsed.data as EventEntry) : null;
  } catch {
    return null;
  }
}

async function readHead(file: string): Promise<Head | null> {
  const text = await readFile(file, 'utf8').catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  });
  return text === null ? null : HeadSchema.parse(JSON.parse(text));
}

async function readOrEmpty(file: string): Promise<Buffer> {
  return readFile(file).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return Buffer.alloc(0);
    }
    throw error;
  });
}

/** Lines without their newlines; a final unterminated fragment is a line. */
function splitLines(data: Buffer): Buffer[] {
  const lines: Buffer[] = [];
  let start = 0;
  for (
    let end = data.indexOf(0x0a);
    end >= 0;
    end = data.indexOf(0x0a, start)
  ) {
    lines.push(data.subarray(start, end));
    start = end + 1;
  }
  if (start < data.length) lines.push(data.subarray(start));
  return lines;
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
