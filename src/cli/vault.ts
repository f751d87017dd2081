import { createGreenfieldClient } from '../greenfield';
import type { ServerCallOptions } from '../keys';
import { onVaultLockWait, openVault, type Vault } from '../vault';
import type { CliContext } from './context';
import { note } from './output';

/** Opens the vault in the command line's data folder with its logger. */
export async function openCliVault(context: CliContext): Promise<Vault> {
  let told = false;
  onVaultLockWait(context.home, () => {
    if (told) return;
    told = true;
    note(
      context,
      'Waiting for another BTCPay Key Manager window or command to finish ' +
        `with ${context.home}…`,
    );
  });
  return openVault({ home: context.home, logger: context.logger });
}

/**
 * Server calls made by the command line log their route and status (never
 * a credential) to the command line's log file.
 */
export function cliServerCalls(context: CliContext): ServerCallOptions {
  return {
    clientFor: (baseUrl) =>
      createGreenfieldClient({ baseUrl, logger: context.logger }),
  };
}
