import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  commandOutputFile,
  folderLeaksFile,
  SECRETS_FILE_VARIABLE,
} from '../support/secrets';
import {
  readRecordedHits,
  readRegistry,
  runFolders,
  scanFile,
  scanFolder,
  scanProcessArgs,
  type ArgvMemory,
  type HygieneHit,
  type RegisteredSecret,
} from './support/hygiene-scan';

/**
 * Run-wide secret hygiene, wired into vitest as a global setup: it creates
 * the registry every test helper appends its secrets to, watches the command
 * lines of all processes while the suites run, and at the end scans every
 * data folder, log, report and captured output the run left in the temp
 * folder. Data folders the suites deleted were scanned just before, by
 * test/support/data-folder.ts, which recorded its hits for this check. Any
 * secret found fails the run, naming where and what kind.
 *
 * LIMITATION: command lines are sampled every 100 ms, so a child that lives
 * for less than that can escape the argv check; children the suites start
 * through the CLI helpers pass secrets on stdin anyway.
 */

/** Temp-folder prefixes of what this project's tests leave behind. */
const RUN_PREFIXES = ['btcpay-keys-'];
/** Never scanned: the encrypted keyring and the registry itself. */
const SKIPPED_PREFIXES = ['btcpay-keys-keyring.', 'btcpay-keys-hygiene-'];
const ARGV_SAMPLE_MS = 100;

export default function setup(): () => Promise<void> {
  const started = Date.now() - 1_000;
  const registryFolder = mkdtempSync(
    path.join(os.tmpdir(), 'btcpay-keys-hygiene-'),
  );
  const registry = path.join(registryFolder, 'secrets.jsonl');
  writeFileSync(registry, '', { mode: 0o600 });
  // Workers and the children they start inherit this.
  process.env[SECRETS_FILE_VARIABLE] = registry;

  // The registry is re-read only when it grew.
  let known: { size: number; secrets: RegisteredSecret[] } = {
    size: 0,
    secrets: [],
  };
  const currentSecrets = (): RegisteredSecret[] => {
    const size = statSync(registry, { throwIfNoEntry: false })?.size ?? 0;
    if (size !== known.size) known = { size, secrets: readRegistry(registry) };
    return known.secrets;
  };
  const argvHits: HygieneHit[] = [];
  const memory: ArgvMemory = new Map();
  const sampler = setInterval(() => {
    argvHits.push(...scanProcessArgs(currentSecrets(), process.pid, memory));
  }, ARGV_SAMPLE_MS);
  sampler.unref();

  return async () => {
    clearInterval(sampler);
    const secrets = readRegistry(registry);
    const hits = [...argvHits, ...scanProcessArgs(secrets)];
    const folders = runFolders(os.tmpdir(), RUN_PREFIXES, started).filter(
      (folder) =>
        !SKIPPED_PREFIXES.some((prefix) =>
          path.basename(folder).startsWith(prefix),
        ),
    );
    for (const folder of folders) {
      hits.push(...(await scanFolder(folder, secrets, started)));
    }
    // Output of every CLI run through test/cli/run-cli.ts, reveals excepted.
    hits.push(...(await scanFile(commandOutputFile(registry), secrets)));
    // What the data-folder cleanups found before deleting their folders.
    hits.push(...readRecordedHits(folderLeaksFile(registry)));
    rmSync(registryFolder, { recursive: true, force: true });
    delete process.env[SECRETS_FILE_VARIABLE];
    console.log(
      `secret hygiene: ${secrets.length} secrets checked in ` +
        `${folders.length} run folders, command output and every process's argv`,
    );
    if (hits.length > 0) {
      // vitest reports a teardown error but keeps exit code 0 on its own.
      process.exitCode = 1;
      const unique = [...new Set(hits.map((h) => `${h.kind} in ${h.where}`))];
      throw new Error(
        `A secret created by this test run leaked:\n  ${unique.join('\n  ')}`,
      );
    }
  };
}
