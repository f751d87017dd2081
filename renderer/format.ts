import type { KeyView, RiskClass } from '../src/contract';

/** Words and formats the screens share. */

/** Short badge names of the risk classes, worst first. */
export const RISK_NAMES: Record<RiskClass, string> = {
  unrestricted: 'Unrestricted',
  'server-admin': 'Server admin',
  'moves-funds': 'Moves funds',
  'changes-settings': 'Changes settings',
  'unknown-effect': 'Unknown effect',
  'all-stores': 'All stores',
  'read-only': 'Read-only',
};

/** How alarming each risk class is, for the badge colour. */
export const RISK_LEVEL: Record<
  RiskClass,
  'critical' | 'high' | 'medium' | 'low'
> = {
  unrestricted: 'critical',
  'server-admin': 'critical',
  'moves-funds': 'high',
  'changes-settings': 'medium',
  'unknown-effect': 'medium',
  'all-stores': 'medium',
  'read-only': 'low',
};

const dateFormat = new Intl.DateTimeFormat(undefined, {
  dateStyle: 'medium',
  timeStyle: 'short',
});

/** A date and time in the user's locale, or "never". */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return 'never';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateFormat.format(date);
}

/** "1 key", "3 keys"; "1 entry", "3 entries" with the plural given. */
export function plural(
  count: number,
  word: string,
  pluralWord = `${word}s`,
): string {
  return `${count} ${count === 1 ? word : pluralWord}`;
}

type Check = NonNullable<KeyView['lastVerification']>;

/** What the last check of a key found, in the same words on every screen. */
export const VERIFY_WORDS: Record<Check['result'], string> = {
  valid: 'Works',
  'unknown-key': 'Unknown to server',
  'owner-blocked': 'Owner blocked',
  error: 'Could not check',
};

/** "Works, 4 Mar 2026, 10:00", or "Never verified". */
export function checkWords(check: Check | null): string {
  if (!check) return 'Never verified';
  return `${VERIFY_WORDS[check.result]}, ${formatDate(check.at)}`;
}
