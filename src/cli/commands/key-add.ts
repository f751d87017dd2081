import type { Command } from 'commander';
import {
  BECAME_MANAGER,
  createKeyOverRest,
  importKey,
  requireServer,
  type CreateKeyResult,
  type ImportKeyResult,
  type RestMintAuth,
} from '../../keys';
import { diffPermissions } from '../../permissions';
import type { Vault } from '../../vault';
import type { KeyRecord, ServerRecord } from '../../vault/schema';
import { ExitCode, type CliContext } from '../context';
import { CommandFailure } from '../failure';
import { checkedLabel } from '../label';
import { note, paint, printable, printJson, say } from '../output';
import { promptHidden, readPassword, readSecretFromStdin } from '../prompt';
import { checkStoreIds, storesToCheck } from '../store-ids';
import { cliServerCalls, openCliVault } from '../vault';

interface CreateOptions {
  server: string;
  label: string;
  permission: string[];
  store?: string[];
  forUser?: string;
  user?: string;
  passwordStdin?: boolean;
  json?: boolean;
}

interface ImportOptions {
  server: string;
  label?: string;
  keyStdin?: boolean;
  json?: boolean;
}

/** `key create` and `key import`: the two ways a key arrives over the CLI. */
export function registerKeyAddCommands(
  key: Command,
  context: CliContext,
): void {
  key
    .command('create')
    .description(
      'Create a key over the REST API: with Basic auth when --user is given ' +
        '(one request, never retried), else with the server’s manager key.',
    )
    .requiredOption('--server <id-or-url>', 'the stored server')
    .requiredOption('--label <label>', 'the key’s label on the server')
    .requiredOption(
      '--permission <permission...>',
      'policy or policy:storeId, repeatable',
    )
    .option(
      '--store <store-id...>',
      'scope each store permission to this store',
    )
    .option('--for-user <email>', 'create the key for another user (admin)')
    .option('--user <email>', 'sign in with this account’s password (Basic)')
    .option('--password-stdin', 'read the password from stdin')
    .option('--json', 'print the stored key as JSON')
    .action((options: CreateOptions) => createCommand(context, options));

  key
    .command('import')
    .description(
      'Store an existing key after the server confirmed it; the server’s ' +
        'permissions are what get stored.',
    )
    .requiredOption('--server <id-or-url>', 'the stored server')
    .option('--label <label>', 'a label (default: the server’s label)')
    .option('--key-stdin', 'read the key from stdin (else a hidden prompt)')
    .option('--json', 'print the stored key as JSON')
    .action((options: ImportOptions) => importCommand(context, options));
}

async function createCommand(
  context: CliContext,
  options: CreateOptions,
): Promise<void> {
  checkedLabel(options.label, '--label');
  if (options.passwordStdin && !options.user) {
    throw new CommandFailure(
      ExitCode.usage,
      '--password-stdin needs --user: the password of which account?',
      'Add --user EMAIL, or leave both out to use the manager key.',
    );
  }
  const vault = await openCliVault(context);
  const server = await requireServer(vault, options.server);
  await checkGivenStores(context, vault, server, options);
  const auth = await mintAuth(context, options);
  const created = await createKeyOverRest(
    vault,
    {
      serverId: server.id,
      label: options.label,
      permissions: options.permission,
      stores: options.store,
      forUser: options.forUser,
      auth,
    },
    {
      ...cliServerCalls(context),
      onWarnings: (warnings) => {
        for (const warning of warnings) {
          note(
            context,
            `${paint(context, 'yellow', 'Warning:')} ${printable(warning)}`,
          );
        }
      },
    },
  );
  context.logger.info(
    {
      keyId: created.key.id,
      fingerprint: created.key.fingerprint,
      via: auth.kind,
    },
    'key create',
  );
  if (options.json) return printJson(context, created);
  printCreated(context, created);
}

function printCreated(context: CliContext, created: CreateKeyResult): void {
  say(
    context,
    `${paint(context, 'green', 'Created')} ${describeStored(created.key)}`,
  );
  reportGrantedVersusRequested(
    context,
    created.requestedPermissions,
    created.key,
  );
  if (created.becameManager) {
    say(context, BECAME_MANAGER);
  }
}

