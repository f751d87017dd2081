/**
 * A wait in the words the flow uses ("10 minutes", "1 minute and 30
 * seconds", "45 seconds"), so a short `--timeout` is not rounded up to a
 * minute it never waited.
 */

function count(amount: number, unit: string): string {
  return `${amount} ${unit}${amount === 1 ? '' : 's'}`;
}

/** How long `ms` is, in whole units a person reads at a glance. */
export function durationInWords(ms: number): string {
  if (ms < 1000) return count(Math.max(0, Math.round(ms)), 'millisecond');
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return count(seconds, 'second');
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  const whole = count(minutes, 'minute');
  return rest === 0 ? whole : `${whole} and ${count(rest, 'second')}`;
}
