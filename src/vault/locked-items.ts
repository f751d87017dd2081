import { execFile } from 'node:child_process';

/**
 * Whether the Secret Service holds locked items of `service`, asked over
 * D-Bus with `dbus-send` (attributes are readable while locked, secrets
 * are not). Null when that cannot be told (no dbus-send, no answer).
 *
 * Why: on a locked collection keytar's getPassword answers null, as if the
 * key were gone, and its findCredentials crashes the whole process with
 * SIGSEGV inside libsecret. Asking first turns both into a clear "locked".
 */
export function hasLockedItems(
  service: string,
  timeoutMs: number,
): Promise<boolean | null> {
  return new Promise((resolve) => {
    execFile(
      'dbus-send',
      [
        '--session',
        '--print-reply',
        `--reply-timeout=${Math.max(1, Math.round(timeoutMs))}`,
        '--dest=org.freedesktop.secrets',
        '/org/freedesktop/secrets',
        'org.freedesktop.Secret.Service.SearchItems',
        `dict:string:string:service,${service}`,
      ],
      { timeout: timeoutMs },
      (error, stdout) => {
        if (error) return resolve(null);
        // The reply is two arrays of object paths: unlocked, then locked.
        const arrays = stdout.split('array [').slice(1);
        if (arrays.length !== 2) return resolve(null);
        resolve((arrays[1] ?? '').includes('object path'));
      },
    );
  });
}
