import { openVault, type Vault } from '../vault';
import type { CliContext } from './context';

/** Opens the vault in the command line's data folder with its logger. */
export async function openCliVault(context: CliContext): Promise<Vault> {
  return openVault({ home: context.home, logger: context.logger });
}
