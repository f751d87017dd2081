import { printable } from '../display/printable';
import type { CliContext } from './context';

export { printable };

/**
 * How commands write: plain lines for people, JSON for scripts, colour only
 * on a terminal and never when NO_COLOR is set.
 */

const STYLES = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
} as const;

/** A text style the command line uses. */
export type Style = keyof typeof STYLES;

/** `text` in `style` when the context allows colour, else unchanged. */
export function paint(context: CliContext, style: Style, text: string): string {
  if (!context.color) return text;
  const [open, close] = STYLES[style];
  return `\u001b[${open}m${text}\u001b[${close}m`;
}

/** Writes lines to stdout. */
export function say(context: CliContext, ...lines: string[]): void {
  context.stdout.write(lines.map((line) => `${line}\n`).join(''));
}

/** Writes lines to stderr (notes, warnings, progress). */
export function note(context: CliContext, ...lines: string[]): void {
  context.stderr.write(lines.map((line) => `${line}\n`).join(''));
}

/** Writes one JSON document to stdout, for `--json`. */
export function printJson(context: CliContext, value: unknown): void {
  context.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** The widest a table cell gets; longer text ends in an ellipsis. */
const MAX_CELL = 60;

/**
 * Lays out rows as aligned columns, the header in bold. Each cell is made
 * printable and cut to a readable width, so a label from a server can neither
 * drive the terminal nor stretch the table.
 */
export function table(
  context: CliContext,
  header: string[],
  rows: string[][],
): string[] {
  const cells = rows.map((row) => row.map((cell) => clip(printable(cell))));
  const widths = header.map((title, column) =>
    Math.max(title.length, ...cells.map((row) => width(row[column] ?? ''))),
  );
  const line = (row: string[]): string =>
    row
      .map((cell, column) => pad(cell, widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return [paint(context, 'bold', line(header)), ...cells.map(line)];
}

// Counted in code points, so a cut never splits an emoji's surrogate pair.
function width(text: string): number {
  return Array.from(text).length;
}

function pad(text: string, columns: number): string {
  return text + ' '.repeat(Math.max(columns - width(text), 0));
}

function clip(text: string): string {
  const characters = Array.from(text);
  return characters.length <= MAX_CELL
    ? text
    : `${characters.slice(0, MAX_CELL - 1).join('')}…`;
}
