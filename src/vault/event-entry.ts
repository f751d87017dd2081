import { hash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';

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

/** `area.verb`, lower case: what every action name looks like. */
export const ACTION = /^[a-z][a-z-]*(\.[a-z][a-z-]*)+$/;

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

/** The head anchor: the last entry's number and the hash of its line. */
export const HeadSchema = z.object({
  seq: z.number().int().min(0),
  hash: sha256Hex,
});
export type Head = z.infer<typeof HeadSchema>;

/** Hash of a line's exact bytes (without its newline). */
export function hashLine(line: Uint8Array): string {
  // The one-shot hash is several times cheaper than a Hash object per line.
  return hash('sha256', line, 'hex');
}

/** The entry on `line`, or null when it is not one. */
export function parseEntry(line: Uint8Array): EventEntry | null {
  try {
    const parsed = EventEntrySchema.safeParse(
      JSON.parse(Buffer.from(line).toString('utf8')),
    );
    return parsed.success ? (parsed.data as EventEntry) : null;
  } catch {
    return null;
  }
}

/** The head anchor, null when there is none; throws when damaged. */
export async function readHead(file: string): Promise<Head | null> {
  const text = await readFile(file, 'utf8').catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  });
  return text === null ? null : HeadSchema.parse(JSON.parse(text));
}

/** The file's bytes; empty when it does not exist. */
export async function readOrEmpty(file: string): Promise<Buffer> {
  return readFile(file).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return Buffer.alloc(0);
    }
    throw error;
  });
}

/** Lines without their newlines; a final unterminated fragment is a line. */
export function splitLines(data: Buffer): Buffer[] {
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
