/**
 * Outside text (labels, server and app names, store names, emails, server
 * messages) made safe to print for a person.
 */

/**
 * Characters that must never reach a terminal or a consent screen as they
 * are: control characters could move the cursor, clear a line or forge a row;
 * bidi overrides, isolates and other invisible format characters (U+202E and
 * kin, zero-width joiners, line separators) can make a name read as another.
 */
export const HIDDEN_CHARACTERS = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

const EVERY_HIDDEN_CHARACTER = new RegExp(HIDDEN_CHARACTERS.source, 'gu');

/**
 * `text` with each hidden character replaced by a space, so a label or an
 * app name cannot send escape sequences to a terminal or break a table.
 * For people only: stored data and JSON output keep the text as it is.
 */
export function printable(text: string): string {
  return text.replace(EVERY_HIDDEN_CHARACTER, ' ');
}
