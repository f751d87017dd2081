import type { ReconcileReport } from '../../vault';
import type { CliContext, RegisterCommands } from '../context';
import { paint, printJson, say } from '../output';
import { confirmAction } from '../prompt';
import { openCliVault } from '../vault';

/**
 * `btcpay-keys reconcile`: keychain entries without metadata and metadata
 * without a secret, listed, and repaired on request.
 */
export const registerReconcileCommand: RegisterCommands = (
  program,
  context,
) => {
  program
    .command('reconcile')
    .description(
      'Compare the keychain with the metadata: list keychain entries no key ' +
        'record names and keys whose secret is missing; --repair deletes both.',
    )
    .option('--repair', 'delete what does not match (asks first on a terminal)')
    .option('-y, --yes', 'confirm the repair without asking')
    .option('--json', 'print the report as JSON')
    .action(
      async (options: { repair?: boolean; yes?: boolean; json?: boolean }) => {
        const vault = await openCliVault(context);
        if (options.repair) {
          await confirmAction(
            context,
            options,
            'Delete orphaned keychain entries and key records without a secret?',
          );
        }
        const report = await vault.reconcile({
          repair: Boolean(options.repair),
        });
        context.logger.info(
          {
            repair: Boolean(options.repair),
            orphanedSecrets: report.secretsWithoutMetadata.length,
            missingSecrets: report.metadataWithoutSecret.length,
          },
          'reconcile',
        );
        if (options.json) return printJson(context, report);
        printReport(context, report);
      },
    );
};

function printReport(context: CliContext, report: ReconcileReport): void {
  const orphaned = report.secretsWithoutMetadata;
  const missing = report.metadataWithoutSecret;
  if (orphaned.length === 0 && missing.length === 0) {
    return say(
      context,
      paint(context, 'green', 'The keychain and the metadata agree.'),
    );
  }
  if (orphaned.length > 0) {
    say(
      context,
      `Keychain entries without a key record: ${orphaned.join(', ')}`,
    );
  }
  if (missing.length > 0) {
    say(
      context,
      `Keys whose secret is missing from the keychain: ${missing.join(', ')}`,
    );
  }
  if (report.repaired) {
    const { removedSecrets, removedRecords } = report.repaired;
    say(
      context,
      `Repaired: deleted ${removedSecrets.length} keychain entr` +
        `${removedSecrets.length === 1 ? 'y' : 'ies'} and ` +
        `${removedRecords.length} key record(s).`,
    );
  } else {
    say(context, 'Run `btcpay-keys reconcile --repair` to delete them.');
  }
}
