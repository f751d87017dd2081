import { storesToPick, type PickableStore } from '../delegation/consent';
import type { Vault } from '../vault';
import type { ServerRecord } from '../vault/schema';
import { ExitCode, type CliContext } from './context';
import { CommandFailure } from './failure';
import { note } from './output';

/**
 * Checks the store ids given with `--store` before a key is minted for them:
 * BTCPay mints a key for any store id without checking it, so a typo would
 * give a key that reaches no store. Used by `key create` and `link handle`.
 */

/** Who mints the key: the manager key, or a password of this account. */
export type StoreMinter =
  { kind: 'manager' } | { kind: 'basic'; email: string | undefined };

/**
 * The stores a `--store` id is checked against: those the manager key sees,
 * when the key is minted with it or with the password of its own account.
 * Null when there is no such list. Another account's stores are never
 * listed with its password: BTCPay counts every Basic-auth request as a
 * sign-in attempt, and locks the account after a few.
 */
export function storesToCheck(
  vault: Vault,
  server: ServerRecord | null,
  minter: StoreMinter,
): Promise<PickableStore[] | null> {
  return storesToPick(
    vault,
    server,
    minter.kind === 'basic'
      ? { signingIn: { userId: null, email: minter.email ?? null } }
      : {},
  );
}

/**
 * Refuses (exit 2) a given store id that `stores` lacks; without a list,
 * says on stderr that the ids went unchecked. `otherwise` ends the next step
 * of a refusal with another way to get the key.
 */
export function checkStoreIds(
  context: CliContext,
  given: readonly string[],
  stores: readonly PickableStore[] | null,
  otherwise: string,
): void {
  if (!stores) {
    for (const id of given) {
      note(
        context,
        `Could not check the store id ${shownId(id)}: only a manager key ` +
          'of the account the key is for lists its stores without a ' +
          'password sign-in. A wrong id gives a key that reaches no store.',
      );
    }
    return;
  }
  const unknown = given.find((id) => !stores.some((s) => s.id === id));
  if (unknown === undefined) return;
  const listed = stores.map((s) => `${s.id} (${s.name})`).join(', ');
  throw new CommandFailure(
    ExitCode.usage,
    `The manager key reaches no store with the id ${shownId(unknown)}, so ` +
      'no key was made.',
    listed
      ? `Give --store with one of: ${listed}.`
      : `The manager key sees no store on this server: create one on BTCPay, or ${otherwise}.`,
  );
}

function shownId(id: string): string {
  return JSON.stringify(id.slice(0, 80));
}
