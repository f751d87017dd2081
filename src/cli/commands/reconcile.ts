import { adoptOrphanedKeys, type AdoptResult } from '../../keys';
import type { ReconcileReport, Vault } from '../../vault';
import { ExitCode, type CliContext, type RegisterCommands } from '../context';
import { CommandFailure } from '../failure';
import { paint, printable, printJson, say } from '../output';
import { confirmAction } from '../prompt';
import { cliServerCalls, openCliVault } from '../vault';

interface ReconcileCommandOptions {
  adopt?: boolean;
  server?: string;
  key?: string[];
  repair?: boolean;
  deleteOrphans?: boolean;
  yes?: boolean;
  json?: boolean;
}

/**
 * What an orphan may be besides a leftover: the only copy of a working key,
 * or a key that a copy of this data folder still uses (copies share their
 * keychain entries), or, in a folder made by an earlier version, another
 * such folder's key.
 */
const ORPHAN_WARNING =
  'An orphaned entry may be the only copy of a working key, or a key that ' +
  'a copy of this data folder (or another folder made by an earlier ' +
  'version) still uses.';

/**
 * `btcpay-keys reconcile`: keychain entries without metadata, metadata
 * without a secret and entries holding another key, listed; orphaned entries taken back with `--adopt`, and
 * deleted only with the separate `--delete-orphans`.
 */
export const registerReconcileCommand: RegisterCommands = (
  program,
  context,
) => {
  program
    .command('reconcile')
    .description(
      'Compare the keychain with the metadata: list keychain entries no key ' +
        'record names (orphans), keys whose secret is missing, and keys ' +
        'whose entry holds another key (replaced). --adopt ' +
        'takes orphans back after the server confirms them; nothing is ' +
        'deleted unless asked.',
    )
    .option('--adopt', 'take orphans back as imported keys (needs --server)')
    .option('--server <id-or-url>', 'the stored server to check orphans with')
    .option(
      '--key <id...>',
      'with --adopt or --delete-orphans: only these orphans',
    )
    .option('--repair', 'delete key records whose secret is missing')
    .option('--delete-orphans', 'delete orphaned keychain entries (asks)')
    .option('-y, --yes', 'confirm deletions without asking')
    .option('--json', 'print the report as JSON')
    .action((options: ReconcileCommandOptions) =>
      reconcileCommand(context, options),
    );
};

async function reconcileCommand(
  context: CliContext,
  options: ReconcileCommandOptions,
): Promise<void> {
  checkCombination(options);
  const vault = await openCliVault(context);
  const adoption = options.adopt
    ? await adoptOrphanedKeys(
        vault,
        { server: options.server ?? '', keyIds: options.key },
        cliServerCalls(context),
      )
    : null;
  const deletion = await confirmDeletions(context, vault, options);
  const found = await vault.reconcile({
    ...deletion,
    checkSecrets: true,
    ...(options.key ? { onlyOrphans: options.key } : {}),
  });
  // Asked to delete, with nothing to delete: say so, as an empty repair.
  const report =
    found.repaired === null && (options.repair || options.deleteOrphans)
      ? { ...found, repaired: { removedSecrets: [], removedRecords: [] } }
      : found;
  context.logger.info(
    {
      adopted: adoption?.adopted.map((key) => key.id) ?? [],
      repair: options.repair === true,
      deleteOrphans: options.deleteOrphans === true,
      orphanedSecrets: report.secretsWithoutMetadata.length,
      missingSecrets: report.metadataWithoutSecret.length,
      replacedSecrets: report.replacedSecrets?.length ?? 0,
    },
    'reconcile',
  );
  if (options.json) return printJson(context, { ...report, adoption });
  if (adoption) printAdoption(context, adoption);
  printReport(context, report);
}

function checkCombination(options: ReconcileCommandOptions): void {
  const usage = (message: string, next: string) =>
    new CommandFailure(ExitCode.usage, message, next);
  if (options.adopt && !options.server) {
    throw usage(
      '--adopt needs --server: orphans are checked with the server they ' +
        'belong to before they are taken back.',
      'Add --server URL (see `btcpay-keys server list`).',
    );
  }
  if (!options.adopt && options.server) {
    throw usage('--server goes with --adopt.', 'Add --adopt.');
  }
  if (!options.adopt && !options.deleteOrphans && options.key) {
    throw usage(
      '--key says which orphans to adopt or delete.',
      'Add --adopt --server URL, or --delete-orphans.',
    );
  }
  if (options.adopt && options.deleteOrphans) {
    throw usage(
      '--adopt and --delete-orphans do opposite things to the same entries.',
      'Adopt first, look at what is left, then delete it in a second run.',
    );
  }
}

