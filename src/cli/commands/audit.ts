import { Option } from 'commander';
import writeFileAtomic from 'write-file-atomic';
import {
  AuditConfigError,
  AuditMetadataError,
  atOrAbove,
  auditReportJsonSchema,
  loadAuditInputs,
  renderCsvReport,
  renderJsonReport,
  renderMarkdownReport,
  renderTerminalReport,
  runAudit,
  SEVERITIES,
  type AuditReport,
  type Severity,
} from '../../audit';
import type { SecretStore } from '../../vault/secret-store';
import { ExitCode, type CliContext, type RegisterCommands } from '../context';
import { CommandFailure } from '../failure';
import { note } from '../output';

/** The options `btcpay-keys audit` takes. */
export interface AuditCommandOptions {
  json?: boolean;
  csv?: boolean;
  md?: boolean;
  out?: string;
  failOn?: Severity;
  keychain?: boolean;
  schema?: boolean;
}

/** `btcpay-keys audit`: the offline audit, for people and scheduled checks. */
export const registerAuditCommand: RegisterCommands = (program, context) => {
  program
    .command('audit')
    .description(
      'Audit the stored keys offline: no network, and no keychain unless ' +
        '--keychain. Prints findings, a summary and the key inventory.',
    )
    .addOption(
      new Option('--json', 'write the report as JSON').conflicts(['csv', 'md']),
    )
    .addOption(new Option('--csv', 'write the report as CSV').conflicts('md'))
    .option('--md', 'write the report as Markdown')
    .option('--out <file>', 'write the report to a file instead of stdout')
    .addOption(
      new Option(
        '--fail-on <severity>',
        `exit with code ${ExitCode.findings} when a finding is at or above ` +
          'this severity',
      ).choices(SEVERITIES),
    )
    .option(
      '--keychain',
      'also list keychain entries (names only) to find missing or ' +
        'leftover secrets',
    )
    .option(
      '--schema',
      'print the JSON Schema of the --json report and exit, without auditing',
    )
    .action(async (options: AuditCommandOptions) => {
      if (options.schema) {
        await writeSchema(options, context);
        return;
      }
      await runAuditCommand(options, context);
    });
};

/**
 * Runs the audit and writes the report. Throws a `CommandFailure` with
 * `ExitCode.findings` when `failOn` is reached, after the report is out.
 */
export async function runAuditCommand(
  options: AuditCommandOptions,
  context: CliContext,
  secretStore?: SecretStore,
): Promise<AuditReport> {
  const report = runAudit(await loadInputs(options, context, secretStore));
  context.logger.info(
    {
      findings: report.findings.length,
      keychain: options.keychain === true,
    },
    'audit',
  );

  const text = render(report, options, context.color && !options.out);
  if (options.out) {
    await writeFileAtomic(options.out, text, { mode: 0o600 });
    note(context, `Wrote the audit report to ${options.out}.`);
  } else {
    context.stdout.write(text);
  }

  const threshold = options.failOn;
  if (threshold !== undefined) {
    const reached = report.findings.filter((f) =>
      atOrAbove(f.severity, threshold),
    ).length;
    if (reached > 0) {
      throw new CommandFailure(
        ExitCode.findings,
        `${reached} finding${reached === 1 ? '' : 's'} at or above ` +
          `"${threshold}".`,
        'Each finding in the report says how to fix it.',
      );
    }
  }
  return report;
}

/** Writes the report's JSON Schema, to stdout or `--out`. */
async function writeSchema(
  options: AuditCommandOptions,
  context: CliContext,
): Promise<void> {
  const text = `${JSON.stringify(auditReportJsonSchema(), null, 2)}\n`;
  if (options.out) {
    await writeFileAtomic(options.out, text, { mode: 0o644 });
    note(context, `Wrote the audit report schema to ${options.out}.`);
  } else {
    context.stdout.write(text);
  }
}

async function loadInputs(
  options: AuditCommandOptions,
  context: CliContext,
  secretStore: SecretStore | undefined,
): ReturnType<typeof loadAuditInputs> {
  try {
    return await loadAuditInputs(context.home, {
      keychain: options.keychain === true,
      ...(secretStore === undefined ? {} : { secretStore }),
    });
  } catch (error) {
    if (error instanceof AuditConfigError) {
      throw new CommandFailure(ExitCode.usage, error.message);
    }
    if (error instanceof AuditMetadataError) {
      throw new CommandFailure(ExitCode.failure, error.message);
    }
    throw error;
  }
}

function render(
  report: AuditReport,
  options: AuditCommandOptions,
  color: boolean,
): string {
  if (options.json) return renderJsonReport(report);
  if (options.csv) return renderCsvReport(report);
  if (options.md) return renderMarkdownReport(report);
  return renderTerminalReport(report, { color });
}