/**
 * Refuses a --store the minting account does not reach, before a password
 * is asked for: BTCPay mints a key for any store id. A key made --for-user
 * another account is for that account's stores, which the manager key does
 * not list, so those ids go unchecked.
 */
async function checkGivenStores(
  context: CliContext,
  vault: Vault,
  server: ServerRecord,
  options: CreateOptions,
): Promise<void> {
  const given = options.store ?? [];
  // Without a manager key and a password, minting is refused next anyway.
  if (given.length === 0 || (!options.user && !server.managerKeyId)) return;
  const stores = options.forUser
    ? null
    : await storesToCheck(
        vault,
        server,
        options.user
          ? { kind: 'basic', email: options.user }
          : { kind: 'manager' },
      );
  checkStoreIds(
    context,
    given,
    stores,
    'run `btcpay-keys authorize` and pick it on BTCPay’s page',
  );
}

async function mintAuth(
  context: CliContext,
  options: CreateOptions,
): Promise<RestMintAuth> {
  if (!options.user) return { kind: 'manager' };
  const password = await readPassword(
    context,
    options.user,
    options.passwordStdin,
  );
  return { kind: 'basic', email: options.user, password };
}

async function importCommand(
  context: CliContext,
  options: ImportOptions,
): Promise<void> {
  if (options.label !== undefined) checkedLabel(options.label, '--label');
  const vault = await openCliVault(context);
  const server = await requireServer(vault, options.server);
  const secret = options.keyStdin
    ? await readSecretFromStdin(context, 'API key')
    : await promptHidden(context, `API key for ${server.name}: `);
  const imported = await importKey(
    vault,
    {
      serverId: server.id,
      secret,
      label: options.label,
    },
    cliServerCalls(context),
  );
  context.logger.info(
    {
      keyId: imported.key.id,
      fingerprint: imported.key.fingerprint,
      restored: imported.restored,
    },
    'key import',
  );
  if (
    imported.restored &&
    options.label &&
    options.label !== imported.key.label
  ) {
    // Said on stderr, so it reaches a --json caller too.
    note(
      context,
      `${paint(context, 'yellow', 'Note:')} --label was not applied: the ` +
        `key was already stored as "${printable(imported.key.label)}", and a restore ` +
        'keeps its record as it is.',
    );
  }
  if (options.json) return printJson(context, imported);
  if (imported.restored) return printRestored(context, imported);
  say(
    context,
    `${paint(context, 'green', 'Imported')} ${describeStored(imported.key)}`,
  );
  if (imported.becameManager) {
    say(context, BECAME_MANAGER);
  }
}

/** A stored key whose lost keychain entry the import wrote back. */
function printRestored(context: CliContext, imported: ImportKeyResult): void {
  const { key, restoredFrom } = imported;
  say(
    context,
    `${paint(context, 'green', 'Restored')} the secret of "${printable(key.label)}" ` +
      `(${key.id}): the server confirmed the key, and its keychain entry ` +
      'holds it again. No new key was stored.',
  );
  const overwritten = restoredFrom?.overwrittenFingerprint;
  if (overwritten) {
    note(
      context,
      `${paint(context, 'yellow', 'Note:')} the entry held another key ` +
        `(${overwritten}), which it no longer does; import that key too if ` +
        'it is still needed.',
    );
  }
}

function describeStored(key: KeyRecord): string {
  const permissions =
    key.grantedPermissions.length === 0
      ? 'no permissions'
      : key.grantedPermissions.join(', ');
  return printable(
    `"${key.label}" as ${key.id} (${key.fingerprint}): ${permissions}.`,
  );
}

/** Non-admins get only part of what they ask for: say which part and why. */
function reportGrantedVersusRequested(
  context: CliContext,
  requested: string[],
  key: KeyRecord,
): void {
  const differences = diffPermissions(requested, key.grantedPermissions);
  for (const difference of differences) {
    note(
      context,
      `${paint(context, 'yellow', 'Note:')} ${printable(difference.explanation)}`,
    );
  }
}
