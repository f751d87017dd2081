import type { CliContext } from './context';

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

/** Lays out rows as aligned columns, the header in bold. */
export function table(
  context: CliContext,
  header: string[],
  rows: string[][],
): string[] {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: string[]): string =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return [paint(context, 'bold', line(header)), ...rows.map(line)];
}
