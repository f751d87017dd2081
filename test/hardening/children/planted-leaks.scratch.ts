import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { removeDataFolder } from '../../support/data-folder';
import { recordCommandOutput, recordTestSecret } from '../../support/secrets';

// Run only through hygiene-run.config.ts, in a scratch temp folder. With
// HYGIENE_PLANT=leaks it puts a registered secret in each place the
// end-of-run check watches; otherwise it registers the same secrets and puts
// harmless text there instead, plus the leaks that are allowed on purpose.

const planting = process.env['HYGIENE_PLANT'] === 'leaks';

/** A registered secret for `place`, or, in a clean run, harmless text. */
function contentFor(place: string): string {
  const secret = recordTestSecret(
    `planted-${place}-${randomBytes(12).toString('hex')}`,
    `planted ${place}`,
  );
  return planting ? secret : `nothing secret about the ${place}`;
}

async function runFolder(name: string): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), `btcpay-keys-${name}-`));
}

it('puts text where the hygiene check looks', async () => {
  const data = await runFolder('planted-data');
  await writeFile(path.join(data, 'metadata.json'), contentFor('data-folder'));
  await removeDataFolder(data);

  const logs = await runFolder('planted-logs');
  const log = path.join(logs, 'btcpay-keys.log');
  await writeFile(log, contentFor('log'));
  const reports = await runFolder('planted-reports');
  await writeFile(path.join(reports, 'audit.md'), contentFor('report'));

  recordCommandOutput(['key', 'list'], contentFor('command-output'));

  // Still running at teardown, so the last argv scan sees it for sure; the
  // test that started this run kills it.
  const sleeper = spawn(
    process.execPath,
    ['-e', 'setTimeout(() => {}, 60000)', contentFor('argv')],
    { stdio: 'ignore' },
  );
  sleeper.unref();
  console.log(`planted argv pid ${sleeper.pid}`);

  // Allowed on purpose: a key the user asked to see, and a folder the user
  // asked to copy a key into, deleted without the data-folder scan.
  const revealed = recordTestSecret(
    `revealed-${randomBytes(12).toString('hex')}`,
  );
  recordCommandOutput(['key', 'reveal', 'k_1', '--yes'], revealed);
  const clipboard = await runFolder('planted-clipboard');
  await writeFile(path.join(clipboard, 'kept.clip'), revealed);
  await rm(clipboard, { recursive: true });

  expect(existsSync(log)).toBe(true);
});
