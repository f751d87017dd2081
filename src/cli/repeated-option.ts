/**
 * Commander's parser for an option that may be given many times
 * (`--permission a --permission b`): every value, in order. Such options
 * get no default, so `--help` prints no empty "(default: [])"; an option
 * never given stays undefined.
 */
export function collectRepeated(
  value: string,
  previous: string[] | undefined,
): string[] {
  return [...(previous ?? []), value];
}
