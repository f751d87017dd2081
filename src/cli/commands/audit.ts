import { Option } from 'commander';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import {
  AuditConfigError,
  atOrAbove,
  auditReportJsonSchema,
  loadAuditInputs,
  renderCsvReport,
  renderJsonReport,
  renderMarkdownReport,
  renderTerminalReport,
  runAudit,
  SEVERITIES,
  type AuditInputs,
  type AuditReport,
  type Severity,
} from '../../audit';
import {
  MetadataError,
  readMetadata as readVaultMetadata,
} from '../../vault/metadata-store';
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
      if (options.out?.trim() === '') {
        // Falsy, it would silently mean stdout: a script's unset variable.
        throw new CommandFailure(
          ExitCode.usage,
          '--out was given an empty file name, so there is nowhere to ' +
            'write the report; nothing was audited.',
          'Name the report file after --out, or leave --out out to print ' +
            'the report on stdout.',
        );
      }
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
  if (options.out) await checkWritable(options.out);
  const { inputs, setAside } = await loadInputs(options, context, secretStore);
  const report = runAudit(inputs);
  context.logger.info(
    {
      findings: report.findings.length,
      keychain: options.keychain === true,
    },
    'audit',
  );

  const text = render(report, options, context.color && !options.out);
  if (options.out) {
    await writeOutFile(options.out, text, 0o600);
    note(context, `Wrote the audit report to ${options.out}.`);
  } else {
    context.stdout.write(text);
  }
  // After the report, which names the set-aside file: exit 10 like every
  // other command that found the metadata damaged.
  if (setAside) throw setAside;

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
    await writeOutFile(options.out, text, 0o644);
    note(context, `Wrote the audit report schema to ${options.out}.`);
  } else {
    context.stdout.write(text);
  }
}

/** What the audit reads, and the metadata error it set a damaged file aside with. */
interface LoadedInputs {
  inputs: AuditInputs;
  setAside: MetadataError | null;
}

/**
 * Reads the audit's inputs. A damaged metadata file is set aside by the
 * vault's own reader, as by every other command, and the audit then runs
 * on what is left, so its report names the set-aside file.
 */
async function loadInputs(
  options: AuditCommandOptions,
  context: CliContext,
  secretStore: SecretStore | undefined,
): Promise<LoadedInputs> {
  const load = () =>
    loadAuditInputs(context.home, {
      keychain: options.keychain === true,
      ...(secretStore === undefined ? {} : { secretStore }),
    });
  try {
    return { inputs: await load(), setAside: null };
  } catch (error) {
    if (error instanceof AuditConfigError) {
      throw new CommandFailure(ExitCode.usage, error.message);
    }
    // A file that is not set aside (a folder, unreadable, from a newer
    // version) leaves nothing to audit: its error says what to do.
    if (!(error instanceof MetadataError) || !error.setsAside) throw error;
  }
  const setAside = await readVaultMetadata(context.home).then(
    () => null,
    (error: unknown) => {
      // A file left in place (from a newer version, say) leaves nothing to
      // audit: the error says what to do.
      if (!(error instanceof MetadataError) || error.setAsideAs === null) {
        throw error;
      }
      return error;
    },
  );
  return { inputs: await load(), setAside };
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

/** Why a path cannot take the report, and what to do instead. */
const UNWRITABLE: Record<
  string,
  { reason: string; next: (file: string) => string }
> = {
  ENOENT: {
    reason: 'its folder does not exist',
    next: () => 'Create the folder first, or name a file in an existing one.',
  },
  ENOTDIR: {
    reason: 'a part of the path is a file, not a folder',
    next: () => 'Name a file whose folders all exist.',
  },
  EISDIR: {
    reason: 'it is a folder',
    next: (file) =>
      `Name a file in it, such as ${path.join(file, 'audit.md')}.`,
  },
  EACCES: {
    reason: 'you may not write there',
    next: () => 'Name a file in a folder you can write to.',
  },
  EPERM: {
    reason: 'the system does not allow writing there',
    next: () => 'Name a file in a folder you can write to.',
  },
  EROFS: {
    reason: 'it is on a read-only file system',
    next: () => 'Name a file on a disk you can write to.',
  },
};

function unwritable(file: string, code: string): CommandFailure {
  const known = UNWRITABLE[code];
  return new CommandFailure(
    ExitCode.usage,
    `Cannot write the report to ${file}: ` +
      `${known?.reason ?? `the system refused (${code})`}. Nothing was written.`,
    known?.next(file) ?? 'Give --out another file.',
  );
}

/**
 * Refuses an --out path that names a folder or lies in a missing one before
 * anything is audited, so a long audit is not spent on a report that cannot
 * be written. `writeOutFile` names the same failures when they come later.
 */
async function checkWritable(file: string): Promise<void> {
  const target = await stat(file).catch(() => null);
  if (target?.isDirectory()) throw unwritable(file, 'EISDIR');
  if (target !== null) return;

  const folder = await stat(path.dirname(path.resolve(file))).catch(
    (error: NodeJS.ErrnoException) => error.code ?? 'ENOENT',
  );
  if (typeof folder === 'string') throw unwritable(file, folder);
  if (!folder.isDirectory()) throw unwritable(file, 'ENOTDIR');
}

/** Writes a report file atomically; a path it cannot write is bad usage. */
async function writeOutFile(
  file: string,
  text: string,
  mode: number,
): Promise<void> {
  try {
    await writeFileAtomic(file, text, { mode });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === undefined || !(code in UNWRITABLE)) throw error;
    throw unwritable(file, code);
  }
}