function requireOrphans(report: ReconcileReport, ids: readonly string[]): void {
  const strangers = ids.filter(
    (id) => !report.secretsWithoutMetadata.includes(id),
  );
  if (strangers.length > 0) {
    throw new CommandFailure(
      ExitCode.usage,
      `Not an orphaned keychain entry: ${strangers.join(', ')}. Nothing ` +
        'was deleted.',
      'List the orphans with `btcpay-keys reconcile`; delete a stored key ' +
        'with `btcpay-keys key delete <id> --local-only`.',
    );
  }
}

/**
 * Which of the asked-for deletions have something to delete, confirmed:
 * with nothing to delete nothing is asked, so a script's `--repair` on an
 * intact vault just ends well.
 */
async function confirmDeletions(
  context: CliContext,
  vault: Vault,
  options: ReconcileCommandOptions,
): Promise<{ repair: boolean; deleteOrphans: boolean }> {
  if (!options.repair && !options.deleteOrphans) {
    return { repair: false, deleteOrphans: false };
  }
  const found = await vault.reconcile({});
  if (options.deleteOrphans && options.key) requireOrphans(found, options.key);
  const deletion = {
    repair: options.repair === true && found.metadataWithoutSecret.length > 0,
    deleteOrphans:
      options.deleteOrphans === true && found.secretsWithoutMetadata.length > 0,
  };
  const orphans = options.key
    ? `the orphaned keychain entries ${options.key.join(', ')}`
    : 'every orphaned keychain entry';
  const what = [
    deletion.deleteOrphans ? orphans : '',
    deletion.repair ? 'key records without a secret' : '',
  ].filter(Boolean);
  if (what.length === 0) return deletion;
  const warning = deletion.deleteOrphans ? ` ${ORPHAN_WARNING}` : '';
  await confirmAction(context, options, {
    question: `Delete ${what.join(' and ')}?${warning}`,
    action: `delete ${what.join(' and ')}`,
  });
  return deletion;
}

function printAdoption(context: CliContext, adoption: AdoptResult): void {
  for (const key of adoption.adopted) {
    say(
      context,
      `${paint(context, 'green', 'Adopted')} ` +
        printable(
          `${key.id} as "${key.label}": ` +
            `${key.grantedPermissions.join(', ') || 'no permissions'}.`,
        ),
    );
  }
  for (const orphan of adoption.left) {
    say(
      context,
      printable(`Left ${orphan.id} in the keychain: ${orphan.message}`),
    );
  }
}

function printReport(context: CliContext, report: ReconcileReport): void {
  const orphaned = report.secretsWithoutMetadata;
  const missing = report.metadataWithoutSecret;
  const replaced = report.replacedSecrets ?? [];
  if (report.repaired) printRepaired(context, report.repaired);
  if (orphaned.length === 0 && missing.length === 0 && replaced.length === 0) {
    return say(
      context,
      paint(context, 'green', 'The keychain and the metadata agree.'),
    );
  }
  if (orphaned.length > 0) {
    say(context, 'Keychain entries without a key record:');
    for (const id of orphaned) say(context, `  ${orphanLine(report, id)}`);
    say(
      context,
      'Take them back with `btcpay-keys reconcile --adopt --server URL`, ' +
        'or delete them with `btcpay-keys reconcile --delete-orphans`.',
      ORPHAN_WARNING,
    );
  }
  if (missing.length > 0) {
    say(
      context,
      `Keys whose secret is missing from the keychain: ${missing.join(', ')}`,
      'Import such a key again if you have it, or drop the records with ' +
        '`btcpay-keys reconcile --repair`.',
    );
  }
  if (replaced.length > 0) {
    say(
      context,
      'Keys whose keychain entry holds another key than the stored one ' +
        `(replaced outside BTCPay Key Manager): ${replaced.join(', ')}`,
      'They cannot be used until the right key is back: import it with ' +
        '`btcpay-keys key import --server URL`, which checks it with the ' +
        'server and writes it back under the same id. Or forget such a key ' +
        'here with `btcpay-keys key delete <id> --local-only`.',
    );
  }
}

function orphanLine(report: ReconcileReport, id: string): string {
  const memory = report.remembered.find((entry) => entry.id === id);
  if (!memory) return id;
  const label = memory.label ? `"${memory.label}"` : 'a key';
  const where = memory.serverUrl ? ` on ${memory.serverUrl}` : '';
  return printable(`${id}  (${label}${where}, says ${memory.file})`);
}

function printRepaired(
  context: CliContext,
  repaired: NonNullable<ReconcileReport['repaired']>,
): void {
  const { removedSecrets, removedRecords } = repaired;
  if (removedSecrets.length === 0 && removedRecords.length === 0) {
    return say(context, 'Nothing needed repair; nothing was deleted.');
  }
  say(
    context,
    `Deleted ${removedSecrets.length} keychain entr` +
      `${removedSecrets.length === 1 ? 'y' : 'ies'} and ` +
      `${removedRecords.length} key record` +
      `${removedRecords.length === 1 ? '' : 's'}.`,
  );
}
