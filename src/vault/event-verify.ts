import { vaultFiles } from './paths';
import {
  hashLine,
  parseLink,
  readHead,
  readLogLines,
  type EntryLink,
  type Head,
} from './event-entry';

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
  return (await readCheckedEvents(home)).verification;
}

/** The check of the log's chain, with how many of its lines are entries. */
export interface CheckedEvents {
  /** Lines that hold an entry's number and link. */
  count: number;
  verification: EventLogVerification;
}

/**
 * Reads the log once and checks its chain and head anchor, for callers
 * (the audit) that need the check and a count but not the entries.
 */
export async function readCheckedEvents(home: string): Promise<CheckedEvents> {
  const files = vaultFiles(home);
  const lines = await readLogLines(files.events);
  const links = lines.map(parseLink);
  const count = links.filter((link) => link !== null).length;
  let head: Head | null;
  try {
    head = await readHead(files.eventsHead);
  } catch {
    const message = `${files.eventsHead} is damaged`;
    const verification = broken('unparseable', 0, lines.length, message);
    return { count, verification };
  }

  const chain = verifyChain(lines, links);
  const verification = chain.ok
    ? verifyHead(lines, head, files.eventsHead)
    : chain;
  return { count, verification };
}

function verifyChain(
  lines: string[],
  links: (EntryLink | null)[],
): EventLogVerification {
  const seqs = new Set(links.map((link) => link?.seq));
  let previousHash = hashLine('');

  for (const [index, link] of links.entries()) {
    const problem = checkLink(link, index + 1, previousHash, seqs);
    if (problem) return problem;
    previousHash = hashLine(lines[index] as string);
  }
  return { ok: true, count: lines.length };
}

/** Line N must hold entry N, linked to the hash of line N - 1. */
function checkLink(
  entry: EntryLink | null,
  line: number,
  previousHash: string,
  seqs: Set<number | undefined>,
): EventLogVerification | null {
  if (!entry) {
    return broken(
      'unparseable',
      line,
      line - 1,
      `line ${line} is not a log entry`,
    );
  }
  if (entry.seq !== line) {
    // Entry N still exists further on: the lines were shuffled, not cut.
    return entry.seq < line || seqs.has(line)
      ? broken(
          'changed',
          line,
          line - 1,
          `line ${line} holds entry ${entry.seq}: entries were reordered or copied`,
        )
      : broken(
          'removed',
          line,
          line - 1,
          `entries ${line} to ${entry.seq - 1} are missing before line ${line}`,
        );
  }
  if (entry.prev !== previousHash) {
    const changed = Math.max(line - 1, 1);
    return broken(
      'changed',
      changed,
      changed - 1,
      `line ${changed} was changed after line ${line} was written`,
    );
  }
  return null;
}

function verifyHead(
  lines: string[],
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
