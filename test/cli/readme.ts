import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from './run-cli';

/**
 * Reads the README's command-line walk-through the way a newcomer follows
 * it: the fenced `sh` block after each `<!-- walk-through: NAME -->` marker,
 * one step per command, continuation lines (`\` or a trailing `|`) joined.
 */

/** One step of a walk-through block: a command, or a variable to set. */
export type WalkThroughStep =
  | { kind: 'command'; line: string }
  | { kind: 'variable'; name: string; value: string; exported: boolean };

/** The steps of the walk-through block named `name` in README.md. */
export function walkThroughSteps(name: string): WalkThroughStep[] {
  const readme = readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
  const marker = `<!-- walk-through: ${name} -->`;
  const at = readme.indexOf(marker);
  if (at === -1) throw new Error(`README.md has no "${marker}"`);
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(at));
  if (!block?.[1]) throw new Error(`no sh block follows "${marker}"`);
  return logicalLines(block[1]).map(toStep);
}

function logicalLines(block: string): string[] {
  const lines: string[] = [];
  let pending = '';
  for (const raw of block.split('\n')) {
    const line = raw.trimEnd();
    if (pending === '' && (line.trim() === '' || line.trim().startsWith('#')))
      continue;
    pending += pending === '' ? line : ` ${line.trim()}`;
    if (pending.endsWith('\\')) pending = pending.slice(0, -1).trimEnd();
    else if (!pending.endsWith('|')) {
      lines.push(pending);
      pending = '';
    }
  }
  return lines;
}

const ASSIGNMENT = /^(export\s+)?([A-Z_]+)=(.*?)(\s+#.*)?$/;

function toStep(line: string): WalkThroughStep {
  const assignment = ASSIGNMENT.exec(line);
  if (!assignment) return { kind: 'command', line };
  return {
    kind: 'variable',
    name: assignment[2] ?? '',
    value: assignment[3] ?? '',
    exported: assignment[1] !== undefined,
  };
}
