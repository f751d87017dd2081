import { KEY_LABEL_MAX, KeyLabel } from '../contract/labels';
import { ExitCode } from './context';
import { CommandFailure } from './failure';

/**
 * `label` when it fits the app's limit for a key label, else the usage
 * failure (exit 2), raised before anything is sent to a server.
 */
export function checkedLabel(label: string, option: string): string {
  if (KeyLabel.safeParse(label).success) return label;
  const found =
    label.length === 0
      ? 'is empty'
      : label.trim() === ''
        ? 'is only blanks'
        : `is ${label.length} characters long`;
  throw new CommandFailure(
    ExitCode.usage,
    `${option} ${found}; a key label must be 1 to ${KEY_LABEL_MAX} ` +
      'characters, not only blanks. Nothing was sent.',
    `Give ${option} a label of 1 to ${KEY_LABEL_MAX} characters, for ` +
      `example ${option} "Shop invoices".`,
  );
}
