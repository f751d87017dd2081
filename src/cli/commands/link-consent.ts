import type { ConsentView } from '../../delegation/consent';
import type { MintChoice } from '../../delegation/obtain';
import type { Vault } from '../../vault';
import { ExitCode, type CliContext } from '../context';
import { CommandFailure } from '../failure';
import { note, printable } from '../output';
import { promptTypedLine, readPassword } from '../prompt';
import { checkStoreIds, storesToCheck } from '../store-ids';

/**
 * The choices `btcpay-keys link handle` asks for on a terminal beyond yes or
 * no: how the key is obtained, the one store a store-limited key is for, and
 * the BTCPay account for a password sign-in. Flags answer them in scripts.
 */

/** The consent flags that carry these choices. */
export interface ConsentChoiceOptions {
  method?: string;
  user?: string;
  passwordStdin?: boolean;
  /** Every --store given; undefined when none was. */
  store?: string[];
}

/** Plain words for each way of getting the key. */
export const METHOD_WORDS: Record<MintChoice, string> = {
  reuse: 'hand over the key you already have',
  manager: 'create a new key with the manager key',
  authorize: 'approve a new key in the browser on BTCPay',
  basic: 'create a new key by signing in with a BTCPay password',
};

/** Picks one of `count` numbered lines; Enter takes `fallback`. */
async function promptNumber(
  context: CliContext,
  question: string,
  count: number,
  fallback: number | null,
): Promise<number> {
  const typed = await promptTypedLine(context, question);
  if (typed === '' && fallback !== null) return fallback;
  const picked = Number(typed);
  if (!Number.isInteger(picked) || picked < 1 || picked > count) {
    throw new CommandFailure(
      ExitCode.usage,
      `"${typed.slice(0, 20)}" is not one of the numbers shown.`,
      'Run the command again and type one of the numbers.',
    );
  }
  return picked - 1;
}

/** The way to get the key: --method, else asked on a terminal, else the default. */
export async function chooseMethod(
  context: CliContext,
  options: ConsentChoiceOptions,
  view: ConsentView,
): Promise<MintChoice> {
  if (options.method) return options.method as MintChoice;
  if (!context.isTTY || view.methods.length === 1) return view.defaultMethod;
  const fallback = view.methods.indexOf(view.defaultMethod);
  note(
    context,
    'How should the key be obtained?',
    ...view.methods.map(
      (m, i) =>
        `  ${i + 1}. ${METHOD_WORDS[m]}${i === fallback ? ' (default)' : ''}`,
    ),
  );
  const index = await promptNumber(
    context,
    `Choose 1-${view.methods.length} [${fallback + 1}]: `,
    view.methods.length,
    fallback,
  );
  return view.methods[index] ?? view.defaultMethod;
}

/**
 * The store a key made here is limited to, for a request that asks the
 * merchant to pick one: --store, else picked from the manager key's list on
 * a terminal. Where the minting account's stores can be listed without a
 * password (see `storesToCheck`), --store must be one of them. Anything
 * else is refused before a key is made.
 */
export async function chooseStore(
  context: CliContext,
  vault: Vault,
  options: ConsentChoiceOptions,
  view: ConsentView,
  method: MintChoice,
): Promise<string[]> {
  const given = options.store ?? [];
  const minter =
    method === 'basic'
      ? { kind: 'basic' as const, email: options.user }
      : { kind: 'manager' as const };
  const stores =
    given.length <= 1 ? await storesToCheck(vault, view.server, minter) : null;
  if (given.length === 1) {
    checkStoreIds(context, given, stores, 'use --method authorize');
    return given;
  }
  if (stores && stores.length > 0 && context.isTTY) {
    note(
      context,
      'The app asked you to pick one store:',
      ...stores.map((s, i) => `  ${i + 1}. ${printable(s.name)} (${s.id})`),
    );
    const index = await promptNumber(
      context,
      `Store 1-${stores.length}: `,
      stores.length,
      null,
    );
    return [stores[index]?.id ?? ''];
  }
  const listed = stores?.map((s) => `${s.id} (${s.name})`).join(', ');
  throw new CommandFailure(
    ExitCode.usage,
    'The app asked you to pick one store, and a key made here must be ' +
      'limited to it: give --store exactly once.',
    listed
      ? `Add --store with one of: ${listed}. Or use --method authorize to pick it on BTCPay's page.`
      : "Add --store STOREID, or use --method authorize to pick it on BTCPay's page.",
  );
}

/** The account and password for `basic`, spent once and never stored. */
export async function basicCredentials(
  context: CliContext,
  options: ConsentChoiceOptions,
): Promise<{ email: string; password: string }> {
  const email =
    options.user ??
    (context.isTTY && !options.passwordStdin
      ? await promptTypedLine(context, 'BTCPay account email: ')
      : '');
  if (!email) {
    throw new CommandFailure(
      ExitCode.usage,
      'Signing in with a password needs --user EMAIL.',
      'Add --user with the BTCPay account, and --password-stdin in scripts.',
    );
  }
  const password = await readPassword(context, email, options.passwordStdin);
  return { email, password };
}
