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
  'key.restored',
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

/**
 * What a line must hold to be used as an entry. Its format checks are the
 * chain's: `prev` must equal the hash of the line before, and only entries
 * whose action passed `ACTION` were ever appended. Repeating those regular
 * expressions on every line of a long log doubled the cost of reading it.
 */
const EventEntrySchema = z.object({
  seq: z.number().int().positive(),
  at: z.string(),
  action: z.string(),
  serverId: z.string().optional(),
  keyId: z.string().optional(),
  fingerprint: z.string().optional(),
  details: z
    .custom<Record<string, unknown>>(
      (value) =>
        typeof value === 'object' && value !== null && !Array.isArray(value),
      'details must be an object',
    )
    .optional(),
  prev: z.string(),
});

/** What the chain check needs of a line: its number and its link. */
export interface EntryLink {
  seq: number;
  prev: string;
}

const EntryLinkSchema = z.object({
  seq: z.number().int().positive(),
  prev: z.string(),
});

/**
 * The number and link on `line`, or null when it has none. Checking a
 * chain needs nothing else, so it does not pay for checking every field.
 */
export function parseLink(line: string): EntryLink | null {
  return parseLine(line, EntryLinkSchema);
}

/** The JSON on `line` if `schema` accepts it, else null. */
function parseLine<T>(line: string, schema: z.ZodType<T>): T | null {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return null;
  }
  const parsed = schema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

/** The head anchor: the last entry's number and the hash of its line. */
export const HeadSchema = z.object({
  seq: z.number().int().min(0),
  hash: sha256Hex,
});
export type Head = z.infer<typeof HeadSchema>;

/**
 * Hash of a line's exact bytes (without its newline). A line read as text
 * hashes as its UTF-8 bytes, which are the file's bytes for every line the
 * vault wrote; a line that is not valid UTF-8 was not written by it, and
 * its hash then differs, as it should.
 */
export function hashLine(line: Uint8Array | string): string {
  // The one-shot hash is several times cheaper than a Hash object per line.
  return hash('sha256', line, 'hex');
}

/** The entry on `line`, or null when it is not one. */
export function parseEntry(line: Uint8Array | string): EventEntry | null {
  const text =
    typeof line === 'string'
      ? line
      : Buffer.from(line.buffer, line.byteOffset, line.byteLength).toString(
          'utf8',
        );
  return parseLine(text, EventEntrySchema) as EventEntry | null;
}

/**
 * The log's lines as text, without their newlines; a final unterminated
 * fragment (a torn append) is a line. One read and one split, however long
 * the log.
 */
export async function readLogLines(file: string): Promise<string[]> {
  const text = (await readTextIfAny(file)) ?? '';
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** The head anchor, null when there is none; throws when damaged. */
export async function readHead(file: string): Promise<Head | null> {
  const text = await readTextIfAny(file);
  return text === null ? null : HeadSchema.parse(JSON.parse(text));
}

/** The file's text, or null when it does not exist. */
async function readTextIfAny(file: string): Promise<string | null> {
  return readFile(file, 'utf8').catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  });
}
