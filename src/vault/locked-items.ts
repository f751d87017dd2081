import { askSecretService, searchItems } from './secret-service-bus';

/**
 * Whether the Secret Service holds locked items of `service`, asked over
 * the same kind of D-Bus connection the listing uses (attributes are
 * readable while locked, secrets are not). Null when that cannot be told
 * (no session bus, no answer in time, a reply it cannot read).
 *
 * Why: on a locked collection keytar's getPassword answers null, as if the
 * key were gone, and its findCredentials crashes the whole process with
 * SIGSEGV inside libsecret. Asking first turns both into a clear "locked".
 */
export function hasLockedItems(
  service: string,
  timeoutMs: number,
): Promise<boolean | null> {
  return askSecretService(timeoutMs, async (ask) => {
    const items = await searchItems(ask, service);
    return items === null ? null : items.locked.length > 0;
  });
}
